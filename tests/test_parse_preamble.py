"""parse.preamble: the classification line, caveats, passing lines and field blocks."""

from conftest import SEEDS

from cablekit.parse.cleanup import normalise
from cablekit.parse.header import read_header
from cablekit.parse.preamble import (
    caveats_in,
    find_classification,
    may_hold_caveat,
    parse_classification_line,
    split_embedded,
    split_fields,
)


def test_classification_line_parts():
    # 06NEWDELHI5135 and 72TEHRAN1164 (tests/data/cables)
    parsed = parse_classification_line("C O N F I D E N T I A L SECTION 01 OF 08 NEW DELHI 005135")
    assert (parsed["level"], parsed["origin"], parsed["serial"]) == ("CONFIDENTIAL", "NEW DELHI", 5135)
    assert parsed["section"] == {"number": 1, "of": 8}
    parsed = parse_classification_line("UNCLASSIFIED SECTION 01 OF 01 TEHRAN 1164")
    assert (parsed["level"], parsed["origin"], parsed["serial"]) == ("UNCLASSIFIED", "TEHRAN", 1164)
    assert parse_classification_line("UNCLAS USEU BRUSSELS 001177")["level"] == "UNCLASSIFIED"
    assert parse_classification_line("S E C R E T STATE 122950")["level"] == "SECRET"
    # A classification word opening a sentence is no classification line.
    assert parse_classification_line("Secret talks between the parties continued through the night.") is None


def test_caveat_lookup_never_fails():
    """The first line of 09LONDON1156's page <pre>, entities as written: once a KeyError."""
    line = "C O N F I D E N T I A L LONDON 001156 &#x000A;&#x000A;NOFORN &#x000A;SIPDIS &#x000A;"
    parsed = parse_classification_line(line)
    assert parsed["level"] == "CONFIDENTIAL"
    assert parsed["caveats"] == ["NOFORN", "SIPDIS"]
    assert caveats_in("SSENSITIVE NNOFORN E F T O") == ["SENSITIVE", "NOFORN", "EFTO"]


def test_caveat_screen_misses_no_spelling():
    """caveats_in first looks for the caveat names as substrings; every spelling the
    regex accepts must still be found."""
    assert caveats_in("N O F O R N / s i p d i s") == ["NOFORN", "SIPDIS"]
    assert caveats_in("corrected  copy") == [] and caveats_in("Corrected Copy") == ["CORRECTED COPY"]
    assert caveats_in("\u017fIPDIS") == ["SIPDIS"]  # a long s matches S when case is ignored
    assert not may_hold_caveat("KABUL 001234") and caveats_in("KABUL 001234") == []


def test_the_seed_preamble_in_blocks():
    lines, _, _ = normalise((SEEDS / "000_f96e09e439d60289.txt").read_text())
    _, after_header, _ = read_header(lines)
    cls, start = find_classification(lines, after_header)
    assert cls["origin"] == "BAKU" and cls["serial"] == 279
    pre = split_fields(lines, start)
    assert [name for name, _ in pre["blocks"]] == ["eo", "tags", "subject", "ref", "classified_by"]
    assert pre["caveats"] == ["SIPDIS", "SIPDIS"]  # written twice; the record keeps one
    assert pre["passing"] == ["FOR EUR/CARC"]
    assert lines[pre["end"]].startswith("1. (U)")


def test_a_classification_line_run_into_the_preamble_is_split():
    # The first line of 10STATE284's page <pre> (corpus html/10STATE284.html), tag links as text.
    line = "C O N F I D E N T I A L SECTION 01 OF 02 STATE 000284 SIPDIS E.O. 12958: DECL: 01/04/2020 TAGS: MASS MARR"
    assert split_embedded(line) == [
        "C O N F I D E N T I A L SECTION 01 OF 02 STATE 000284 SIPDIS",
        "E.O. 12958: DECL: 01/04/2020",
        "TAGS: MASS MARR",
    ]


def test_a_subject_line_over_a_framed_heading_stays_in_the_subject():
    # 09PRETORIA939 (corpus html/): the subject's second line, a page marker (removed), then
    # "-------", "Summary", "-------": the first rule is over the heading, not under the line.
    from cablekit import parse_text

    text = (
        "UNCLAS PRETORIA 000939\n\nSUBJECT: PART 1 OF 3:  THE LIFE AND TIMES OF SOUTH AFRICA'S\nNEXT PRESIDENT\n"
        "PRETORIA 00000939 001.2 OF 003\n-------\nSummary\n-------\n1. (SBU) Jacob Gedleyihlekisa Zuma, President."
    )
    record = parse_text(text, "x.txt")
    assert record["subject"] == "PART 1 OF 3: THE LIFE AND TIMES OF SOUTH AFRICA'S NEXT PRESIDENT"
    assert record["paragraphs"][0]["text"] == "Summary"
