"""Clean-up before extraction, decoding, and the promise never to raise."""

from conftest import CABLES, SEEDS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cablekit import parse_bytes, parse_text
from cablekit.parse.cleanup import normalise, strip_link_artefacts
from cablekit.sources.decode import decode_bytes

SEED1 = (SEEDS / "000_f96e09e439d60289.txt").read_text()


def test_link_artefacts():
    text, count = strip_link_artefacts("[1](#)1. (U) Text\nbetween 2001 and [1](#)2006.\nTAGS: [PREL](#) [AJ](#)")
    assert text == "1. (U) Text\nbetween 2001 and 2006.\nTAGS: PREL AJ"
    assert count == 2


def test_crlf_and_pilcrows_and_markup():
    lines, warnings, _ = normalise(
        "<code><pre>UNCLAS BAKU 000001&#x000A;&#x000A;<a id='par1' href='#par1'>\u00b6"
        "</a>1. (U) R&D; &lt;&lt;Israel&gt;&gt; &regular8</pre></code>\r\n"
    )
    assert lines[0] == "UNCLAS BAKU 000001"
    assert lines[2] == "1. (U) R&D; <<Israel>> &regular8"
    assert warnings


def test_latin1_file_decodes_with_a_warning():
    raw = (CABLES / "06NEWDELHI5135.txt").read_bytes()
    text, warnings = decode_bytes(raw)
    assert "\u00b61." in text
    assert [w.code for w in warnings] == ["not-utf8"] and "cp1252" in warnings[0].message


def test_utf16_with_bom():
    record = parse_bytes(SEED1.encode("utf-16"), "x.txt")
    assert record["id"] == "08BAKU279"
    assert any("UTF-16" in w for w in record["warnings"])


def test_page_markers_removed_from_text():
    record = parse_bytes((CABLES / "06NEWDELHI5135.txt").read_bytes(), "06NEWDELHI5135.txt")
    assert "00005135  002 OF 008" not in record["text"]
    assert all("00005135" not in p["text"] for p in record["paragraphs"])


def test_empty_input_gives_a_record_with_a_warning():
    record = parse_text("", "empty.txt")
    assert record["id"] == "empty"
    assert record["paragraphs"] == []
    assert any("empty" in w for w in record["warnings"])


def test_single_paragraph_cable_is_unnumbered():
    record = parse_text("UNCLAS BAKU 000001\n\nSUBJECT: TEST\n\nThe embassy has nothing to add.\n\nDERSE\n", "t.txt")
    assert record["paragraphs"] == [{"number": None, "marking": None, "text": "The embassy has nothing to add."}]
    assert record["signers"] == ["DERSE"]


_lines = SEED1.splitlines()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_never_raises_on_any_text(text):
    record = parse_text(text, "fuzz.txt")
    assert isinstance(record["warnings"], list)
    assert not any(w.startswith("internal parser error") for w in record["warnings"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_lines), max_size=60), st.binary(max_size=40))
def test_never_raises_on_shuffled_real_lines(lines, junk):
    data = "\n".join(lines).encode() + junk
    record = parse_bytes(data, "fuzz.txt")
    assert not any(w.startswith("internal parser error") for w in record["warnings"])


def test_caveat_lookup_never_fails():
    """The first line of 09LONDON1156's page <pre>, entities as written: once a KeyError."""
    from cablekit.parse.preamble import caveats_in, parse_classification_line

    line = "C O N F I D E N T I A L LONDON 001156 &#x000A;&#x000A;NOFORN &#x000A;SIPDIS &#x000A;"
    parsed = parse_classification_line(line)
    assert parsed["level"] == "CONFIDENTIAL"
    assert parsed["caveats"] == ["NOFORN", "SIPDIS"]
    assert caveats_in("SSENSITIVE NNOFORN E F T O") == ["SENSITIVE", "NOFORN", "EFTO"]


def test_control_characters_go_also_from_text_with_curly_quotes():
    """C0 and C1 controls are removed whether or not the text is ASCII: the check for
    them works on the UTF-8 bytes, where a C1 control is C2 80-C2 9F."""
    line = "1. (C) The Minister\u2019s reply\x85 was \x9b31mfirm\x1b[0m.\u00a0End."
    lines, _, _ = normalise(line)
    assert lines == ["1. (C) The Minister\u2019s reply was 31mfirm[0m. End."]
    # Latin-1 letters are encoded C3 xx and C2 A0-BF: none of them is taken for a control.
    assert normalise("Caf\u00e9 \u00a9 \u00bf \u00b5")[0] == ["Caf\u00e9 \u00a9 \u00bf \u00b5"]


def test_caveat_screen_misses_no_spelling():
    """caveats_in first looks for the caveat names as substrings; every spelling the
    regex accepts must still be found."""
    from cablekit.parse.preamble import caveats_in, may_hold_caveat

    assert caveats_in("N O F O R N / s i p d i s") == ["NOFORN", "SIPDIS"]
    assert caveats_in("corrected  copy") == [] and caveats_in("Corrected Copy") == ["CORRECTED COPY"]
    assert caveats_in("\u017fIPDIS") == ["SIPDIS"]  # a long s matches S when case is ignored
    assert not may_hold_caveat("KABUL 001234") and caveats_in("KABUL 001234") == []
