"""Human output: rich rendering for a person at a terminal.

Cable text is untrusted: it is passed to rich only as Text objects (never as
markup) and control characters are stripped first.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

from rich.console import Console
from rich.text import Text

from ..record import level_of, short_class
from ..sources.decode import strip_controls


def console(stderr: bool = False) -> Console:
    """A console that colours only a terminal and honours NO_COLOR."""
    stream = sys.stderr if stderr else sys.stdout
    return Console(
        file=stream, no_color=bool(os.environ.get("NO_COLOR")), highlight=False, soft_wrap=not stream.isatty()
    )


def safe(text: str | None) -> str:
    return strip_controls(text or "")


def class_style(classification: str | None) -> str:
    level = level_of(classification)
    return level.style if level else ""


def progress_bar(label: str, unit: str, extra: str | None = None):
    """A progress bar on stderr: done/total, items per second, time left, and *extra*
    (a column template over the task's fields)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn

    class Rate(ProgressColumn):
        def render(self, task) -> Text:
            return Text(f"{task.speed:,.0f} {unit}/s" if task.speed else "", style="dim")

    columns = [TextColumn(label), BarColumn(), MofNCompleteColumn(), Rate(), TimeRemainingColumn()]
    if extra:
        columns.append(TextColumn(extra, style="dim"))
    # stdout carries records: the bar must never take it over (rich redirects it by default).
    return Progress(*columns, console=console(stderr=True), transient=True, redirect_stdout=False)


def _highlight(snippet: str) -> Text:
    """An FTS snippet with \\x02...\\x03 around matches, as a Text with the matches styled."""
    text = Text(style="dim")
    bold = False
    for part in snippet.replace("\x03", "\x02").split("\x02"):
        if part:
            text.append(safe(part.replace("\n", " ")), style="bold reverse" if bold else None)
        bold = not bold
    return text


def search_table(rows: list[dict], out: Console) -> None:
    """The hits as a table that fits the terminal: short class labels, the subject (and
    the matching passage under it) given the room that is left."""
    from rich.table import Table

    # The id names the station: under 100 columns the origin column gives its room to the subject.
    wide = out.width >= 100
    table = Table(show_lines=False, pad_edge=False, expand=True, box=None, header_style="bold")
    table.add_column("id", no_wrap=True)
    table.add_column("date", no_wrap=True, width=10)
    table.add_column("class", no_wrap=True)
    if wide:
        table.add_column("origin", overflow="ellipsis", no_wrap=True, max_width=14)
    table.add_column("subject", ratio=1, overflow="fold")
    for row in rows:
        subject = Text(safe(row["subject"] or ""), style="bold")
        if row.get("snippet"):
            subject.append("\n")
            subject.append_text(_highlight(row["snippet"]))
        cls = row["classification"] or ""
        cells = [Text(safe(row["id"])), Text((row["date"] or "")[:10]), Text(short_class(cls), style=class_style(cls))]
        if wide:
            cells.append(Text(safe(row["origin"] or "")))
        table.add_row(*cells, subject)
    out.print(table)


def search_lines(rows: list[dict]) -> list[str]:
    """The hits for a pipe: one line each, tab-separated id, date, class, origin, subject."""
    return [
        "\t".join(
            " ".join(safe(str(value or "")).split())
            for value in (
                row["id"],
                (row["date"] or "")[:10],
                short_class(row["classification"]),
                row["origin"],
                row["subject"],
            )
        )
        for row in rows
    ]


def _addressees(items: list[dict]) -> str:
    return "\n".join(" ".join(x for x in (a.get("name"), a.get("precedence")) if x) for a in items)


@contextlib.contextmanager
def paged(out: Console, enabled: bool = True) -> Iterator[None]:
    """Page what is printed inside when stdout is a terminal: $PAGER, else less with
    colours kept and short output printed straight, as git does."""
    if not (enabled and out.is_terminal):
        yield
        return
    os.environ.setdefault("LESS", "FRX")
    with out.pager(styles=True):
        yield


def _marked(text: str, words: list[str], style: str | None = None) -> Text:
    """Untrusted text as a Text, with each of *words* (any case) marked."""
    shown = Text(safe(text), style=style or "")
    for word in words:
        shown.highlight_words([word], style="bold reverse", case_sensitive=False)
    return shown


def show_record(record: dict, out: Console, highlight: list[str] | None = None) -> None:
    """Header panel, then the numbered paragraphs with their markings, then the signer,
    then the parser's warnings. *highlight*: words to mark."""
    from rich.panel import Panel
    from rich.table import Table

    words = highlight or []
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    header = record.get("header") or {}
    cls = record.get("classification") or ""
    eo = record.get("eo") or {}
    cb = record.get("classified_by") or {}
    refs = "\n".join(
        f"{r['label'] + '. ' if r.get('label') else ''}{r['text']}" + (f"  [{r['id']}]" if r.get("id") else "")
        for r in record.get("references") or []
    )
    rows = [
        ("ID", record.get("id")),
        ("Date", record.get("date")),
        ("Classification", Text(safe(cls), style=class_style(cls)) if cls else None),
        ("From", header.get("from") or record.get("origin")),
        ("To", _addressees(header.get("to") or [])),
        ("Info", _addressees(header.get("info") or [])),
        ("Tags", " ".join(record.get("tags") or [])),
        ("Subject", _marked(record["subject"], words) if record.get("subject") else None),
        ("References", refs),
        ("Classified by", cb.get("text")),
        ("E.O.", f"{eo.get('order') or ''} {eo.get('text') or ''}".strip() if eo else None),
    ]
    for label, value in rows:
        if value:
            grid.add_row(label, value if isinstance(value, Text) else Text(safe(str(value))))
    out.print(Panel(grid, title=Text(safe(record.get("id") or "")), title_align="left"))
    for p in record.get("paragraphs") or []:
        line = Text()
        if p.get("number") is not None:
            line.append(f"{p['number']}. ", style="bold")
        if p.get("marking"):
            line.append(f"({safe(p['marking'])}) ", style="dim")
        line.append_text(_marked(p.get("text") or "", words))
        out.print(line)
        out.print()
    if record.get("signers"):
        out.print(Text(safe(" / ".join(record["signers"])), style="bold"))
    if record.get("warnings"):
        out.print()
        out.print(Text("The parser's warnings about this cable:", style="dim bold"))
        for warning in record["warnings"]:
            out.print(Text(f"  - {safe(warning)}", style="dim"))
