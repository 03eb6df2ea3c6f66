"""record: the shared contract, its tables, and the warning codes."""

import json
import re
from pathlib import Path

import pytest

from cablekit.atomic import atomic_write
from cablekit.record import (
    CLASSIFICATIONS,
    WARNINGS,
    canonical_id,
    class_words,
    dumps,
    is_record,
    new_record,
)
from cablekit.schema import record_schema

PACKAGE = Path(__file__).resolve().parent.parent / "cablekit"
_CODE_USE = re.compile(r"""(?:Defect\(|\.warn\(|_withdraw\(warnings,)\s*((?:"[a-z0-9-]+"(?:,\s*)?)+)""")


def _codes_in_source() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        for m in _CODE_USE.finditer(path.read_text()):
            found.update(re.findall(r'"([a-z0-9-]+)"', m.group(1)))
    return found


def test_every_warning_code_used_is_in_the_table_and_every_code_is_used():
    used = _codes_in_source()
    assert used - set(WARNINGS) == set()
    assert set(WARNINGS) - used == set()
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", code) for code in WARNINGS)


def test_the_schema_lists_the_same_codes_and_classifications():
    schema = record_schema()
    assert set(schema["properties"]["warning_codes"]["items"]["enum"]) == set(WARNINGS)
    assert "warning_codes" in schema["required"]
    assert set(schema["properties"]["classification"]["enum"]) - {None} == set(CLASSIFICATIONS)


def test_new_record_has_every_required_field_in_order():
    record = new_record("x.txt", "text", "0" * 64)
    assert list(record)[:2] == ["schema", "id"] and list(record)[-2:] == ["warnings", "warning_codes"]
    assert set(record_schema()["required"]) <= set(record)


def test_search_words_of_classifications():
    assert class_words("SECRET//NOFORN") == "secret noforn"
    assert class_words("UNCLASSIFIED//FOR OFFICIAL USE ONLY") == "unclassified fouo"
    assert class_words("TOP SECRET") == "topsecret"
    assert class_words(None) == ""


def test_published_ids_in_canonical_form():
    assert canonical_id("08SECTION01OF03CAIRO1416") == ("08CAIRO1416", True)
    assert canonical_id("7575LIBREVILLE1895") == ("75LIBREVILLE1895", True)
    assert canonical_id("85NOFORNMOGADISHU1643") == ("85MOGADISHU1643", True)
    assert canonical_id("08BAKU279") == ("08BAKU279", False)


def test_what_counts_as_a_stored_record():
    assert is_record({"id": "08BAKU279"})
    assert not is_record({"id": ""}) and not is_record({"id": 5}) and not is_record([1])


def test_record_lines_are_compact_utf8_json():
    record = new_record("x.txt")
    record["subject"] = "Caf\u00e9 \u201cquoted\u201d"
    assert dumps(record) == json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def test_atomic_write_replaces_whole_or_not_at_all(tmp_path):
    target = tmp_path / "records.jsonl"
    target.write_bytes(b"old\n")
    with pytest.raises(RuntimeError), atomic_write(target) as out:
        out.write(b"half a new")
        raise RuntimeError("killed")
    assert target.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["records.jsonl"]
    with atomic_write(target) as out:
        out.write(b"new\n")
    assert target.read_bytes() == b"new\n"


def test_atomic_write_compresses_a_gz_name(tmp_path):
    import gzip

    with atomic_write(tmp_path / "out.csv.gz", text=True) as out:
        out.write("id,date\r\n")
    assert gzip.decompress((tmp_path / "out.csv.gz").read_bytes()) == b"id,date\r\n"


def test_glued_ids_take_the_release_station_names():
    # Ids as references and users write them, glued: the station as the release's ids spell it.
    from cablekit.record import canonical_id

    assert canonical_id("05RIO123")[0] == "05RIODEJANEIRO123"
    assert canonical_id("05PARISFR1")[0] == "05UNESCOPARISFR1"  # as 10UNESCOPARISFR187
    assert canonical_id("05UNVIE1")[0] == "05UNVIEVIENNA1"
    assert canonical_id("05EMBASSYVIENNA1")[0] == "05VIENNA1"
    assert canonical_id("06SECSTATE123")[0] == "06STATE123"
    assert canonical_id("06SECDEF123")[0] == "06SECDEF123"  # the Secretary of Defense is no alias
    assert canonical_id("08BAKU279") == ("08BAKU279", False)
