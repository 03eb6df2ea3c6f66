"""Consistency of a store and its index, and the repair of damaged lines.

`check_store` reads records.jsonl line by line and compares it with the index.
Besides lines that are not records, it finds records that are no cable (a
README stored by an older version) and degraded records: one of their
other_sources was read more completely than the record itself.

With `repair=True` (under the store lock) it moves damaged lines and
non-cables to `quarantine.jsonl` (never discarding them), reads a degraded
record's richer source again where that file is unchanged, rewrites
records.jsonl atomically with one line per id, and rebuilds the index.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..record import completeness, encode, is_cable, rank, source_key
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
    not_cables: list[tuple[int, str]] = field(default_factory=list)  # (line number, id)
    degraded: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (id, the richer source)
    repaired: bool = False
    quarantined: int = 0
    reread: int = 0  # degraded records replaced by their richer source's reading

    @property
    def ok(self) -> bool:
        return not (
            self.damaged
            or self.not_cables
            or self.degraded
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


def richer_source(record: Mapping[str, Any]) -> dict[str, Any] | None:
    """The other source whose reading was more complete than the record, if any."""
    best = max(record.get("other_sources") or [], key=lambda s: rank(s, s.get("score", 0)), default=None)
    if best is None or rank(best, best.get("score", 0)) <= rank(record["source"], completeness(record)):
        return None
    return best


def _problem(record: Mapping[str, Any], number: int) -> tuple[str, Any] | None:
    if not is_cable(record):
        return ("not a cable", number)
    if record.get("other_sources") and (better := richer_source(record)):
        return ("degraded", better)
    return None


def _scan(store: Store, index: Index | None, report: Report) -> None:
    latest: dict[str, int] = {}
    problems: dict[str, tuple[str, Any] | None] = {}
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
            problems[record["id"]] = _problem(record, number)
    report.ids = len(latest)
    for cable_id, problem in problems.items():
        if problem and problem[0] == "not a cable":
            report.not_cables.append((problem[1], cable_id))
        elif problem:
            report.degraded.append((cable_id, problem[1]))
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
            if not is_cable(record):
                quarantine.append(
                    {"offset": offset - len(line), "line": number, "reason": "not a cable", "text": line.decode()}
                )
                continue
            if record["id"] not in keep:
                order.append(record["id"])
            keep[record["id"]] = line
    for cable_id, _ in report.degraded:
        if cable_id in keep and (fresh := _reread(keep[cable_id])):
            keep[cable_id] = fresh
            report.reread += 1
    store.quarantine(quarantine)
    store.rewrite(keep[cable_id] for cable_id in order)
    index.rebuild()
    report.repaired = True
    report.quarantined = len(quarantine)


def _reread(line: bytes) -> bytes | None:
    """A degraded record's line made again from its richer source, when that source is
    still there unchanged; None otherwise."""
    from ..pipeline import iter_records
    from .ingest import choose

    record, _ = read_line(line)
    assert record is not None
    better = richer_source(record)
    if better is None or not better.get("path"):
        return None
    try:
        for fresh, _ in iter_records(better["path"], better.get("format")):
            if (
                fresh
                and source_key(fresh["source"]) == source_key(better)
                and fresh["source"]["sha256"] == better["sha256"]
            ):
                kept, _ = choose(record, completeness(record), fresh, completeness(fresh))
                return encode(kept) + b"\n"
    except OSError:
        return None
    return None
