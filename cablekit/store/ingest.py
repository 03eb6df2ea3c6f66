"""Writing parsed records into a store: batching, skipping, choosing among copies, compacting.

The CLI feeds records one by one; `StoreWriter` appends them in batches under
the store lock (catching the index up first if another process wrote),
skips content the store already holds, and compacts records.jsonl at the end
when re-parsed cables left superseded lines behind.

One record per id. When another source holds a cable the store has already,
the more complete reading is kept, whichever came first (`record.rank`), and
the other source is listed in the record's `other_sources` with its score; so
the store's records do not depend on the order of the input, and a source that
was read once is never read again. A changed copy of the record's own source
replaces the record.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from ..record import decode, encode, rank, source_key
from .index import Entry, Index

BATCH = 500
# Compact after replacements when the file is small enough to rewrite at once,
# or when superseded lines are a fifth of it.
COMPACT_BELOW = 256 * 2**20


def _summary(record: Mapping[str, Any], score: int) -> dict[str, Any]:
    """A source as other_sources lists it: the record's source and its score."""
    return {**record["source"], "score": score}


def choose(
    old: Mapping[str, Any], old_score: int, new: Mapping[str, Any], new_score: int
) -> tuple[Mapping[str, Any], str]:
    """The record to keep of two readings of one id, with its other_sources, and what
    happened: "updated" (a changed copy of the kept record's source), "richer" (the new
    reading is more complete), "kept" (the stored one is), or "same" (nothing to change)."""
    new_key = source_key(new["source"])
    others = [o for o in old.get("other_sources") or [] if source_key(o) != new_key]
    if source_key(old["source"]) == new_key:
        keep, outcome = new, "updated"
    elif rank(new["source"], new_score) > rank(old["source"], old_score):
        keep, outcome = new, "richer"
        others.append(_summary(old, old_score))
    else:
        keep, outcome = old, "kept"
        others.append(_summary(new, new_score))
    others.sort(key=source_key)
    if keep is old and others == (old.get("other_sources") or []):
        return old, "same"
    return {**keep, "other_sources": others}, outcome


class StoreWriter:
    def __init__(self, index: Any, notify: Callable[[str], None] | None = None, batch: int = BATCH):
        # *index*: a store's index, `Index` (a folder) or `postgres.Database`.
        self.index = index
        self.notify = notify
        self.batch_size = batch
        self.batch: list[tuple[Entry, bytes]] = []
        self.counts: dict[str, int] = {"parsed": 0, "replaced": 0, "skipped": 0, "copies": 0}
        # (style kept, style of the other copy) -> how many cables
        self.copies: Counter[tuple[str, str]] = Counter()

    def add(self, entry: Entry, line: bytes) -> None:
        """Queue a record, as its index entry and JSON line (UTF-8), for the store."""
        self.batch.append((entry, line))
        if len(self.batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        with self.index.writing(self.notify):
            held = self.index.held([(e.sha256, e.source) for e, _ in self.batch])
            fresh = [(e, line) for e, line in self.batch if (e.sha256, e.source) not in held]
            self.counts["skipped"] += len(self.batch) - len(fresh)
            pending = self._resolve(fresh)
            self.index.write([e for e, _ in pending.values()], [line for _, line in pending.values()])
        self.batch.clear()

    def _resolve(self, fresh: list[tuple[Entry, bytes]]) -> dict[str, tuple[Entry, bytes]]:
        """One (entry, line) per id to write: each new reading weighed against the stored
        record of its id, or against an earlier reading of the same batch."""
        stored = self.index.current(list(dict.fromkeys(e.id for e, _ in fresh)))
        pending: dict[str, tuple[Entry, bytes]] = {}
        for e, line in fresh:
            if e.id in pending:
                before, before_line = pending[e.id]
                old, old_score = decode(before_line), before.score
            elif e.id in stored:
                where, old_score, _ = stored[e.id]
                old = self.index.record_at(where)
            else:
                pending[e.id] = (e, line)
                self.counts["parsed"] += 1
                continue
            new = decode(line)
            keep, outcome = choose(old, old_score, new, e.score)
            if outcome == "same":
                continue
            if outcome == "updated":
                self.counts["replaced"] += 1
                self.counts["parsed"] += 1
            else:
                self.counts["copies"] += 1
                kept, other = (new, old) if outcome == "richer" else (old, new)
                self.copies[(kept["source"]["format"], other["source"]["format"])] += 1
            pending[e.id] = (self.index.make_entry(keep), encode(keep))
        return pending

    def finish(self) -> dict[str, int]:
        """Write what is left and compact if records were replaced; return the counts."""
        self.flush()
        if self.counts["replaced"] or self.counts["copies"]:
            self.index.tidy()
        return self.counts


def compact(index: Index) -> int:
    """Drop the lines of records.jsonl that later lines superseded (an atomic rewrite) and
    move the index to the new offsets; return the bytes saved. Call under the store lock."""
    index.catch_up()
    store = index.store
    before = store.records_path.stat().st_size
    rows = index.live()
    offsets = store.keep([(offset, length) for _, offset, length in rows])
    index.moved([(new, rowid) for new, (rowid, _, _) in zip(offsets, rows, strict=True)])
    return before - store.records_path.stat().st_size
