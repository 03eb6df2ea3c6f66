"""Output that reads anywhere: the search table at 80 columns, show's raw text, source
item, warnings and highlighting, and the pager."""

import json
import os
import shutil

import pytest
from click.testing import CliRunner
from conftest import DATA, on_a_terminal
from rich.console import Console

from cablekit.cli import cli
from cablekit.cli.render import _marked, search_table, show_record

INPUTS, COPIES = DATA / "inputs", DATA / "copies"


def run(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root, folder = tmp_path_factory.mktemp("store"), tmp_path_factory.mktemp("in")
    for path in [COPIES / "04MADRID4367.html", INPUTS / "Consulate_Cape_Town", INPUTS / "wikileaks-excerpt.json"]:
        shutil.copy(path, folder)
    assert run("parse", folder, "--store", root).exit_code == 0
    return root


def test_the_search_table_fits_80_columns_and_gives_the_subject_room():
    # 01HOCHIMINHCITY603 of the corpus (csv/Consulate_Ho_Chi_Minh_City), and the seed.
    rows = [
        {
            "id": "01HOCHIMINHCITY603",
            "date": "2001-05-18T10:27:00Z",
            "classification": "UNCLASSIFIED//FOR OFFICIAL USE ONLY",
            "origin": "HOCHIMINHCITY",
            "subject": "UPDATE ON ARREST OF DISSIDENT CATHOLIC PRIEST AND THREATS TO BUDDHIST, HOA HAO DISSIDENTS",
            "snippet": "the \x02priest\x03 was arrested …",
        },
        {
            "id": "08BAKU279",
            "date": "2008-03-25T12:07:00Z",
            "classification": "CONFIDENTIAL",
            "origin": "BAKU",
            "subject": "ACTION REQUEST: AZERBAIJAN REQUESTS CONFIRMATION OF MINSK GROUP CO-CHAIRS' SUPPORT",
            "snippet": None,
        },
    ]
    out = Console(width=80, record=True, file=open(os.devnull, "w"))
    search_table(rows, out)
    lines = out.export_text().splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert "U//FOUO" in lines[1] and "UNCLASSIFIED" not in out.export_text()
    assert "UPDATE ON ARREST OF DISSIDENT CATHOLIC" in lines[1]  # the subject keeps a readable width
    assert len(lines) <= 8
    wide = Console(width=120, record=True, file=open(os.devnull, "w"))
    search_table(rows, wide)
    assert "HOCHIMINHCITY  UPDATE ON ARREST" in wide.export_text()  # room for the origin too


def test_raw_is_the_cables_own_text_as_its_source_holds_it(store):
    page = run("show", "--store", store, "--raw", "04MADRID4367")
    assert page.exit_code == 0 and "&#x000A;" not in page.stdout and "<a " not in page.stdout
    assert page.stdout.startswith("This record is a partial extract of the original cable.")
    assert "C O N F I D E N T I A L MADRID 004367" in page.stdout
    row = run("show", "--store", store, "--raw", "90CAPETOWN623")  # row 2 of Consulate_Cape_Town
    assert row.exit_code == 0 and "gone or changed" not in row.stderr
    assert row.stdout.startswith("P 161349Z MAR 90\nFM AMCONSUL CAPE TOWN")
    line = run("show", "--store", store, "--raw", "04ANKARA348")  # line 1 of the JSON lines: header, body
    assert line.stdout.startswith("This record is a partial extract of the original cable.")
    assert "\n\nC o n f i d e n t i a l section 01 of 04 ankara 000348" in line.stdout


def test_source_is_the_whole_source_item(store):
    row = run("show", "--store", store, "--source", "90CAPETOWN623")
    assert row.stdout.startswith('"352","3/16/1990 13:49","90CAPETOWN623","Consulate Cape Town","UNCLASSIFIED"')
    line = run("show", "--store", store, "--source", "04ANKARA348")
    assert json.loads(line.stdout)["reference_id"] == "04ANKARA348"
    page = run("show", "--store", store, "--source", "04MADRID4367")
    assert "<table class='cable'>" in page.stdout


def test_show_ends_with_the_parsers_warnings(store):
    result = run("show", "--store", store, "04MADRID4367")
    assert result.exit_code == 0
    assert "The parser's warnings about this cable:" in result.stdout
    assert "only the hour is kept" in result.stdout


def test_highlight_marks_the_words_in_any_case():
    marked = _marked("The Ambassador delivered reftel points on Kosovo's independence", ["kosovo"])
    (span,) = marked.spans
    assert marked.plain[span.start : span.end] == "Kosovo"
    record = json.loads(run("parse", "--json", DATA.parent.parent / "seeds" / "000_f96e09e439d60289.txt").stdout)
    out = Console(width=80, record=True, force_terminal=True, color_system="standard", file=open(os.devnull, "w"))
    show_record(record, out, ["integrity"])
    assert "\x1b[1;7mINTEGRITY" in out.export_text(styles=True) or "\x1b[7;1mINTEGRITY" in out.export_text(styles=True)


def test_show_pages_on_a_terminal_unless_told_not_to(store, tmp_path):
    paged = tmp_path / "paged.txt"
    env = dict(os.environ, PAGER=f"tee {paged}", COLUMNS="80")
    on_a_terminal(["show", "--store", store, "04MADRID4367"], env)
    assert "MADRID 004367" in paged.read_text(errors="replace") or "04MADRID4367" in paged.read_text(errors="replace")
    paged.unlink()
    shown = on_a_terminal(["show", "--store", store, "--no-pager", "04MADRID4367"], env)
    assert not paged.exists() and "04MADRID4367" in shown
