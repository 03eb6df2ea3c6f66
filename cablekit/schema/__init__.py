"""The record contract (RECORD.md) as a JSON Schema shipped with the package."""

import json
from importlib import resources


def record_schema() -> dict:
    return json.loads(resources.files(__name__).joinpath("record.schema.json").read_text("utf-8"))
