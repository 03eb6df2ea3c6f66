"""parse.fields: the FIELDS table and one extractor per preamble field.

The excerpts in tests/data/excerpts are the start of real cables, cut at the end
of a paragraph: 02STATE53501 from csv/Secretary_of_State (header and body
columns), 09ABUJA671 from the <pre> text of its html/ page. Expected values
were read from the excerpts.
"""

import pytest
from conftest import CORPUS, DATA

from cablekit import parse_file, parse_text
from cablekit.parse.fields import FIELDS, Context, extract_eo, extract_subject, extract_tags, field_kind
from cablekit.pipeline import iter_records

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


def test_tags_labels_as_misspelt_in_the_release():
    for label in ("AGS:", "TABS:", "TAGES:", "TAGS,", "TAGS"):
        assert field_kind(f"{label} PHUM KIRF VM")[0] == "tags", label
        assert extract_tags([f"{label} PHUM KIRF VM"], Context())[0] == ["PHUM", "KIRF", "VM"]


def test_tags_in_a_comma_list_are_never_a_person():
    # 01HOCHIMINHCITY260 (csv/Consulate_Ho_Chi_Minh_City): two tags, not "HUMANR, RELFREE".
    assert extract_tags(["TAGS: PHUM, KIRF, PINR, VM, HUMANR, RELFREE"], Context())[0] == [
        "PHUM",
        "KIRF",
        "PINR",
        "VM",
        "HUMANR",
        "RELFREE",
    ]
    # A person in brackets stays one, in a comma list too (09BEIJING2963, CO(DUNCAN, CAMERON)).
    tags = extract_tags(["TAGS: OVIP (STEINBERG, JAMES B.), PREL, PARM"], Context())[0]
    assert tags == ["OVIP", "STEINBERG, JAMES B.", "PREL", "PARM"]  # the initial keeps its full stop
    tags = extract_tags(["TAGS: ELAB, PHUM, PGOV, CVIS, CASC, CO(DUNCAN, CAMERON)"], Context())[0]
    assert tags[-2:] == ["CO", "DUNCAN, CAMERON"]
    # Without commas between the codes, SURNAME, GIVEN is a person.
    assert extract_tags(["TAGS: OVIP STEINBERG, JAMES B PREL"], Context())[0] == ["OVIP", "STEINBERG, JAMES B", "PREL"]


def test_tags_running_on_into_the_next_classification_line_or_prose():
    # 06MEXICO858 and 09STATE86845 (html/ pages): the page repeats the TAGS line
    # before the cable, run on into its classification line.
    for line, expected in [
        ("TAGS: PGOV PINR MX C O N F I D E N T I A L SECTION 01 OF 02 MEXICO 000858", ["PGOV", "PINR", "MX"]),
        ("TAGS: ETTC KOMC MX UNCLAS STATE 086845", ["ETTC", "KOMC", "MX"]),
    ]:
        tags, warnings = extract_tags([line], Context())
        assert tags == expected and [w.code for w in warnings] == ["tags-cut"]
    # 06BUENOSAIRES2711 (html/): the line after TAGS is prose in lower case.
    tags, _ = extract_tags(
        ["TAGS: MARR PARM PREL PGOV PTER AR", "non-proliferation and military to military relations, to"], Context()
    )
    assert tags == ["MARR", "PARM", "PREL", "PGOV", "PTER", "AR"]
    # A key: value line after the list, and prose in capitals.
    assert extract_tags(["TAGS: PHUM KIRF VM", "POST: HANOI"], Context())[0] == ["PHUM", "KIRF", "VM"]
    tags, _ = extract_tags(["TAGS: PREL, PGOV, VM THE AMBASSADOR MET WITH THE MINISTER"], Context())
    assert tags == ["PREL", "PGOV", "VM"]
    # What is not a run-on: subject words used as tags (04BUENOSAIRES3066, 04VATICAN140).
    tags, warnings = extract_tags(["TAGS: ECON, KSUM, AR, SUMMIT OF THE AMERICAS, DEMARCHE"], Context())
    assert tags[-5:] == ["SUMMIT", "OF", "THE", "AMERICAS", "DEMARCHE"] and warnings == []
    assert extract_tags(["TAGS: PREL, PHUM, VT, religious freedom"], Context())[0][-2:] == ["RELIGIOUS", "FREEDOM"]


def test_tags_keyword_inside_a_word_is_not_a_field():
    # 09CAIRO84 (jsonl/Embassy_Cairo~): its line breaks were lost, and "advantage in"
    # must not start a TAGS field; the numbered paragraphs 1, 2, 3 come back.
    text = (
        "UNCLAS CAIRO 000084  STATE FOR NEA/ELA  SIPDIS  E.O. 12958:  N/A TAGS: ECON, EAID, KIPR, EG SUBJECT:  "
        "EGYPT TO RATIFY MADRID PROTOCOL  1.  After a December 16 joint Shura Council/People's Assembly "
        "Committee decision to approve the Madrid Protocol, the Shura Council has approved the treaty for "
        "ratification.  2. US-Egyptian trade is likely to benefit from Egypt's accession to the Madrid Protocol.  "
        "3.  The protocol also allows Egyptian businesses to file their trademarks. Egyptian companies will have "
        "this advantage in an additional 27 countries or territories that have joined the Protocol. Scobey "
    )
    r = parse_text(text, "09CAIRO84.txt")
    assert r["tags"] == ["ECON", "EAID", "KIPR", "EG"]
    assert r["subject"] == "EGYPT TO RATIFY MADRID PROTOCOL"
    assert [p["number"] for p in r["paragraphs"]] == [1, 2, 3]


def test_tags_visitor_after_ovip_and_country_glued_to_a_tag():
    # Corpus pages write the visitor of an official visit without a comma
    # ("TAGS: OVIP CLINTON HILLA...", "TAGS: OVIP BIDEN JOSEPH").
    assert extract_tags(["TAGS: OVIP BIDEN JOSEPH PREL"], Context())[0] == ["OVIP", "BIDEN, JOSEPH", "PREL"]
    assert extract_tags(["TAGS: OVIP PREL PGOV"], Context())[0] == ["OVIP", "PREL", "PGOV"]
    # The start of 01VATICAN6098's TAGS line (csv/): "VTPREL" is the country and the tag, both listed.
    assert extract_tags(["TAGS: PREL, RM, VT, VTPREL"], Context())[0] == ["PREL", "RM", "VT"]
    assert extract_tags(["TAGS: KFLU AEMR ASEC AMEDCASCKFLO TBIO"], Context())[0] == [
        "KFLU",
        "AEMR",
        "ASEC",
        "AMED",
        "CASC",
        "KFLO",
        "TBIO",
    ]


def test_tags_continuation_lines():
    # 09BEIJING2963 (converted to lower case): the list goes on after a line ending in a comma.
    tags = extract_tags(
        ["Tags: ovip (steinberg, james b.), prel, parm, pgov, econ,", "etra, mnuc, marr, ch, jp, kn, ks, ir"], Context()
    )[0]
    assert tags[:2] == ["OVIP", "STEINBERG, JAMES B."] and tags[-3:] == ["KN", "KS", "IR"]
    # 09STATE11937: a wrapped line in capitals is more tags, its comma list no person.
    tags = extract_tags(["TAGS: OVIP CLINTON HILLARY PREL KPAL FR IR RS", "NATO, UK, CN"], Context())[0]
    assert tags == ["OVIP", "CLINTON, HILLARY", "PREL", "KPAL", "FR", "IR", "RS", "NATO", "UK", "CN"]
    # A comma at a line's end separates two tags, never a surname from a given name.
    assert extract_tags(["TAGS: PGOV, PREL,", "KDEM"], Context())[0] == ["PGOV", "PREL", "KDEM"]
    # A line of lower-case prose after the TAGS line is no tags (and says so).
    tags, warnings = extract_tags(["TAGS: PREL PGOV", "and the minister said"], Context())
    assert tags == ["PREL", "PGOV"] and [w.code for w in warnings] == ["tags-cut"]


def test_subject_in_capitals_ends_at_prose():
    # A subject in capitals, then an action request on the next line (a real cable's preamble).
    lines = [
        "SUBJECT: SWEDISH DEPUTY PM URGES SENIOR USG VISITS TO SWEDEN DURING",
        "EU PRESIDENCY; WANTS TO LAUNCH U.S.-EU ALERNATIVE ENERGY PARTNERSHIP AT U.S.-EU SUMMIT",
        "This is an Action request. Please see para 2.",
    ]
    subject, warnings = extract_subject(lines, Context())
    assert subject.endswith("AT U.S.-EU SUMMIT") and [w.code for w in warnings] == ["subject-cut"]
    # A subject in mixed case goes on over its lines, and a redaction is no prose.
    lines = ["SUBJECT: Framework Convention on Tobacco Control (FCTC): Canadian", "response to demarche"]
    assert extract_subject(lines, Context())[0].endswith("Canadian response to demarche")
    lines = ["SUBJECT: IRAN: NINJA BLACK BELT MASTER DETAILS USE OF", "MARTIAL ARTS CLUBS FOR REPRESSION; xxxxxxxxxxxx"]
    assert extract_subject(lines, Context())[0].endswith("REPRESSION; xxxxxxxxxxxx")


@pytest.mark.parametrize(
    "lines, name, title",
    [
        # 04PARIS8159: the wrapping cut REASONS ("reaso" / "ns").
        (
            ["Classified By: Political Minister-Counselor Josiah Rosenblatt for reaso", "ns 1.4 (b) and (d)."],
            "Josiah Rosenblatt",
            "Political Minister-Counselor",
        ),
        # 09BAGHDAD383: and the name ("Michae" / "l Corbin"); a title with "for" in it.
        (
            [
                "Classified By: Minister-Counselor for Political Military Affairs Michae",
                "l Corbin for reasons 1.4 (b, d).",
            ],
            "Michael Corbin",
            "Minister-Counselor for Political Military Affairs",
        ),
        # 09BEIJING3313: a mistyped title word ("Minster").
        (
            ["Classified By: Political Minster Counselor Aubrey Carlson. Reasons 1.4  (b/d)."],
            "Aubrey Carlson",
            "Political Minster Counselor",
        ),
        # 09MEXICO3101: "Charge d' Affaires" with a space.
        (
            ["Classified By: Charge d' Affaires John Feeley.", "Reason: 1.4 (b),(d)."],
            "John Feeley",
            "Charge d' Affaires",
        ),
        # 10STATE17263: the initial between two names, a surname of two words.
        (["Classified By: ISN Acting A/S Vann H. Van Diepen.  Reason 1.5 (D)"], "Vann H. Van Diepen", "ISN Acting A/S"),
        # 96STATE194868: the suffix after a comma stays with the name.
        (
            [
                "CLASSIFIED BY E. GIBSON LANPHER, JR., ACTING",
                "ASSISTANT SECRETARY OF STATE FOR SOUTH ASIAN AFFAIRS,",
                "DEPARTMENT OF STATE. REASON: 1.5(D).",
            ],
            "E. GIBSON LANPHER, JR.",
            "ACTING ASSISTANT SECRETARY OF STATE FOR SOUTH ASIAN AFFAIRS, DEPARTMENT OF STATE",
        ),
        # 01STATE192153: the name first, the title after it without a comma.
        (
            [
                "CLASSIFIED BY DONALD CAMP DEPUTY  ASSISTANT SECRETARY",
                "FOR SOUTH ASIAN AFFAIRS; REASON: 1.5 (B) AND (D).",
            ],
            "DONALD CAMP",
            "DEPUTY ASSISTANT SECRETARY FOR SOUTH ASIAN AFFAIRS",
        ),
        # 04PARIS9137: the title goes on after the name.
        (
            ["Classified By: CHARGE D'AFFAIRES ALEX WOLFF, EMBASSY PARIS", "FOR REASONS 1.4B AND D."],
            "ALEX WOLFF",
            "CHARGE D'AFFAIRES, EMBASSY PARIS",
        ),
        # 03DAMASCUS6920: a note in brackets after the name.
        (
            ["Classified By: Charge D'Affaires Gene A. Cretz", "(Releasable to Former NEA A/S Richard Murphy)"],
            "Gene A. Cretz",
            "Charge D'Affaires",
        ),
    ],
)
def test_classified_by_name_and_title(lines, name, title):
    value, _ = FIELDS["classified_by"].extract(lines, Context())
    assert (value["name"], value["title"]) == (name, title)


def test_classified_by_after_an_entire_text_marking():
    # 95DAMASCUS5748 (cables.csv): paragraph 1 marks the whole text, then Classified By.
    text = (
        "C O N F I D E N T I A L SECTION 01 OF 02 DAMASCUS 005748\n\nLONDON FOR TUELLER; PARIS FOR ALLEGRONE\n\n"
        "E.O.  12356:  DECL:  11/1/15\nTAGS:  PGOV, PREL, SY, IS, XF\n"
        "SUBJECT:  HAFIZ AL-ASAD: LAST DEFENDER OF ARABS\n\n"
        "1. CONFIDENTIAL - ENTIRE TEXT.  CLASSIFIED BY:\n"
        "CHRISTOPHER W.S. ROSS, AMBASSADOR.  REASON: 1.5 (D) .\n\n"
        "2. SUMMARY: THE IMAGE OF HAFIZ AL-ASAD AS THE LAST\n"
    )
    r = parse_text(text)
    assert r["classified_by"]["name"] == "CHRISTOPHER W.S. ROSS"
    assert r["classified_by"]["title"] == "AMBASSADOR"
    assert r["classified_by"]["reasons"] == ["1.5(d)"]


def test_labels_without_a_space_after_the_colon():
    # 08LIMA1107: "DECL: 06/27/2018 TAGS:PGOV, PREL, PINR, PE"; SUBJECT: glued to its text too.
    tags, _ = extract_tags(["TAGS:PGOV, PREL, PINR, PE"], Context())
    assert tags == ["PGOV", "PREL", "PINR", "PE"]
    assert field_kind("SUBJECT:LIBYA POSTPONES GENERAL PEOPLE'S CONGRESS")[0] == "subject"


def test_a_placeholder_subject_gives_way_to_the_real_one():
    # 04THEHAGUE281: a database copy's header ("SUBJECT:..."), then the cable's own.
    ((r, _),) = list(iter_records(str(CORPUS / "html" / "04THEHAGUE281.html")))
    assert r["subject"] == "DUTCH FM BOT'S VISIT TO THE U.S."
    assert "SUBJECT" not in r["tags"]


def test_classified_by_written_as_a_sentence():
    # The Classified By lines of 09BEIJING2690 (the lines around them are scaffolding):
    # "This message classified by ..." is one Classified By line, not two.
    text = (
        "C O N F I D E N T I A L BEIJING 002690\n\nE.O. 12958: DECL: 10/01/2019\nTAGS: ECON CH\n"
        "SUBJECT: X\n\nClassified By: This message classified by Econ Minister Counselor\n"
        "William Weinstein for reasons 1.4 (b), (d) and (e).\n\n1. (C) Text.\n"
    )
    cb = parse_text(text)["classified_by"]
    assert (cb["name"], cb["title"], cb["reasons"]) == (
        "William Weinstein",
        "Econ Minister Counselor",
        ["1.4(b)", "1.4(d)", "1.4(e)"],
    )
