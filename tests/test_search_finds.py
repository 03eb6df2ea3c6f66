"""Search finds what is there, says what it read, and says why nothing matched.

A store of real cables: the seeds and seven cables of tests/data/cables. Every
name below stands once in its cable, only where the words are given: in the
Classified By line, the signature or a REF line (read in the files).
"""

import json

import pytest
from click.testing import CliRunner
from conftest import CABLES, SEEDS, STORES, make_store

from cablekit.cli import cli

FILES = ["09BEIJING1378", "08BRASILIA429", "06SKOPJE105", "04AMMAN1288", "07BERLIN242", "09PARIS264", "90CAPETOWN97"]


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module", params=STORES)
def store(request, tmp_path_factory):
    root = make_store(request.param, tmp_path_factory.mktemp("store"), request)
    cables = tmp_path_factory.mktemp("cables")
    for name in FILES:
        (cables / f"{name}.txt").write_bytes((CABLES / f"{name}.txt").read_bytes())
    assert run("parse", SEEDS, cables, "--store", root).exit_code == 0
    return root


def found(store, *query):
    result = run("search", "--store", store, "--json", "--fields", "id", *query)
    return sorted(json.loads(line)["id"] for line in result.stdout.splitlines())


@pytest.mark.parametrize(
    "word, cable",
    [
        ("Carlson", "09BEIJING1378"),  # Classified By: DCM Aubrey Carlson
        ("Allegrone", "09PARIS264"),  # Classified By: ... Kathleen H. Allegrone
        ("Koenig", "07BERLIN242"),  # Classified By: ... John M. Koenig
        ("Baquet", "90CAPETOWN97"),  # the signature
        ("Bryza", "08BAKU279"),  # REF B. AMBASSADOR DERSE/BRYZA EMAIL OF 3/20/08
    ],
)
def test_every_word_of_the_text_is_found_by_a_plain_search(store, word, cable):
    assert found(store, word) == [cable]


def test_classified_by_from_and_to_fields(store):
    assert found(store, "classified_by:derse") == ["08BAKU279"]
    assert found(store, "classified_by:carlson") == ["09BEIJING1378"]
    assert found(store, "from:baku") == ["08BAKU279"]  # FM AMEMBASSY BAKU
    assert found(store, "to:secdef") == ["06SKOPJE105", "08BAKU279", "08BRASILIA429"]  # TO or INFO SECDEF


def test_what_users_write_is_read_as_they_mean_it(store):
    both = run("search", "--store", store, "--json", "--fields", "id", "derse or pekala")
    assert "'or' read as OR" in both.stderr
    assert sorted(json.loads(x)["id"] for x in both.stdout.splitlines()) == [
        "002_206ec497b6042983",
        "08BAKU279",
        "09PARIS264",
    ]
    either = run("search", "--store", store, "--json", "--fields", "id", "tag:PBTS,PHUM")
    assert "read as tag:PBTS OR tag:PHUM" in either.stderr
    assert found(store, "tag:PBTS,PHUM") == sorted(set(found(store, "tag:PBTS")) | set(found(store, "tag:PHUM")))
    # 09BEIJING1378 cites "BEIJING 0303": the id is 09BEIJING303, written either way.
    cites = run("search", "--store", store, "--json", "--fields", "id", "ref:09BEIJING0303")
    assert "read as ref:09BEIJING303" in cites.stderr and json.loads(cites.stdout)["id"] == "09BEIJING1378"
    assert found(store, "cites:09beijing303") == ["09BEIJING1378"]
    backwards = run("search", "--store", store, "date:2009..2008")
    assert backwards.exit_code == 2 and "ends before it starts" in backwards.stderr
    assert run("search", "--store", store, "date:2009", "--until", "2008").exit_code == 2


def test_show_reads_an_id_as_the_parser_writes_it(store):
    result = run("show", "--store", store, "--field", "id", "09paris0264")
    assert result.exit_code == 0 and result.stdout.strip() == "09PARIS264"


def test_no_results_say_so_with_suggestions(store):
    result = run("search", "--store", store, "mammadyrov")  # Mammadyarov, misspelt
    assert result.exit_code == 1 and result.stdout == ""
    assert "no cables match 'mammadyrov'" in result.stderr
    assert "did you mean mammadyarov" in result.stderr
    by_id = run("search", "--store", store, "08BAKU279")
    assert "id:08BAKU279 matches 1 cable" in by_id.stderr


def test_unknown_json_fields_are_an_error(store):
    result = run("search", "--store", store, "--json", "--fields", "id,nonexistent", "derse")
    assert result.exit_code == 2 and "no field 'nonexistent'" in result.stderr


def test_snippets_show_the_body_not_the_tags_or_rules(store):
    from cablekit.store import compile_query
    from cablekit.store.base import open_corpus

    index = open_corpus(store)
    try:
        (row,) = index.search(compile_query("tag:PBTS"), limit=1)
        # A filter-only query: the body's opening, not the TAGS line.
        assert row["snippet"].startswith("This is an action request") and "PBTS" not in row["snippet"]
        for row in index.search(compile_query("summary"), limit=20):
            assert "---" not in row["snippet"] and "===" not in row["snippet"]
    finally:
        index.close()


def test_offset_pages_through_the_hits(store):
    def ids(*args):
        result = run("search", "--store", store, "--json", "--fields", "id", "--sort", "date", *args, "embassy")
        return [json.loads(x)["id"] for x in result.stdout.splitlines()]

    every = ids()
    assert len(every) >= 4
    assert ids("-n", "2", "--offset", "2") == every[2:4]
    assert ids("--offset", str(len(every))) == []
