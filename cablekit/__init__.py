"""cablekit: parse and index US diplomatic cables.

>>> from cablekit import parse_text
>>> record = parse_text(open("seeds/000_f96e09e439d60289.txt").read(), "000.txt")
>>> record["id"]
'08BAKU279'
"""

__version__ = "0.1.0"
__all__ = ["parse_text", "parse_bytes", "parse_file", "SCHEMA_VERSION", "__version__"]


def __getattr__(name: str):
    # The parser compiles many patterns; `cablekit show` and `search` never need
    # it, so it is imported on first use rather than with the package.
    if name in ("parse_text", "parse_bytes", "parse_file", "SCHEMA_VERSION"):
        from . import parser

        return getattr(parser, name)
    raise AttributeError(f"module 'cablekit' has no attribute {name!r}")
