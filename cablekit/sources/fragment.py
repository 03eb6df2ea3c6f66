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
    # A cut-off <pre> ("...") followed by a cables.csv-style record in another dialect.
    m = re.search(r'\.\.\.\s*\n+",\s*\n(\d+,\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2},.*)$', inner, re.DOTALL)
    if m:
        row = _loose_row(m.group(1))
        if row:
            yield row_document(row, "fragment", None)
            return
    yield Document(inner, "fragment", {})


def _loose_row(text: str) -> list[str] | None:
    """The fragments' CSV dialect: doubled quotes, some fields unquoted."""
    try:
        rows = list(csv.reader(io.StringIO(text), doublequote=True))
    except csv.Error:
        return None
    return rows[0] if rows and len(rows[0]) >= 8 else None
