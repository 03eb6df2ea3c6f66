"""Records out of the store: as JSON lines, or as flat CSV rows for spreadsheets."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, Protocol

from ..record import dumps


class Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


FORMATS = ("jsonl", "csv")
GRAPH_FORMATS = ("graphml", "dot", "edges")  # written by store.graph
CSV_COLUMNS = (
    "id",
    "date",
    "classification",
    "origin",
    "serial",
    "caveats",
    "tags",
    "subject",
    "references",
    "classified_by",
    "signers",
    "summary",
    "partial",
    "source",
    "text",
)


def csv_row(record: dict[str, Any]) -> list[Any]:
    """A record as flat CSV values: lists joined with |, references by id (or text),
    Classified By by name, the source by path."""
    refs = [r["id"] or r["text"] for r in record.get("references") or []]
    cb = record.get("classified_by") or {}
    values = {
        "caveats": "|".join(record.get("caveats") or []),
        "tags": "|".join(record.get("tags") or []),
        "references": "|".join(refs),
        "classified_by": cb.get("name") or "",
        "signers": "|".join(record.get("signers") or []),
        "source": (record.get("source") or {}).get("path") or "",
    }
    return [values[c] if c in values else ("" if record.get(c) is None else record.get(c)) for c in CSV_COLUMNS]


def write_records(records: Iterable[dict[str, Any]], out: Writable, fmt: str = "jsonl") -> int:
    """Write *records* to *out* in *fmt* (jsonl or csv, with a header row); return how many."""
    count = 0
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for record in records:
            writer.writerow(csv_row(record))
            count += 1
    else:
        for record in records:
            out.write(dumps(record) + "\n")
            count += 1
    return count
