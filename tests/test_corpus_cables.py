"""Real cables from the corpus: one row per checked value.

Each expected value was written from reading the cable in tests/data/cables
(see tests/data/README.md for where each file comes from).
"""

import pytest
from conftest import parsed


def _get(record, path):
    value = record
    for part in path.split("."):
        if isinstance(value, list):
            value = value[int(part)]
        else:
            value = value[part]
    return value


CASES = [
    # Converted PDF text: Latin-1 pilcrows, CRLF, "NEW DELHI 00005135  002 OF 008" page markers.
    ("06NEWDELHI5135.txt", "id", "06NEWDELHI5135"),
    ("06NEWDELHI5135.txt", "header.transmission_id", "VZCZCXRO7165"),
    ("06NEWDELHI5135.txt", "header.routing", ["RUEHBI", "RUEHCI", "RUEHLH", "RUEHPW"]),
    ("06NEWDELHI5135.txt", "header.station_serial", "5135/01"),
    ("06NEWDELHI5135.txt", "header.precedence", "IMMEDIATE"),
    ("06NEWDELHI5135.txt", "section", {"number": 1, "of": 8}),
    ("06NEWDELHI5135.txt", "passing", ["STATE FOR INR/B"]),
    ("06NEWDELHI5135.txt", "classified_by.title", "A/PolCouns"),
    ("06NEWDELHI5135.txt", "classified_by.name", "Jon Dorschner"),
    ("06NEWDELHI5135.txt", "classified_by.reasons", ["1.4(b)", "1.4(d)"]),
    ("06NEWDELHI5135.txt", "subject", "INDIA'S NATIONAL SECURITY ADVISORY BOARD: ADVISING THE ADVISORS"),
    ("06NEWDELHI5135.txt", "paragraphs.0.marking", "C"),
    ("06NEWDELHI5135.txt", "paragraphs.1.marking", "U"),
    # USEU: an INFO LOG-00 distribution block instead of VZCZC.
    ("09USEUBRUSSELS1177.txt", "id", "09USEUBRUSSELS1177"),
    ("09USEUBRUSSELS1177.txt", "eo.text", "N/A"),
    ("07BOGOTA1165.txt", "passing", ["FOR WHA/AND, WHA/USOAS"]),
    ("07BOGOTA1165.txt", "tags", ["PGOV", "CO"]),
    # A 1990 telegram: PAGE 01, ACTION, INFO LOG-00, dashed line, SUBJ:, E.O. 12356 OADR.
    ("90CAPETOWN97.txt", "id", "90CAPETOWN97"),
    ("90CAPETOWN97.txt", "date", "1990-01-17T15:12:00Z"),
    ("90CAPETOWN97.txt", "header.from", "AMCONSUL CAPE TOWN"),
    ("90CAPETOWN97.txt", "header.to.0.name", "SECSTATE WASHDC"),
    ("90CAPETOWN97.txt", "header.to.0.number", "5365"),
    ("90CAPETOWN97.txt", "eo", {"order": "12356", "decl": None, "text": "DECL: OADR"}),
    ("90CAPETOWN97.txt", "subject", "ESSA MOOSA TALKS ABOUT MANDELA AND OTHER TOPICS"),
    ("90CAPETOWN97.txt", "passing", ["LONDON FOR KOLKER, PARIS FOR FENDRICK"]),
    # Partial extracts, newspaper-style EO / TAGS lines without colons.
    ("04AMMAN1288.txt", "partial", True),
    ("04AMMAN1288.txt", "classification", "SECRET"),
    ("04AMMAN1288.txt", "eo.decl", "2014-02-19"),
    ("04AMMAN1288.txt", "tags", ["PREL", "PGOV", "PTER", "IZ", "KU", "SY", "JO"]),
    ("04AMMAN1288.txt", "classified_by.title", "Amb."),
    # "-------", "SUMMARY", "-------" under it open the body: no part of Classified By.
    ("04AMMAN1288.txt", "classified_by.text", "Classified By: Amb. Edward W. Gnehm for reasons 1.5 (b) (d)"),
    ("04AMMAN1288.txt", "classified_by.name", "Edward W. Gnehm"),
    ("04AMMAN1288.txt", "references.0.text", "KUWAIT 539"),
    ("04MADRID527.txt", "classified_by.name", "J. Robert Manzanares"),
    ("04MADRID527.txt", "passing", ["STATE FOR EUR/WE", "NSC FOR VOLKER"]),
    ("04MADRID527.txt", "tags", ["PREL", "PGOV", "SP", "NATO"]),
    # 1975: "O R" precedences, NIACT IMMEDIATE, a year on the classification line, REF with semicolons.
    ("7575LIBREVILLE1895.txt", "id", "75LIBREVILLE1895"),
    ("7575LIBREVILLE1895.txt", "header.precedence", "IMMEDIATE"),
    ("7575LIBREVILLE1895.txt", "header.to.0.precedence", "NIACT IMMEDIATE"),
    ("7575LIBREVILLE1895.txt", "eo.order", "11652"),
    ("7575LIBREVILLE1895.txt", "references.0.id", "75STATE272523"),
    ("7575LIBREVILLE1895.txt", "references.1.id", "75USUNNEWYORK6028"),
    # Security warning with trailing routing residue.
    ("09PARIS264.txt", "header.security_warning", "ZNY SSSSS ZZH"),
    ("09PARIS264.txt", "classification", "SECRET//NOFORN"),
    ("09PARIS264.txt", "references.0.id", "09STATE6516"),
    ("09PARIS264.txt", "references.1.id", "09PARIS119"),
    # "CC O N F I D E N T I A L", REF labels A. B. C. and a two-digit year.
    ("09BEIJING1378.txt", "id", "09BEIJING1378"),
    ("09BEIJING1378.txt", "references.2.id", "08BEIJING3546"),
    ("09BEIJING1378.txt", "classified_by.name", "Aubrey Carlson"),
    # Classified By before the passing line; glued tag MASSMNUC; PRIOITY.
    ("08BRASILIA93.txt", "tags", ["MASS", "MNUC", "NPT", "PARM", "PREL"]),
    ("08BRASILIA93.txt", "header.info.0.precedence", "PRIORITY"),
    ("08BRASILIA93.txt", "passing", ["DEPARTMENT FOR WHA, M, T"]),
    ("08BRASILIA93.txt", "signers", []),
    # E.O., Tags and Subject on one lower-case line; "(U) Classified by" after the subject.
    ("04ANKARA348.txt", "tags", ["PREL", "PGOV", "PINS", "TU"]),
    ("04ANKARA348.txt", "eo.decl", "2014-01-07"),
    ("04ANKARA348.txt", "classified_by.reasons", ["1.5(b)", "1.5(d)"]),
    # A passing line run into the E.O. and TAGS; doubled REF labels "A. A)".
    ("08BRASILIA429.txt", "tags", ["PREL", "BR", "MARR", "OVIP"]),
    ("08BRASILIA429.txt", "references.0.text", "BRASILIA 236"),
    ("08BRASILIA429.txt", "references.1.id", None),
    ("08BRASILIA429.txt", "classified_by.reasons", ["1.5(d)"]),
    # Person tag with an initial.
    ("09SINGAPORE529.txt", "tags.1", "STEINBERG, JAMES B."),
    ("09SINGAPORE529.txt", "signers", ["SHIELDS"]),
    ("09BEIJING2963.txt", "eo", {"order": "12958", "decl": None, "text": "decl: after korean unification"}),
    ("09BEIJING2963.txt", "signers", ["HUNTSMAN"]),
    # Literal <br> in the page text, no classification line at all.
    ("09LAPAZ96.txt", "tags", ["PGOV", "KDEM", "PREL", "PHUM", "PINR", "ENVR", "BL"]),
    ("09LAPAZ96.txt", "references.0.id", "08LAPAZ2606"),
    ("09LAPAZ96.txt", "references.1.id", "09LAPAZ6"),
    # INFO LOG-00 block, then DTG/FM/TO without routing indicators.
    ("09ASMARA429.txt", "date", "2009-12-15T11:19:00Z"),
    ("09ASMARA429.txt", "header.from", "AMEMBASSY ASMARA"),
    ("09ASMARA429.txt", "classified_by.name", "Ronald K. McMullen"),
    ("04ANKARA7211.txt", "eo.decl", "2029-12-14"),
    ("04ANKARA7211.txt", "classified_by.reasons", ["1.4(a)", "1.4(b)", "1.4(c)", "1.4(d)"]),
    ("05RIODEJANEIRO1238.txt", "tags", ["ASEC", "SNAR", "KCRM", "CASC", "BR"]),
    ("05RIODEJANEIRO1238.txt", "eo.text", "N/A"),
    # "SS E C R E T", CLASSIFIED BY with its reason on the next line.
    ("09PESHAWAR41.txt", "classification", "SECRET"),
    ("09PESHAWAR41.txt", "classified_by.name", "David J. Hazarian"),
    ("09PESHAWAR41.txt", "classified_by.reasons", ["1.4(d)"]),
    ("06BRIDGETOWN2164.txt", "header.precedence", "IMMEDIATE"),
    ("06BRIDGETOWN2164.txt", "header.security_warning", "ZNR UUUUU ZZH"),
    ("06BRIDGETOWN2164.txt", "passing", ["AIDAC"]),
    ("06BRIDGETOWN2164.txt", "eo.text", "N/A"),
    # A page break on the TO line; TAG (singular) keyword; NOFORN line with more words.
    ("09STATE15113.txt", "header.to.0.name", "ALL DIPLOMATIC POSTS COLLECTIVE"),
    ("09STATE15113.txt", "tags", ["PTER", "PGOV", "ASEC", "EFIN", "ENRG", "KCIP"]),
    ("09STATE15113.txt", "paragraphs.0.marking", "U//FOUO"),
    # Distribution block, DRAFTED BY / APPROVED BY, XMT.
    ("09STATE63860.txt", "date", "2009-06-19T17:17:00Z"),
    ("09STATE63860.txt", "header.xmt", ["AMCONSUL JOHANNESBURG", "AMCONSUL JOHANNESBURG"]),
    ("09STATE63860.txt", "classification", "SECRET//NOFORN"),
    # "P R" precedences and a lower-case preamble.
    ("09STATE4134.txt", "header.precedence", "PRIORITY"),
    ("09STATE4134.txt", "classification", "SECRET"),
    ("09STATE4134.txt", "tags", ["MTCR", "PARM", "PREL", "ETTC", "MNUC", "TSPA", "SP", "SY"]),
    ("08REYKJAVIK195.txt", "signers", ["VAN VOORST"]),
    ("08REYKJAVIK195.txt", "references.0.id", "06REYKJAVIK431"),
    ("07BERLIN242.txt", "signers", ["TIMKEN JR"]),
    ("07BERLIN242.txt", "paragraphs.0.marking", "S/NF"),
    ("06SKOPJE105.txt", "paragraphs.0.marking", "C/REL NATO"),
    ("06SKOPJE105.txt", "classified_by.title", "P/E CHIEF"),
    ("06SKOPJE105.txt", "classified_by.name", "SHUBLER"),
    ("04BOGOTA8900.txt", "paragraphs.1.marking", "S//NF"),
    ("04BOGOTA8900.txt", "classification", "SECRET//NOFORN"),
    ("08LAPAZ2458.txt", "classified_by.title", "EcoPol Chief"),
    ("08LAPAZ2458.txt", "classified_by.name", "Mike Hammer"),
    ("08LAPAZ2458.txt", "references.0.id", "08LAPAZ2370"),
    ("72TEHRAN1164.txt", "references.0.id", "72TEHRAN1091"),
    ("72TEHRAN1164.txt", "references.2.id", "72MOSCOW1603"),
    ("72TEHRAN1164.txt", "signers", ["HECK"]),
    ("09ABUDHABI329.txt", "references.3.id", "09STATE27497"),
    ("09ABUDHABI329.txt", "references.0.label", "A"),
    # ZEN/ routing, NIACT IMMEDIATE, number ranges.
    (
        "08STATE103511.txt",
        "header.to.0",
        {"routing": "ZEN", "name": "AMEMBASSY BELMOPAN", "precedence": "NIACT IMMEDIATE", "number": "2276-2279"},
    ),
    # Fragments: the body <pre> with anchors and tag links.
    ("04MADRID2215.fragment.txt", "classification", "CONFIDENTIAL"),
    ("08THEHAGUE185.fragment.txt", "tags", ["MARR", "PGOV", "PREL", "AF", "NL"]),
    ("09MANAMA442.fragment.txt", "classified_by.name", "Adam Ereli"),
]


@pytest.mark.parametrize("name,path,expected", CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_field(name, path, expected):
    assert _get(parsed(name), path) == expected


def test_every_test_cable_is_schema_valid(validator):
    from conftest import CABLES

    for path in sorted(CABLES.iterdir()):
        record = parsed(path.name)
        errors = list(validator.iter_errors(record))
        assert not errors, f"{path.name}: {errors[0].message}"
