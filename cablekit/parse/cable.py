"""One cable's text into a record: the parser's steps, in order.

Clean-up (cleanup) -> transmission header (header) -> classification line and
preamble blocks (preamble) -> page furniture (body) -> date, classification,
identity -> one extractor per field (fields) -> body: signers, paragraphs,
summary (body). Each step below reads and fills one `_Cable`; the parser never
raises on input: whatever it cannot read becomes a warning.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..record import (
    ID_PATTERN,
    LEVEL_BY_LETTER,
    LEVELS,
    Defect,
    Record,
    full_year,
    make_id,
    new_record,
    set_warnings,
    source_id,
)
from ..sources.document import Document
from . import body, metadata
from .cleanup import normalise
from .dates import DTG, date_in_lines, guess_year, iso, julian_check, parse_meta_date
from .fields import FIELDS, Context, empty, store_field
from .header import HeaderInfo, email_prelude, read_header
from .patterns import CLASSIFIED_BY, MARKING_LEVELS, PARAGRAPH_START, PARTIAL_SENTENCE
from .preamble import (
    ClassificationLine,
    Preamble,
    distant_classification,
    find_classification,
    parse_classification_line,
    split_embedded,
    split_fields,
    split_tail,
)
from .refs import body_citations, canonical_station, find_citations

# "1. (U) Classified by ...": a Classified By line inside the body, after the subject.
# Also after the marking of a whole text: "1. CONFIDENTIAL - ENTIRE TEXT.  CLASSIFIED BY DCM ...".
_CLASSIFIED_BY_IN_BODY = re.compile(
    r"^(?:\d{1,2}\s?\.\s*)?(?:\(\s*\w+\s*\)\s*)?"
    r"(?:(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|LIMITED\s+OFFICIAL\s+USE)\s*-+\s*ENTIRE\s+TEXT\.?\s*)?"
    r"(" + CLASSIFIED_BY + r".*)$",
    re.IGNORECASE,
)


@dataclass
class _Cable:
    """What the steps have read of one cable so far."""

    record: Record
    path: str | None
    known_date: datetime | None  # the source's date, where the text may have none
    warnings: list[Defect] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    converted: bool = False  # the text came through the web-page-to-text converter
    header: dict[str, Any] | None = None
    info: HeaderInfo = field(default_factory=HeaderInfo)
    start: int = 0  # the first line after the header
    cls: ClassificationLine | None = None
    pre_start: int = 0  # the first line after the classification line
    pre: Preamble | None = None
    date: datetime | None = None
    year: int | None = None
    level: str | None = None  # the classification level read from the banner or header
    embedded: dict[str, Any] = field(default_factory=dict)  # metadata written into the text

    def warn(self, code: str, message: str) -> None:
        self.warnings.append(Defect(code, message))

    @property
    def context(self) -> Context:
        when = self.date or self.known_date
        return Context(self.year, when.month if when else None)


def _clean(c: _Cable, text: str) -> bool:
    c.lines, warnings, c.converted = normalise(text)
    c.warnings.extend(warnings)
    if ("header ends" in text or "HEADER ENDS" in text) and (copy := metadata.database_copy(c.lines)):
        # A database record written out as text: its fields are the source's metadata.
        c.embedded, c.lines = copy
        c.warn("database-copy-read", "the text is a database record: its fields were read as the source's metadata")
        if not c.known_date and c.embedded.get("date"):
            c.known_date = parse_meta_date(c.embedded["date"])
    if not any(c.lines):
        c.warn("empty-input", "no cable text found (the input is empty)")
        c.record["id"] = source_id(c.path, c.record["source"]["sha256"])
        return False
    return True


def _read_header(c: _Cable) -> None:
    start = email_prelude(c.lines)
    if start:
        c.warn("email-prelude-skipped", f"an e-mail's header ({start} lines) before the cable passed over")
    c.header, c.start, c.info = read_header(c.lines, start)
    c.warnings.extend(c.info.warnings)
    c.date = c.info.date
    c.record["header"] = c.header
    c.record["partial"] = c.info.partial


def _find_classification(c: _Cable) -> None:
    c.cls, c.pre_start = find_classification(c.lines, c.start)
    if c.cls is None and c.start < len(c.lines):
        # The partial-extract sentence may be glued to the first body line.
        for k in range(c.start, min(c.start + 3, len(c.lines))):
            if m := PARTIAL_SENTENCE.search(c.lines[k]):
                c.record["partial"] = True
                c.lines[k] = (c.lines[k][: m.start()] + " " + c.lines[k][m.end() :]).strip()
        c.cls, c.pre_start = find_classification(c.lines, c.start)
    # A bare "UNCLASSIFIED" of a metadata block may stand before the header again
    # and the full classification line: the full line wins.
    if (c.cls is None or not c.cls["origin"]) and (found := distant_classification(c.lines, c.start)):
        _skip_residue(c, *found)
    if c.cls is None:
        c.pre_start = c.start
        return
    # "C O N F I D E N T I A L STATE 000284 SIPDIS E.O. 12958: ... TAGS: ...":
    # the preamble run into the classification line goes back on lines of its own.
    parts = split_embedded(c.lines[c.pre_start - 1])
    if len(parts) > 1:
        c.lines[c.pre_start - 1 : c.pre_start] = parts
        c.cls = parse_classification_line(parts[0]) or c.cls
    parts = split_tail(c.lines[c.pre_start - 1], c.cls)
    if len(parts) > 1 and (shorter := parse_classification_line(parts[0])):
        # The caveats stay the whole line's ("... USDA FOR FAS/OA SIPDIS SENSITIVE").
        c.lines[c.pre_start - 1 : c.pre_start] = parts
        c.cls = {**shorter, "caveats": c.cls["caveats"]}


def _skip_residue(c: _Cable, k: int, cls: ClassificationLine) -> None:
    """E-mail or database residue ("From DB/Inbox", "Distribution:") before the
    classification line: pass over it, and read a DTG/FM/TO block that stands in it."""
    c.cls, c.pre_start = cls, k + 1
    c.warn("residue-skipped", f"{k - c.start} line(s) of residue before the classification line passed over")
    if c.header is None or not c.header.get("dtg"):
        start = next((j for j in range(c.start, k) if DTG.match(c.lines[j])), None)
        if start is not None:
            c.header, _, info = read_header(c.lines[:k], start)
            c.date = c.date or info.date
            c.record["header"] = c.header


def _split_preamble(c: _Cable) -> None:
    # Page furniture can interrupt the preamble too, so it goes before the split.
    rest, removed = body.remove_page_markers(c.lines[c.pre_start :], c.cls["origin"] if c.cls else None)
    if removed:
        c.warn("page-markers-removed", f"{removed} page or section marker(s) removed")
    c.lines = c.lines[: c.pre_start] + rest
    c.pre = split_fields(c.lines, c.pre_start)


def _find_date(c: _Cable) -> None:
    # The header's date-time group, else one standing alone near the top, else the
    # dateline of the newspaper form ("Thursday, 31 August 2006, 06:39").
    if c.date is None:
        c.date = date_in_lines(c.lines[: c.pre_start + 3])
    if c.header and (w := julian_check(c.info.julian, c.date)):
        c.warn("julian-date-mismatch", w)


def _classify(c: _Cable) -> None:
    assert c.pre is not None
    r = c.record
    r["caveats"] = list(dict.fromkeys((list(c.cls["caveats"]) if c.cls else []) + c.pre["caveats"]))
    r["passing"] = c.pre["passing"]
    c.level = _level(c)
    r["classification"] = _qualified(c.level, r["caveats"])
    r["section"] = c.cls["section"] if c.cls else None


def _level(c: _Cable) -> str | None:
    """The level from the classification line, checked against the header's security
    warning (ZNY CCCCC); from the warning alone where there is no line."""
    from_header = None
    warning = (c.header or {}).get("security_warning")
    if warning:
        letters = warning.split()[1] if len(warning.split()) > 1 else ""
        from_header = LEVEL_BY_LETTER.get(letters[:1])
    if c.cls is None:
        if from_header:
            c.warn(
                "classification-from-header",
                f"no classification line; classification {from_header} taken from the header's security warning",
            )
        return from_header
    level = c.cls["level"]
    if from_header and from_header != level and not (level == "LIMITED OFFICIAL USE" and from_header == "UNCLASSIFIED"):
        c.warn(
            "classification-header-mismatch",
            f"classification line says {level} but the header's security warning '{warning}' says {from_header}",
        )
    return level


def _qualified(level: str | None, caveats: list[str]) -> str | None:
    """The canonical classification: the level with NOFORN or FOUO from the caveats."""
    if level == "UNCLASSIFIED" and "SENSITIVE" in caveats:
        return "UNCLASSIFIED//FOR OFFICIAL USE ONLY"
    if level and "NOFORN" in caveats and level not in ("UNCLASSIFIED", "LIMITED OFFICIAL USE"):
        return level + "//NOFORN"
    return level


def _weigh_markings(c: _Cable) -> None:
    """The paragraphs' portion markings: the level where no banner gives one, and a
    warning where every marking disagrees with the banner. (A "(S/NF)" marking alone does
    not make the cable NOFORN: the releases' own metadata do not, for 36 of 39 such
    cables of the development corpus.)"""
    r = c.record
    marks = [p["marking"].upper() for p in r["paragraphs"] if p.get("marking")]
    firsts = {m.split("/", 1)[0].strip() for m in marks}
    levels = {MARKING_LEVELS[f] for f in firsts if f in MARKING_LEVELS}
    level = c.level
    if level is None and levels:
        level = next(name for name in (lv.name for lv in LEVELS) if name in levels)
        c.warn("classification-from-markings", f"no classification line; {level} taken from the paragraph markings")
    elif level is None:
        c.warn("no-classification", "no classification line found")
    elif len(marks) >= 2 and len(levels) == 1 and level not in levels:
        (marked,) = levels
        c.warn(
            "classification-markings-mismatch",
            f"the cable is marked {level} but every paragraph is marked {marked}",
        )
    r["classification"] = _qualified(level, r["caveats"])


def _identify(c: _Cable) -> None:
    """Origin, serial, year and id: from the classification line and header, else the
    file name, else a guess from the declassification date."""
    r, cls, header = c.record, c.cls, c.header
    origin = canonical_station(cls["origin"]) if cls and cls["origin"] else None
    if origin is None and header and header.get("from"):
        origin = canonical_station(header["from"])
    r["origin"] = origin
    r["serial"] = cls["serial"] if cls else None
    de_serial = int(header["station_serial"].split("/")[0]) if header and header.get("station_serial") else None
    if r["serial"] is not None and de_serial is not None and r["serial"] % 10000 != de_serial:
        # The DE line's station serial is the cable serial modulo 10,000: it repairs a
        # serial cut short ("BUENOS AIRES 00167SIPDIS", DE #1673) but never replaces one.
        # Serials are written with six digits; fewer means one was lost.
        if (
            cls
            and cls["digits"] < 6
            and len(str(de_serial)) > len(str(r["serial"]))
            and str(de_serial).startswith(str(r["serial"]))
        ):
            c.warn(
                "serial-repaired-from-de-line",
                f"serial {r['serial']} on the classification line is cut short; {de_serial} taken from the DE line",
            )
            r["serial"] = de_serial
    if r["serial"] is None and de_serial is not None and origin:
        r["serial"] = _serial_ending(c.lines, origin, de_serial)
    if r["serial"] is None and header and header.get("station_serial"):
        # The DE line's station serial is the cable serial modulo 10,000.
        r["serial"] = int(header["station_serial"].split("/")[0])
        c.warn(
            "serial-from-de-line",
            f"no serial on a classification line; serial {r['serial']} taken from the DE line "
            f"'#{header['station_serial']}'",
        )
    c.year = c.date.year if c.date else (c.known_date.year if c.known_date else None)
    stem = source_id(c.path, r["source"]["sha256"])
    stem_id = ID_PATTERN.match(stem)
    if c.year is None and cls and cls["year"] is not None:
        c.year = full_year(cls["year"])
    if c.year is None and stem_id and len(stem_id.group("year")) == 2:
        c.year = full_year(int(stem_id.group("year")))
        c.warn("year-from-file-name", f"year {c.year} taken from the file name '{stem}'")
    if c.year is None:
        c.year = _guess_year(c)
    cable_id = make_id(c.year, origin, r["serial"])
    if cable_id:
        r["id"], r["id_from"] = cable_id, "text"
        if stem_id and stem != cable_id and not stem.startswith(cable_id + "_"):
            c.warn(
                "id-differs-from-file-name", f"file name '{stem}' differs from the id '{cable_id}' read from the text"
            )
    else:
        r["id"], r["id_from"] = stem, "source"
        if any(c.lines):
            c.warn("id-from-source", f"no reference id in the text; id '{stem}' taken from the source name")
    if r["origin"] is None and stem_id:
        r["origin"] = stem_id.group("station")
    r["date"] = iso(c.date) if c.date else None
    if c.date is None:
        c.warn("no-date", "no date-time group found; date unknown")


_STATION_NUMBER = re.compile(r"\b([A-Z][A-Z .'-]*?[A-Z])\s+0*(\d{5,7})\b")


def _serial_ending(lines: list[str], origin: str, de_serial: int) -> int | None:
    """A full serial of the cable's station in the text ("STATE 00086845 002 OF 003")
    ending in the DE line's four digits, where no classification line gives one."""
    for line in lines:
        for m in _STATION_NUMBER.finditer(line):
            serial = int(m.group(2))
            words = m.group(1).split()
            stations = {canonical_station(" ".join(words[-n:])) for n in range(1, min(3, len(words)) + 1)}
            if serial % 10000 == de_serial and origin in stations:
                return serial
    return None


# Years a text names (not those of its declassification or classification lines).
# (No look-behind at its start, which would slow the scan; the character before is checked in code.)
_NAMED_YEAR = re.compile(r"(?:19[4-9]\d|20[0-3]\d)(?![\d/-])")
_DECL_LINE = re.compile(r"E\.?\s?O\.?\s?\d|DECL|DECLASSIFY|CLASSIFIED\s+BY|REASON", re.IGNORECASE)


def _guess_year(c: _Cable) -> int | None:
    """The year of a cable with no date, from its declassification date bounded by
    the years of the cables it cites and the years its text names."""
    assert c.pre is not None
    eo_block = next((lines for name, lines in c.pre["blocks"] if name == "eo"), None)
    eo = FIELDS["eo"].extract(eo_block, Context())[0] if eo_block else None
    decl = eo["decl"] if eo else None
    cited: list[int] = []
    for name, lines in c.pre["blocks"]:
        if name == "ref":
            cited += [full_year(x["year"]) for x in find_citations(" ".join(lines)) if x["year"] is not None]
    end = c.pre["end"]
    text = "\n".join([line for line in c.lines[:end] if not _DECL_LINE.search(line)] + c.lines[end:])
    cited += [full_year(int(x["id"][:2])) for x in body_citations(text, None)]
    named = [
        int(m.group()) for m in _NAMED_YEAR.finditer(text) if not m.start() or text[m.start() - 1] not in "0123456789/-"
    ]
    year = guess_year(decl, cited, named)
    if year is None:
        return None
    if decl:
        c.warn(
            "year-from-decl",
            f"the cable carries no date; year {year} for its id guessed from the declassification date {decl}"
            + (", bounded by the years of the cables it cites" if cited else "")
            + (" and the years it names" if named and not cited else ""),
        )
    else:
        c.warn(
            "year-from-citations",
            f"the cable carries no date; year {year} for its id guessed as the year after the latest cable it cites",
        )
    return year


def _read_fields(c: _Cable) -> None:
    assert c.pre is not None
    ctx = c.context
    read = [(name, *FIELDS[name].extract(block, ctx)) for name, block in c.pre["blocks"]]
    for k, (name, value, warnings) in enumerate(read):
        if FIELDS[name].count == "one" and empty(value) and any(later == name for later, *_ in read[k + 1 :]):
            continue  # a bare label before the field written again ("Classified By: Classified By: ...")
        c.warnings.extend(warnings)
        store_field(c.record, name, value, c.warnings)  # type: ignore[arg-type]


def _read_body(c: _Cable) -> None:
    assert c.pre is not None
    r = c.record
    marked_body = c.lines[c.pre["end"] :]
    r["signers"], lines = body.find_signers(marked_body)
    if r["classified_by"] is None:
        lines = _classified_by_from_body(c, lines)
    section = r["section"]
    continues = r["partial"] or bool(section and section["number"] > 1)
    r["paragraphs"], warnings = body.split_paragraphs(lines, c.converted, continues)
    c.warnings.extend(warnings)
    r["summary"] = body.find_summary(r["paragraphs"])
    listed = {x["id"] for x in r["references"] if x.get("id")} | {r["id"]}
    body_text = "\n".join(p["text"] for p in r["paragraphs"])
    r["cited"] = [x for x in body_citations(body_text, c.year) if x["id"] not in listed]
    if not r["paragraphs"]:
        c.warn("no-body", "no body text found")
    _weigh_markings(c)
    r["text"] = _collapse_blank_runs(c.lines[: c.pre["end"]] + body.strip_trailer(marked_body))


def _classified_by_from_body(c: _Cable, lines: list[str]) -> list[str]:
    """'1. (U) Classified by ...' or a Classified By line after the subject."""
    for k, line in enumerate(lines[:30]):
        m = _CLASSIFIED_BY_IN_BODY.match(line)
        if not m:
            continue
        block = [m.group(1)]
        j = k + 1
        while j < len(lines) and lines[j] and not PARAGRAPH_START.match(lines[j]):
            block.append(lines[j])
            j += 1
        value, warnings = FIELDS["classified_by"].extract(block, c.context)
        c.record["classified_by"] = value
        c.warnings.extend(warnings)
        # A paragraph that only carried the classification line disappears.
        return lines[:k] + lines[j:] if line == m.group(1) else lines
    return lines


def _collapse_blank_runs(lines: list[str]) -> str:
    """The lines as text, with runs of blank lines made one (a plain loop beats a regex here)."""
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def _parse(c: _Cable, text: str) -> None:
    if not _clean(c, text):
        return
    _read_header(c)
    _find_classification(c)
    _split_preamble(c)
    _find_date(c)
    _classify(c)
    _identify(c)
    _read_fields(c)
    _read_body(c)


def _parsed(
    text: str, path: str | None, fmt: str, sha256: str | None, known_date: datetime | None
) -> tuple[Record, list[Defect]]:
    """The record of *text* and its warnings, not yet written into it."""
    if sha256 is None:
        sha256 = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    c = _Cable(new_record(path, fmt, sha256), path, known_date)
    try:
        _parse(c, text)
        if c.embedded:
            metadata.apply(c.record, c.embedded, c.warnings)
    except Exception as exc:  # noqa: BLE001 - the parser promises never to raise on input
        c.warn("internal-error", f"internal parser error, record incomplete: {type(exc).__name__}: {exc}")
        if not c.record["id"]:
            c.record["id"] = source_id(path, sha256)
            c.record["id_from"] = "source"
    return c.record, c.warnings


def _finish(record: Record, warnings: list[Defect], strict: bool) -> Record:
    set_warnings(record, warnings)
    if strict and warnings:
        raise ValueError("; ".join(record["warnings"]))
    return record


def parse_text(
    text: str,
    path: str | None = None,
    *,
    fmt: str = "text",
    sha256: str | None = None,
    strict: bool = False,
    known_date: datetime | None = None,
) -> Record:
    """Parse one cable's text into a record dict. Never raises on bad input (but with
    *strict*, a ValueError names the warnings of a record that has any).

    *known_date* (a datetime from the source's metadata) stands in for the
    cable's date where the text has no date-time group: it gives year-less
    references their year.
    """
    record, warnings = _parsed(text, path, fmt, sha256, known_date)
    return _finish(record, warnings, strict)


def parse_bytes(data: bytes, path: str | None = None, *, fmt: str = "text", strict: bool = False) -> Record:
    """Decode bytes (UTF-8, UTF-16, cp1252, Latin-1) and parse them."""
    from ..sources.decode import decode_bytes

    text, decode_warnings = decode_bytes(data)
    record, warnings = _parsed(text, path, fmt, hashlib.sha256(data).hexdigest(), None)
    return _finish(record, decode_warnings + warnings, strict)


def parse_document(doc: Document, path: str | None, sha256: str, strict: bool = False) -> Record:
    """Parse one Document of a source: its text, then its metadata on top."""
    known = parse_meta_date(str(doc.meta["date"])) if doc.meta.get("date") else None
    record, warnings = _parsed(doc.text, path, doc.fmt, sha256, known)
    warnings[:0] = doc.warnings
    if doc.position is not None:
        record["source"]["position"] = doc.position
    if doc.meta:
        try:
            metadata.apply(record, doc.meta, warnings)
        except Exception as exc:  # noqa: BLE001 - never raise on input
            warnings.append(Defect("internal-error", f"metadata could not be applied: {type(exc).__name__}: {exc}"))
    if doc.meta.get("partial") or "partial extract" in (doc.text[:300].lower()):
        record["partial"] = True
    return _finish(record, warnings, strict)
