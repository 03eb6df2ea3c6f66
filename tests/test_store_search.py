"""The analyst's loop: parse into the store, search, show; crash safety and concurrency."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CABLES, SEEDS, STORES, make_store, stored_count, stored_records

from cablekit.cli import cli
from cablekit.store import QueryError, Store, compile_query, open_index
from cablekit.store.base import is_url, open_corpus

SEED1 = SEEDS / "000_f96e09e439d60289.txt"

# Real cables with known values (read from the files): id, origin, tags, signer, refs.
CORPUS_FILES = [
    "09BEIJING1378.txt",
    "08BRASILIA429.txt",
    "06SKOPJE105.txt",
    "04AMMAN1288.txt",
    "07BERLIN242.txt",
    "09PARIS264.txt",
    "90CAPETOWN97.txt",
]


def run(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env)


_built: dict[str, str] = {}


def _build(kind, tmp_path_factory, request):
    if kind not in _built:
        root = make_store(kind, tmp_path_factory.mktemp("store"), request)
        cables = tmp_path_factory.mktemp("cables")
        for name in CORPUS_FILES:
            (cables / name).write_bytes((CABLES / name).read_bytes())
        result = run("parse", str(SEEDS), str(cables), "--store", root)
        assert result.exit_code == 0, result.output
        _built[kind] = root
    return _built[kind]


@pytest.fixture(scope="module", params=STORES)
def store(request, tmp_path_factory):
    """The seeds and seven corpus cables, in a folder and in a database."""
    return _build(request.param, tmp_path_factory, request)


@pytest.fixture(scope="module")
def folder_store(request, tmp_path_factory):
    return _build("folder", tmp_path_factory, request)


def ids(result):
    assert result.exit_code == 0, result.output
    return [json.loads(line)["id"] for line in result.stdout.splitlines()]


def search(store, *args):
    return run("search", "--store", str(store), "--json", *args)


# --- the "done when" ---------------------------------------------------


def test_done_when(store):
    assert "08BAKU279" in ids(search(store, '"territorial integrity"'))
    assert set(ids(search(store, "tag:PREL date:2008-03"))) == {"08BAKU279", "08BRASILIA429"}
    assert search(store, "zzzz").exit_code == 1
    bad = search(store, '"unbalanced')
    assert bad.exit_code == 2
    assert "unbalanced quote" in bad.stderr and "^" in bad.stderr
    shown = run("show", "--store", str(store), "08BAKU279")
    assert shown.exit_code == 0
    assert "AZERBAIJAN REQUESTS CONFIRMATION" in shown.stdout
    assert "DERSE" in shown.stdout and "(SBU)" in shown.stdout


# --- query forms and filters ---------------------------------------------------


@pytest.mark.parametrize(
    "query,expected",
    [
        ("mammadyarov kouchner", {"002_206ec497b6042983"}),  # all words
        ('"Berlin Mechanism"', {"002_206ec497b6042983"}),  # phrase
        ("kouchner OR istratov", {"002_206ec497b6042983", "08BAKU279", "09PARIS264"}),  # OR
        ("mammadyarov NOT kouchner", {"08BAKU279"}),  # NOT
        ("mammadyarov -kouchner", {"08BAKU279"}),  # -word
        ("istrat*", {"08BAKU279"}),  # prefix
        ("(kouchner OR istratov) -quint", {"08BAKU279", "09PARIS264"}),  # parentheses
        ("tag:PBTS", {"08BAKU279"}),
        ("tag:mnuc", set()),
        ("origin:BAKU", {"08BAKU279"}),
        ('origin:"CAPE TOWN"', {"90CAPETOWN97"}),
        ("class:secret", {"04AMMAN1288", "07BERLIN242", "09PARIS264"}),  # SECRET and SECRET//NOFORN
        ("class:noforn", {"07BERLIN242", "09PARIS264"}),
        ("signer:DERSE", {"08BAKU279", "002_206ec497b6042983"}),
        ("signer:timken", {"07BERLIN242"}),
        ("ref:08BAKU275", {"08BAKU279"}),
        ("ref:08BEIJING3546", {"09BEIJING1378"}),
        ("id:08BAKU279", {"08BAKU279"}),
        ("subject:macedonia", {"06SKOPJE105"}),
        ("date:2008", {"08BAKU279", "08BRASILIA429"}),
        ("date:2008-03", {"08BAKU279", "08BRASILIA429"}),
        ("date:2008-03-25", {"08BAKU279"}),
        ("date:2006-01..2008-03", {"06SKOPJE105", "07BERLIN242", "08BAKU279", "08BRASILIA429"}),
        ("date:..1999", {"90CAPETOWN97"}),
        ("class:confidential date:2009 -zzzz", {"09BEIJING1378"}),
    ],
)
def test_query_forms(store, query, expected):
    result = search(store, query)
    if expected:
        assert set(ids(result)) == expected
    else:
        assert result.exit_code == 1


def test_since_until_and_sort(store):
    got = ids(search(store, "--since", "2007", "--until", "2008-03", "--sort", "date", "date:2000..2010"))
    assert got == ["07BERLIN242", "08BAKU279", "08BRASILIA429"]
    assert ids(search(store, "--sort", "date", "--reverse", "class:confidential"))[0] == "09BEIJING1378"


def test_relevance_puts_subject_matches_first(store):
    got = ids(search(store, "nuclear OR kosovo OR macedonia"))
    assert got[0] == "06SKOPJE105"


def test_fields_limit_and_count(store):
    result = search(store, "--fields", "id,date", "-n", "1", "class:secret")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and set(json.loads(lines[0])) == {"id", "date"}
    count = run("search", "--store", str(store), "--count", "class:secret")
    assert count.stdout.strip() == "3"


@pytest.mark.parametrize(
    "query,fragment",
    [
        ('"unbalanced', "unbalanced quote"),
        ("(kosovo", "never closed"),
        ("kosovo)", "without a matching"),
        ("colour:red", "unknown field"),
        ("date:2008-13", "not a valid date"),
        ("date:March", "not a date"),
        ("kosovo OR date:2008", "only be combined with AND"),
        ("OR", "expected"),
        ("kosovo OR", "needs something after it"),
        ("'; DROP TABLE records; --", "nothing to search for"),
    ],
)
def test_bad_queries_exit_2_with_a_pointer(store, query, fragment):
    result = search(store, query)
    assert result.exit_code == 2
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_fts_syntax_is_quoted_not_executed():
    compiled = compile_query('NEAR kosovo "a ""b"')
    assert compiled.match.count('"NEAR"') == 1
    with pytest.raises(QueryError):
        compile_query('tag:"')


@pytest.mark.parametrize(
    "query",
    [
        "class:confidential",
        "tag:PREL date:2008",
        "-kosovo",
        "government -kosovo",
        "date:2000..2010",
        "ministry date:2007..2009",
        "zzzz",
    ],
)
def test_count_agrees_with_the_rows(store, query):
    index = open_corpus(store)
    try:
        compiled = compile_query(query)
        for sort in ("relevance", "date"):
            rows = index.search(compiled, sort=sort, snippets=False)
            assert index.count_matches(compiled) == len(rows)
            assert len({row["id"] for row in rows}) == len(rows)
    finally:
        index.close()


@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_dated_word_queries_run_one_match_not_a_probe_per_cable(folder_store, sort):
    """Words plus a date range: FTS5 must run its match once and the dates filter it.
    SQLite otherwise handed FTS5 every rowid of the period as an equality lookup, and
    "tag:PGOV date:2009 election" ran for minutes at 250,000 cables."""
    index = open_index(Store(Path(folder_store)))
    statements = []
    try:
        index.db.set_trace_callback(statements.append)
        index.search(compile_query("government date:2000..2010"), sort=sort, snippets=False)
        index.db.set_trace_callback(None)
        searches = [sql for sql in statements if "MATCH" in sql and "records" in sql]
        assert searches
        for sql in searches:
            plan = [row[3] for row in index.db.execute("EXPLAIN QUERY PLAN " + sql)]
            fts_scans = [step for step in plan if "VIRTUAL TABLE INDEX" in step]
            assert fts_scans and not any(":=" in step for step in fts_scans), plan
    finally:
        index.close()


def test_ranked_rows_and_snippets(store):
    index = open_corpus(store)
    try:
        compiled = compile_query("government")
        rows = index.search(compiled)
        assert len(rows) >= 3
        scores = [row["score"] for row in rows]
        assert scores == sorted(scores) and scores[0] < 0  # lower is better (bm25, or ts_rank negated)
        backwards = index.search(compiled, reverse=True)
        assert [r["id"] for r in backwards] == [r["id"] for r in reversed(rows)]
        top = index.search(compiled, limit=2)
        assert [r["id"] for r in top] == [r["id"] for r in rows[:2]]
        # Each row shown gets its own snippet, with the matched word marked.
        for row in top:
            assert "\x02" in row["snippet"] and "government" in row["snippet"].lower()
        dated = index.search(compiled, sort="date", limit=2)
        assert all(row["snippet"] for row in dated)
        assert all(row["snippet"] is None for row in index.search(compiled, snippets=False))
    finally:
        index.close()


def test_lines_through_a_pipe(store):
    result = run("search", "--store", str(store), "istratov")
    assert result.exit_code == 0
    (line,) = result.stdout.splitlines()
    assert line.split("\t")[:4] == ["08BAKU279", "2008-03-25", "C", "BAKU"]
    assert line.split("\t")[4].startswith("ACTION REQUEST: AZERBAIJAN REQUESTS CONFIRMATION")


# --- show ------------------------------------------------------------------------


def test_show_json_field_raw(store):
    record = json.loads(run("show", "--store", str(store), "--json", "08BAKU279").stdout)
    assert record["id"] == "08BAKU279" and record["classified_by"]["name"] == "Anne E. Derse"
    field = run("show", "--store", str(store), "--field", "tags", "08BAKU279")
    assert field.stdout.split() == ["PREL", "PGOV", "PBTS", "AJ"]
    raw = run("show", "--store", str(store), "--raw", "08BAKU279")
    assert "[1](#)1. (U) This is an action request" in raw.stdout


def test_show_unknown_id_suggests(store):
    result = run("show", "--store", str(store), "08BAKU27")
    assert result.exit_code == 1
    assert "closest: 08BAKU279" in result.stderr


def test_store_from_environment(store):
    result = run("search", "--json", "id:08BAKU279", env={"CABLEKIT_STORE": str(store)})
    assert ids(result) == ["08BAKU279"]


# --- re-indexing -------------------------------------------------------------------


def _lines(root):
    return stored_records(str(root))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_parse_twice_skips_unchanged_and_keeps_one_record(new_store, tmp_path, jobs):
    # With -j 2 the workers look the hashes up in the index themselves.
    root, folder = new_store, tmp_path / "c"
    _make_cables(folder, 1000, 40)
    first = run("parse", str(SEEDS), str(folder), "--store", str(root), "-j", jobs)
    assert "parsed 42, skipped 0" in first.stderr
    (folder / "c1007.txt").write_bytes((folder / "c1007.txt").read_bytes() + b"\n")
    second = run("parse", str(SEEDS), str(folder), "--store", str(root), "-j", jobs)
    assert second.exit_code == 0
    assert "parsed 1 (1 replaced), skipped 41 unchanged" in second.stderr
    ids = [r["id"] for r in _lines(root)]
    assert len(ids) == len(set(ids)) == 42


def test_seen_lookup_confirms_a_shared_prefix_in_the_index(tmp_path):
    """Known hashes are kept as 8-byte prefixes; a different hash with the same prefix
    must not count as seen (the index is asked to confirm)."""
    root = tmp_path / "s"
    run("parse", str(SEED1), "--store", str(root))
    index = open_index(Store(root))
    try:
        ((sha, source),) = index.db.execute("SELECT sha256, source FROM seen").fetchall()
        seen = index.seen_lookup()
    finally:
        index.close()
    assert seen.holds(sha, source) and source == str(SEED1.resolve())
    assert not seen.holds(sha, "/elsewhere/" + SEED1.name)  # the same content from another file
    twin = sha[:16] + ("0" if sha[16] != "0" else "1") + sha[17:]
    assert not seen.holds(twin, source)
    assert not seen.holds("f" * 64, source) and not seen.holds("not a hash", source)


def test_changed_cable_replaces_its_record(new_store, tmp_path):
    root, folder = new_store, tmp_path / "c"
    folder.mkdir()
    cable = folder / "baku.txt"
    cable.write_bytes(SEED1.read_bytes())
    run("parse", str(folder), "--store", str(root))
    cable.write_text(SEED1.read_text().replace("INTEGRITY\n\nREF:", "INTEGRITY AND BORDERS\n\nREF:"))
    result = run("parse", str(folder), "--store", str(root))
    assert "parsed 1 (1 replaced)" in result.stderr
    records = _lines(root)
    assert [r["id"] for r in records] == ["08BAKU279"]  # compacted: one line per id
    assert records[0]["subject"].endswith("INTEGRITY AND BORDERS")
    assert ids(search(root, "subject:borders")) == ["08BAKU279"]


def test_replaced_record_leaves_no_words_behind(tmp_path):
    """The index keeps no text (contentless FTS5): a replaced record's words are taken
    out with the values read back from its old line, so the old words find nothing."""
    root, folder = tmp_path / "s", tmp_path / "c"
    folder.mkdir()
    cable = folder / "baku.txt"
    cable.write_bytes(SEED1.read_bytes())
    run("parse", str(folder), "--store", str(root))
    assert ids(search(root, "subject:integrity")) == ["08BAKU279"]
    cable.write_text(SEED1.read_text().replace("INTEGRITY\n\nREF:", "WHOLENESS\n\nREF:"))
    assert "parsed 1 (1 replaced)" in run("parse", str(folder), "--store", str(root)).stderr
    assert ids(search(root, "subject:wholeness")) == ["08BAKU279"]
    gone = search(root, "subject:integrity")
    assert gone.exit_code == 1 and gone.stdout == ""
    assert run("search", "--store", str(root), "--count", "subject:integrity").stdout.strip() == "0"
    # The snippet comes from the record itself, with the matched word marked; a word only
    # in the subject shows the body's opening instead of the subject again.
    index = open_corpus(root)
    try:
        (row,) = index.search(compile_query("wholeness"))
        assert row["snippet"].startswith("This is an action request") and "WHOLENESS" not in row["snippet"]
        (row,) = index.search(compile_query("Mammadyarov"))
        assert "\x02Mammadyarov\x03" in row["snippet"]
    finally:
        index.close()


def test_an_older_index_with_text_is_rebuilt_without(tmp_path):
    import sqlite3

    root = tmp_path / "s"
    run("parse", str(SEEDS), "--store", str(root))
    db = sqlite3.connect(root / "index.sqlite")
    with db:  # the index as version 2 wrote it: FTS5 keeping its own copy of the text
        db.execute("DROP TABLE fts")
        db.execute("CREATE VIRTUAL TABLE fts USING fts5(subject, body, tags, signers, origin, cls, cid, refs)")
        db.execute("UPDATE meta SET value = '2' WHERE key = 'version'")
    db.close()
    result = search(root, "subject:azerbaijan")
    assert ids(result) == ["08BAKU279"]
    assert "rebuilding" in result.stderr
    db = sqlite3.connect(root / "index.sqlite")
    (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'fts'").fetchone()
    db.close()
    assert "content = ''" in sql


def test_an_old_line_changed_outside_makes_the_index_rebuild(tmp_path):
    """If a replaced record's old line cannot be read back, its words cannot be taken out
    of the index one by one: the index marks itself for a rebuild instead."""
    from cablekit.record import encode
    from cablekit.store import entry

    root = tmp_path / "s"
    run("parse", str(SEED1), "--store", str(root))
    path = root / "records.jsonl"
    record = json.loads(path.read_text())
    path.write_bytes(b"#" + path.read_bytes()[1:])  # same size, no longer JSON
    record["subject"] = "WHOLENESS"
    store = Store(root)
    index = open_index(store)
    try:
        with store.locked():
            index.write([entry(record)], [encode(record)])
        assert index.state() == "stale"
    finally:
        index.close()
    result = search(root, "subject:wholeness")
    assert "rebuilding" in result.stderr
    assert ids(result) == ["08BAKU279"]
    assert search(root, "subject:integrity").stdout == ""


def test_index_rebuilt_when_missing_or_stale(tmp_path):
    root = tmp_path / "s"
    run("parse", str(SEEDS), "--store", str(root))
    (root / "index.sqlite").unlink()
    result = search(root, "id:08BAKU279")
    assert ids(result) == ["08BAKU279"]
    assert "rebuilding" in result.stderr
    # A line appended by another tool is picked up.
    record = _lines(root)[0]
    record["id"] = "99TEST1"
    with open(root / "records.jsonl", "a") as handle:
        handle.write(json.dumps(record) + "\n")
    result = search(root, "id:99TEST1")
    assert ids(result) == ["99TEST1"]
    rebuilt = run("index", "--rebuild", "--store", str(root))
    assert "3 records" in rebuilt.stderr


@pytest.mark.parametrize("damage", [b"\x00garbage, not SQLite" * 300, b"SQLite format 3\x00" + b"\xff" * 4000])
def test_damaged_index_file_is_rebuilt_from_the_store(tmp_path, damage):
    root = tmp_path / "s"
    run("parse", str(SEEDS), "--store", str(root))
    (root / "index.sqlite").write_bytes(damage)
    for extra in ("index.sqlite-wal", "index.sqlite-shm"):
        (root / extra).unlink(missing_ok=True)
    checked = run("check", "--store", str(root))
    assert checked.exit_code == 1 and "index: damaged" in checked.stderr
    assert "Traceback" not in checked.stderr
    result = search(root, "id:08BAKU279")
    assert ids(result) == ["08BAKU279"]
    assert "damaged" in result.stderr and "Traceback" not in result.stderr
    assert run("check", "--store", str(root)).exit_code == 0
    (root / "index.sqlite").write_bytes(damage)
    repaired = run("check", "--repair", "--store", str(root))
    assert repaired.exit_code == 0, repaired.stderr
    assert run("check", "--store", str(root)).exit_code == 0
    (root / "index.sqlite").write_bytes(damage)
    rebuilt = run("index", "--rebuild", "--store", str(root))
    assert rebuilt.exit_code == 0 and "2 records" in rebuilt.stderr


@pytest.mark.parametrize(
    "damage, why",
    [("{not json", "not valid JSON"), ('{"schema":1,"id":""}', "valid JSON but not a record")],
)
def test_damaged_line_is_reported_and_skipped(tmp_path, damage, why):
    """One rule for a stored record, for the index and check alike: check used to reject
    an empty id while the index took it."""
    root = tmp_path / "s"
    run("parse", str(SEEDS), "--store", str(root))
    path = root / "records.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text(lines[0] + damage + "\n" + lines[1])
    result = run("index", "--rebuild", "--store", str(root))
    assert "line 2 is damaged" in result.stderr
    assert "2 records" in result.stderr
    result = run("check", "--store", str(root))
    assert result.exit_code == 1 and f"line 2: {why}" in result.stderr


def test_index_compact_drops_superseded_lines(tmp_path):
    root = tmp_path / "s"
    cable = tmp_path / "08BAKU279.txt"
    cable.write_text(SEED1.read_text())
    run("parse", str(cable), "--store", str(root))
    # A later line of the same id, as a writer appends it (parse compacts small stores itself).
    first = (root / "records.jsonl").read_bytes()
    record = json.loads(first)
    record["subject"] = "A NEW SUBJECT"
    with open(root / "records.jsonl", "ab") as handle:
        handle.write(json.dumps(record, ensure_ascii=False).encode() + b"\n")
    result = run("index", "--compact", "--store", str(root))
    assert result.exit_code == 0, result.output
    assert f"compacted: {len(first)} bytes" in result.stderr
    assert [r["subject"] for r in _lines(root)] == ["A NEW SUBJECT"]
    assert run("check", "--store", str(root)).exit_code == 0
    assert json.loads(run("show", "--json", "08BAKU279", "--store", str(root)).stdout)["subject"] == "A NEW SUBJECT"


# --- crash safety and concurrency --------------------------------------------------


def test_torn_last_line_is_ignored_and_cut(tmp_path):
    """What a writer killed mid-append leaves: a last line without its newline."""
    root = tmp_path / "s"
    run("parse", str(SEEDS), "--store", str(root))
    with open(root / "records.jsonl", "ab") as handle:
        handle.write(b'{"schema": 1, "id": "08BAKU2')
    store = Store(root)
    index = open_index(store)
    assert index.count() == 2
    index.close()
    assert (root / "records.jsonl").read_bytes().endswith(b"\n")
    cable = tmp_path / "x.txt"
    cable.write_text(SEED1.read_text().replace("BAKU 000279", "BAKU 000280"))
    assert run("parse", str(cable), "--store", str(root)).exit_code == 0
    assert sorted(r["id"] for r in _lines(root)) == ["002_206ec497b6042983", "08BAKU279", "08BAKU280"]


def _make_cables(folder, start, count):
    folder.mkdir(parents=True, exist_ok=True)
    text = SEED1.read_text()
    for n in range(start, start + count):
        (folder / f"c{n}.txt").write_text(text.replace("BAKU 000279", f"BAKU {n:06d}"))


def _children(pid: int) -> list[int]:
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as handle:
            found += [int(c) for c in handle.read().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_writer_killed_mid_run_then_rerun(new_store, tmp_path):
    root, folder = new_store, tmp_path / "c"
    _make_cables(folder, 1000, 1500)
    cmd = [sys.executable, "-m", "cablekit", "parse", str(folder), "--store", str(root), "-j", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and not stored_count(root):
        time.sleep(0.01)
    workers = _children(proc.pid)
    assert workers  # the parsing processes
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    # The workers notice that their parent is gone and leave, instead of waiting for
    # tasks for ever.
    deadline = time.time() + 10
    while time.time() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)
    # Whatever was written reads cleanly (skipping at most a torn last line in a folder;
    # a database holds whole batches only).
    if is_url(root):
        written = {r["id"] for r in stored_records(root)}
        assert len(written) % 500 == 0
    else:
        raw = (Path(root) / "records.jsonl").read_bytes()
        complete = raw[: raw.rfind(b"\n") + 1]
        written = {json.loads(line)["id"] for line in complete.splitlines()}
    assert written
    rerun = subprocess.run(cmd, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    records = _lines(root)
    got = [r["id"] for r in records]
    assert len(got) == len(set(got)) == 1500
    assert written <= set(got)


def test_two_concurrent_writers(new_store, tmp_path):
    root = new_store
    _make_cables(tmp_path / "a", 1000, 700)
    _make_cables(tmp_path / "b", 2000, 700)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "cablekit", "parse", str(tmp_path / x), "--store", str(root)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for x in "ab"
    ]
    for p in procs:
        assert p.wait() == 0, p.stderr.read()
    got = [r["id"] for r in _lines(root)]  # every line is whole JSON: nothing interleaved
    assert len(got) == len(set(got)) == 1400
    index = open_corpus(root)
    assert index.count() == 1400
    index.close()


# --- untrusted text -----------------------------------------------------------------


def test_markup_and_escape_sequences_are_inert(new_store, tmp_path):
    root = new_store
    cable = tmp_path / "evil.txt"
    cable.write_text(
        "P 251207Z MAR 08\nFM AMEMBASSY BAKU\nTO SECSTATE WASHDC\n\nUNCLAS BAKU 000777\n\nSUBJECT: [bold red]HELLO[/] [link=http://evil]click[/link]\n\n"
        "1. (U) Hostile \x1b[31mred\x1b[0m text \x1b]8;;http://evil\x07link\x1b]8;;\x07 and\rreturn.\n"
    )
    run("parse", str(cable), "--store", str(root))
    for args in (["show", "08BAKU777"], ["search", "hostile"], ["show", "--field", "subject", "08BAKU777"]):
        result = run(*args, "--store", str(root))
        assert result.exit_code == 0, result.output
        assert "[bold red]HELLO[/]" in result.stdout
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\r" not in result.stdout
    env = dict(os.environ, NO_COLOR="1")
    out = subprocess.run(
        [sys.executable, "-m", "cablekit", "show", "08BAKU777", "--store", str(root)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert "\x1b" not in out.stdout


def test_two_sources_of_one_cable_do_not_replace_each_other_forever(new_store, tmp_path):
    root, folder = new_store, tmp_path / "c"
    folder.mkdir()
    (folder / "a.txt").write_bytes(SEED1.read_bytes())
    (folder / "b.txt").write_bytes(SEED1.read_bytes() + b"\n")  # the same cable, other bytes
    first = run("parse", str(folder), "--store", str(root))
    assert "parsed 1, skipped 0" in first.stderr and "1 more copies" in first.stderr
    second = run("parse", str(folder), "--store", str(root))
    assert "parsed 0, skipped 2 unchanged" in second.stderr
    (record,) = _lines(root)
    # Two readings as complete as each other: the first name wins, whatever the order.
    assert record["id"] == "08BAKU279" and record["source"]["path"].endswith("a.txt")
    assert [o["path"].rsplit("/", 1)[1] for o in record["other_sources"]] == ["b.txt"]


def test_ctrl_c_keeps_what_was_parsed(new_store, tmp_path):
    root, folder = new_store, tmp_path / "c"
    _make_cables(folder, 1000, 3000)
    proc = subprocess.Popen(
        [sys.executable, "-m", "cablekit", "parse", str(folder), "--store", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline and not stored_count(root):
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    err = proc.stderr.read()
    assert proc.wait() == 130
    assert "interrupted: parsed" in err and "Traceback" not in err
    kept = len(_lines(root))
    assert 0 < kept < 3000
    rerun = run("parse", str(folder), "--store", str(root))
    assert f"skipped {kept} unchanged" in rerun.stderr
    assert len(_lines(root)) == 3000


def test_export_jsonl_csv_and_subset(store, tmp_path):
    import csv
    import gzip
    import io

    everything = run("export", "--store", str(store))
    assert everything.exit_code == 0
    ids = [json.loads(line)["id"] for line in everything.stdout.splitlines()]
    assert len(ids) == 9 and ids[0] == "90CAPETOWN97"  # oldest first; undated last
    subset = run("export", "--store", str(store), "--format", "csv", "class:secret")
    rows = list(csv.reader(io.StringIO(subset.stdout)))
    assert rows[0][:4] == ["id", "date", "classification", "origin"]
    assert sorted(r[0] for r in rows[1:]) == ["04AMMAN1288", "07BERLIN242", "09PARIS264"]
    berlin = next(r for r in rows if r[0] == "07BERLIN242")
    assert berlin[rows[0].index("tags")] == "KJUS|PTER|PREL|PGOV|GM"
    assert berlin[rows[0].index("references")] == "07BERLIN230|07BERLIN200"
    target = tmp_path / "x.jsonl.gz"
    assert run("export", "--store", str(store), "-o", str(target), "--since", "2008").exit_code == 0
    with gzip.open(target, "rt") as handle:
        assert {json.loads(line)["id"] for line in handle} == {
            "08BAKU279",
            "08BRASILIA429",
            "09BEIJING1378",
            "09PARIS264",
        }
    assert run("export", "--store", str(store), "zzzz").exit_code == 1
    assert run("export", "--store", str(store), '"open').exit_code == 2
