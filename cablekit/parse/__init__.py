"""Parse: a cable's text (or a source's document) into a record. No I/O.

    parse_text(text, path)        one cable's text
    parse_bytes(data, path)       bytes, decoded first
    parse_document(doc, path, sha256)
                                  a document of `cablekit.sources`, with its metadata

The steps are in `cable`; each reads one part of the cable with the help of
`cleanup`, `header`, `preamble`, `fields` (the FIELDS table and its
extractors), `refs`, `body`, `dates` and `metadata`; the word lists and
patterns they share are in `patterns`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cable import parse_bytes, parse_document, parse_text

__all__ = ["parse_bytes", "parse_document", "parse_text"]


def __getattr__(name: str) -> Any:
    # The steps compile many patterns; `cablekit search`, which only needs the station
    # names of `refs`, should not pay for them at start-up.
    if name in __all__:
        from . import cable

        return getattr(cable, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
