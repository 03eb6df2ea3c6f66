"""Every input style, read from real corpus files (tests/data/inputs, see tests/data/README.md).

Expected values were written by reading the files: page tables, CSV columns,
JSON fields and the cable text itself.
"""

import json
import shutil

import pytest
from click.testing import CliRunner
from conftest import DATA

from cablekit.cli import cli
from cablekit.pipeline import iter_records
from cablekit.record import canonical_id
from cablekit.sources import detect, read_bytes

INPUTS = DATA / "inputs"


def records(name, fmt=None):
    out = []
    for record, error in iter_records(str(INPUTS / name), fmt):
        assert error is None, error
        out.append(record)
    return out


def one(name, fmt=None):
    recs = records(name, fmt)
    assert len(recs) == 1
    return recs[0]


# --- detection by content -------------------------------------------------------------


@pytest.mark.parametrize(
    "name,fmt",
    [
        ("06BRIDGETOWN2164.html", "html"),
        ("fragments/90CAPETOWN97.txt", "fragment"),
        ("fragments/05VIENNA3833.txt", "fragment"),
        ("Consulate_Cape_Town", "csv"),
        ("aa-head", "csv"),
        ("wikileaks-excerpt.json", "jsonl"),
        ("cairo-excerpt", "jsonl"),
        ("08MOSCOW3343.json", "json"),
        ("08MADRID174.json", "json"),
        ("02ANKARA8852.txt", "alx"),
    ],
)
def test_detect_by_content(name, fmt):
    head = (INPUTS / name).read_bytes()[:8192].decode("utf-8", "replace")
    assert detect(head) == fmt


def test_detection_ignores_the_extension(tmp_path):
    renamed = tmp_path / "cable.txt"
    shutil.copy(INPUTS / "06BRIDGETOWN2164.html", renamed)
    record = next(iter_records(str(renamed)))[0]
    assert record["source"]["format"] == "html"
    assert record["id"] == "06BRIDGETOWN2164"


def test_format_option_forces_a_reader():
    # Read as plain text, no metadata is used, and the page's navigation hides the cable.
    ((record, error),) = list(iter_records(str(INPUTS / "06BRIDGETOWN2164.html"), "text"))
    assert record is None and error.startswith("no cable")
    result = CliRunner().invoke(cli, ["parse", "--json", "--format", "html", str(INPUTS / "06BRIDGETOWN2164.html")])
    assert json.loads(result.stdout)["id_from"] == "metadata"


# --- web pages ----------------------------------------------------------------------------


def test_dec2010_page():
    r = one("06BRIDGETOWN2164.html")
    assert (r["id"], r["id_from"]) == ("06BRIDGETOWN2164", "metadata")
    # The DTG 081757Z DEC 06 is exact; the table's 17:05 carries the hour twice.
    assert r["date"] == "2006-12-08T17:57:00Z"
    assert r["classification"] == "UNCLASSIFIED"
    assert r["origin"] == "BRIDGETOWN"
    assert r["tags"] == ["OTRA", "ASEC", "EAID", "TD", "XL"]
    assert r["subject"] == "COUNTRY CLEARANCE REQUEST FOR BLACKWOOD AND DONALD TO TRAVEL TO TOBAGO"
    assert [p["number"] for p in r["paragraphs"]] == [1, 2, 3]
    assert r["header"]["to"][0]["name"] == "AMEMBASSY PORT OF SPAIN"
    assert "<a" not in r["text"] and "&#x000A;" not in r["text"]


def test_nov2010_page_with_relative_links():
    r = one("09PARIS1254.html")
    assert r["id"] == "09PARIS1254"
    assert r["classification"] == "SECRET//NOFORN"
    assert r["date"] == "2009-09-16T07:34:00Z"
    assert r["tags"] == ["PREL", "PARM", "KNNP", "BH", "SM", "MK", "GR", "FR"]


def test_page_with_articles_and_metadata_disagreement():
    r = one("07BERN881.html")
    assert r["articles"] == ["http://www.letemps.ch/swiss_papers"]
    assert r["classification"] == "SECRET"  # the table's value, not the link title 'confidential'
    assert r["tags"] == ["MNUC", "KNNP", "ETTC", "IR", "SZ"]


def test_partial_extract_page():
    r = one("04ANKARA348.html")
    assert r["partial"] is True
    assert r["id"] == "04ANKARA348"
    assert r["classification"] == "CONFIDENTIAL"


def test_page_without_pre_is_a_clean_error(tmp_path):
    page = tmp_path / "x.html"
    page.write_text("<html><body><h3>Viewing cable 01X1, NOTHING</h3><table class='cable'></table></body></html>")
    items = list(iter_records(str(page)))
    assert items == [(None, "web page without a <pre> block: no cable text")]


def test_page_parsing_never_expands_entities_or_fetches(tmp_path):
    page = tmp_path / "evil.html"
    page.write_text(
        '<?xml version="1.0"?><!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">'
        '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<html><body><h3>Viewing cable 08BAKU1, &x; &b;</h3><code><pre>UNCLAS BAKU 000001 &x;"
        "</pre></code></body></html>"
    )
    record = next(iter_records(str(page)))[0]
    assert "root:" not in json.dumps(record)
    assert "aaaaaaaaaa" not in json.dumps(record)


# --- cables.csv ---------------------------------------------------------------------------


def test_csv_rows_are_records():
    recs = records("Consulate_Cape_Town")
    assert [r["id"] for r in recs] == ["90CAPETOWN97", "90CAPETOWN623"]
    assert [r["source"]["position"] for r in recs] == [1, 2]
    assert recs[0]["classification"] == "CONFIDENTIAL"
    assert recs[0]["date"] == "1990-01-17T15:12:00Z"
    assert recs[1]["classification"] == "UNCLASSIFIED"
    assert recs[1]["date"] == "1990-03-16T13:49:00Z"
    assert recs[0]["source"]["sha256"] != recs[1]["source"]["sha256"]


def test_csv_with_stray_quote_and_backslash_escapes():
    recs = records("aa-head")
    assert [r["id"] for r in recs] == ["66BUENOSAIRES2481", "72TEHRAN1164", "72TEHRAN1381"]
    r = recs[0]
    assert r["date"] == "1966-12-28T18:48:00Z"
    assert r["tags"] == ["EFIS", "PBTS", "AR"]
    assert r["subject"] == "EXTENDED NATIONAL JURISDICTIONS OVER HIGH SEAS"
    # \"PREFERENTIAL JURISDICTION\" in the file is a plain quote in the record.
    assert '"PREFERENTIAL JURISDICTION"' in r["text"]
    assert r["references"][0]["id"] == "66STATE106206"
    refs = {x["id"] for x in recs[1]["references"]}
    assert refs == {"72MOSCOW1603", "72TEHRAN1091", "72TEHRAN263"}


def test_csv_is_streamed_not_loaded(tmp_path, monkeypatch):
    import cablekit.sources as sources

    decode = sources.decode_bytes

    def head_only(data):
        assert len(data) <= sources.HEAD, "a CSV file must not be read whole"
        return decode(data)

    monkeypatch.setattr(sources, "decode_bytes", head_only)
    assert sources.open_input(str(DATA / "inputs" / "aa-head")).data is None
    assert len(records("aa-head")) == 3


# --- fragments ----------------------------------------------------------------------------


def test_fragment_body_only():
    r = one("fragments/90CAPETOWN97.txt")
    assert r["id"] == "90CAPETOWN97"  # the year comes from the file name: the body has no date
    assert r["tags"] == ["PGOV", "PHUM", "SF"]
    assert r["subject"] == "ESSA MOOSA TALKS ABOUT MANDELA AND OTHER TOPICS"


def test_fragment_followed_by_a_csv_record():
    r = one("fragments/03THEHAGUE2835.txt")
    assert (r["id"], r["id_from"]) == ("03THEHAGUE2835", "metadata")
    assert r["date"] == "2003-11-12T16:26:00Z"
    assert r["classification"] == "SECRET//NOFORN"
    assert r["partial"] is True
    assert r["origin"] == "THEHAGUE"


def test_fragment_rows_in_the_loose_dialect_give_their_date():
    # 04THEHAGUE2735: "UNCLASSIFIED//FOR" / "OFFICIAL USE ONLY" unquoted over two lines,
    # and the body cut off before its closing quote.
    r = one("fragments/04THEHAGUE2735.txt")
    assert r["date"] == "2004-10-22T15:09:00Z" and r["id"] == "04THEHAGUE2735"
    assert r["classification"] == "UNCLASSIFIED//FOR OFFICIAL USE ONLY"
    # 08JEDDAH84: the classification unquoted on the line after the origin, a comma
    # after the body; and "SECTION 01" / "OF 02 JEDDAH 000084" over two lines.
    r = one("fragments/08JEDDAH84.txt")
    assert r["date"] == "2008-02-19T06:18:00Z" and r["id"] == "08JEDDAH84"
    assert r["section"] == {"number": 1, "of": 2} and r["origin"] == "JEDDAH"
    assert "id-mismatch" not in r["warning_codes"]
    # 06THEHAGUE2415: a whole <pre> (not cut off), then '",' and the row.
    r = one("fragments/06THEHAGUE2415.txt")
    assert r["date"] == "2006-11-08T16:22:00Z" and r["id"] == "06THEHAGUE2415"


def test_fragment_stub_is_reported_not_a_crash():
    items = list(iter_records(str(INPUTS / "fragments/05VIENNA3833.txt")))
    assert len(items) == 1 and items[0][0] is None and "Appears in these articles" in items[0][1]


# --- JSON lines, JSON, JSONP, alx -------------------------------------------------------------


def test_jsonl_collapsed_case_folded_bodies():
    recs = records("wikileaks-excerpt.json")
    assert [r["id"] for r in recs] == ["04ANKARA348", "90CAPETOWN97"]
    r = recs[0]
    assert r["classification"] == "CONFIDENTIAL"
    assert r["tags"] == ["PREL", "PGOV", "PINS", "TU"]
    assert r["subject"].startswith("turkish p.m. Erdogan goes to washington")
    assert r["classified_by"]["name"] == "Eric Edelman"
    assert [p["number"] for p in r["paragraphs"] if p["number"]][:3] == [1, 2, 3]


def test_jsonl_with_invalid_lines_and_trailing_word_counts():
    recs = records("cairo-excerpt")
    # _id holds references here, so the ids come from the body and the date.
    assert [r["id"] for r in recs] == ["09CAIRO1", "09CAIRO2", "09CAIRO3", "09CAIRO7", "09CAIRO17"]
    assert recs[0]["date"] == "2009-01-01T02:45:00Z"
    assert recs[2]["classification"] == "UNCLASSIFIED//FOR OFFICIAL USE ONLY"
    assert any("not valid JSON" in w for w in recs[1]["warnings"])
    assert recs[1]["signers"] == ["SCOBEY"]


def test_jsonp_and_plain_json_api_files():
    r = one("08MOSCOW3343.json")
    assert (r["id"], r["classification"], r["origin"]) == ("08MOSCOW3343", "CONFIDENTIAL", "MOSCOW")
    assert r["date"] == "2008-11-19T06:43:00Z"
    assert r["tags"] == ["PGOV", "PHUM", "SOCI", "RS"]
    assert r["subject"] == "MEDVEDEV\u2019S ADDRESS AND TANDEM POLITICS"
    m = one("08MADRID174.json")
    assert (m["id"], m["subject"]) == ("08MADRID174", "SPAIN WILL OPPOSE KOSOVO RECOGNITION AT GAERC")


def test_alx_text():
    r = one("02ANKARA8852.txt")
    assert (r["id"], r["id_from"]) == ("02ANKARA8852", "metadata")
    assert r["date"] == "2002-12-04T00:00:00Z"  # a day, written as local midnight
    assert r["classification"] == "CONFIDENTIAL"
    assert r["partial"] is True
    assert r["subject"].startswith("SCENESETTER FOR DEC. 9-10 WASHINGTON VISIT")


# --- metadata and text ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "published,canonical",
    [
        ("08SECTION01OF03CAIRO1416", "08CAIRO1416"),
        ("06EFTOBAKU1165", "06BAKU1165"),
        ("09AMEMBASSYHANOI1284", "09HANOI1284"),
        ("85NOFORNMOGADISHU1643", "85MOGADISHU1643"),
        ("7575LIBREVILLE1895", "75LIBREVILLE1895"),
        ("06STATE83673_a", "06STATE83673_a"),
        ("08BAKU279", "08BAKU279"),
    ],
)
def test_malformed_published_ids(published, canonical):
    assert canonical_id(published)[0] == canonical


def test_disagreement_is_named():
    data = (
        (INPUTS / "06BRIDGETOWN2164.html")
        .read_text()
        .replace("'unclassified//fouo'>UNCLASSIFIED</a>", "'x'>SECRET</a>")
    )
    _, docs = read_bytes(data.encode())
    from cablekit.parse import parse_document

    r = parse_document(next(docs), None, "0" * 64)
    assert r["classification"] == "SECRET"
    assert any("marked UNCLASSIFIED but the source's metadata says SECRET" in w for w in r["warnings"])


# --- the same cable in several input styles ------------------------------------------------------


def test_cross_format_consistency():
    """90CAPETOWN97 as a page, a CSV row, a fragment and a JSON line (manifest.csv)."""
    versions = {
        "html": one("90CAPETOWN97.html"),
        "csv": records("Consulate_Cape_Town")[0],
        "fragment": one("fragments/90CAPETOWN97.txt"),
        "jsonl": records("wikileaks-excerpt.json")[1],
    }
    for field in ("id", "classification", "tags", "subject"):
        values = {json.dumps(r[field]) for r in versions.values()}
        assert len(values) == 1, (field, {k: r[field] for k, r in versions.items()})
    dated = {r["date"][:10] for r in versions.values() if r["date"]}
    assert dated == {"1990-01-17"}
    counts = {k: len([p for p in r["paragraphs"] if p["number"]]) for k, r in versions.items()}
    assert set(counts.values()) == {17}, counts


def test_whole_folder_through_the_cli(validator):
    result = CliRunner().invoke(cli, ["parse", "--json", str(INPUTS)])
    assert result.exit_code == 0  # the stub fragment holds no cable: passed over, not a failure
    lines = result.stdout.splitlines()
    assert len(lines) == 25
    for line in lines:
        assert not list(validator.iter_errors(json.loads(line)))
    assert "05VIENNA3833.txt: passed over, no cable" in result.stderr


def test_parallel_workers_give_the_same_records_in_the_same_order():
    one_job = CliRunner().invoke(cli, ["parse", "--json", "-j", "1", str(INPUTS), str(DATA / "cables")])
    two_jobs = CliRunner().invoke(cli, ["parse", "--json", "-j", "2", str(INPUTS), str(DATA / "cables")])
    assert one_job.exit_code == two_jobs.exit_code == 0
    assert one_job.stdout == two_jobs.stdout
    assert len(one_job.stdout.splitlines()) == 25 + len(list((DATA / "cables").iterdir()))


def test_output_file_plain_and_compressed_and_errors_file(tmp_path):
    import gzip

    for name, reader in (("out.jsonl", open), ("out.jsonl.gz", gzip.open)):
        target = tmp_path / name
        errors = tmp_path / f"{name}.errors"
        result = CliRunner().invoke(cli, ["parse", str(INPUTS), "-o", str(target), "--errors", str(errors)])
        assert result.exit_code == 0
        assert result.stdout == ""
        with reader(target, "rt", encoding="utf-8") as handle:
            ids = [json.loads(line)["id"] for line in handle]
        assert len(ids) == 25 and ids[0] == "02ANKARA8852"
        (passed,) = [json.loads(line) for line in errors.read_text().splitlines()]
        assert passed["path"].endswith("05VIENNA3833.txt") and passed["passed_over"] is True
        assert "Appears in these articles" in passed["reason"]
        assert "wrote 25 records" in result.stderr and "passed over 1 without a cable, failed 0" in result.stderr
        assert not list(tmp_path.glob("*.part"))


def test_page_metadata_keeps_non_ascii_text():
    from cablekit.sources.page import page_metadata

    page = (INPUTS / "06BRIDGETOWN2164.html").read_text(encoding="utf-8")
    page = page.replace("COUNTRY CLEARANCE REQUEST", "PAKISTAN\u2019S CLEARANCE REQUEST", 1)
    meta = page_metadata(page)
    assert meta["subject"].startswith("PAKISTAN\u2019S CLEARANCE REQUEST")
    assert meta["reference id"] == "06BRIDGETOWN2164"


def test_workers_send_multi_cable_files_back_unread():
    from cablekit.batch import MULTI, _file_task

    assert _file_task((str(INPUTS / "aa-head"), None)) == MULTI
    assert _file_task((str(INPUTS / "cairo-excerpt"), None)) == MULTI
    single = _file_task((str(INPUTS / "06BRIDGETOWN2164.html"), None))
    assert [parsed.id for parsed, _, _ in single] == ["06BRIDGETOWN2164"]


def test_lone_surrogate_escapes_become_replacement_characters(tmp_path):
    """JSON can escape half a surrogate pair ("\\ud800"), which no UTF-8 file can hold.
    It once crashed both `parse --json` and the store; now it is U+FFFD with a warning."""
    raw = (INPUTS / "08MADRID174.json").read_text(encoding="utf-8")
    raw = raw.replace('"subject":"SPAIN WILL', '"subject":"SPAIN \\ud800WILL', 1)
    raw = raw.replace("TAGS: PHUM PREL", "TAGS: PHUM \\udfff PREL", 1)
    path = tmp_path / "08MADRID174.json"
    path.write_text(raw, encoding="utf-8")
    result = CliRunner().invoke(cli, ["parse", "--json", str(path)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["id"] == "08MADRID174"
    assert "\ufffd" in record["text"] and "\ud800" not in result.stdout
    warnings = " ".join(record["warnings"])
    assert "1 lone surrogate code point(s) in the metadata" in warnings
    assert "1 lone surrogate code point(s) (from escapes" in warnings
    store = tmp_path / "store"
    result = CliRunner().invoke(cli, ["parse", "--store", str(store), str(path)])
    assert result.exit_code == 0, result.output
    assert "08MADRID174" in (store / "records.jsonl").read_text(encoding="utf-8")


def test_record_lines_are_the_json_modules_compact_form():
    """orjson writes the lines; they must stay what json.dumps wrote (the store's format)."""
    from cablekit.record import decode as loads
    from cablekit.record import dumps, encode

    for name in ("08MOSCOW3343.json", "06BRIDGETOWN2164.html", "02ANKARA8852.txt"):
        record = one(name)
        assert dumps(record) == json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        assert loads(encode(record)) == record
    # What orjson refuses (an integer beyond 64 bits) falls back to the json module.
    assert encode({"serial": 2**70}) == b'{"serial":1180591620717411303424}'


# --- decoding ---------------------------------------------------------------------------


def test_latin1_file_decodes_with_a_warning():
    from cablekit.sources.decode import decode_bytes

    raw = (DATA / "cables" / "06NEWDELHI5135.txt").read_bytes()
    text, warnings = decode_bytes(raw)
    assert "\u00b61." in text
    assert [w.code for w in warnings] == ["not-utf8"] and "cp1252" in warnings[0].message


def test_utf16_with_bom():
    from cablekit import parse_bytes

    seed = (DATA.parent.parent / "seeds" / "000_f96e09e439d60289.txt").read_text()
    record = parse_bytes(seed.encode("utf-16"), "x.txt")
    assert record["id"] == "08BAKU279"
    assert record["warning_codes"][0] == "encoding-bom" and "UTF-16" in record["warnings"][0]


def test_every_format_is_one_entry_with_a_sniff_and_a_reader():
    from cablekit.sources import FORMATS

    assert set(FORMATS) == {"text", "html", "fragment", "csv", "jsonl", "json", "alx"}
    for style in FORMATS.values():
        reader = style.reader
        assert callable(reader.sniff)
        assert callable(getattr(reader, "stream" if style.multi else "read"))
    assert {name for name, style in FORMATS.items() if style.multi} == {"csv", "jsonl"}
    assert list(FORMATS)[-1] == "text"  # what nothing else claims
