"""The store: records in, queries out. The third stage.

A store is a folder (`folder.Store`): `records.jsonl`, the source of truth,
and `index.sqlite`, an SQLite FTS5 index always rebuildable from it.
`open_index` opens the index, caught up with the records; `StoreWriter`
writes parsed records into it; `compile_query` turns the search language into
what `Index.search` runs; `check_store` verifies and repairs; `export` writes
records out as JSON lines or CSV.
"""

from .check import Report, check_store
from .folder import QUARANTINE, Store, StoreError, default_store_path, read_line
from .index import Entry, Index, entry, index_damage, open_index, usable_index
from .ingest import StoreWriter, compact
from .query import Compiled, QueryError, compile_query, parse_date_option

__all__ = [
    "QUARANTINE",
    "Compiled",
    "Entry",
    "Index",
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
