"""Counts, timelines and the citation graph, checked against counts made independently
from the store's records.jsonl (a store of the corpus's web pages and cables.csv files)."""

import collections
import json

import pytest
from click.testing import CliRunner
from conftest import CORPUS, STORES, make_store, on_a_terminal, stored_records

from cablekit.cli import cli
from cablekit.store import compile_query
from cablekit.store.base import open_corpus


def run(*args):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module", params=STORES)
def store(request, tmp_path_factory):
    root = make_store(request.param, tmp_path_factory.mktemp("explore"), request)
    result = run("parse", str(CORPUS / "html"), str(CORPUS / "csv"), "--store", root)
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="module")
def records(store):
    by_id = {}
    for record in stored_records(store):
        by_id[record["id"]] = record  # a later line of an id replaces an earlier one
    return list(by_id.values())


def counted(result) -> dict:
    assert result.exit_code == 0, result.output
    return {item["value"]: item["count"] for item in map(json.loads, result.stdout.splitlines())}


def test_counts_of_the_whole_store(store, records):
    assert len(records) > 3000
    tags = collections.Counter(t for r in records for t in dict.fromkeys(r["tags"]))
    assert counted(run("stats", "--store", str(store), "--list", "tags", "--json")) == dict(tags)
    origins = collections.Counter(r["origin"] for r in records)
    assert counted(run("stats", "--store", str(store), "--list", "origins", "--json")) == dict(origins)
    summary = json.loads(run("stats", "--store", str(store), "--json").stdout)
    years = collections.Counter(r["date"][:4] if r["date"] else None for r in records)
    assert {i["value"]: i["count"] for i in summary["per_year"]} == dict(years)
    assert summary["records"] == len(records)
    assert summary["with_warnings"] == sum(1 for r in records if r["warning_codes"])
    formats = collections.Counter(r["source"]["format"] for r in records)
    assert {i["value"]: i["count"] for i in summary["formats"]} == dict(formats)


def test_counts_of_a_query(store, records):
    prel = [r for r in records if "PREL" in r["tags"]]
    by_origin = counted(run("search", "--store", str(store), "tag:PREL", "--by", "origin", "--json"))
    assert by_origin == dict(collections.Counter(r["origin"] for r in prel))
    in_2008 = [r for r in records if (r["date"] or "").startswith("2008")]
    by_tag = counted(run("search", "--store", str(store), "date:2008", "--by", "tag", "--json"))
    assert by_tag == dict(collections.Counter(t for r in in_2008 for t in dict.fromkeys(r["tags"])))
    by_class = counted(run("stats", "--store", str(store), "--list", "classes", "--json", "date:2008"))
    assert by_class == dict(collections.Counter(r["classification"] for r in in_2008))


def test_a_timeline_has_its_gaps_and_its_order(store, records):
    result = run("search", "--store", str(store), "origin:VATICAN", "--by", "year")
    assert result.exit_code == 0
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    years = [int(value) for value, _ in lines if value.isdigit()]
    assert years == list(range(years[0], years[-1] + 1))  # every year between, zero or not
    vatican = collections.Counter(r["date"][:4] for r in records if r["origin"] == "VATICAN" and r["date"])
    assert {value: int(n) for value, n in lines if value.isdigit() and int(n)} == dict(vatican)
    top = run("search", "--store", str(store), "embassy", "--by", "origin", "--top", "3")
    assert len(top.stdout.splitlines()) == 3
    assert run("search", "--store", str(store), "embassy", "--sort", "count").exit_code == 2


def test_cited_by_is_the_inverse_of_references(store, records):
    in_store = {r["id"] for r in records}
    cites = {r["id"]: {x["id"] for x in r["references"] + r["cited"] if x.get("id")} - {r["id"]} for r in records}
    citing = collections.defaultdict(set)
    for source, targets in cites.items():
        for target in targets:
            citing[target].add(source)
    index = open_corpus(store)
    try:
        checked = 0
        for source in sorted(cites, key=lambda k: -len(cites[k]))[:40]:
            assert {t for t, _ in index.cites(source)} == cites[source]
            found = run("search", "--store", str(store), "--json", f"cited-by:{source}")
            expected = cites[source] & in_store
            assert {json.loads(line)["id"] for line in found.stdout.splitlines()} == expected
            checked += bool(expected)
        assert checked > 10
        for target in sorted(citing, key=lambda k: -len(citing[k]))[:40]:
            assert {row[0] for row in index.cited_by(target)} == citing[target]
    finally:
        index.close()


def test_cited_by_combines_with_words_and_only_with_and(store, records):
    source = max(records, key=lambda r: len([x for x in r["references"] if x.get("id")]))
    compiled = compile_query(f"cited-by:{source['id']} embassy")
    assert compiled.cited_by == [source["id"]] and compiled.match
    bad = run("search", "--store", str(store), f"cited-by:{source['id']} OR embassy")
    assert bad.exit_code == 2 and "only be combined with AND" in bad.stderr


def test_graph_files_read_by_networkx(store, records, tmp_path):
    networkx = pytest.importorskip("networkx", reason="networkx is in the test extras")
    graphml = tmp_path / "cairo.graphml"
    result = run("export", "--store", str(store), "--format", "graphml", "-o", str(graphml), "origin:CAIRO date:2009")
    assert result.exit_code == 0, result.output
    graph = networkx.read_graphml(graphml)
    cairo = {r["id"]: r for r in records if r["origin"] == "CAIRO" and (r["date"] or "").startswith("2009")}
    assert set(graph.nodes) == set(cairo)
    expected = {
        (r["id"], x["id"])
        for r in cairo.values()
        for x in r["references"] + r["cited"]
        if x.get("id") in cairo and x["id"] != r["id"]
    }
    assert set(graph.edges) == expected and expected
    node = graph.nodes[next(iter(cairo))]
    assert node["origin"] == "CAIRO" and node["date"].startswith("2009")
    # With --depth the neighbours come too, the ones the store lacks marked so.
    wider = run("export", "--store", str(store), "--format", "graphml", "--depth", "1", "origin:CAIRO date:2009")
    graph = networkx.parse_graphml(wider.stdout)
    assert set(cairo) < set(graph.nodes)
    assert any(data["in_store"] == "false" for _, data in graph.nodes(data=True))
    edges = run("export", "--store", str(store), "--format", "edges", "origin:CAIRO date:2009")
    listed = networkx.parse_edgelist(edges.stdout.splitlines(), create_using=networkx.DiGraph)
    assert set(listed.edges) == expected


def test_dot_accepted_by_graphviz(store):
    import shutil
    import subprocess

    dot = run("export", "--store", str(store), "--format", "dot", "origin:CAIRO date:2009")
    assert dot.exit_code == 0 and dot.stdout.startswith("digraph citations {")
    if shutil.which("dot") is None:
        pytest.skip("Graphviz (dot) is not installed: the DOT file was written but not drawn")
    drawn = subprocess.run(["dot", "-Tsvg"], input=dot.stdout, capture_output=True, text=True)
    assert drawn.returncode == 0 and "<svg" in drawn.stdout, drawn.stderr


def test_refs_walks_both_ways(store, records):
    cites = {r["id"]: {x["id"] for x in r["references"] + r["cited"] if x.get("id")} - {r["id"]} for r in records}
    root = max((r for r in records if r["origin"] == "CAIRO"), key=lambda r: len(cites[r["id"]]))["id"]
    result = run("refs", "--store", str(store), root)
    assert result.exit_code == 0, result.output
    edges = {tuple(line.split("\t")[:2]) for line in result.stdout.splitlines()}
    citing = {src for src, targets in cites.items() if root in targets}
    assert edges == {(root, t) for t in cites[root]} | {(src, root) for src in citing}
    deeper = run("refs", "--store", str(store), root, "--depth", "2", "--json")
    depths = {json.loads(line)["depth"] for line in deeper.stdout.splitlines()}
    assert depths <= {1, 2}
    assert run("refs", "--store", str(store), "99NOWHERE1").exit_code == 1


def test_bars_and_trees_on_a_terminal_fit_80_columns_and_drop_colour(store, records):
    import os
    import re

    root = max(records, key=lambda r: len([x for x in r["references"] if x.get("id")]))["id"]
    env = dict(os.environ, COLUMNS="80", NO_COLOR="1")
    for args in (
        ["search", "--store", store, "embassy", "--by", "year", "--by", "origin", "--top", "8"],
        ["stats", "--store", store],
        ["refs", "--store", store, root, "--depth", "2"],
    ):
        seen = on_a_terminal(args, env)
        plain = re.sub(r"\x1b\[[0-9;]*m", "", seen).replace("\r", "")
        shown = [line for line in plain.split("\n") if not line.startswith("cablekit: ")]  # (stderr's notes)
        assert max(len(line) for line in shown) <= 80, [line for line in shown if len(line) > 80]
        assert not re.search(r"\x1b\[(?:[0-9;]*;)?(?:3[0-9]|9[0-7]|38)[;m]", seen), args  # no colour codes
        assert "█" in plain or "├──" in plain or "└──" in plain
