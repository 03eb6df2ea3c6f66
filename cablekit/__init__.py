"""cablekit: parse and index US diplomatic cables.

>>> from cablekit import parse_text
>>> record = parse_text(open("seeds/000_f96e09e439d60289.txt").read(), "000.txt")
>>> record["id"]
'08BAKU279'
"""

from .parser import SCHEMA_VERSION, parse_bytes, parse_file, parse_text

__version__ = "0.1.0"
__all__ = ["parse_text", "parse_bytes", "parse_file", "SCHEMA_VERSION", "__version__"]
