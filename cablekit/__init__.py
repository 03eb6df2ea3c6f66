"""cablekit: parse and index US diplomatic cables.

The package is organised by stage, data flowing one way:

    sources/   bytes -> documents (one module per input style)
    parse/     document -> record (no I/O)
    store/     records.jsonl, the search index, queries, check, export
    cli/       the `cablekit` commands and their rendering

`record` defines what every stage hands on; `pipeline` and `batch` run inputs
through the first two stages, one at a time or on all cores.

>>> from cablekit import parse_text
>>> record = parse_text(open("seeds/000_f96e09e439d60289.txt").read(), "000.txt")
>>> record["id"]
'08BAKU279'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["SCHEMA_VERSION", "__version__", "parse_bytes", "parse_file", "parse_text"]

if TYPE_CHECKING:
    from .parse import parse_bytes, parse_text
    from .pipeline import parse_file
    from .record import SCHEMA_VERSION


def __getattr__(name: str) -> Any:
    # The parser compiles many patterns; `cablekit show` and `search` never need
    # it, so it is imported on first use rather than with the package.
    if name in ("parse_text", "parse_bytes"):
        from . import parse

        return getattr(parse, name)
    if name == "parse_file":
        from .pipeline import parse_file

        return parse_file
    if name == "SCHEMA_VERSION":
        from .record import SCHEMA_VERSION

        return SCHEMA_VERSION
    raise AttributeError(f"module 'cablekit' has no attribute {name!r}")
