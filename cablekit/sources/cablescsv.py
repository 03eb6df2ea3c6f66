"""Rows of the original cables.csv (format "csv"): eight quoted columns a cable.

Row number, created (`M/D/YYYY H:MM`), reference id, origin (prose),
classification, references (`|`-separated), header, body. Quotes inside a
field are backslash-escaped, never doubled. A file is streamed row by row,
never loaded whole: the original is 1.7 GB.
"""

from __future__ import annotations

import csv
import io
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


_DIALECT = {"escapechar": "\\", "doublequote": False}


def rows(lines: TextIO) -> Iterator[tuple[int, list[str] | None, str | None]]:
    """(position, row, None) for every row, or (position, None, error) for one that
    cannot be read; blank rows are passed over."""
    # `aa` starts with a stray quote line before the first record.
    first = lines.readline()
    while first and not first.strip():
        first = lines.readline()
    if first.strip() == '"':
        first = ""
    reader = csv.reader(_chain(first, lines), strict=False, **_DIALECT)  # type: ignore[arg-type]
    position = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            position += 1
            yield position, None, f"CSV row {position} unreadable: {exc}"
            continue
        if not row or not any(cell.strip() for cell in row):
            continue
        position += 1
        yield position, row, None


def stream(lines: TextIO) -> Iterator[Document]:
    """cables.csv rows, one Document each, read as a stream (never the whole file)."""
    for position, row, error in rows(lines):
        if row is None:
            yield Document("", "csv", {}, position, error=error)
        else:
            yield row_document(row, "csv", position)


def item(path: str, position: int) -> str | None:
    """Row *position* of a cables.csv file, written as the file writes rows."""
    with open(path, encoding="utf-8", errors="replace", newline="") as lines:
        for number, row, _ in rows(lines):
            if number == position and row is not None:
                out = io.StringIO()
                csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n", **_DIALECT).writerow(row)  # type: ignore[arg-type]
                return out.getvalue().rstrip("\n")
    return None


def _chain(first: str, rest: Iterable[str]) -> Iterator[str]:
    if first:
        yield first
    yield from rest
