"""parse.refs and the REF extractor: citations in canonical form.

99STATE51304 (csv/Secretary_of_State) and 08ALGIERS198 (the <pre> text of its
html/ page) are real excerpts in tests/data/excerpts; expected values were read
from them.
"""

from conftest import DATA

from cablekit import parse_file
from cablekit.parse.fields import Context, extract_refs
from cablekit.parse.refs import canonical_station, find_citations

EXCERPTS = DATA / "excerpts"


def parsed(name):
    return parse_file(str(EXCERPTS / name))


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


def test_stations_as_ids_spell_them():
    assert canonical_station("THE HAGUE") == "THEHAGUE"
    assert canonical_station("SECSTATE WASHDC") == "STATE"
    assert canonical_station("AMEMBASSY BAKU") == "BAKU"
    assert canonical_station("USMISSION USUN NEW YORK") == "USUNNEWYORK"


def test_what_is_not_a_cable_citation():
    # The seed's REF B, and the usual non-cable references.
    assert find_citations("AMBASSADOR DERSE/BRYZA EMAIL OF 3/20/08") == []
    assert find_citations("UNSCR 1244") == []
    assert [c["station"] for c in find_citations("TEHRAN 1091: TEHRAN 263: MOSCOW 1603")] == [
        "TEHRAN",
        "TEHRAN",
        "MOSCOW",
    ]


def test_year_less_citation_takes_the_citing_cables_year_with_a_coded_warning():
    refs, warnings = extract_refs(["REF: A. BAKU 275"], Context(2008, 3))
    assert refs == [{"label": "A", "text": "BAKU 275", "id": "08BAKU275", "year_inferred": True}]
    assert [w.code for w in warnings] == ["ref-year-inferred"]
