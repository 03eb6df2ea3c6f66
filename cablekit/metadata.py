"""Merge a source's metadata (page table, CSV columns, JSON fields) into a record.

Where a source carries metadata, the record's id, classification and origin
come from it (`id_from: "metadata"`); the date comes from the cable's own
date-time group when it has one (it is exact), else from the metadata. Every
disagreement between the metadata and the text is named in `warnings`.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime, timedelta, timezone

from .refs import canonical_station

# Words that broken published ids carry between the year and the station.
_ID_JUNK = re.compile(r"SECTION\d+OF\d+|EFTO|NOFORN|SIPDIS|SENSITIVE|AMEMBASSY|AMCONSUL|USMISSION|LIMDIS|EXDIS|NODIS")
_ID = re.compile(r"^(?P<year>\d{2}|\d{4})(?P<station>[A-Z]+?)(?P<serial>\d+)(?P<suffix>_[a-z])?$")
_CLASSIFICATIONS = {
    "UNCLASSIFIED",
    "UNCLASSIFIED//FOR OFFICIAL USE ONLY",
    "LIMITED OFFICIAL USE",
    "CONFIDENTIAL",
    "CONFIDENTIAL//NOFORN",
    "SECRET",
    "SECRET//NOFORN",
    "TOP SECRET",
    "TOP SECRET//NOFORN",
}
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
    "AMERICAN INSTITUTE TAIWAN, TAIPEI": "AITTAIPEI",
    "USEU BRUSSELS": "USEUBRUSSELS",
}


def canonical_id(published: str) -> tuple[str, bool]:
    """('08SECTION01OF03CAIRO1416') -> ('08CAIRO1416', True): canonical form, was it repaired."""
    raw = published.strip().upper().replace(" ", "")
    suffix = ""
    if m := re.search(r"(_[A-Z])$", raw):
        suffix, raw = m.group(1).lower(), raw[:-2]
    fixed = _ID_JUNK.sub("", raw)
    # "7575LIBREVILLE1895": the year written twice.
    fixed = re.sub(r"^(\d{2})\1(?=[A-Z])", r"\1", fixed)
    if not _ID.match(fixed + suffix):
        return published.strip(), False
    return fixed + suffix, fixed != raw


def station_of(cable_id: str) -> str | None:
    m = _ID.match(cable_id)
    if not m:
        return None
    return m.group("station")


def canonical_origin(prose: str) -> str | None:
    name = " ".join(prose.split())
    if name.upper() in _ORIGIN_NAMES:
        return _ORIGIN_NAMES[name.upper()]
    return canonical_station(_ORIGIN_PROSE.sub("", name))


# The layouts sources use, tried before the general (and slower) date parser.
_FAST_DATES = (
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$"), (0, 1, 2, 3, 4, 5)),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}) (\d{1,2}):(\d{2})$"), (2, 0, 1, 3, 4, None)),
)


@functools.lru_cache(maxsize=4096)
def parse_meta_date(value: str) -> datetime | None:
    """'2006-12-08 17:05', '12/28/1966 18:48', 'Wed May 17 00:00:00 +0200 2000' -> UTC datetime."""
    text = value.strip()
    for pattern, order in _FAST_DATES:
        if m := pattern.match(text):
            g = m.groups()
            parts = [int(g[i]) if i is not None and g[i] else 0 for i in order]
            try:
                return datetime(*parts, tzinfo=timezone.utc)
            except ValueError:
                return None
    from dateutil import parser as dateparser

    # alx dates are midnight local time: only the day is meant, so the offset is dropped.
    text = re.sub(r"\s[+-]\d{4}(?=\s\d{4}$)", "", text)
    try:
        when = dateparser.parse(text, dayfirst=False, yearfirst=bool(re.match(r"^\d{4}-", text)))
    except (ValueError, OverflowError):
        return None
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc).replace(tzinfo=None)
    return when.replace(tzinfo=timezone.utc)


def apply(record: dict, meta: dict) -> None:
    """Overlay metadata on a record parsed from the text."""
    warnings = record["warnings"]
    if published := meta.get("id"):
        cid, repaired = canonical_id(published)
        if repaired:
            warnings.append(f"published id '{published}' is malformed; canonical id {cid}")
        if record["id_from"] == "text" and record["id"] != cid:
            warnings.append(f"the text reads as {record['id']} but the source's metadata says {cid}")
        record["id"], record["id_from"] = cid, "metadata"
        warnings[:] = [w for w in warnings if not w.startswith(("no reference id in the text", "file name '"))]
        if station := station_of(cid):
            if record["origin"] and record["origin"] != station:
                warnings.append(f"the text's origin {record['origin']} differs from the id's station {station}")
            record["origin"] = station
    elif meta.get("origin") and not record["origin"]:
        record["origin"] = canonical_origin(meta["origin"])
    if value := meta.get("classification"):
        value = " ".join(value.upper().split())
        if value in _CLASSIFICATIONS:
            if record["classification"] and record["classification"] != value:
                warnings.append(f"the text is marked {record['classification']} but the source's metadata says {value}")
            record["classification"] = value
        else:
            warnings.append(f"metadata classification '{meta['classification']}' is not one of the known values")
    if value := meta.get("date"):
        when = parse_meta_date(str(value))
        if when is None:
            warnings.append(f"metadata date '{value}' is not a date")
        elif record["date"] is None:
            if meta.get("date_precision") == "hour":
                when = when.replace(minute=0, second=0)
                warnings.append(
                    "date from the page's Created cell; its minutes are not reliable, so only the hour is kept"
                )
            elif meta.get("date_precision") == "day":
                when = when.replace(hour=0, minute=0, second=0)
            record["date"] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
            record["warnings"] = [w for w in warnings if not w.startswith("no date-time group found")]
            warnings = record["warnings"]
        else:
            # fromisoformat: strptime costs some 20 us a call (3.10 reads no "Z", so it is cut off).
            sent = datetime.fromisoformat(record["date"].rstrip("Z")).replace(tzinfo=timezone.utc)
            if abs(sent - when) > timedelta(days=1):
                warnings.append(
                    f"the date-time group ({record['date']}) and the source's date ({value}) are more than a day apart"
                )
    if not record["subject"] and meta.get("subject"):
        record["subject"] = meta["subject"]
        warnings.append("no SUBJECT line in the text; subject taken from the source's title")
    if not record["tags"] and meta.get("tag_links"):
        record["tags"] = list(dict.fromkeys(meta["tag_links"]))
        warnings.append("no TAGS line read in the text; tags taken from the page's tag links")
    if meta.get("articles"):
        record["articles"] = list(meta["articles"])
