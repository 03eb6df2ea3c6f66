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
        ("A", "99STATE47572"),
        ("B", "99LONDON2298"),
        ("C", "99USUNNEWYORK664"),
        ("D", "99STATE48826"),
    ]
    assert r["eo"]["decl"] == "2004-03-18"  # "E.O. 12958: 03/18/04", a date without DECL
    assert r["classified_by"]["reasons"] == ["1.5(b)", "1.5(d)"]  # the reason wraps to the next line
    assert r["header"]["precedence"] == "IMMEDIATE"  # "O R 200450Z MAR 99"
    assert len(r["header"]["info"]) == 6


def test_ref_items_with_several_citations_and_years():
    r = parsed("08ALGIERS198.txt")
    got = [(x["label"], x["id"]) for x in r["references"]]
    assert got == [
        ("A", "08ALGIERS111"),
        ("B", "08ALGIERS110"),
        ("B", "08ALGIERS140"),
        ("C", "07ALGIERS1806"),
        ("D", "07ALGIERS1807"),
        ("D", "08ALGIERS75"),
        ("E", "08ALGIERS141"),
    ]
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


# The addressee grammar as one regex, the way it was first written: a lazy name, then
# an optional precedence and number. header._split_addressee must read every
# addressee the same way, without the regex's cost.
def _reference_addressee(text):
    import re

    from cablekit.parse.patterns import PRECEDENCE_WORDS

    m = re.match(
        r"^(?:(?P<routing>R[A-Z0-9]{3,}|ZEN)\s*/\s*)?(?P<name>.+?)"
        r"(?:\s+(?P<prec>NIACT\s+\w+|" + "|".join(PRECEDENCE_WORDS) + r"))?"
        r"(?:\s+(?P<number>\d{1,5}(?:-\d{1,5})?))?\s*$",
        text,
    )
    prec = m.group("prec") and " ".join(m.group("prec").split())
    return m.group("routing"), m.group("name"), prec, m.group("number")


def test_addressee_reading_matches_the_grammar():
    import random

    from cablekit.parse.header import _split_addressee
    from cablekit.parse.header import addressee as _addressee

    real = [
        "SECSTATE WASHDC IMMEDIATE 7691",
        "SOUTHERN AFRICAN DEVELOPMENT COMMUNITY PRIORITY",
        "RUEHC/SECSTATE WASHDC PRIORITY 8478",
        "RUCNMEM/EU MEMBER STATES COLLECTIVE PRIORITY",
        "RUEHBO/AMEMBASSY BOGOTA PRIORITY 4871",
        "RUEHC/SECSTATE WASHDC NIACT IMMEDIATE 0123",
        "AMEMBASSY PARIS 1234-1235",
        "ZEN/AMCONSUL FOO",
        "RUEHC/",
    ]
    assert _addressee("RUEHC/SECSTATE WASHDC NIACT IMMEDIATE 0123") == {
        "routing": "RUEHC",
        "name": "SECSTATE WASHDC",
        "precedence": "NIACT IMMEDIATE",
        "number": "0123",
    }
    assert _addressee("RUEHC/") == {"routing": None, "name": "RUEHC", "precedence": None, "number": None}
    words = [
        "RUEHC/",
        "ZEN/",
        "RUEHC /",
        "R12/",
        "NIACT",
        "IMMEDIATE",
        "PRIORITY",
        "IMMEDIAT",
        "1234",
        "12-34",
        "123456",
        "_",
        "X",
        "SECSTATE",
        "/",
        "A/B",
        "NIACT_1",
        "\u00a0",
        "\t",
        "FOO,",
        "1",
        "ROUTINE",
    ]
    rng = random.Random(5)
    made = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 6))).strip() for _ in range(20000)]
    for text in real + [t for t in made if t]:
        routing, name, prec, number = _split_addressee(text)
        assert (routing, name, prec and " ".join(prec.split()), number) == _reference_addressee(text), text
