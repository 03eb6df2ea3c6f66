"""Merge a source's metadata (page table, CSV columns, JSON fields) into a record.

Where a source carries metadata, the record's id, classification and origin
come from it (`id_from: "metadata"`); the date comes from the cable's own
date-time group when it has one (it is exact), else from the metadata. Every
disagreement between the metadata and the text is named in a warning; the
text's warnings that the metadata answers (no id, no date) are withdrawn by
their codes.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from ..record import CLASSIFICATIONS, Defect, Record, canonical_id, station_of
from .dates import iso, parse_meta_date
from .refs import canonical_station

# Prose origins ("Embassy Bern") whose station is not just the place name.
_ORIGIN_PROSE = re.compile(
    r"^(?:Embassy|Embasy|Consulate|Consulate General|Mission|US Mission(?: to)?|US Interests Section|"
    r"U\.S\. Mission(?: to)?|USEU|REO|American Embassy|US Office|Office)\s+",
    re.IGNORECASE,
)
_ORIGIN_NAMES = {
    "SECRETARY OF STATE": "STATE",
    "MISSION USNATO": "USNATO",
    "USUN NEW YORK": "USUNNEWYORK",
    "MISSION GENEVA": "GENEVA",
    "UNVIE": "UNVIEVIENNA",
    "MISSION UNVIE VIENNA": "UNVIEVIENNA",
    "US MISSION USOSCE": "USOSCE",
    # As the release's ids write them: 06TAIPEI2933, 08RPODUBAI49.
    "AMERICAN INSTITUTE TAIWAN, TAIPEI": "TAIPEI",
    "IRAN RPO DUBAI": "RPODUBAI",
    "USEU BRUSSELS": "USEUBRUSSELS",
}


def canonical_origin(prose: str) -> str | None:
    name = " ".join(prose.split())
    if name.upper() in _ORIGIN_NAMES:
        return _ORIGIN_NAMES[name.upper()]
    return canonical_station(_ORIGIN_PROSE.sub("", name))


def _withdraw(warnings: list[Defect], *codes: str) -> None:
    warnings[:] = [w for w in warnings if w.code not in codes]


def _apply_id(record: Record, published: str, warnings: list[Defect]) -> None:
    cid, repaired = canonical_id(published)
    if repaired:
        warnings.append(
            Defect("malformed-published-id", f"published id '{published}' is malformed; canonical id {cid}")
        )
    if record["id_from"] == "text" and record["id"] != cid:
        warnings.append(Defect("id-mismatch", f"the text reads as {record['id']} but the source's metadata says {cid}"))
    record["id"], record["id_from"] = cid, "metadata"
    _withdraw(warnings, "id-from-source", "id-differs-from-file-name")
    if station := station_of(cid):
        if record["origin"] and record["origin"] != station:
            warnings.append(
                Defect(
                    "origin-mismatch", f"the text's origin {record['origin']} differs from the id's station {station}"
                )
            )
        record["origin"] = station


def _apply_classification(record: Record, written: str, warnings: list[Defect]) -> None:
    value = " ".join(written.upper().split())
    if value not in CLASSIFICATIONS:
        warnings.append(
            Defect(
                "unknown-metadata-classification",
                f"metadata classification '{written}' is not one of the known values",
            )
        )
        return
    if record["classification"] and record["classification"] != value:
        warnings.append(
            Defect(
                "classification-mismatch",
                f"the text is marked {record['classification']} but the source's metadata says {value}",
            )
        )
    record["classification"] = value


def _apply_date(record: Record, value: Any, precision: str | None, warnings: list[Defect]) -> None:
    when = parse_meta_date(str(value))
    if when is None:
        warnings.append(Defect("invalid-metadata-date", f"metadata date '{value}' is not a date"))
    elif record["date"] is None:
        if precision == "hour":
            when = when.replace(minute=0, second=0)
            warnings.append(
                Defect(
                    "date-hour-only",
                    "date from the page's Created cell; its minutes are not reliable, so only the hour is kept",
                )
            )
        elif precision == "day":
            when = when.replace(hour=0, minute=0, second=0)
        record["date"] = iso(when)
        _withdraw(warnings, "no-date")
    else:
        # fromisoformat, many times cheaper than strptime (3.10 reads no "Z", so it is cut off).
        sent = datetime.fromisoformat(record["date"].rstrip("Z")).replace(tzinfo=timezone.utc)
        if abs(sent - when) > timedelta(days=1):
            warnings.append(
                Defect(
                    "date-mismatch",
                    f"the date-time group ({record['date']}) and the source's date ({value}) are more than a day apart",
                )
            )


def apply(record: Record, meta: dict[str, Any], warnings: list[Defect]) -> None:
    """Overlay metadata on a record parsed from the text; *warnings* are the record's."""
    if published := meta.get("id"):
        _apply_id(record, published, warnings)
    elif meta.get("origin") and not record["origin"]:
        record["origin"] = canonical_origin(meta["origin"])
    if written := meta.get("classification"):
        _apply_classification(record, written, warnings)
    if value := meta.get("date"):
        _apply_date(record, value, meta.get("date_precision"), warnings)
    if not record["subject"] and meta.get("subject"):
        record["subject"] = meta["subject"]
        warnings.append(
            Defect("subject-from-metadata", "no SUBJECT line in the text; subject taken from the source's title")
        )
    if not record["tags"] and meta.get("tag_links"):
        record["tags"] = list(dict.fromkeys(meta["tag_links"]))
        warnings.append(
            Defect("tags-from-metadata", "no TAGS line read in the text; tags taken from the page's tag links")
        )
    if meta.get("articles"):
        record["articles"] = list(meta["articles"])


# A cables.csv record written out as text inside a page: a cut preview of the cable, then
# "id: 81871", "date: 10/13/2006 20:26", "refid: 06QUITO2529", "origin: ...",
# "classification: ...", "destination: ...", "header:", the header, a line
# "----- header ends -----", and the whole cable.
_DUMP_FIELD = re.compile(r"^(id|date|refid|origin|classification|destination|header):\s*(.*)$")
_HEADER_ENDS = re.compile(r"^-{5,}\s*header ends\s*-{5,}$", re.IGNORECASE)
_DUMP_KEYS = {"refid": "id", "date": "date", "origin": "origin", "classification": "classification"}


def database_copy(lines: list[str]) -> tuple[dict[str, Any], list[str]] | None:
    """(metadata, the header and cable lines) of a database record written out as text,
    or None where the lines are not one."""
    end = next((k for k, line in enumerate(lines) if line[:5] == "-----" and _HEADER_ENDS.match(line)), None)
    if end is None:
        return None
    start = next((k for k in range(end) if lines[k].startswith("refid:")), None)
    if start is None:
        return None
    while start > 0 and _DUMP_FIELD.match(lines[start - 1]):
        start -= 1
    meta: dict[str, Any] = {}
    k = start
    while k < end and (m := _DUMP_FIELD.match(lines[k])):
        k += 1
        if m.group(1) == "header":
            break
        if m.group(1) in _DUMP_KEYS and m.group(2):
            meta[_DUMP_KEYS[m.group(1)]] = m.group(2).strip()
    meta["date_precision"] = "minute"
    return meta, lines[k:end] + [""] + lines[end + 1 :]
