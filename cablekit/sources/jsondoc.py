"""One JSON document, or JSONP (format "json"): `{"items": [...]}` or a single record.

The cable API of one mirror serves `cablegrab({...})`; its records have the
same fields as JSON lines.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from .document import Document
from .jsonlines import object_document

_JSONP = re.compile(r"^[A-Za-z_$][\w$]*\s*\(\s*\{")


def sniff(start: str, lower: str) -> bool:
    if _JSONP.match(start):
        return True
    if not start.startswith("{"):
        return False
    try:
        obj = json.loads(start.split("\n", 1)[0])
    except ValueError:
        return False
    return isinstance(obj, dict) and "items" in obj


def read(text: str) -> Iterator[Document]:
    body = text.strip()
    m = re.match(r"^[A-Za-z_$][\w$]*\s*\((.*)\)\s*;?\s*$", body, re.DOTALL)
    if m:
        body = m.group(1)
    try:
        obj = json.loads(body)
    except ValueError as exc:
        yield Document("", "json", {}, error=f"not valid JSON: {exc}")
        return
    items: list = obj["items"] if isinstance(obj, dict) and isinstance(obj.get("items"), list) else [obj]
    for position, item in enumerate(items, 1):
        if isinstance(item, dict):
            yield object_document(item, "json", position if len(items) > 1 else None)
