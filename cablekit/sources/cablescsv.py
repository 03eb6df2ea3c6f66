"""Rows of the original cables.csv (format "csv"): eight quoted columns a cable.

Row number, created (`M/D/YYYY H:MM`), reference id, origin (prose),
classification, references (`|`-separated), header, body. Quotes inside a
field are backslash-escaped, never doubled. A file is streamed row by row,
never loaded whole: the original is 1.7 GB.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from typing import TextIO

from .document import Document, without_empty

_ROW = re.compile(r'^"?\d+"?,"?\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}"?,')


def sniff(start: str, lower: str) -> bool:
    return any(_ROW.match(line) for line in start.split("\n", 8)[:3])


def row_document(row: list[str], fmt: str, position: int | None) -> Document:
    """A cables.csv-style row (also the rows inside fragments) as a Document."""
    if len(row) < 8:
        return Document("", fmt, {}, position, error=f"CSV row with {len(row)} fields, expected 8")
    _, created, ref_id, origin, classification, references, header, body = row[:8]
    refs = [r.strip() for r in re.split(r"[|,]", references) if r.strip()]
    meta = {
        "id": ref_id.strip(),
        "date": created.strip(),
        "classification": classification.strip(),
        "origin": origin.strip(),
        "references": refs,
        "date_precision": "minute",
    }
    text = header.rstrip() + "\n\n" + body if header.strip() else body
    return Document(text, fmt, without_empty(meta), position)


def stream(lines: TextIO) -> Iterator[Document]:
    """cables.csv rows, one Document each, read as a stream (never the whole file)."""
    # `aa` starts with a stray quote line before the first record.
    first = lines.readline()
    while first and not first.strip():
        first = lines.readline()
    if first.strip() == '"':
        first = ""
    reader = csv.reader(_chain(first, lines), escapechar="\\", doublequote=False, strict=False)
    position = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            position += 1
            yield Document("", "csv", {}, position, error=f"CSV row {position} unreadable: {exc}")
            continue
        if not row or not any(cell.strip() for cell in row):
            continue
        position += 1
        yield row_document(row, "csv", position)


def _chain(first: str, rest: Iterable[str]) -> Iterator[str]:
    if first:
        yield first
    yield from rest
