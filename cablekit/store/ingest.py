"""Writing parsed records into a store: batching, skipping, replacing, compacting.

The CLI feeds records one by one; `StoreWriter` appends them in batches under
the store lock (catching the index up first if another process wrote),
skips content the store already holds, and compacts records.jsonl at the end
when re-parsed cables left superseded lines behind.
"""

from __future__ import annotations

from collections.abc import Callable

from .index import Entry, Index

BATCH = 500
# Compact after replacements when the file is small enough to rewrite at once,
# or when superseded lines are a fifth of it.
COMPACT_BELOW = 256 * 2**20


class StoreWriter:
    def __init__(self, index: Index, notify: Callable[[str], None] | None = None, batch: int = BATCH):
        self.index = index
        self.store = index.store
        self.notify = notify
        self.batch_size = batch
        self.batch: list[tuple[Entry, bytes]] = []
        self.counts = {"parsed": 0, "replaced": 0, "skipped": 0}

    def add(self, entry: Entry, line: bytes) -> None:
        """Queue a record, as its index entry and JSON line (UTF-8), for the store."""
        self.batch.append((entry, line))
        if len(self.batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        with self.store.locked():
            self.index.catch_up(self.notify)
            fresh = [(e, line) for e, line in self.batch if not (e.sha256 and self.index.has_sha(e.sha256))]
            written, replaced = self.index.write([e for e, _ in fresh], [line for _, line in fresh])
        self.counts["skipped"] += len(self.batch) - len(fresh)
        self.counts["parsed"] += written
        self.counts["replaced"] += replaced
        self.batch.clear()

    def finish(self) -> dict:
        """Write what is left and compact if records were replaced; return the counts."""
        self.flush()
        if self.counts["replaced"]:
            with self.store.locked():
                dead, size = self.index.dead_bytes(), self.store.records_path.stat().st_size
                if dead and (size < COMPACT_BELOW or dead * 5 > size):
                    compact(self.index)
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
