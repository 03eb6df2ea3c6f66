"""The store: a JSON-lines file of records, the source of truth.

A store is a folder:

    records.jsonl   one record per line (RECORD.md), readable by jq, DuckDB, pandas
    index.sqlite    the search index, rebuilt from records.jsonl whenever needed
    lock            taken (flock) by every writer, so writers never interleave

Records are appended; a cable parsed again gets a new line and the later line
wins. Superseded lines are dropped by compaction (an atomic rewrite). A writer
killed mid-append can leave a last line without its newline: readers skip it
and the next writer cuts it off before appending.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..atomic import atomic_write
from ..record import Record, decode, is_record

RECORDS = "records.jsonl"
INDEX = "index.sqlite"
LOCK = "lock"
QUARANTINE = "quarantine.jsonl"


def default_store_path() -> Path:
    """$CABLEKIT_STORE, else $XDG_DATA_HOME/cablekit/store, else ~/.local/share/cablekit/store."""
    if env := os.environ.get("CABLEKIT_STORE"):
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "cablekit" / "store"


def read_line(line: bytes) -> tuple[Record | None, str | None]:
    """The record a stored line holds, or why it holds none: the one test of a stored
    record, for the index and for `check` alike."""
    try:
        value = decode(line)
    except ValueError as exc:
        return None, f"not valid JSON ({getattr(exc, 'msg', exc)})"
    if not is_record(value):
        return None, "valid JSON but not a record (no id)"
    return value, None


class StoreError(Exception):
    """The store cannot be used (not a folder, not writable...)."""


@dataclass
class Store:
    root: Path

    @property
    def records_path(self) -> Path:
        return self.root / RECORDS

    @property
    def index_path(self) -> Path:
        return self.root / INDEX

    def exists(self) -> bool:
        return self.records_path.exists()

    def create(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            if not self.records_path.exists():  # never touch an existing file: readers take the lock too
                self.records_path.touch()
        except OSError as exc:
            raise StoreError(f"cannot create the store at {self.root}: {exc.strerror or exc}") from None
        if not self.root.is_dir():
            raise StoreError(f"{self.root} is not a folder")

    @contextmanager
    def locked(self):
        """Hold the store's write lock (blocks until other writers finish)."""
        self.create()
        fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def cut_torn_tail(self) -> int:
        """Remove a last line without a newline (a writer died mid-append). Call under the lock."""
        path = self.records_path
        size = path.stat().st_size
        if size == 0:
            return 0
        with open(path, "rb+") as handle:
            handle.seek(size - 1)
            if handle.read(1) == b"\n":
                return 0
            # Walk back to the last newline.
            pos = size
            chunk = 65536
            while pos > 0:
                start = max(0, pos - chunk)
                handle.seek(start)
                data = handle.read(pos - start)
                k = data.rfind(b"\n")
                if k >= 0:
                    keep = start + k + 1
                    break
                pos = start
            else:
                keep = 0
            handle.seek(keep)
            torn = handle.read(size - keep)
            # Kept aside, never silently dropped.
            self.quarantine(
                [
                    {
                        "offset": keep,
                        "line": None,
                        "reason": "incomplete last line (torn write)",
                        "text": torn.decode("utf-8", "replace"),
                    }
                ]
            )
            handle.truncate(keep)
            handle.flush()
            os.fsync(handle.fileno())
            return size - keep

    def quarantine(self, items: list[dict]) -> None:
        """Append damaged lines to quarantine.jsonl beside the records."""
        if not items:
            return
        with open(self.root / QUARANTINE, "a", encoding="utf-8") as side:
            for item in items:
                side.write(json.dumps(item, ensure_ascii=False) + "\n")
            side.flush()
            os.fsync(side.fileno())

    def append(self, lines: list[bytes]) -> list[tuple[int, int]]:
        """Append encoded lines (each ending in b'\\n'); return (offset, length) of each.

        Call under the lock. The bytes go out in one write and are fsynced
        before the caller indexes them, so an indexed record is on disk.
        """
        with open(self.records_path, "ab") as handle:
            offset = handle.seek(0, os.SEEK_END)
            spans = []
            for line in lines:
                spans.append((offset, len(line)))
                offset += len(line)
            handle.write(b"".join(lines))
            handle.flush()
            os.fsync(handle.fileno())
        return spans

    def read_at(self, offset: int, length: int) -> dict:
        return decode(self.read_line_at(offset, length))

    def read_line_at(self, offset: int, length: int) -> str:
        """One stored record as its JSON text (without the newline)."""
        with open(self.records_path, "rb") as handle:
            handle.seek(offset)
            return handle.read(length).decode("utf-8").rstrip("\n")

    def scan(self, start: int = 0) -> Iterator[tuple[int, int, int, bytes]]:
        """Yield (line number, offset, length, bytes) of complete lines from byte *start*.

        Line numbers count from 1 at the start of the file only when start is 0.
        A last line without a newline is not yielded (it is a torn write).
        """
        with open(self.records_path, "rb") as handle:
            handle.seek(start)
            offset = start
            number = 0
            for line in handle:
                number += 1
                if not line.endswith(b"\n"):
                    return
                yield number, offset, len(line), line
                offset += len(line)

    def keep(self, spans: list[tuple[int, int]]) -> list[int]:
        """Rewrite records.jsonl with only the lines at *spans* (offset, length), in that
        order, atomically; return each kept line's new offset. Call under the lock."""
        offsets = []
        with open(self.records_path, "rb") as src, atomic_write(self.records_path) as dst:
            new = 0
            for offset, length in spans:
                src.seek(offset)
                dst.write(src.read(length))
                offsets.append(new)
                new += length
        return offsets

    def rewrite(self, lines: Iterable[bytes]) -> None:
        """Replace records.jsonl with *lines* (each ending in a newline), atomically. Call under the lock."""
        with atomic_write(self.records_path) as dst:
            for line in lines:
                dst.write(line)
