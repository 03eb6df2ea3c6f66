"""Consistency of a store and its index, and the repair of damaged lines.

`check_store` reads records.jsonl line by line and compares it with the index.
With `repair=True` (under the store lock) it moves damaged lines to
`quarantine.jsonl` (never discarding them), rewrites records.jsonl atomically
with one line per id, and rebuilds the index.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .folder import QUARANTINE, Store, read_line
from .index import Index, index_damage, usable_index

__all__ = ["QUARANTINE", "Report", "check_store"]


@dataclass
class Report:
    lines: int = 0
    records: int = 0
    ids: int = 0
    superseded: int = 0
    damaged: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)
    torn_tail: bool = False
    index_state: str = "fresh"
    index_count: int = 0
    missing_from_index: list[str] = field(default_factory=list)
    unknown_in_index: list[str] = field(default_factory=list)
    repaired: bool = False
    quarantined: int = 0

    @property
    def ok(self) -> bool:
        return not (
            self.damaged
            or self.torn_tail
            or self.index_state != "fresh"
            or self.missing_from_index
            or self.unknown_in_index
        )


def check_store(store: Store, repair: bool = False) -> Report:
    report = Report()
    damage = index_damage(store)
    if damage and not repair:
        report.index_state = f"damaged ({damage})"
        _scan(store, None, report)
        return report
    index = usable_index(store) if damage else Index(store)
    try:
        if repair:
            with store.locked():
                _scan(store, index, report)
                if not report.ok:
                    _repair(store, index, report)
        else:
            _scan(store, index, report)
    finally:
        index.close()
    return report


def _scan(store: Store, index: Index | None, report: Report) -> None:
    latest: dict[str, int] = {}
    with open(store.records_path, "rb") as handle:
        for number, line in enumerate(handle, 1):
            report.lines = number
            if not line.endswith(b"\n"):
                report.torn_tail = True
                break
            record, why = read_line(line)
            if record is None:
                report.damaged.append((number, why or ""))
                continue
            report.records += 1
            if record["id"] in latest:
                report.superseded += 1
            latest[record["id"]] = number
    report.ids = len(latest)
    if index is None:
        return
    report.index_state = index.state()
    indexed = {row[0] for row in index.db.execute("SELECT id FROM records")}
    report.index_count = len(indexed)
    report.missing_from_index = sorted(set(latest) - indexed)[:20]
    report.unknown_in_index = sorted(indexed - set(latest))[:20]


def _repair(store: Store, index: Index, report: Report) -> None:
    path = store.records_path
    keep: dict[str, bytes] = {}
    order: list[str] = []
    quarantine = []
    offset = 0
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, 1):
            record, why = read_line(line) if line.endswith(b"\n") else (None, "incomplete last line (torn write)")
            if why:
                quarantine.append(
                    {"offset": offset, "line": number, "reason": why, "text": line.decode("utf-8", "replace")}
                )
            offset += len(line)
            if record is None:
                continue
            if record["id"] not in keep:
                order.append(record["id"])
            keep[record["id"]] = line
    store.quarantine(quarantine)
    store.rewrite(keep[cable_id] for cable_id in order)
    index.rebuild()
    report.repaired = True
    report.quarantined = len(quarantine)
