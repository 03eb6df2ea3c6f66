"""JSON lines, one cable record per line (format "jsonl"): MongoDB exports and the like.

A record's text is its `body` (or `text`, `content`), after its `header` when
there is one; the other fields are metadata. Lines that are not valid JSON
because of unescaped quotes inside the body are read by splitting them at
their field names. A file is streamed line by line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, TextIO

from ..record import Defect
from .decode import replace_surrogates
from .document import Document, without_empty


def sniff(start: str, lower: str) -> bool:
    return start.startswith("{")


_TEXT_KEYS = ("body", "text", "content")


def _without_surrogates(value: Any, counter: list[int]) -> Any:
    """*value* with lone surrogates in its strings made U+FFFD (the text gets its own
    warning from the clean-up; these are the metadata's)."""
    if isinstance(value, str):
        value, count = replace_surrogates(value)
        counter[0] += count
        return value
    if isinstance(value, list):
        return [_without_surrogates(v, counter) for v in value]
    if isinstance(value, dict):
        return {k: _without_surrogates(v, counter) for k, v in value.items()}
    return value


def object_document(obj: dict[str, Any], fmt: str, position: int | None) -> Document:
    """One JSON record (of a JSON-lines file or a JSON document) as a Document."""
    counter = [0]
    meta_obj = _without_surrogates({k: v for k, v in obj.items() if k not in _TEXT_KEYS}, counter)
    obj = dict(obj, **meta_obj)
    body = next((obj[k] for k in _TEXT_KEYS if isinstance(obj.get(k), str)), "")
    header: str = obj["header"] if isinstance(obj.get("header"), str) else ""
    # Not "_id": some exports keep the cable's references there, not its id.
    ref_id = obj.get("reference_id") or obj.get("id")
    meta = {
        "id": ref_id if isinstance(ref_id, str) else None,
        "date": obj.get("date_time") or obj.get("date") or obj.get("created"),
        "classification": obj.get("classification"),
        "origin": obj.get("origin"),
        "subject": obj.get("subject"),
        "date_precision": "minute",
    }
    if isinstance(obj.get("tags"), list):
        meta["tag_links"] = [str(t) for t in obj["tags"]]
    text = (header.rstrip() + "\n\n" + body) if header.strip() else body
    doc = Document(text, fmt, without_empty(meta), position)
    if counter[0]:
        doc.warnings.append(
            Defect(
                "surrogates-replaced",
                f"{counter[0]} lone surrogate code point(s) in the metadata replaced with U+FFFD",
            )
        )
    return doc


def stream(lines: TextIO) -> Iterator[Document]:
    position = 0
    for line in lines:
        position += 1
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            obj = _repair(line)
            if obj is None:
                if line.lstrip().startswith("{"):
                    yield Document(
                        "", "jsonl", {}, position, error=f"line {position} is not valid JSON and could not be repaired"
                    )
                # Lines such as "Gaza::20" after the records belong to no cable.
                continue
            doc = object_document(obj, "jsonl", position)
            doc.warnings.append(
                Defect(
                    "json-line-repaired",
                    f"line {position} was not valid JSON (unescaped quotes inside the body); "
                    f"read by splitting at its field names",
                )
            )
            yield doc
            continue
        if isinstance(obj, dict):
            yield object_document(obj, "jsonl", position)


_FIELD = re.compile(r'"(\w+)"\s*:\s*"')


def _repair(line: str) -> dict[str, Any] | None:
    """Mongo exports with unescaped quotes inside string values: split on the known keys."""
    line = line.strip()
    if not (line.startswith("{") and line.endswith("}")):
        return None
    keys = list(_FIELD.finditer(line))
    if not keys:
        return None
    obj: dict[str, Any] = {}
    for k, m in enumerate(keys):
        end = keys[k + 1].start() if k + 1 < len(keys) else len(line) - 1
        value = line[m.end() : end].rstrip().rstrip(",").rstrip()
        if value.endswith('"'):
            value = value[:-1]
        try:
            obj[m.group(1)] = json.loads('"' + value.replace('\\"', '"').replace('"', '\\"') + '"')
        except ValueError:
            obj[m.group(1)] = value
    obj["_repaired"] = True
    return obj


def item(path: str, position: int) -> str | None:
    """Line *position* of a JSON-lines file, as written."""
    with open(path, encoding="utf-8", errors="replace") as lines:
        for number, line in enumerate(lines, 1):
            if number == position:
                return line.rstrip("\n")
    return None
