"""The two seed cables, field by field (values read from the files)."""

from conftest import SEEDS, parsed

SEED1 = "000_f96e09e439d60289.txt"
SEED2 = "002_206ec497b6042983.txt"


def test_seed1_identity():
    r = parsed(SEED1)
    assert r["id"] == "08BAKU279"
    assert r["id_from"] == "text"
    assert r["date"] == "2008-03-25T12:07:00Z"
    assert r["classification"] == "CONFIDENTIAL"
    assert r["origin"] == "BAKU"
    assert r["serial"] == 279
    assert r["section"] is None
    assert r["caveats"] == ["SIPDIS"]
    assert r["passing"] == ["FOR EUR/CARC"]


def test_seed1_header():
    h = parsed(SEED1)["header"]
    assert h["transmission_id"] == "VZCZCXYZ0003"
    assert h["precedence"] == "PRIORITY"
    assert h["routing"] == ["RUEHWEB"]
    assert h["station"] == "RUEHKB"
    assert h["station_serial"] == "0279"
    assert h["security_warning"] == "ZNY CCCCC ZZH"
    assert h["dtg"] == "251207Z MAR 08"
    assert h["from"] == "AMEMBASSY BAKU"
    assert h["to"] == [{"routing": "RUEHC", "name": "SECSTATE WASHDC", "precedence": "PRIORITY", "number": "5020"}]
    assert [a["routing"] for a in h["info"]] == [
        "RUCNCIS",
        "RUEHFR",
        "RUCNDT",
        "RUEAIIA",
        "RUEHVEN",
        "RHMFISS",
        "RUEKJCS",
    ]
    assert h["info"][1] == {"routing": "RUEHFR", "name": "AMEMBASSY PARIS", "precedence": "PRIORITY", "number": "0507"}
    assert h["info"][3] == {"routing": "RUEAIIA", "name": "CIA WASHINGTON DC", "precedence": "PRIORITY", "number": None}
    assert h["info"][5]["name"] == "CDR USEUCOM VAIHINGEN GE"


def test_seed1_preamble():
    r = parsed(SEED1)
    assert r["eo"] == {"order": "12958", "decl": "2018-03-25", "text": "DECL: 03/25/2018"}
    assert r["tags"] == ["PREL", "PGOV", "PBTS", "AJ"]
    assert r["subject"] == (
        "ACTION REQUEST: AZERBAIJAN REQUESTS CONFIRMATION OF MINSK GROUP CO-CHAIRS' "
        "SUPPORT FOR ITS TERRITORIAL INTEGRITY"
    )
    refs = r["references"]
    assert len(refs) == 2
    assert (refs[0]["label"], refs[0]["text"], refs[0]["id"]) == ("A", "BAKU 275", "08BAKU275")
    assert refs[0]["year_inferred"] is True
    assert (refs[1]["label"], refs[1]["id"]) == ("B", None)
    assert refs[1]["text"] == "AMBASSADOR DERSE/BRYZA EMAIL OF 3/20/08"
    cb = r["classified_by"]
    assert cb["name"] == "Anne E. Derse"
    assert cb["title"] == "Ambassador"
    assert cb["reasons"] == ["1.4(b)", "1.4(d)"]
    assert cb["text"] == "Classified By: Ambassador Anne E. Derse for reasons 1.4 (b) and (d)."


def test_seed1_body():
    r = parsed(SEED1)
    paras = r["paragraphs"]
    assert [p["number"] for p in paras] == [1, 2, 3, 4, 5]
    assert [p["marking"] for p in paras] == ["U", "SBU", "C", "C", "C"]
    assert paras[0]["text"] == "This is an action request; see para 5."
    # "[1](#)2006" in mid-sentence is the year 2006, not a paragraph.
    assert "between 2001 and 2006. Istratov" in paras[2]["text"]
    assert paras[4]["text"].startswith("Action Request: We request the Department,s guidance")
    assert paras[4]["text"].endswith("(faxed to EUR/CARC).")
    assert r["signers"] == ["DERSE"]
    assert any("'15.' read as 5" in w for w in r["warnings"])
    assert "[1](#)" not in r["text"]
    assert r["partial"] is False


def test_seed2_body_only():
    r = parsed(SEED2)
    assert r["id"] == "002_206ec497b6042983"
    assert r["id_from"] == "source"
    assert r["header"] is None
    # No banner, but every paragraph is marked (C): a document is classified as its
    # highest portion, and the record says where the level came from.
    assert r["classification"] == "CONFIDENTIAL"
    assert "classification-from-markings" in r["warning_codes"]
    assert r["date"] is None
    assert r["tags"] == [] and r["subject"] is None and r["references"] == []
    assert [p["number"] for p in r["paragraphs"]] == [1, 2, 3, 4, 5]
    assert {p["marking"] for p in r["paragraphs"]} == {"C"}
    assert r["paragraphs"][0]["text"].startswith("The Ambassador delivered reftel points on Kosovo's")
    assert r["paragraphs"][3]["text"].startswith("Comment:  Senior Azerbaijani officials")
    assert r["signers"] == ["DERSE"]
    assert "¶" not in r["text"]


def test_seeds_are_in_the_repo():
    assert sorted(p.name for p in SEEDS.iterdir()) == [SEED1, SEED2]
