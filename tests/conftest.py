import os
import subprocess
import sys
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


def on_a_terminal(args, env):
    """Run cablekit with stdout on a pseudo-terminal; return what the terminal shows."""
    import pty

    master, slave = pty.openpty()
    command = [sys.executable, "-m", "cablekit", *map(str, args)]
    proc = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    proc.wait(timeout=60)
    return seen.decode("utf-8", "replace")
