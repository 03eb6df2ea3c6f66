"""JSON Lines for records: one compact UTF-8 object per line, the same everywhere
(`parse --json`, `-o`, the store, `search --json`, `show --json`, `export`)."""

from __future__ import annotations

import json


def dumps(record: dict) -> str:
    """A record as one line of JSON, without the newline."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))
