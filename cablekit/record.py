"""The record: what every stage hands on, and the tables that define its values.

One cable becomes one record (RECORD.md, shipped as `schema/record.schema.json`):
a plain dict with every field present, in a fixed order, written as one line of
JSON. This module holds what all stages share about it and nothing else:

- the record's shape (`Record`) and `new_record()`;
- the classification levels (`LEVELS`) and the canonical values made from them;
- reference ids: their pattern, `make_id`, the repair of published ids, and the
  one rule that gives a two-digit year its century (`full_year`);
- warnings: `Defect` (a stable code and plain-English words) and `WARNINGS`,
  the table of every code;
- the record's JSON line (`encode`, `decode`).
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Mapping
from typing import Any, NamedTuple, TypedDict

import orjson

SCHEMA_VERSION = 1


# --- the record ----------------------------------------------------------------------


class Source(TypedDict, total=False):
    path: str | None
    format: str
    sha256: str | None
    position: int  # row or line of a multi-cable file
    score: int  # in other_sources: how complete that source's reading was (`completeness`)


class Record(TypedDict, total=False):
    """One cable (RECORD.md). Every key is present in a record; `articles` only where
    a web page lists them."""

    schema: int
    id: str
    id_from: str
    date: str | None
    classification: str | None
    caveats: list[str]
    origin: str | None
    serial: int | None
    section: dict[str, int] | None
    header: dict[str, Any] | None
    eo: dict[str, Any] | None
    tags: list[str]
    subject: str | None
    references: list[dict[str, Any]]
    cited: list[dict[str, Any]]
    classified_by: dict[str, Any] | None
    passing: list[str]
    paragraphs: list[dict[str, Any]]
    summary: str | None
    signers: list[str]
    partial: bool
    text: str
    source: Source
    other_sources: list[Source]
    warnings: list[str]
    warning_codes: list[str]
    articles: list[str]


FIELD_NAMES = tuple(Record.__annotations__)


def new_record(path: str | None = None, fmt: str = "text", sha256: str | None = None) -> Record:
    """A record with every field present and empty, in the documented order."""
    return {
        "schema": SCHEMA_VERSION,
        "id": "",
        "id_from": "source",
        "date": None,
        "classification": None,
        "caveats": [],
        "origin": None,
        "serial": None,
        "section": None,
        "header": None,
        "eo": None,
        "tags": [],
        "subject": None,
        "references": [],
        "cited": [],
        "classified_by": None,
        "passing": [],
        "paragraphs": [],
        "summary": None,
        "signers": [],
        "partial": False,
        "text": "",
        "source": {"path": path, "format": fmt, "sha256": sha256},
        "other_sources": [],
        "warnings": [],
        "warning_codes": [],
    }


def is_record(value: object) -> bool:
    """Whether a decoded store line is a record: an object with a non-empty string id."""
    return isinstance(value, dict) and isinstance(value.get("id"), str) and bool(value["id"])


# What shows that a text is a cable: any one of them. A README or a manifest has none.
_CABLE_EVIDENCE = ("classification", "header", "date", "eo", "tags", "subject", "references", "classified_by")


def is_cable(record: Mapping[str, Any]) -> bool:
    """Whether a parsed text is a cable at all: it has a classification, a header, a date,
    an id read from the text or the source's metadata, a preamble field, or paragraphs
    with classification markings (a body without its preamble)."""
    return (
        record.get("id_from") in ("text", "metadata")
        or any(record.get(k) for k in _CABLE_EVIDENCE)
        or any(p.get("marking") for p in record.get("paragraphs") or [])
    )


# --- several sources of one cable ------------------------------------------------------

# Fields a fuller reading has, with their weight; a warning that marks a poorer reading
# (lost line breaks and case, a date cut to the hour, another cable's text) costs points.
_COMPLETE_FIELDS = {
    "date": 4,
    "header": 3,
    "classification": 2,
    "subject": 2,
    "tags": 2,
    "origin": 1,
    "eo": 1,
    "references": 1,
    "classified_by": 1,
    "signers": 1,
}
_POORER = {
    "internal-error": 10,
    "line-breaks-restored": 3,
    "id-mismatch": 3,
    "no-body": 2,
    "date-hour-only": 1,
    "classification-mismatch": 1,
    "origin-mismatch": 1,
    "date-mismatch": 1,
    "json-line-repaired": 1,
}
# When two readings are as complete, the style that keeps more of the original wins.
FORMAT_FIDELITY = ("text", "html", "csv", "json", "fragment", "jsonl", "alx")


def completeness(record: Mapping[str, Any]) -> int:
    """How complete a reading of a cable is: the fields it found (paragraphs up to ten),
    less the warnings that mark a poorer text. Used to choose among sources of one id."""
    score = sum(weight for name, weight in _COMPLETE_FIELDS.items() if record.get(name))
    score += min(len(record.get("paragraphs") or []), 10)
    return score - sum(_POORER.get(code, 0) for code in record.get("warning_codes") or [])


def source_key(source: Source | dict) -> str:
    """What names one source: its path, and its row or line inside a multi-cable file."""
    position = source.get("position")
    return f"{source.get('path')}#{position}" if position is not None else str(source.get("path"))


def rank(source: Source | dict, score: int) -> tuple:
    """Sort key of a source's reading: higher is better; equal readings are ordered by
    input style, then by name, so that the choice never depends on the order of input."""
    fmt = source.get("format") or ""
    fidelity = FORMAT_FIDELITY.index(fmt) if fmt in FORMAT_FIDELITY else len(FORMAT_FIDELITY)
    return (score, -fidelity, _reversed(source_key(source)))


def _reversed(text: str) -> tuple[int, ...]:
    # The lower name wins a tie: the key is the name's characters negated.
    return tuple(-ord(c) for c in text)


# --- classification ------------------------------------------------------------------


class Level(NamedTuple):
    name: str  # canonical, as in the record
    letters: str  # the letters that stand for it in a header's security warning (ZNY CCCCC)
    word: str  # how the search index spells it (one token)
    short: str  # its portion-marking abbreviation, for narrow columns
    style: str  # its colour on a terminal


LEVELS = (
    Level("TOP SECRET", "T", "topsecret", "TS", "bold magenta"),
    Level("SECRET", "S", "secret", "S", "bold red"),
    Level("CONFIDENTIAL", "C", "confidential", "C", "yellow"),
    Level("LIMITED OFFICIAL USE", "", "lou", "LOU", "cyan"),
    Level("UNCLASSIFIED", "UE", "unclassified", "U", "green"),  # E: EFTO, unclassified
)
LEVEL_BY_NAME = {level.name: level for level in LEVELS}
LEVEL_BY_LETTER = {letter: level.name for level in LEVELS for letter in level.letters}
NOFORN = "//NOFORN"
FOUO = "//FOR OFFICIAL USE ONLY"
# The canonical classifications: a level, NOFORN on the classified ones, FOUO on UNCLASSIFIED.
CLASSIFICATIONS = tuple(
    value
    for level in LEVELS
    for value in (
        (level.name, level.name + FOUO)
        if level.name == "UNCLASSIFIED"
        else (level.name,)
        if level.name == "LIMITED OFFICIAL USE"
        else (level.name, level.name + NOFORN)
    )
)


def level_of(classification: str | None) -> Level | None:
    """The level of a canonical classification ('SECRET//NOFORN' -> SECRET)."""
    return LEVEL_BY_NAME.get((classification or "").split("//")[0])


def short_class(classification: str | None) -> str:
    """'SECRET//NOFORN' -> 'S//NF', 'UNCLASSIFIED//FOR OFFICIAL USE ONLY' -> 'U//FOUO'."""
    level = level_of(classification)
    if level is None:
        return classification or ""
    rest = (classification or "")[len(level.name) :]
    return level.short + ("//NF" if rest == NOFORN else "//FOUO" if rest == FOUO else rest)


def class_words(classification: str | None) -> str:
    """The search index's words for a classification: 'SECRET//NOFORN' -> 'secret noforn'."""
    level = level_of(classification)
    if level is None:
        return ""
    rest = (classification or "")[len(level.name) :]
    return level.word + (" noforn" if rest == NOFORN else " fouo" if rest == FOUO else "")


# --- reference ids -------------------------------------------------------------------

# A canonical id: a two- or four-digit year, the station, the serial, and a letter
# suffix for the copies some releases number apart (08BAKU279, 1975TELAV05348, 09X1_a).
ID_PATTERN = re.compile(r"^(?P<year>\d{2}|\d{4})(?P<station>[A-Z]+?)(?P<serial>\d+)(?P<suffix>_[a-z])?$")

# Cables of the releases run from 1966 to 2010, and declassification dates from the
# 1970s to 2035 and beyond: a two-digit year of 60 or more is 19xx, below 60 20xx.
CENTURY_PIVOT = 60


def full_year(two_digits: int) -> int:
    """The year a two-digit year stands for (the one rule, for ids, DTGs and dates)."""
    return two_digits + (1900 if two_digits >= CENTURY_PIVOT else 2000)


def make_id(year: int | None, station: str | None, serial: int | None) -> str | None:
    if year is None or not station or serial is None:
        return None
    return f"{year % 100:02d}{station}{serial}"


def normalise_id(written: str) -> str:
    """An id as a user or a source writes it, in the parser's form: '09cairo0002' and
    '08SECTION01OF03CAIRO1416' become 09CAIRO2 and 08CAIRO1416; anything else is kept."""
    cid, _ = canonical_id(written)
    m = ID_PATTERN.match(cid)
    if not m or len(m.group("year")) != 2:
        return cid if m else written.strip()  # 1975TELAV05348: the telegrams' ids keep their zeros
    return f"{m.group('year')}{m.group('station')}{int(m.group('serial'))}{m.group('suffix') or ''}"


def station_of(cable_id: str) -> str | None:
    m = ID_PATTERN.match(cable_id)
    return m.group("station") if m else None


# Station names whose id spelling is not just the name without spaces.
STATION_ALIASES = {
    "SECSTATE": "STATE",
    "SECSTATE WASHDC": "STATE",
    "SECSTATEWASHDC": "STATE",
    "DEPT": "STATE",
    "DEPTEL": "STATE",
    "STATE": "STATE",
    "USUN": "USUNNEWYORK",
    "USUN NEW YORK": "USUNNEWYORK",
    "USUN NEWYORK": "USUNNEWYORK",
    "USEU": "USEUBRUSSELS",
    "USEU BRUSSELS": "USEUBRUSSELS",
    "UNVIE": "UNVIEVIENNA",
    "UNVIE VIENNA": "UNVIEVIENNA",
    "USVIENNA": "UNVIEVIENNA",
    # The American Institute in Taiwan writes as TAIPEI in the release's ids (06TAIPEI2933).
    "AIT": "TAIPEI",
    "AIT TAIPEI": "TAIPEI",
    "AITTAIPEI": "TAIPEI",
    "USNATO": "USNATO",
    "USOSCE": "USOSCE",
    # Page headers and REF lines cut long names short.
    "CAPE T": "CAPETOWN",
    "TEL AV": "TELAVIV",
    "RIO DE JAN": "RIODEJANEIRO",
    "HO CHI": "HOCHIMINHCITY",
    # Old names and the short forms REF lines use, as the release's ids write the post.
    "MADRAS": "CHENNAI",
    "CALCUTTA": "KOLKATA",
    "BOMBAY": "MUMBAI",
    "RIO": "RIODEJANEIRO",
    "HAGUE": "THEHAGUE",
    "HK": "HONGKONG",
    "HCMC": "HOCHIMINHCITY",
    "HO CHI MINH": "HOCHIMINHCITY",
    "SAIGON": "HOCHIMINHCITY",
    "ADDIS": "ADDISABABA",
    "BA": "BUENOSAIRES",
    "BUENOS": "BUENOSAIRES",
    "VAT": "VATICAN",
    "HOLY SEE": "VATICAN",
    # The US Mission to UNESCO in Paris writes "PARIS FR"; the release's ids say UNESCOPARISFR.
    "PARIS FR": "UNESCOPARISFR",
    "UNESCO PARIS FR": "UNESCOPARISFR",
    "USUNESCO PARIS FR": "UNESCOPARISFR",
    "USUNESCO": "UNESCOPARISFR",
    "MEXICO CITY": "MEXICO",
    "ST PETERSBURG": "STPETERSBURG",
    "ST. PETERSBURG": "STPETERSBURG",
    "SAINT PETERSBURG": "STPETERSBURG",
    "KL": "KUALALUMPUR",
    "DAR": "DARESSALAAM",
    # Misspellings seen in REF lines.
    "BRASILA": "BRASILIA",
    "BRAZILIA": "BRASILIA",
    "SAO PAUO": "SAOPAULO",
    "0TTAWA": "OTTAWA",
}
# The same written without spaces, as glued ids carry them ("05RIO123", "05PARISFR1");
# two-letter forms (HK, BA) are too short to be told in a glued id.
_GLUED_ALIASES = {k.replace(" ", ""): v for k, v in STATION_ALIASES.items() if len(k.replace(" ", "")) >= 3}


# Words that broken published ids carry between the year and the station.
_ID_JUNK = re.compile(
    r"SECTION\d+OF\d+|EFTO|NOFORN|SIPDIS|SENSITIVE|AMEMBASSY|AMCONSUL|USMISSION|LIMDIS|EXDIS|NODIS|(?<=\d)EMBASSY"
)


def canonical_id(published: str) -> tuple[str, bool]:
    """('08SECTION01OF03CAIRO1416') -> ('08CAIRO1416', True): canonical form, was it repaired."""
    raw = published.strip().upper().replace(" ", "")
    suffix = ""
    if m := re.search(r"(_[A-Z])$", raw):
        suffix, raw = m.group(1).lower(), raw[:-2]
    fixed = _ID_JUNK.sub("", raw)
    # "7575LIBREVILLE1895": the year written twice.
    fixed = re.sub(r"^(\d{2})\1(?=[A-Z])", r"\1", fixed)
    m = ID_PATTERN.match(fixed + suffix)
    if not m:
        return published.strip(), False
    if (station := _GLUED_ALIASES.get(m.group("station"))) and station != m.group("station"):
        fixed = m.group("year") + station + m.group("serial")  # "05RIO123" is 05RIODEJANEIRO123
    return fixed + suffix, fixed != raw


def source_id(path: str | None, sha256: str | None) -> str:
    """The id of a cable whose text names none: its file's stem, else a hash prefix."""
    if path and path != "-":
        return os.path.splitext(os.path.basename(path))[0]  # PurePath(path).stem, cheaper
    return f"sha256-{(sha256 or '')[:16]}"


# --- warnings ------------------------------------------------------------------------


class Defect(NamedTuple):
    """Something the parser had to guess or repair: a stable code for programs (tests,
    --strict, merging metadata) and words for people. The record carries both, as
    `warnings` and `warning_codes`, item for item."""

    code: str
    message: str


# Every warning code, with what it means. Codes are stable: a new kind of problem gets
# a new code; the words may be improved at any time.
WARNINGS = {
    # reading the input
    "encoding-bom": "the text was decoded by its byte order mark (UTF-16)",
    "invalid-bytes": "some bytes were not valid in the text's encoding and were replaced",
    "not-utf8": "the text is not UTF-8; it was decoded as cp1252 or Latin-1",
    "surrogates-replaced": "lone surrogate escapes (JSON '\\ud800') became U+FFFD",
    "json-line-repaired": "a JSON line that was not valid JSON was read by its field names",
    # clean-up
    "empty-input": "the input holds no cable text",
    "markup-removed": "web page markup was removed from the text",
    "line-breaks-restored": "the text had lost its line breaks; they were put back before fields and paragraphs",
    "link-artefacts-removed": "'[1](#)' anchors of converted web pages were removed",
    "line-continuations-removed": "backslash line continuations of a database dump were removed",
    "page-markers-removed": "page and section markers were removed from the text",
    "residue-skipped": "lines before the classification line (e-mail or database residue) were passed over",
    "database-copy-read": "the text is a database record written out; its fields were read as metadata",
    "email-prelude-skipped": "the header lines of an e-mail the cable was forwarded in were passed over",
    # transmission header
    "invalid-dtg": "the date-time group is not a valid date",
    "header-page-break": "page-break text inside the TO block was passed over",
    "header-line-skipped": "an unrecognised line in the transmission header was passed over",
    "julian-date-mismatch": "the DE line's Julian date is invalid or far from the date-time group",
    # identity and date
    "no-date": "no date-time group was found; the date is unknown",
    "serial-from-de-line": "no serial on a classification line; the DE line's station serial was used",
    "serial-repaired-from-de-line": "a serial cut short on the classification line was completed from the DE line",
    "year-from-file-name": "the year for the id was taken from the file name",
    "year-from-decl": "the id's year was guessed from the declassification date and the years the text cites and names",
    "year-from-citations": "the id's year was guessed as the year after the latest cable the text cites with a year",
    "id-from-source": "the text names no id; the id was taken from the source's name",
    "id-differs-from-file-name": "the file name is a different id than the one read from the text",
    # classification
    "no-classification": "no classification line was found",
    "classification-from-header": "no classification line; the classification came from the header",
    "classification-header-mismatch": "the classification line and the header's security warning disagree",
    "classification-from-markings": "no classification line; the highest paragraph marking gave the level",
    "classification-markings-mismatch": "every paragraph marking disagrees with the cable's classification",
    # preamble fields
    "duplicate-field": "a second line of a field that occurs once was ignored",
    "eo-unreadable": "the E.O. line was not understood",
    "invalid-decl-date": "the declassification date is not a valid date",
    "glued-tag-split": "tags written without a space between them were split",
    "duplicate-tags": "a tag that occurred twice was kept once",
    "subject-cut": "a SUBJECT written in capitals ran on into a line of lower-case prose and was cut there",
    "tags-cut": "the TAGS list ran on into other text (a classification line, a label, prose) and was cut there",
    "ref-year-inferred": "a reference's year was not written and was taken from the citing cable",
    "no-classification-reason": "the Classified By line gives no reason",
    # body
    "no-body": "no body text was found",
    "paragraph-number-repaired": "a paragraph number with a pilcrow turned into '1' was read as the next number",
    "paragraph-numbering-gap": "the paragraph numbering jumps",
    # the source's metadata
    "malformed-published-id": "the id the source publishes is malformed; the canonical form is used",
    "id-mismatch": "the text's id and the source's id disagree; the source's is kept",
    "origin-mismatch": "the text's origin and the id's station disagree",
    "classification-mismatch": "the text's classification and the source's disagree; the source's is kept",
    "unknown-metadata-classification": "the source's classification is not one of the known values",
    "invalid-metadata-date": "the source's date is not a date",
    "date-hour-only": "the date came from a page's Created cell, whose minutes are unreliable: the hour is kept",
    "date-mismatch": "the date-time group and the source's date are more than a day apart",
    "subject-from-metadata": "no SUBJECT line in the text; the subject came from the source's title",
    "tags-from-metadata": "no TAGS line in the text; the tags came from the page's tag links",
    # the parser itself
    "internal-error": "the parser failed on this input; the record is incomplete",
}


def set_warnings(record: Record, defects: list[Defect]) -> None:
    """Write *defects* into the record's `warnings` and `warning_codes`."""
    record["warnings"] = [d.message for d in defects]
    record["warning_codes"] = [d.code for d in defects]


# --- the JSON line -------------------------------------------------------------------
# One compact UTF-8 object per line, the same everywhere (`parse --json`, `-o`, the
# store, `search --json`, `show --json`, `export`). orjson writes it five times as fast
# as the json module, with the same bytes (compact, UTF-8, keys in order).


def encode(record: Mapping[str, Any]) -> bytes:
    """A record as one line of UTF-8 JSON, without the newline."""
    try:
        return orjson.dumps(record)
    except TypeError:  # orjson.JSONEncodeError: an integer beyond 64 bits, say
        # Lone surrogates never reach here (the readers replace them); "replace" is
        # the last guard against a line that cannot be written.
        return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "replace")


def dumps(record: Mapping[str, Any]) -> str:
    """A record as one line of JSON text, without the newline."""
    return encode(record).decode("utf-8")


def decode(line: str | bytes) -> Any:
    """The value of one JSON line (raises ValueError when it is not JSON)."""
    return orjson.loads(line)


@functools.cache
def _schema() -> dict:
    from .schema import record_schema

    return record_schema()


def in_field_order(record: Mapping[str, Any]) -> dict:
    """A record with its keys, and those of the objects in it, in the schema's order (a
    store that keeps records as JSONB gives them back in an order of its own)."""
    schema = _schema()
    return _ordered(record, schema, schema.get("$defs") or {})


def _ordered(value: Any, schema: Mapping[str, Any], defs: Mapping[str, Any]) -> Any:
    for choice in schema.get("oneOf") or schema.get("anyOf") or ():
        if "$ref" in choice or "properties" in choice or "items" in choice:
            schema = choice
            break
    if "$ref" in schema:
        schema = defs.get(schema["$ref"].rsplit("/", 1)[-1]) or {}
    if isinstance(value, dict):
        properties = schema.get("properties") or {}
        keys = [k for k in properties if k in value] + [k for k in value if k not in properties]
        return {k: _ordered(value[k], properties.get(k) or {}, defs) for k in keys}
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [_ordered(item, schema["items"], defs) for item in value]
    return value
