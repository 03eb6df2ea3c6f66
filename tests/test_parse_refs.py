"""parse.refs and the REF extractor: citations in canonical form.

99STATE51304 (csv/Secretary_of_State) and 08ALGIERS198 (the <pre> text of its
html/ page) are real excerpts in tests/data/excerpts; expected values were read
from them.
"""

from conftest import DATA

from cablekit import parse_file
from cablekit.parse.fields import Context, extract_refs
from cablekit.parse.refs import body_citations, canonical_station, citation_id, find_citations

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


def ids(text, year=None):
    out = []
    for cite in find_citations(text):
        cid, _ = citation_id(cite, year)
        out.append(cid)
    return out


def test_citation_forms_seen_in_ref_lines():
    # Real REF lines: the year before in brackets, between station and serial,
    # after the serial in brackets, and a citation written as an id.
    assert ids("A. (01) HCMC 1134 B. (01) HCMC 1079") == ["01HOCHIMINHCITY1134", "01HOCHIMINHCITY1079"]
    assert ids("A. HCMC 0562(01)  B. HCMC 0224(01)") == ["01HOCHIMINHCITY562", "01HOCHIMINHCITY224"]
    assert ids("STATE 04 274600") == ["04STATE274600"]
    assert ids("A. ASUNCION 701 (08)") == ["08ASUNCION701"]
    assert ids("09CAIRO0561") == ["09CAIRO561"]
    assert ids("REFTEL KABUL 02245", 9) == ["09KABUL2245"]


def test_short_and_old_station_names_become_the_id_spelling():
    assert canonical_station("AIT") == "TAIPEI"
    assert canonical_station("MADRAS") == "CHENNAI"
    assert canonical_station("HAGUE") == "THEHAGUE"
    assert canonical_station("ADDIS") == "ADDISABABA"
    assert ids("BA 1234 AND PARIS 55", 8) == ["08BUENOSAIRES1234", "08PARIS55"]


def test_body_citations_in_parentheses_and_after_reftel():
    # 90BAGHDAD4322-style prose from csv/Secretary_of_State.
    text = (
        "WHEN SADDAM MADE THAT POINT TO THE AMBASSADOR\n(BAGHDAD 4237), TWO OF HIS STAFFERS\n"
        "(SEE DAMASCUS 3325) AND AS REPORTED REFTEL HAVANA 2693, (JANUARY 1990) (USD 25) (KABUL 2009)"
    )
    got = body_citations(text, 90)
    assert [c["id"] for c in got] == ["90BAGHDAD4237", "90DAMASCUS3325", "90HAVANA2693"]
    assert all(c["year_inferred"] for c in got)
    # Repeats are cited once.
    assert len(body_citations("(BAGHDAD 4237) ... (BAGHDAD 4237)", 90)) == 1


def test_words_around_a_station_are_not_stations():
    assert find_citations("SEE PARA 4") == []
    assert find_citations("ROOM 1234") == []
    assert ids("PER STATE 1234", 8) == ["08STATE1234"]


def test_ref_items_that_are_no_cables():
    # 03THEHAGUE2597: e-mails with a range of dates; 07PARIS3956: points with a date.
    refs, _ = extract_refs(
        ["REF: A. RICHARD-WITMER EMAIL 10/9", "", "B. WITMER-HOLLIDAY EMAILS 9-22 THRU 10-7"], Context(2003, 10)
    )
    assert [r["id"] for r in refs if r["id"]] == []
    refs, _ = extract_refs(["REF: A. PARIS POINTS 20 SEPTEMBER 2007 B. PARIS 3668"], Context(2007, 10))
    assert [r["id"] for r in refs if r["id"]] == ["07PARIS3668"]


def test_slash_lists_of_serials():
    refs, _ = extract_refs(["REF: STATE 188314/259032"], Context(2009, 5))
    assert [r["id"] for r in refs] == ["09STATE188314", "09STATE259032"]
    # Not a date, nor a number with a year ("l. Mtcr poc 201/2006 - may 16 2006", 08STATE15220).
    assert [r["id"] for r in extract_refs(["REF: EMAIL 10/9/08"], Context(2009, 5))[0]] == [None]
    refs, _ = extract_refs(["REF: l. Mtcr poc 201/2006 - may 16 2006"], Context(2008, 2))
    assert [r["id"] for r in refs if r["id"]] == []
