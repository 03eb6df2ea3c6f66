"""Human output: rich rendering for a person at a terminal.

Cable text is untrusted: it is passed to rich only as Text objects (never as
markup) and control characters are stripped first.
"""

from __future__ import annotations

import os
import sys

from rich.console import Console
from rich.text import Text

from .cleanup import strip_controls

_CLASS_STYLE = {
    "TOP SECRET": "bold magenta",
    "SECRET": "bold red",
    "CONFIDENTIAL": "yellow",
    "LIMITED OFFICIAL USE": "cyan",
    "UNCLASSIFIED": "green",
}


def console(stderr: bool = False) -> Console:
    """A console that colours only a terminal and honours NO_COLOR."""
    stream = sys.stderr if stderr else sys.stdout
    return Console(file=stream, no_color=bool(os.environ.get("NO_COLOR")), highlight=False,
                   soft_wrap=not stream.isatty())


def safe(text: str | None) -> str:
    return strip_controls(text or "")


def class_style(classification: str | None) -> str:
    base = (classification or "").split("//")[0]
    return _CLASS_STYLE.get(base, "")


def summary_line(record: dict, out: Console | None = None) -> None:
    """One line per parsed cable: id, date, classification, subject, warnings."""
    out = out or console()
    line = Text()
    line.append(safe(record["id"]), style="bold")
    line.append("  ")
    line.append((record["date"] or "????-??-??")[:10])
    line.append("  ")
    line.append(safe(record["classification"] or "?"), style=class_style(record["classification"]))
    line.append("  ")
    line.append(safe(record["subject"] or "(no subject)"))
    if record["warnings"]:
        line.append(f"  [{len(record['warnings'])} warning(s)]", style="dim")
    out.print(line)
