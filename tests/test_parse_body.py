"""parse.body: page furniture, numbered paragraphs, summary and signers."""

import pytest
from conftest import CABLES

from cablekit import parse_bytes, parse_text
from cablekit.parse.body import find_signers, find_summary, remove_page_markers, split_paragraphs


def test_page_markers_removed_from_text():
    record = parse_bytes((CABLES / "06NEWDELHI5135.txt").read_bytes(), "06NEWDELHI5135.txt")
    assert "00005135  002 OF 008" not in record["text"]
    assert all("00005135" not in p["text"] for p in record["paragraphs"])
    assert "page-markers-removed" in record["warning_codes"]


def test_a_marker_glued_to_text_leaves_the_text():
    # 07BERN881's marker "BERN 00000881  002 OF 002" (corpus html/), glued here to made-up text.
    lines, removed = remove_page_markers(["the Swiss view.BERN 00000881  002 OF 002", "2. (C) Next"], "BERN")
    assert lines == ["the Swiss view.", "2. (C) Next"] and removed == 1


def test_single_paragraph_cable_is_unnumbered():
    record = parse_text("UNCLAS BAKU 000001\n\nSUBJECT: TEST\n\nThe embassy has nothing to add.\n\nDERSE\n", "t.txt")
    assert record["paragraphs"] == [{"number": None, "marking": None, "text": "The embassy has nothing to add."}]
    assert record["signers"] == ["DERSE"]


def test_numbering_markings_and_a_pilcrow_that_became_one():
    lines = [
        "1. (U) First.",
        "2. (SBU) Second",
        "wraps here.",
        "13. (C) Third, written 13 by the converter.",
        "4. (S/NF) Fourth.",
    ]
    paragraphs, warnings = split_paragraphs(lines, converted=True)
    assert [(p["number"], p["marking"]) for p in paragraphs] == [(1, "U"), (2, "SBU"), (3, "C"), (4, "S/NF")]
    assert paragraphs[1]["text"] == "Second wraps here."
    assert [w.code for w in warnings] == ["paragraph-number-repaired"]


def test_numbered_lists_inside_a_paragraph_stay_text():
    paragraphs, warnings = split_paragraphs(["1. (C) Three points:", "1. one", "2. two", "2. (C) Next."], False)
    assert [p["number"] for p in paragraphs] == [1, 2]
    assert warnings == []


def test_signers_and_trailer():
    # Made-up lines in the shape of a cable's end: signer, then the transmission trailer.
    signers, lines = find_signers(["5. (C) Last paragraph.", "", "DERSE", "", "NNNN"])
    assert signers == ["DERSE"] and lines == ["5. (C) Last paragraph."]
    assert find_signers(["They left. RICE"])[0] == ["RICE"]


def test_summary_between_markers():
    paragraphs = [
        {"number": 1, "marking": "C", "text": "Summary: The talks went well. End Summary."},
        {"number": 2, "marking": "C", "text": "Details."},
    ]
    assert find_summary(paragraphs) == "The talks went well."  # its last full stop is kept
    # 09TRIPOLI65 (html/): "Summary: While Libya has ... sensitive subject. End summary."
    text = "Summary: The case is arguably the regime's most sensitive subject.  End summary."
    assert find_summary([{"number": 1, "marking": "C/NF", "text": text}]).endswith("sensitive subject.")
    assert find_summary([{"number": 1, "marking": "C", "text": "All is well. (END SUMMARY)"}]) == "All is well."


def test_what_ends_a_cable_is_not_a_signer():
    # Real endings of corpus cables: 09STATE127892, 10BRASILIA43, 00STATE229746,
    # 90STATE284025, 10BRASILIA136, 72TEHRAN1381, 89STATE405134.
    body = ["1. (C) Last paragraph."]
    for ending, signers in [
        (["CLINTON UNQUOTE CLINTON"], ["CLINTON"]),
        (["MINIMIZE CONSIDERED SHANNON"], ["SHANNON"]),
        (["ALBRIGHT", "MINIMIZE CONSIDERED"], ["ALBRIGHT"]),
        (["CONDEMN THIS ACTION"], []),
        (["SHANNON SHANNON"], ["SHANNON"]),
        (["EXEMPT", "HECK"], ["HECK"]),
        (["UNQUOTE", "BAKER"], ["BAKER"]),
        # Trailing classification, caveats, stamps and trailers are no names.
        (["CRETZ", "", "NOFORN"], ["CRETZ"]),
        (["CRETZ", "S E C R E T"], ["CRETZ"]),
        (["CRETZ", "SECRET NOFORN", "NNNN"], ["CRETZ"]),
        (["CRETZ", "Declassified/Released US Department of State EO Systematic Review 30 JUN 2005"], ["CRETZ"]),
        # A name with a full stop, after a finished sentence; not a sentence's last words.
        (["CRETZ."], ["CRETZ"]),
    ]:
        assert find_signers(body + [""] + ending)[0] == signers, ending
    assert find_signers(["1. (C) It was a matter of growing", "TOLERANCE."])[0] == []


def test_headings_stand_apart_and_rules_go():
    # 09THEHAGUE399 (corpus fragments/): a rule glued to the last line of paragraph 13, then
    # the heading of the next section over its rule.
    lines = [
        "13. (U) Local energy experts admit the Netherlands has no chance of",
        "achieving the EU,s 20 percent renewable energy target by",
        "2020. ----------------",
        "Middle East/Iran",
        "----------------",
        "14. (C) The Dutch are eager to play a constructive role in",
        "the Middle East Peace Process.",
    ]
    paragraphs, _ = split_paragraphs(lines, converted=False, continues=True)
    assert paragraphs[0]["text"] == (
        "Local energy experts admit the Netherlands has no chance of achieving the EU,s 20 percent renewable "
        "energy target by 2020.\n\nMiddle East/Iran"
    )
    assert paragraphs[1]["text"] == "The Dutch are eager to play a constructive role in the Middle East Peace Process."


@pytest.mark.parametrize(
    "tail, signers",
    [
        # 88DAMASCUS1795 (cables.csv): the signer after MINIMIZE CONSIDERED on its line.
        (
            "ABROAD ON A DOLLAR SALARY, APPARENTLY, DO NOT \nCOMPENSATE FOR THE HARDSHIPS OF LIVING IN TEHRAN. \n"
            " \n9.  MINIMIZE CONSIDERED.  EAGLETON \n",
            ["EAGLETON"],
        ),
        # 78TEHRAN389: a declassification stamp over two lines after the signer.
        (
            "AMOUZEGAR IN EFFORT TO REVERSE RELATIVE LIBERALIZATION OF \nRECENT MONTHS. \n \nSULLIVAN \n \n"
            "CONFIDENTIAL \n \nDeclassified/Released US Department of State EO Systematic \nReview 30 JUN 2006 \n",
            ["SULLIVAN"],
        ),
        # 85BEIRUT2659: a note of the communications center after the signer.
        (
            "IMPENDING CLASHES, SUQ AL-GHARB HAS REMAINED CURIOUSLY \nQUIET.  END COMMENT. \n \nBARTHOLOMEW \n \n"
            "NOTE BY OC/T:  HEADING AS RECEIVED.  CORRECTION TO FOLLOW. \n",
            ["BARTHOLOMEW"],
        ),
        # 01VATICAN4659: the release database's footer, and a stray '>'.
        (
            "MINISTER TAURAN WILL SOON BE DISCUSSING ISRAEL WITH THE \nAMBASSADOR. \nNICHOLSON \n \n"
            "                       CONFIDENTIAL \n \n> \n \n\n 2001VATICA04659 - Classification: CONFIDENTIAL \n\n",
            ["NICHOLSON"],
        ),
        # 03OTTAWA768: the signer written twice, once in mixed case.
        ("it intended to do its part in a, UN-led reconstruction \neffort. \n \nKelly \nKELLY \n", ["KELLY"]),
    ],
)
def test_signers_after_the_text(tail, signers):
    found, rest = find_signers([line.strip() for line in tail.split("\n")])  # as the clean-up leaves them
    assert found == signers
    assert all(line.upper() not in signers for line in rest)  # the signer lines left the text


def test_summary_headings_and_labels():
    # 04PANAMA2274: "SUMMARY AND INTRODUCTION" heads paragraph 1, no End Summary.
    first = (
        "With a new, more PRC-friendly Panama government in office on September 1, the question of whether "
        "newly inaugurated President Martin Torrijos might drop Panama's long-standing diplomatic recognition "
        "of the Republic of China (Taiwan) in favor of the People's Republic of China (PRC) continues to simmer."
    )
    paragraphs = [
        {"number": None, "marking": None, "text": "SUMMARY AND INTRODUCTION"},
        {"number": 1, "marking": "C", "text": first},
        {"number": 2, "marking": "C", "text": "The Democratic Revolutionary Party (PRD) of President Torrijos"},
    ]
    assert find_summary(paragraphs) == first
    # 04BOGOTA4129: the label again under the heading, and the spacing made single.
    text = (
        "Summary: In a meeting with Colombian President Alvaro Uribe and other senior officials, Admiral Thomas "
        "Collins, Commandant of the U.S. Coast Guard, praised the Colombian Navy.  He noted he hopes to improve "
        "already close relations between the two coast guard services, including the possible basing of USCG "
        "helicopter assets with sniper platforms for co-use.  End Summary.\n\nA Good News Story"
    )
    paragraphs = [{"number": None, "marking": None, "text": "Summary"}, {"number": 1, "marking": "C", "text": text}]
    assert find_summary(paragraphs) == (
        "In a meeting with Colombian President Alvaro Uribe and other senior officials, Admiral Thomas Collins, "
        "Commandant of the U.S. Coast Guard, praised the Colombian Navy. He noted he hopes to improve already "
        "close relations between the two coast guard services, including the possible basing of USCG helicopter "
        "assets with sniper platforms for co-use."
    )
