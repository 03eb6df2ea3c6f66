from pathlib import Path

import jsonschema
import pytest

from cablekit import parse_file
from cablekit.schema import record_schema

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
CABLES = DATA / "cables"
SEEDS = ROOT / "seeds"
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def validator():
    return jsonschema.Draft202012Validator(record_schema())


_cache: dict = {}


def parsed(name: str) -> dict:
    """Parse a test cable once per session."""
    if name not in _cache:
        path = SEEDS / name if name.startswith("00") and (SEEDS / name).exists() else CABLES / name
        _cache[name] = parse_file(str(path))
    return _cache[name]
