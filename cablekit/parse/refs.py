"""Reference ids: canonical station names and cable citations.

A canonical id is a two-digit year, the station with its spaces removed and
the serial without leading zeros: "08BAKU279". This module turns the many
written forms of a station and of a citation into that form.
"""

from __future__ import annotations

import re

from ..record import make_id
from .patterns import NOT_STATIONS, POST_PREFIXES, STATION_ALIASES

_PREFIX = re.compile(r"^(?:" + "|".join(re.escape(p) for p in POST_PREFIXES) + r")\s+", re.IGNORECASE)


def canonical_station(name: str | None) -> str | None:
    """'THE HAGUE' -> 'THEHAGUE', 'SECSTATE WASHDC' -> 'STATE', 'AMEMBASSY BAKU' -> 'BAKU'."""
    if not name:
        return None
    name = re.sub(r"\s+", " ", name.upper().strip(" .,;:"))
    if name in STATION_ALIASES:
        return STATION_ALIASES[name]
    stripped = _PREFIX.sub("", name)
    if stripped in STATION_ALIASES:
        return STATION_ALIASES[stripped]
    # "USMISSION USUN NEW YORK", "USMISSION GENEVA": the prefix goes, the rest stays.
    stripped = re.sub(r"^(?:USMISSION|USDEL)\s+", "", stripped)
    stripped = STATION_ALIASES.get(stripped, stripped)
    return re.sub(r"[^A-Z]", "", stripped) or None


# A station as written: one to three capitalised words ("BAKU", "THE HAGUE",
# "SAO PAULO", "USUN NEW YORK"). Words are checked against NOT_STATIONS.
_CITATION = re.compile(
    r"(?<![A-Za-z0-9/])"
    r"(?:(?P<year>(?:19|20)\d{2}|\d{2})(?:\s+|(?=[A-Z]{3})))?"
    r"(?P<station>[A-Z][A-Z'-]+(?:\s+[A-Z][A-Z'-]+){0,3})"
    r"\s+(?P<serial>\d{1,7})"
    # "12 AND 13": more serials, but not "1807 AND 08 ALGIERS 0075" (a year and a new citation)
    r"(?P<more>(?:\s*(?:,|AND|&)\s*\d{1,7}(?![\d/:.]\d)(?!\s+[A-Z][A-Z]+(?:\s+[A-Z]+)*\s+\d))*)"
    r"(?![\d/]|[:.]\d|\s*(?:PERCENT|UTC|Z\b|HOURS))"
)


def _station_ok(station: str) -> str | None:
    """Return the station cleaned of leading non-station words, or None."""
    words = station.split()
    while words and words[0] in NOT_STATIONS and not (words[0] == "THE" and len(words) > 1):
        words = words[1:]
    if not words or any(w in NOT_STATIONS for w in words if w != "THE"):
        return None
    if len(words) == 1 and len(words[0]) < 3:
        return None
    return " ".join(words)


def find_citations(text: str) -> list[dict]:
    """Find cable citations in a REF item: [{text, year, station, serial}]."""
    found = []
    for m in _CITATION.finditer(text):
        station = _station_ok(m.group("station"))
        if not station:
            continue
        year = m.group("year")
        year_value = int(year) if year else None
        serials = [m.group("serial")] + re.findall(r"\d+", m.group("more") or "")
        start = m.start("station") + m.group("station").index(station.split()[0]) if not year else m.start()
        for k, serial in enumerate(serials):
            found.append(
                {
                    "text": text[start : m.end()].strip()
                    if len(serials) == 1
                    else (text[start : m.end("serial")].strip() if k == 0 else serial),
                    "year": year_value,
                    "station": canonical_station(station),
                    "serial": int(serial),
                }
            )
    return found


def citation_id(cite: dict, default_year: int | None) -> tuple[str | None, bool]:
    """Return (canonical id, year_was_inferred)."""
    year = cite["year"]
    inferred = year is None
    if inferred:
        year = default_year
    return make_id(year, cite["station"], cite["serial"]), inferred and year is not None
