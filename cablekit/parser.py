"""parse_text: raw cable text in, one record (a dict, RECORD.md) out.

Data flows one way: clean-up (cleanup.py) -> transmission header (header.py)
-> classification line and preamble blocks (preamble.py) -> one extractor per
field (fields.py) -> body (body.py) -> the record. The parser never raises on
input: whatever it cannot read becomes a warning in the record.
"""

from __future__ import annotations

import hashlib
import os
import re

from . import body as body_mod
from .cleanup import normalise
from .decode import decode_bytes
from .fields import EXTRACTORS
from .header import DTG, PARTIAL_SENTENCE, dtg_to_datetime, julian_check, read_header
from .preamble import FIELD_STARTS, parse_classification_line, split_embedded, split_fields
from .refs import canonical_station, make_id

SCHEMA_VERSION = 1

# The six classification values of the 2010 release and the older LOU.
_SECURITY_LEVELS = {"U": "UNCLASSIFIED", "E": "UNCLASSIFIED", "C": "CONFIDENTIAL", "S": "SECRET", "T": "TOP SECRET"}
ID_PATTERN = re.compile(r"^(?P<year>\d{2}|\d{4})(?P<station>[A-Z]+?)(?P<serial>\d+)(?:_[a-z])?$")
_CLASSIFIED_BY_IN_BODY = re.compile(r"^(?:\d{1,2}\s?\.\s*)?(?:\(\s*\w+\s*\)\s*)?(CLASSIFIED\s+BY\b.*)$", re.IGNORECASE)


_DATELINE = re.compile(
    r"^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),\s+(\d{1,2})\s+([A-Z][a-z]+)\s+(\d{4}),\s+"
    r"(\d{1,2}):(\d{2})\s*$"
)
_MONTH_NAMES = {
    m: i
    for i, m in enumerate(
        ("January February March April May June July August September October November December").split(), start=1
    )
}


def _dateline(m: re.Match):
    from datetime import datetime, timezone

    month = _MONTH_NAMES.get(m.group(2))
    try:
        return datetime(
            int(m.group(3)), month or 0, int(m.group(1)), int(m.group(4)), int(m.group(5)), tzinfo=timezone.utc
        )
    except (TypeError, ValueError):
        return None


def new_record() -> dict:
    """A record with every field present and empty, in the documented order."""
    return {
        "schema": SCHEMA_VERSION,
        "id": None,
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
        "classified_by": None,
        "passing": [],
        "paragraphs": [],
        "summary": None,
        "signers": [],
        "partial": False,
        "text": "",
        "source": {"path": None, "format": "text", "sha256": None},
        "warnings": [],
    }


def _source_id(path: str | None, sha256: str | None) -> str:
    if path and path != "-":
        return os.path.splitext(os.path.basename(path))[0]  # PurePath(path).stem, cheaper
    return f"sha256-{(sha256 or '')[:16]}"


def _find_classification(lines: list[str], start: int) -> tuple[dict | None, int]:
    """The classification line among the first few lines after the header."""
    seen = 0
    found: tuple[dict, int] | None = None
    for k in range(start, min(len(lines), start + 40)):
        line = lines[k]
        if not line:
            continue
        if body_mod.PARAGRAPH_START.match(line) or any(p.match(line) for _, p in FIELD_STARTS):
            break
        parsed = parse_classification_line(line)
        if parsed and parsed["origin"]:
            return parsed, k + 1
        if parsed and found is None:
            # A bare "UNCLASSIFIED" (or "UNCLASSIFIED PTQ5647") may precede the real line.
            found = (parsed, k + 1)
        seen += 1
        if seen >= (8 if found else 4):
            break
    return found if found else (None, start)


def _distant_classification(lines: list[str], start: int) -> tuple[int, dict] | None:
    """A full classification line (with origin and serial) further down, before any paragraph."""
    for k in range(start, min(len(lines), start + 80)):
        line = lines[k]
        if body_mod.PARAGRAPH_START.match(line) or any(p.match(line) for _, p in FIELD_STARTS):
            return None
        parsed = parse_classification_line(line) if line else None
        if parsed and parsed["origin"] and parsed["serial"] is not None:
            return k, parsed
    return None


def _collapse_blank_runs(lines: list[str]) -> str:
    """The lines as text, with runs of blank lines made one (a plain loop beats a regex here)."""
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def parse_text(
    text: str,
    path: str | None = None,
    *,
    fmt: str = "text",
    sha256: str | None = None,
    strict: bool = False,
    known_date=None,
) -> dict:
    """Parse one cable's text into a record dict. Never raises on bad input.

    *known_date* (a datetime from the source's metadata) stands in for the
    cable's date where the text has no date-time group: it gives year-less
    references their year.
    """
    if sha256 is None:
        sha256 = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    record = new_record()
    record["source"] = {"path": path, "format": fmt, "sha256": sha256}
    try:
        _parse_into(record, text, path, known_date)
    except Exception as exc:  # noqa: BLE001 - the parser promises never to raise on input
        record["warnings"].append(f"internal parser error, record incomplete: {type(exc).__name__}: {exc}")
        if record["id"] is None:
            record["id"] = _source_id(path, sha256)
            record["id_from"] = "source"
    if strict and record["warnings"]:
        raise ValueError("; ".join(record["warnings"]))
    return record


def _parse_into(record: dict, text: str, path: str | None, known_date=None) -> None:
    warnings = record["warnings"]
    lines, clean_warnings, converted = normalise(text)
    warnings.extend(clean_warnings)
    if not any(lines):
        warnings.append("no cable text found (the input is empty)")
        record["id"] = _source_id(path, record["source"]["sha256"])
        return

    header, pos, hinfo = read_header(lines)
    warnings.extend(hinfo["warnings"])
    record["header"] = header
    record["partial"] = hinfo["partial"]
    date = hinfo["date"]

    cls, pre_start = _find_classification(lines, pos)
    if cls is None and pos < len(lines):
        # The partial-extract sentence may be glued to the first body line.
        for k in range(pos, min(pos + 3, len(lines))):
            if m := PARTIAL_SENTENCE.search(lines[k]):
                record["partial"] = True
                lines[k] = (lines[k][: m.start()] + " " + lines[k][m.end() :]).strip()
        cls, pre_start = _find_classification(lines, pos)
    if cls is None and (found := _distant_classification(lines, pos)):
        # E-mail or database residue ("From DB/Inbox", "Distribution:") before the
        # cable: skip it, and read a DTG/FM/TO block that stands in it.
        k, cls = found
        pre_start = k + 1
        warnings.append(f"{k - pos} line(s) of residue before the classification line passed over")
        if header is None or not header.get("dtg"):
            start = next((j for j in range(pos, k) if DTG.match(lines[j])), None)
            if start is not None:
                header, _, hinfo2 = read_header(lines[:k], start)
                date = date or hinfo2["date"]
                record["header"] = header
    if cls is None:
        pre_start = pos
    else:
        # "C O N F I D E N T I A L STATE 000284 SIPDIS E.O. 12958: ... TAGS: ...":
        # the preamble run into the classification line goes back on lines of its own.
        parts = split_embedded(lines[pre_start - 1])
        if len(parts) > 1:
            lines[pre_start - 1 : pre_start] = parts
            cls = parse_classification_line(parts[0]) or cls

    # Page furniture can interrupt the preamble too, so it goes before the split.
    rest, removed = body_mod.remove_page_markers(lines[pre_start:], cls["origin"] if cls else None)
    if removed:
        warnings.append(f"{removed} page or section marker(s) removed")
    lines = lines[:pre_start] + rest
    pre = split_fields(lines, pre_start)
    body_lines = marked_body = lines[pre["end"] :]

    # Date: the header's date-time group, else one standing alone near the top,
    # else the dateline of the newspaper form ("Thursday, 31 August 2006, 06:39").
    if date is None:
        for line in lines[: pre_start + 3]:
            if (m := DTG.search(line)) and (d := dtg_to_datetime(m)):
                date = d
                break
            if (m := _DATELINE.match(line)) and (d := _dateline(m)):
                date = d
                break
    if header and (w := julian_check(hinfo["julian"], date)):
        warnings.append(w)

    # Caveats and classification.
    caveats = list(cls["caveats"]) if cls else []
    caveats += pre["caveats"]
    record["caveats"] = list(dict.fromkeys(caveats))
    record["passing"] = pre["passing"]
    record["classification"] = _classification(cls, record["caveats"], header, warnings)
    record["section"] = cls["section"] if cls else None

    # Origin, serial, id.
    origin = canonical_station(cls["origin"]) if cls and cls["origin"] else None
    if origin is None and header and header.get("from"):
        origin = canonical_station(header["from"])
    record["origin"] = origin
    record["serial"] = cls["serial"] if cls else None
    if record["serial"] is None and header and header.get("station_serial"):
        # The DE line's station serial is the cable serial modulo 10,000.
        record["serial"] = int(header["station_serial"].split("/")[0])
        warnings.append(
            f"no serial on a classification line; serial {record['serial']} taken from the "
            f"DE line '#{header['station_serial']}'"
        )
    year = date.year if date else (known_date.year if known_date else None)
    stem = _source_id(path, record["source"]["sha256"])
    stem_id = ID_PATTERN.match(stem)
    if year is None and cls and cls["year"] is not None:
        year = cls["year"] + (1900 if cls["year"] >= 60 else 2000)
    if year is None and stem_id and len(stem_id.group("year")) == 2:
        y = int(stem_id.group("year"))
        year = y + (1900 if y >= 60 else 2000)
        warnings.append(f"year {year} taken from the file name '{stem}'")
    if year is None:
        year = _year_from_decl(pre["blocks"], warnings)
    cable_id = make_id(year, origin, record["serial"])
    if cable_id:
        record["id"], record["id_from"] = cable_id, "text"
        if stem_id and stem != cable_id and not stem.startswith(cable_id + "_"):
            warnings.append(f"file name '{stem}' differs from the id '{cable_id}' read from the text")
    else:
        record["id"], record["id_from"] = stem, "source"
        if any(lines):
            warnings.append(f"no reference id in the text; id '{stem}' taken from the source name")
    if record["origin"] is None and stem_id:
        record["origin"] = stem_id.group("station")
    record["date"] = date.strftime("%Y-%m-%dT%H:%M:%SZ") if date else None
    if date is None:
        warnings.append("no date-time group found; date unknown")

    # Preamble fields, one extractor each.
    ctx = {"year": year, "month": (date or known_date).month if (date or known_date) else None}
    for kind, block in pre["blocks"]:
        value, w = EXTRACTORS[kind](block, ctx)
        warnings.extend(w)
        _store_field(record, kind, value, warnings)

    # Body.
    signers, body_lines = body_mod.find_signers(body_lines)
    record["signers"] = signers
    if record["classified_by"] is None:
        body_lines = _classified_by_from_body(record, body_lines, ctx, warnings)
    continues = record["partial"] or bool(record["section"] and record["section"]["number"] > 1)
    paragraphs, w = body_mod.split_paragraphs(body_lines, converted, continues)
    warnings.extend(w)
    record["paragraphs"] = paragraphs
    record["summary"] = body_mod.find_summary(paragraphs)
    if not paragraphs:
        warnings.append("no body text found")

    record["text"] = _collapse_blank_runs(lines[: pre["end"]] + body_mod.strip_trailer(marked_body))


def _year_from_decl(blocks: list, warnings: list[str]) -> int | None:
    """Guess the year of an undated cable from its declassification date.

    Cables of 1995-2010 were mostly marked for declassification ten years on
    (twenty-five for some); only used for the id, and always with a warning.
    """
    for kind, block in blocks:
        if kind != "eo":
            continue
        eo, _ = EXTRACTORS["eo"](block, {})
        if not eo or not eo["decl"]:
            return None
        decl_year = int(eo["decl"][:4])
        year = decl_year - 10 if decl_year - 10 <= 2010 else decl_year - 25
        if 1966 <= year <= 2010:
            warnings.append(
                f"the cable carries no date; year {year} for its id guessed from the declassification date {eo['decl']}"
            )
            return year
    return None


def _store_field(record: dict, kind: str, value, warnings: list[str]) -> None:
    key = {"ref": "references"}.get(kind, kind)
    if kind == "ref":
        record["references"].extend(value)
    elif kind == "tags":
        record["tags"] = list(dict.fromkeys(record["tags"] + value))
    elif record.get(key) in (None, []):
        record[key] = value
    else:
        warnings.append(f"a second {kind.replace('_', ' ')} line was ignored")


def _classified_by_from_body(record: dict, lines: list[str], ctx: dict, warnings: list[str]) -> list[str]:
    """'1. (U) Classified by ...' or a Classified By line after the subject."""
    for k, line in enumerate(lines[:30]):
        m = _CLASSIFIED_BY_IN_BODY.match(line)
        if not m:
            continue
        block = [m.group(1)]
        j = k + 1
        while j < len(lines) and lines[j] and not body_mod.PARAGRAPH_START.match(lines[j]):
            block.append(lines[j])
            j += 1
        value, w = EXTRACTORS["classified_by"](block, ctx)
        record["classified_by"] = value
        warnings.extend(w)
        # A paragraph that only carried the classification line disappears.
        if line == m.group(1):
            return lines[:k] + lines[j:]
        return lines
    return lines


def _classification(cls: dict | None, caveats: list[str], header: dict | None, warnings: list[str]) -> str | None:
    from_header = None
    if header and header.get("security_warning"):
        letters = header["security_warning"].split()[1] if len(header["security_warning"].split()) > 1 else ""
        from_header = _SECURITY_LEVELS.get(letters[:1])
    if cls is None:
        if from_header:
            warnings.append(
                f"no classification line; classification {from_header} taken from the header's security warning"
            )
            level = from_header
        else:
            warnings.append("no classification line found")
            return None
    else:
        level = cls["level"]
        if (
            from_header
            and from_header != level
            and not (level == "LIMITED OFFICIAL USE" and from_header == "UNCLASSIFIED")
        ):
            warnings.append(
                f"classification line says {level} but the header's security warning "
                f"'{header['security_warning']}' says {from_header}"
            )
    if level == "UNCLASSIFIED" and "SENSITIVE" in caveats:
        return "UNCLASSIFIED//FOR OFFICIAL USE ONLY"
    if "NOFORN" in caveats and level not in ("UNCLASSIFIED", "LIMITED OFFICIAL USE"):
        return level + "//NOFORN"
    return level


def parse_bytes(data: bytes, path: str | None = None, *, fmt: str = "text", strict: bool = False) -> dict:
    """Decode bytes (UTF-8, UTF-16, cp1252, Latin-1) and parse them."""
    sha256 = hashlib.sha256(data).hexdigest()
    text, decode_warnings = decode_bytes(data)
    record = parse_text(text, path, fmt=fmt, sha256=sha256)
    record["warnings"][:0] = decode_warnings
    if strict and record["warnings"]:
        raise ValueError("; ".join(record["warnings"]))
    return record


def parse_file(path: str, *, strict: bool = False) -> dict:
    """Read and parse one plain-text cable. I/O errors (OSError) propagate to the caller."""
    with open(path, "rb") as handle:
        data = handle.read()
    return parse_bytes(data, str(path), strict=strict)


def parse_document(doc, path: str | None, sha256: str) -> dict:
    """Parse one Document from readers.py: its text, then its metadata on top."""
    from . import metadata

    known = metadata.parse_meta_date(str(doc.meta["date"])) if doc.meta.get("date") else None
    record = parse_text(doc.text, path, fmt=doc.fmt, sha256=sha256, known_date=known)
    record["warnings"][:0] = doc.warnings
    if doc.position is not None:
        record["source"]["position"] = doc.position
    if doc.meta:
        try:
            metadata.apply(record, doc.meta)
        except Exception as exc:  # noqa: BLE001 - never raise on input
            record["warnings"].append(f"metadata could not be applied: {type(exc).__name__}: {exc}")
    if doc.meta.get("partial") or "partial extract" in (doc.text[:300].lower()):
        record["partial"] = True
    return record


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _document_sha(doc, file_sha: str) -> str:
    """A single-cable file is identified by its bytes; a cable inside a multi-cable
    file by its own text and metadata, so an unchanged row stays unchanged."""
    if doc.position is None:
        return file_sha
    import json

    payload = doc.text + "\0" + json.dumps(doc.meta, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def iter_records(path: str | None, fmt: str | None = None, data: bytes | None = None, data_sha256: str | None = None):
    """Yield (record or None, error or None) for every cable in a file of any input style.

    Pass *data* for input that is not a file (stdin), or a file already read
    (with its *data_sha256* when known). A file holding many
    cables (cables.csv, JSON lines) is streamed and yields many records; a part
    that cannot be read yields (None, message) and the rest go on.
    """
    from .readers import read_bytes, read_path

    if data is not None:
        _, docs = read_bytes(data, fmt)
        file_sha = data_sha256 or hashlib.sha256(data).hexdigest()
    else:
        _, docs = read_path(path, fmt)
        file_sha = None  # only a single-cable file needs it: read the file again only then
    for doc in docs:
        if doc.error:
            where = f" (item {doc.position})" if doc.position is not None else ""
            yield None, f"{doc.error}{where}"
            continue
        if file_sha is None and doc.position is None:
            file_sha = file_sha256(path)
        yield parse_document(doc, path, _document_sha(doc, file_sha or "")), None
