"""parse.metadata: a source's metadata merged into the record parsed from its text.

The text is the seed cable 08BAKU279 (seeds/), its header cut off where a test
needs a cable without a date; the metadata are made up for each case.
"""

from conftest import SEEDS

from cablekit.parse import parse_document
from cablekit.sources import Document

SEED = (SEEDS / "000_f96e09e439d60289.txt").read_text()
BODY = SEED[SEED.index("C O N F I D E N T I A L") :]  # no header: no date


def record(meta, text=BODY, path="export.json"):
    return parse_document(Document(text, "jsonl", meta, position=1), path, "0" * 64)


def test_metadata_answers_the_texts_warnings_and_they_are_withdrawn_by_code():
    bare = record({})
    assert "no-date" in bare["warning_codes"]
    merged = record({"id": "08BAKU279", "date": "2008-03-25 12:07", "date_precision": "minute"})
    assert (merged["id"], merged["id_from"]) == ("08BAKU279", "metadata")
    assert merged["date"] == "2008-03-25T12:07:00Z"
    assert "no-date" not in merged["warning_codes"]
    assert len(merged["warnings"]) == len(merged["warning_codes"])


def test_a_web_pages_created_hour_only():
    merged = record({"date": "2008-03-25 12:07", "date_precision": "hour"})
    assert merged["date"] == "2008-03-25T12:00:00Z"
    assert "date-hour-only" in merged["warning_codes"]


def test_disagreements_are_named_and_the_metadata_wins():
    merged = record({"id": "08BAKU280", "classification": "SECRET"})
    assert merged["id"] == "08BAKU280" and "id-mismatch" in merged["warning_codes"]
    assert merged["classification"] == "SECRET" and "classification-mismatch" in merged["warning_codes"]
    unknown = record({"classification": "EYES ONLY"})
    assert unknown["classification"] == "CONFIDENTIAL"
    assert "unknown-metadata-classification" in unknown["warning_codes"]


def test_malformed_published_id_is_repaired():
    merged = record({"id": "7575LIBREVILLE1895"}, text="UNCLASSIFIED\n\n1. Text.")
    assert merged["id"] == "75LIBREVILLE1895" and merged["origin"] == "LIBREVILLE"
    assert "malformed-published-id" in merged["warning_codes"]


def test_subject_and_tags_fill_gaps_only():
    merged = record({"subject": "A title", "tag_links": ["PREL", "PREL", "AJ"]}, text="UNCLASSIFIED\n\n1. Text.")
    assert merged["subject"] == "A title" and merged["tags"] == ["PREL", "AJ"]
    assert {"subject-from-metadata", "tags-from-metadata"} <= set(merged["warning_codes"])
    kept = record({"subject": "A title"})
    assert kept["subject"].startswith("ACTION REQUEST: AZERBAIJAN REQUESTS CONFIRMATION")
