"""What every reader yields: one cable's text and the metadata its source carries."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from ..record import Defect


@dataclass
class Document:
    """One cable as a source holds it.

    `text` is what the text parser reads; `meta` is whatever else the source says
    about the cable (a web page's table, a CSV row's columns, a JSON record's
    fields), under the keys id, date, date_precision, classification, origin,
    subject, tag_links, references, articles, partial.
    """

    text: str
    fmt: str
    meta: dict[str, Any] = field(default_factory=dict)
    position: int | None = None  # row or line number inside a multi-cable file
    warnings: list[Defect] = field(default_factory=list)
    error: str | None = None  # this part could not be read at all (a NoCable when it holds no cable)


class NoCable(str):
    """Why an input holds no cable (a stub, a README): reported and passed over, which is
    not a failure, unlike input that cannot be read."""


def document_sha(doc: Document, file_sha: str) -> str:
    """The content hash that identifies a document in the store. A single-cable file is
    identified by its bytes; a cable inside a multi-cable file by its own text and
    metadata, so an unchanged row stays unchanged when other rows change."""
    if doc.position is None:
        return file_sha
    payload = doc.text + "\0" + json.dumps(doc.meta, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def without_empty(meta: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in meta.items() if v not in (None, "")}
