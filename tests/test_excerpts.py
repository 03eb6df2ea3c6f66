"""Short real excerpts for preamble forms the full test cables do not show.

Each file in tests/data/excerpts is the start of a real cable, cut at the end
of a paragraph: 02STATE53501 and 99STATE51304 from csv/Secretary_of_State
(header and body columns), 08ALGIERS198 and 09ABUJA671 from the <pre> text of
their html/ pages. Expected values were read from the excerpts.
"""

from conftest import DATA

from cablekit import parse_file

EXCERPTS = DATA / "excerpts"


def parsed(name):
    return parse_file(str(EXCERPTS / name))


def test_exemption_codes_and_reason_letters_in_one_group():
    r = parsed("02STATE53501.txt")
    assert r["id"] == "02STATE53501"
    assert r["eo"] == {"order": "12958", "decl": None, "text": "DECL: X1, X5"}
    assert r["tags"] == ["PARM", "PREL", "CH", "IR"]
    # "CLASSIFIED BY: EAP DAS DONALD W. KEYSER. REASON: 1.5(B,C,D)X1, X5"
    assert r["classified_by"]["name"] == "DONALD W. KEYSER"
    assert r["classified_by"]["title"] == "EAP DAS"
    assert r["classified_by"]["reasons"] == ["1.5(b)", "1.5(c)", "1.5(d)"]
    assert r["subject"].endswith("FROM CHINA (S)")
    assert r["header"]["to"][0]["name"] == "AMEMBASSY BEIJING"


def test_parenthesised_ref_labels_over_two_lines_and_usun():
    r = parsed("99STATE51304.txt")
    assert [(x["label"], x["id"]) for x in r["references"]] == [
        ("A", "99STATE47572"), ("B", "99LONDON2298"), ("C", "99USUNNEWYORK664"), ("D", "99STATE48826")]
    assert r["eo"]["decl"] == "2004-03-18"  # "E.O. 12958: 03/18/04", a date without DECL
    assert r["classified_by"]["reasons"] == ["1.5(b)", "1.5(d)"]  # the reason wraps to the next line
    assert r["header"]["precedence"] == "IMMEDIATE"  # "O R 200450Z MAR 99"
    assert len(r["header"]["info"]) == 6


def test_ref_items_with_several_citations_and_years():
    r = parsed("08ALGIERS198.txt")
    got = [(x["label"], x["id"]) for x in r["references"]]
    assert got == [("A", "08ALGIERS111"), ("B", "08ALGIERS110"), ("B", "08ALGIERS140"), ("C", "07ALGIERS1806"),
                   ("D", "07ALGIERS1807"), ("D", "08ALGIERS75"), ("E", "08ALGIERS141")]
    assert r["classification"] == "SECRET//NOFORN"  # NOFORN on a line of its own
    assert "NEA FOR K.HARRINGTON AND M.POPAL" in r["passing"]
    assert r["eo"]["decl"] == "2023-02-22"  # "EO 12958 DECL:" without colon after the order
    assert r["tags"] == ["PREL", "PGOV", "AG"]  # "TAGS PREL, PGOV, AG" without colon


def test_reason_letters_joined_by_ampersand_and_newspaper_dateline():
    r = parsed("09ABUJA671.txt")
    assert r["classified_by"]["reasons"] == ["1.4(b)", "1.4(d)"]  # "1.4(B&D)"
    assert r["classified_by"]["title"] == "Economic Counselor"
    assert len(r["passing"]) == 5
    assert r["subject"] == "NIGERIA: PFIZER REACHES PRELIMINARY AGREEMENT FOR A $75 MILLION SETTLEMENT"
    assert r["date"] == "2009-04-20T16:00:00Z"
