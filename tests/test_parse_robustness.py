"""The parser's promise: a record for any input, never an exception."""

from conftest import SEEDS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cablekit import parse_bytes, parse_text

SEED1 = (SEEDS / "000_f96e09e439d60289.txt").read_text()
_lines = SEED1.splitlines()


def test_empty_input_gives_a_record_with_a_warning():
    record = parse_text("", "empty.txt")
    assert record["id"] == "empty"
    assert record["paragraphs"] == []
    assert record["warning_codes"] == ["empty-input"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_never_raises_on_any_text(text):
    record = parse_text(text, "fuzz.txt")
    assert len(record["warnings"]) == len(record["warning_codes"])
    assert "internal-error" not in record["warning_codes"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_lines), max_size=60), st.binary(max_size=40))
def test_never_raises_on_shuffled_real_lines(lines, junk):
    data = "\n".join(lines).encode() + junk
    record = parse_bytes(data, "fuzz.txt")
    assert "internal-error" not in record["warning_codes"]


def test_strict_raises_with_the_warnings():
    import pytest

    with pytest.raises(ValueError, match="no date-time group"):
        parse_text("UNCLAS BAKU 000001\n\n1. Text.\n", "x.txt", strict=True)
