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


# --- the two stores ---------------------------------------------------------------
# Every test of the store's behaviour runs against a folder and against a PostgreSQL
# database on a throwaway server of the tests' own (tests/pgserver.py). Tests that need
# the server say "postgres" in their id; they are skipped, with the reason, only where
# no PostgreSQL binaries can be found (CI installs them).

STORES = ["folder", "postgres"]
_databases = iter(range(1, 1_000_000))
_server = None


@pytest.fixture(scope="session")
def pg_server():
    from pgserver import Server, binaries

    global _server
    folder = binaries()
    if folder is None:
        pytest.skip("no PostgreSQL 15+ binaries (initdb, pg_ctl) on PATH or in /usr/lib/postgresql")
    _server = Server(folder).start()
    yield _server
    _server.stop()
    _server = None


def make_store(kind: str, folder: Path, request) -> str:
    """A new, empty store of *kind*: a folder under *folder*, or a database."""
    if kind == "folder":
        return str(folder / "store")
    server = request.getfixturevalue("pg_server")
    return server.create(f"test{next(_databases)}")


@pytest.fixture(params=STORES)
def new_store(request, tmp_path) -> str:
    """--store for a new, empty store, once a folder and once a database."""
    return make_store(request.param, tmp_path, request)


def stored_records(spec: str) -> list[dict]:
    """Every record a store holds: a folder's records.jsonl line by line (superseded
    lines too), a database's records by id."""
    import json

    from cablekit.store.base import is_url

    if not is_url(spec):
        return [json.loads(line) for line in (Path(spec) / "records.jsonl").read_text().splitlines()]
    import psycopg

    with psycopg.connect(spec) as db:
        return [row[0] for row in db.execute("SELECT record FROM cablekit.records ORDER BY id")]


def stored_count(spec: str) -> int:
    """How many records a store holds so far (0 before it exists), read while a writer runs."""
    from cablekit.store.base import is_url

    if not is_url(spec):
        path = Path(spec) / "records.jsonl"
        return path.read_bytes().count(b"\n") if path.exists() else 0
    import psycopg

    with psycopg.connect(spec) as db:
        if db.execute("SELECT to_regclass('cablekit.records')").fetchone()[0] is None:
            return 0
        return db.execute("SELECT count(*) FROM cablekit.records").fetchone()[0]
