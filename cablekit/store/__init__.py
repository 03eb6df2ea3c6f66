"""The store: records in, queries out. The third stage.

Two stores share one interface (`base.Corpus`, opened by `base.open_corpus`):
a folder (`folder.Store`): `records.jsonl`, the source of truth, and
`index.sqlite`, an SQLite FTS5 index always rebuildable from it; and a
PostgreSQL database (`postgres.Database`), for a corpus a team shares.
`open_index` opens the index, caught up with the records; `StoreWriter`
writes parsed records into it; `compile_query` turns the search language into
what `Index.search` runs; `check_store` verifies and repairs; `export` writes
records out as JSON lines or CSV.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .base import Corpus, open_corpus
    from .check import Report, check_store
    from .folder import QUARANTINE, Store, StoreError, default_store_path, read_line
    from .index import Entry, Index, entry, index_damage, open_index, usable_index
    from .ingest import StoreWriter, compact
    from .query import Compiled, QueryError, compile_query, parse_date_option

# Where each name lives: imported on first use, so that a command pays only for what it uses.
_HOME = {
    "Report": "check",
    "check_store": "check",
    "QUARANTINE": "folder",
    "Store": "folder",
    "StoreError": "folder",
    "default_store_path": "folder",
    "read_line": "folder",
    "Entry": "index",
    "Index": "index",
    "entry": "index",
    "index_damage": "index",
    "open_index": "index",
    "usable_index": "index",
    "StoreWriter": "ingest",
    "Corpus": "base",
    "open_corpus": "base",
    "compact": "ingest",
    "Compiled": "query",
    "QueryError": "query",
    "compile_query": "query",
    "parse_date_option": "query",
}
__all__ = [
    "Compiled",
    "Corpus",
    "open_corpus",
    "Entry",
    "Index",
    "QUARANTINE",
    "QueryError",
    "Report",
    "Store",
    "StoreError",
    "StoreWriter",
    "check_store",
    "compact",
    "compile_query",
    "default_store_path",
    "entry",
    "index_damage",
    "open_index",
    "parse_date_option",
    "read_line",
    "usable_index",
]


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
