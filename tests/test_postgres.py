"""What only the PostgreSQL store has: its schema and version, its driver as an extra,
its check, and searches while another process loads. (Everything both stores do is
tested against both: see the `new_store` and `store` fixtures.)"""

import json
import subprocess
import sys
import time

import psycopg
import pytest
from click.testing import CliRunner
from conftest import CABLES, SEEDS, stored_count

from cablekit.cli import cli
from cablekit.store.postgres import SCHEMA_VERSION

SEED1 = SEEDS / "000_f96e09e439d60289.txt"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def database(pg_server):
    return pg_server.create(f"pg{time.monotonic_ns()}")


def test_store_init_creates_then_finds_it_up_to_date(database):
    assert run("search", "--store", database, "kosovo").exit_code == 2  # no store there yet
    made = run("store", "init", "--store", database)
    assert made.exit_code == 0 and f"schema version {SCHEMA_VERSION}" in made.stderr
    assert "made a new cablekit store" in made.stderr
    again = run("store", "init", "--store", database)
    assert again.exit_code == 0 and "up to date" in again.stderr
    assert run("search", "--store", database, "kosovo").exit_code == 1  # a store, without that word


def test_the_schema_version_is_checked_on_connect(database):
    run("store", "init", "--store", database)
    with psycopg.connect(database, autocommit=True) as db:
        db.execute("UPDATE cablekit.meta SET value = %s WHERE key = 'version'", (str(SCHEMA_VERSION + 1),))
    newer = run("search", "--store", database, "kosovo")
    assert newer.exit_code == 2 and "newer than this cablekit knows" in newer.stderr
    assert run("store", "init", "--store", database).exit_code == 2  # never downgraded
    with psycopg.connect(database, autocommit=True) as db:
        db.execute("UPDATE cablekit.meta SET value = '0' WHERE key = 'version'")
    older = run("parse", "--store", database, SEED1)
    assert older.exit_code == 2 and "cablekit store init" in older.stderr


def test_a_password_never_shows_in_messages(pg_server):
    url = pg_server.url("nosuchdb").replace("cablekit@", "cablekit:s3cret@")
    result = run("search", "--store", url, "kosovo")
    assert result.exit_code == 2 and "cannot connect" in result.stderr
    assert "s3cret" not in result.stderr and "cablekit:***@" in result.stderr


def test_without_the_driver_the_error_names_the_extra(database):
    code = (
        "import sys; sys.modules['psycopg'] = None; from cablekit.cli import main; "
        f"sys.argv = ['cablekit', 'search', '--store', {database!r}, 'kosovo']; main()"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 2
    assert "pip install 'cablekit[postgres]'" in done.stderr and "Traceback" not in done.stderr


def test_check_finds_rows_changed_from_outside_and_repair_remakes_them(database):
    assert run("parse", "--store", database, SEEDS, CABLES).exit_code == 0
    assert run("check", "--store", database).exit_code == 0
    with psycopg.connect(database, autocommit=True) as db:
        # Words that are not the record's, a record that is no cable, JSON of another id.
        db.execute("UPDATE cablekit.records SET words = %s::tsvector WHERE id = '08BAKU279'", ("'b:bogus'",))
        db.execute(
            "UPDATE cablekit.records SET record = jsonb_build_object('id', '09PARIS264', 'schema', 1)"
            " WHERE id = '09PARIS264'"
        )
        db.execute("UPDATE cablekit.records SET record = jsonb_set(record, '{id}', '\"X\"') WHERE id = '07BERLIN242'")
    assert json.loads(run("search", "--store", database, "--json", "bogus").stdout)["id"] == "08BAKU279"
    found = run("check", "--store", database)
    assert found.exit_code == 1
    assert "09PARIS264 is not a cable" in found.stderr
    assert "no record of 07BERLIN242" in found.stderr
    assert "1 rows differ from their records" in found.stderr
    repaired = run("check", "--repair", "--store", database)
    assert repaired.exit_code == 0 and "moved to cablekit.quarantine" in repaired.stderr
    assert run("search", "--store", database, "bogus").exit_code == 1
    assert run("search", "--store", database, "--count", "id:08BAKU279 azerbaijan").stdout.strip() == "1"
    assert run("check", "--store", database).exit_code == 0
    with psycopg.connect(database) as db:
        moved = sorted(r[0] for r in db.execute("SELECT id FROM cablekit.quarantine"))
    assert moved == ["07BERLIN242", "09PARIS264"]


def test_index_rebuild_and_compact(database):
    run("parse", "--store", database, SEEDS, CABLES)
    with psycopg.connect(database, autocommit=True) as db:
        db.execute("UPDATE cablekit.records SET words = ''::tsvector, head = ''::tsvector")
    assert run("search", "--store", database, "istratov").exit_code == 1
    rebuilt = run("index", "--rebuild", "--compact", "--store", database)
    assert rebuilt.exit_code == 0 and "index rebuilt: 36 records" in rebuilt.stderr
    assert "36 cables in" in rebuilt.stderr
    assert json.loads(run("search", "--store", database, "--json", "istratov").stdout)["id"] == "08BAKU279"


def test_searches_answer_while_another_process_loads(database, tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    text = SEED1.read_text()
    for n in range(1000, 4000):
        (folder / f"c{n}.txt").write_text(text.replace("BAKU 000279", f"BAKU {n:06d}"))
    run("parse", "--store", database, SEEDS)
    base = int(run("search", "--store", database, "--count", "azerbaijan").stdout)
    loading = subprocess.Popen(
        [sys.executable, "-m", "cablekit", "parse", str(folder), "--store", database, "-j", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    counts = []
    deadline = time.time() + 120
    while loading.poll() is None and time.time() < deadline:
        result = run("search", "--store", database, "--count", "azerbaijan")
        assert result.exit_code == 0, result.output
        counts.append(int(result.stdout))
    assert loading.wait() == 0, loading.stderr.read()
    # Every search answered, and saw whole batches only (500 cables a transaction).
    assert len(counts) >= 3 and counts == sorted(counts)
    assert all((c - base) % 500 == 0 for c in counts)
    assert stored_count(database) == 3002


def test_a_cable_beyond_the_limits_of_a_tsvector_is_stored_and_found(database, tmp_path):
    """A word of 3,000 letters (over the 2 KB a lexeme may have) and 60,000 distinct words
    (a tsvector of them all would pass 1 MB): the cable is stored, its words found."""
    text = SEED1.read_text().replace("This is an action request", "This is an action request " + "z" * 3000)
    text += "\n" + " ".join(f"w{n}x" for n in range(60_000)) + "\n"
    cable = tmp_path / "big.txt"
    cable.write_text(text)
    result = run("parse", "--store", database, cable)
    assert result.exit_code == 0, result.output
    assert "parsed 1" in result.stderr
    assert run("search", "--store", database, "--count", "mammadyarov").stdout.strip() == "1"
    assert run("search", "--store", database, "--count", "w10x").stdout.strip() == "1"
