"""Body fragments cut from web pages (format "fragment").

A `<code><pre>` block with real newlines, anchors and tag links; sometimes a
cut-off block followed by a cables.csv-style record in another CSV dialect
(doubled quotes, some fields unquoted); sometimes only an "Appears in these
articles" stub, which holds no cable.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

from .cablescsv import row_document
from .document import Document, NoCable


def sniff(start: str, lower: str) -> bool:
    return lower.startswith(("<code><pre>", "<pre>", "appears in these articles"))


def read(text: str) -> Iterator[Document]:
    stripped = text.strip()
    if stripped.lower().startswith("appears in these articles") and "<pre" not in stripped.lower():
        yield Document(
            "", "fragment", {}, error=NoCable("no cable: the file holds only an 'Appears in these articles' stub")
        )
        return
    pre = re.search(r"<pre[^>]*>(.*)", text, re.IGNORECASE | re.DOTALL)
    inner = pre.group(1) if pre else text
    inner = re.sub(r"</pre>\s*</code>\s*$", "", inner.rstrip(), flags=re.IGNORECASE)
    # A <pre> (mostly cut off: "...") followed by a cables.csv-style record in another dialect.
    # The row may follow a line holding only '",', or only blank lines.
    m = re.search(r'(?:\.\.\.)?\s*\n+(?:",\s*\n)?\s*(\d+,\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2},.*)$', inner, re.DOTALL)
    if m:
        row = _loose_row(m.group(1))
        if row:
            yield row_document(row, "fragment", None)
            return
    yield Document(inner, "fragment", {})


# number, created, id, "origin", classification, references, "header", "body": the
# unquoted fields may wrap onto the next line ("UNCLASSIFIED//FOR\nOFFICIAL USE ONLY"),
# which a CSV reader would take for the end of the record; the body may be cut off
# before its closing quote.
_ROW = re.compile(
    r'^(\d+),([^,\n]+),([^,\n]+),"((?:[^"]|"")*)",([^,"]*),([^,"]*),"((?:[^"]|"")*)","((?:[^"]|"")*)"?,?\s*$',
    re.DOTALL,
)


def _loose_row(text: str) -> list[str] | None:
    """The fragments' CSV dialect: doubled quotes, some fields unquoted."""
    if m := _ROW.match(text.strip()):
        return [" ".join(f.split()) if k in (4, 5) else f.replace('""', '"') for k, f in enumerate(m.groups())]
    try:
        rows = list(csv.reader(io.StringIO(text), doublequote=True))
    except csv.Error:
        return None
    return rows[0] if rows and len(rows[0]) >= 8 else None
