"""parse.cleanup: raw text into stripped lines before any field is read."""

from cablekit.parse.cleanup import normalise, reline, strip_link_artefacts


def codes(warnings):
    return [w.code for w in warnings]


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
    assert codes(warnings) == ["markup-removed"]


def test_control_characters_go_also_from_text_with_curly_quotes():
    """C0 and C1 controls are removed whether or not the text is ASCII: the check for
    them works on the UTF-8 bytes, where a C1 control is C2 80-C2 9F."""
    line = "1. (C) The Minister\u2019s reply\x85 was \x9b31mfirm\x1b[0m.\u00a0End."
    lines, _, _ = normalise(line)
    assert lines == ["1. (C) The Minister\u2019s reply was 31mfirm[0m. End."]
    # Latin-1 letters are encoded C3 xx and C2 A0-BF: none of them is taken for a control.
    assert normalise("Caf\u00e9 \u00a9 \u00bf \u00b5")[0] == ["Caf\u00e9 \u00a9 \u00bf \u00b5"]


# The start of 09CAIRO25 in corpus jsonl/Embassy_Cairo~: its newlines were removed.
CAIRO = (
    "UNCLAS SECTION 01 OF 02 CAIRO 000025  SENSITIVE SIPDIS  NEA/ELA FOR SCHALL ISN FOR BURKART AND HUMPHREY "
    "DOE/NNSA FOR ROBINSON AND ERICKSON DOC FOR LOPP  E.O. 12958: N/A TAGS: ENRG, KNNP, ECON, ETRD, EAID, EG "
    "SUBJECT: BECHTEL WINS NUCLEAR TENDER; ELECTRICITY MINISTER CALLS FOR CLOSER COOPERATION ON CIVILIAN "
    "NUCLEAR ENERGY  REF: A. 08 CAIRO574      B. 08 CAIRO1307      C. 08 CAIRO1359      D. 08 DOHA827      "
    "E. 08 STATE127423  SENSITIVE BUT UNCLASSIFIED.  1. (SBU) SUMMARY:  Ambassador met with Minister of "
    "Electricity and Energy Dr. Hassan Younes and the Chairman of the Nuclear Power Plants Authority (NPPA) "
    "Dr. Yassin Ibrahim on December 31 to discuss Egypt's plans to develop a civilian nuclear energy program."
)


def test_lost_line_breaks_are_put_back_before_fields_and_paragraphs():
    lines, warnings, _ = normalise(CAIRO)
    assert "line-breaks-restored" in codes(warnings)
    starts = [line.split(":")[0].split(" ")[0] for line in lines]
    for word in ("E.O.", "TAGS", "SUBJECT", "REF", "1."):
        assert word in starts, word
    assert "SIPDIS" in lines


def test_reline_leaves_a_subjects_own_marking_on_its_line():
    """'(S) REF:' (09STATE122950 in corpus jsonl/wikileaks-11-28-10.json): the marking ends
    the subject. Only Classified By takes the marking before it to its own line (04ANKARA348)."""
    subject = "SUBJECT: IRAN'S SHIG USING INTERMEDIARIES IN EFFORT TO PROCURE TEST EQUIPMENT FROM GERMAN FIRMS (S)"
    text = reline(subject + "  REF: A. 2008 STATE 029412 AND PREVIOUS")
    assert text.split("\n") == [subject, "REF: A. 2008 STATE 029412 AND PREVIOUS"]
    text = reline(
        "SUBJECT: ERDOGAN AND AK PARTY AFTER TWO YEARS IN POWER  (U) Classified by Ambassador Eric Edelman; "
        "reasons: E.O. 12958 1.4 (a,b,c,d)."
    )
    assert text.split("\n")[1].startswith("(U) Classified by Ambassador Eric Edelman;")


def test_short_lines_are_never_relined():
    """A line under 300 characters is taken as written, keywords or not."""
    lines, warnings, _ = normalise("SUBJECT: TAGS: AND E.O. 12958: A SUBJECT ABOUT KEYWORDS")
    assert lines == ["SUBJECT: TAGS: AND E.O. 12958: A SUBJECT ABOUT KEYWORDS"]
    assert warnings == []


def test_database_line_continuations():
    text = "\\\n".join(["UNCLAS STATE 000001", "", "SUBJECT: A TEST", "", "1. TEXT", "BODY"]) + "\\\n"
    lines, warnings, _ = normalise(text)
    assert lines[:3] == ["UNCLAS STATE 000001", "", "SUBJECT: A TEST"]
    assert codes(warnings) == ["line-continuations-removed"]


def test_converted_text_is_flagged():
    lines, warnings, converted = normalise("[1](#)1. (U) Text")
    assert converted and lines == ["1. (U) Text"]
    assert codes(warnings) == ["link-artefacts-removed"]
