"""parse.header: the transmission header before the classification line.

The excerpts are real: 72TEHRAN1164 and 09USEUBRUSSELS1177 from tests/data/cables,
the partial-extract header of 04ANKARA348 from corpus jsonl/wikileaks-11-28-10.json.
"""

import random
import re

from conftest import CABLES

from cablekit.parse.cleanup import normalise
from cablekit.parse.header import _split_addressee, addressee, read_header
from cablekit.parse.patterns import PRECEDENCE_WORDS


def header_of(text):
    lines, _, _ = normalise(text)
    return read_header(lines)


def test_dtg_fm_to_info_block_of_an_older_telegram():
    header, end, info = header_of((CABLES / "72TEHRAN1164.txt").read_text())
    assert header["dtg"] == "250930Z FEB 72" and header["precedence"] == "ROUTINE"
    assert header["from"] == "AMEMBASSY TEHRAN"
    assert header["to"] == [{"routing": None, "name": "SECSTATE WASHDC", "precedence": None, "number": "7561"}]
    assert [a["name"] for a in header["info"]] == ["SECDEF", "EUCOM", "CSAF"]
    assert info.date.isoformat() == "1972-02-25T09:30:00+00:00"  # 72 is 1972: the one century rule
    lines, _, _ = normalise((CABLES / "72TEHRAN1164.txt").read_text())
    assert lines[end].startswith("UNCLASSIFIED SECTION 01 OF 01 TEHRAN 1164")


def test_distribution_block_then_a_plain_header():
    text = (CABLES / "09USEUBRUSSELS1177.txt").read_bytes().decode("latin-1")
    header, _, info = header_of(text)
    assert info.telegram  # "INFO  LOG-00   AF-00 ..." is a distribution block, not an addressee
    assert header["info"] == []
    assert header["from"] == "USEU BRUSSELS"
    assert [a["name"] for a in header["to"]] == ["SECSTATE WASHDC", "US CUSTOMS AND BORDER PROTECTION WASHINGTON DC"]


def test_partial_extract_sentence_glued_to_the_dtg():
    header, end, info = header_of(
        "This record is a partial extract of the original cable. The full text of the original cable is not "
        "available.201247Z Jan 04\n\nC o n f i d e n t i a l section 01 of 04 ankara 000348"
    )
    assert info.partial
    assert header["dtg"] == "201247Z JAN 04"
    assert info.date.isoformat() == "2004-01-20T12:47:00+00:00"


def test_invalid_dtg_is_a_warning_with_its_code():
    header, _, info = header_of("R 320930Z FEB 72\nFM AMEMBASSY TEHRAN\nTO SECSTATE WASHDC 7561\n\nUNCLAS TEHRAN 1164")
    assert header["dtg"] == "320930Z FEB 72" and info.date is None
    assert [w.code for w in info.warnings] == ["invalid-dtg"]


def test_text_without_a_header():
    header, end, info = header_of("UNCLAS TEHRAN 1164\n\nSUBJECT: X")
    assert header is None and end == 0 and not info.partial


# The addressee grammar as one regex, the way it was first written: a lazy name, then
# an optional precedence and number. header._split_addressee must read every
# addressee the same way, without the regex's cost.
def _reference_addressee(text):
    m = re.match(
        r"^(?:(?P<routing>R[A-Z0-9]{3,}|ZEN)\s*/\s*)?(?P<name>.+?)"
        r"(?:\s+(?P<prec>NIACT\s+\w+|" + "|".join(PRECEDENCE_WORDS) + r"))?"
        r"(?:\s+(?P<number>\d{1,5}(?:-\d{1,5})?))?\s*$",
        text,
    )
    prec = m.group("prec") and " ".join(m.group("prec").split())
    return m.group("routing"), m.group("name"), prec, m.group("number")


def test_addressee_reading_matches_the_grammar():
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
    assert addressee("RUEHC/SECSTATE WASHDC NIACT IMMEDIATE 0123") == {
        "routing": "RUEHC",
        "name": "SECSTATE WASHDC",
        "precedence": "NIACT IMMEDIATE",
        "number": "0123",
    }
    assert addressee("RUEHC/") == {"routing": None, "name": "RUEHC", "precedence": None, "number": None}
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
