"""alx text files (format "alx"): five metadata lines, then the body.

The lines are the id, the subject, a date (`Wed Dec 04 00:00:00 +0100 2002`,
midnight local time: only the day is meant), the classification and the origin.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .document import Document

_ID_LINE = re.compile(r"^\d{2,4}[A-Z]+\d+(?:_[a-z])?$")
_DATE_LINE = re.compile(r"^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} [+-]\d{4} \d{4}$")


def sniff(start: str, lower: str) -> bool:
    lines = start.split("\n", 8)[:8]
    return len(lines) >= 5 and bool(_ID_LINE.match(lines[0].strip())) and bool(_DATE_LINE.match(lines[2].strip()))


def read(text: str) -> Iterator[Document]:
    lines = text.split("\n")
    ref_id, subject, created, classification, origin = (line.strip() for line in (lines + [""] * 5)[:5])
    meta = {
        "id": ref_id,
        "subject": subject or None,
        "date": created,
        "classification": classification,
        "origin": origin,
        "date_precision": "day",
    }
    yield Document("\n".join(lines[5:]), "alx", {k: v for k, v in meta.items() if v})
