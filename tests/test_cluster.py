"""Parsing on a Dask cluster: a real LocalCluster of two worker processes, started by
`cablekit parse --cluster local:2`, gives what local parsing gives."""

import json

import pytest
from click.testing import CliRunner
from conftest import CABLES, CORPUS, SEEDS, stored_records

from cablekit.cli import cli

pytest.importorskip("distributed", reason="Dask is the 'cluster' extra: pip install 'cablekit[cluster]'")

CSV = CORPUS / "csv"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_cluster_records_equal_local_ones_in_the_same_order(tmp_path):
    (tmp_path / "missing").mkdir()
    broken = tmp_path / "missing" / "gone.txt"
    broken.symlink_to(tmp_path / "nowhere.txt")
    local = run("parse", "--json", "-j", "2", SEEDS, CABLES, CSV, broken)
    errors = tmp_path / "errors.jsonl"
    remote = run("parse", "--json", "--cluster", "local:2", "--errors", errors, SEEDS, CABLES, CSV, broken)
    assert local.exit_code == remote.exit_code == 1  # the broken link fails, the rest go on
    assert remote.stdout == local.stdout and len(remote.stdout.splitlines()) > 2000
    (failure,) = [json.loads(line) for line in errors.read_text().splitlines()]
    assert failure["path"] == str(broken) and "broken symbolic link" in failure["reason"]


def test_cluster_parse_into_a_store_then_a_rerun_skips_everything(new_store):
    first = run("parse", "--cluster", "local:2", "--store", new_store, SEEDS, CABLES)
    assert first.exit_code == 0, first.output
    assert "parsed 36, skipped 0 unchanged" in first.stderr
    again = run("parse", "--cluster", "local:2", "--store", new_store, SEEDS, CABLES)
    assert "parsed 0, skipped 36 unchanged" in again.stderr
    local = run("parse", "--json", SEEDS, CABLES)
    wanted = {json.loads(line)["id"] for line in local.stdout.splitlines()}
    assert sorted(r["id"] for r in stored_records(new_store)) == sorted(wanted)


def test_workers_write_partitioned_files_into_a_folder(tmp_path):
    out = tmp_path / "records"
    result = run("parse", "--cluster", "local:2", "-o", f"{out}/", SEEDS, CABLES, CSV)
    assert result.exit_code == 0, result.output
    parts = sorted(out.glob("part-*.jsonl"))
    assert len(parts) > 2 and not list(out.glob("*.part"))
    written = [json.loads(line) for part in parts for line in part.read_text().splitlines()]
    local = [json.loads(line) for line in run("parse", "--json", SEEDS, CABLES, CSV).stdout.splitlines()]
    assert sorted(r["id"] for r in written) == sorted(r["id"] for r in local)
    assert f"wrote {len(local)} records" in result.stderr


def test_a_folder_for_records_needs_a_cluster(tmp_path):
    result = run("parse", "-o", f"{tmp_path}/", SEEDS)
    assert result.exit_code == 2 and "goes with --cluster" in result.stderr
