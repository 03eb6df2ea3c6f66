"""parse.fields: the FIELDS table and one extractor per preamble field.

The excerpts in tests/data/excerpts are the start of real cables, cut at the end
of a paragraph: 02STATE53501 from csv/Secretary_of_State (header and body
columns), 09ABUJA671 from the <pre> text of its html/ page. Expected values
were read from the excerpts.
"""

from conftest import DATA

from cablekit import parse_file, parse_text
from cablekit.parse.fields import FIELDS, Context, extract_eo, extract_subject, extract_tags, field_kind

EXCERPTS = DATA / "excerpts"


def parsed(name):
    return parse_file(str(EXCERPTS / name))


def test_every_field_has_one_entry_with_its_keyword():
    assert list(FIELDS) == ["eo", "tags", "subject", "ref", "classified_by"]
    for field in FIELDS.values():
        assert callable(field.extract) and field.count in ("one", "merge", "many")
        assert field.key in ("eo", "tags", "subject", "references", "classified_by")
    # What opens a field at the start of a preamble line, misspellings included.
    for line, name in [
        ("E.O. 12958: DECL: 03/25/2018", "eo"),
        ("EO 12958 DECL: 02/22/2023", "eo"),
        ("TAGS: PREL PGOV", "tags"),
        ("TAGE: PREL", "tags"),
        ("SUBJECT: TEST", "subject"),
        ("SUBJ: TEST", "subject"),
        ("REF: A. BAKU 275", "ref"),
        ("REFTELS: STATE 1", "ref"),
        ("Classified By: Ambassador Anne E. Derse", "classified_by"),
        ("(U) CLASSIFIED BY: CHRISTINA B. ROCCA", "classified_by"),
    ]:
        assert field_kind(line)[0] == name, line
    for line in ("1. (C) Summary", "Referring to", "TAGSTAGS", "EO1"):
        assert field_kind(line)[0] is None, line


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


def test_reason_letters_joined_by_ampersand_and_newspaper_dateline():
    r = parsed("09ABUJA671.txt")
    assert r["classified_by"]["reasons"] == ["1.4(b)", "1.4(d)"]  # "1.4(B&D)"
    assert r["classified_by"]["title"] == "Economic Counselor"
    assert len(r["passing"]) == 5
    assert r["subject"] == "NIGERIA: PFIZER REACHES PRELIMINARY AGREEMENT FOR A $75 MILLION SETTLEMENT"
    assert r["date"] == "2009-04-20T16:00:00Z"


def test_eo_line_forms():
    assert extract_eo(["E.O. 12958: DECL: 03/25/2018"], Context())[0]["decl"] == "2018-03-25"
    assert extract_eo(["E.O. 12958: DECL: 2019/12/24"], Context())[0]["decl"] == "2019-12-24"
    assert extract_eo(["E.O. 12958: N/A"], Context())[0] == {"order": "12958", "decl": None, "text": "N/A"}
    value, warnings = extract_eo(["E.O. 12958: DECL: 02/30/2018"], Context())
    assert value["decl"] is None and [w.code for w in warnings] == ["invalid-decl-date"]


def test_tags_person_glued_and_duplicate():
    # A person tag in brackets: 09STATE78274 (corpus html/), its TAGS line over two lines.
    assert extract_tags(["TAGS OVIP (CLINTON, HILLARY), PGOV, PREL, KDEV, ECON,", "NL, IS, SR"], Context())[0] == [
        "OVIP",
        "CLINTON, HILLARY",
        "PGOV",
        "PREL",
        "KDEV",
        "ECON",
        "NL",
        "IS",
        "SR",
    ]
    # 08BRASILIA93 (tests/data/cables): "TAGS: MASSMNUC NPT PARM PREL"
    tags, warnings = extract_tags(["TAGS: MASSMNUC NPT PARM PREL PREL"], Context())
    assert tags == ["MASS", "MNUC", "NPT", "PARM", "PREL"]
    assert [w.code for w in warnings] == ["glued-tag-split", "duplicate-tags"]


def test_subject_loses_its_marking_and_a_repeated_keyword():
    assert extract_subject(["SUBJECT: (C) ACTION REQUEST: MINSK GROUP"], Context())[0] == "ACTION REQUEST: MINSK GROUP"
    assert extract_subject(["SUBJECT: SUBJECT: GAZA ROUND-UP"], Context())[0] == "GAZA ROUND-UP"


def test_a_second_subject_line_is_a_coded_warning():
    r = parse_text("UNCLAS BAKU 000001\n\nSUBJECT: FIRST\n\nSUBJECT: SECOND\n\n1. TEXT.\n", "x.txt")
    assert r["subject"] == "FIRST"
    assert "duplicate-field" in r["warning_codes"]
