"""Reference ids: canonical station names and cable citations.

A canonical id is a two-digit year, the station with its spaces removed and
the serial without leading zeros: "08BAKU279". This module turns the many
written forms of a station and of a citation into that form.
"""

from __future__ import annotations

import functools
import re

from ..record import make_id
from .patterns import NOT_STATIONS, POST_PREFIXES, STATION_ALIASES, STATIONS

_KNOWN_STATIONS = STATIONS | frozenset(STATION_ALIASES.values())

_PREFIX = re.compile(r"^(?:" + "|".join(re.escape(p) for p in POST_PREFIXES) + r")\s+", re.IGNORECASE)


# (Cached: the same lines and names recur from cable to cable.)
@functools.lru_cache(maxsize=8192)
def canonical_station(name: str | None) -> str | None:
    """'THE HAGUE' -> 'THEHAGUE', 'SECSTATE WASHDC' -> 'STATE', 'AMEMBASSY BAKU' -> 'BAKU'."""
    if not name:
        return None
    name = re.sub(r"\s+", " ", name.upper().strip(" ,;:"))
    if name.endswith(".") and name[:-1] in STATION_ALIASES:
        name = name[:-1]
    name = name.rstrip(".")
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
    r"(?:\((?P<pyear>\d{2})\)\s*|(?P<year>(?:19|20)\d{2}|\d{2})(?:\s+|(?=[A-Z]{3})))?"
    r"(?P<station>[0A-Z][A-Z'.-]+(?:\s+[A-Z][A-Z'.-]+){0,3})"
    # "BOGOTA 04 12603": the year between the station and the serial.
    r"(?:\s+(?P<myear>\d{2})(?=\s+\d{3,7}\b))?"
    r"\s+(?P<serial>\d{1,7})"
    # "12 AND 13": more serials, but not "1807 AND 08 ALGIERS 0075" (a year and a new citation)
    r"(?P<more>(?:\s*(?:,|AND|&)\s*\d{1,7}(?![\d/:.]\d)(?!\s+[A-Z][A-Z]+(?:\s+[A-Z]+)*\s+\d)"
    # "STATE 188314/259032": a slash between serials of three digits or more (not 10/9/08,
    # not a year: "POC 201/2006")
    r"|(?<=\d{3})/(?!(?:19|20)\d\d\b)\d{3,7}(?!\d))*)"
    # (not a figure, a time, a range "9-22", or a day of a month "24 JULY 2009")
    r"(?![\d/]|[:.]\d|-\d|\s*(?:PERCENT|UTC|Z\b|HOURS)|\s+(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)[A-Z]*\b)"
    # "HCMC 1255 (01)": the year after the serial.
    r"(?:\s*\((?P<ayear>\d{2})\))?"
)
# A citation written as an id: "09CAIRO0561", "08STATE123456".
_ID_CITATION = re.compile(r"(?<![A-Za-z0-9])(?P<year>\d{2})(?P<station>[A-Z]{3,})0*(?P<serial>\d{1,7})(?![A-Za-z0-9])")


def _station_ok(station: str) -> str | None:
    """Return the station cleaned of leading non-station words, or None."""
    if station.upper() in STATION_ALIASES:
        return station  # "BA", "HK", "VAT": short forms the aliases know
    words = station.split()
    # "A. HCMC 0562": a REF item label is not part of the station.
    while words and re.fullmatch(r"[A-Z]\.", words[0]):
        words = words[1:]
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
        year = m.group("year") or m.group("pyear") or m.group("myear") or m.group("ayear")
        year_value = int(year) if year else None
        serials = [m.group("serial")] + re.findall(r"\d+", m.group("more") or "")
        start = m.start("station") + m.group("station").index(station.split()[0]) if not m.group("year") else m.start()
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
    if not found:
        for m in _ID_CITATION.finditer(text):
            station = canonical_station(m.group("station"))
            if station and m.group("station") not in NOT_STATIONS:
                found.append(
                    {
                        "text": m.group(0),
                        "year": int(m.group("year")),
                        "station": station,
                        "serial": int(m.group("serial")),
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


# A citation in the body stands in parentheses: "(BAGHDAD 4237)", "(SEE BOGOTA 315)",
# "(EMBASSY KUWAIT/TASK FORCE TELCON, BAGHDAD 4399)", or after "REF" or "REFTEL".
_TWO_LETTERS = re.compile(r"[A-Z][^A-Z]*[A-Z]")
# What any citation holds: a station's last letter, then its serial (or year) after
# white space, or glued to it ("09CAIRO0561").
_CITE_HINT = re.compile(r"[A-Z'.-]\s*\d")
_LIST_SPLIT = re.compile(r"[;,]\s*(?=\D)")
_BRACKETED = re.compile(r"\(([^()\n]{4,100})\)")
_DIGIT = re.compile(r"\d")
# (Written to open with its literal word, which the regex engine finds fast; the word
# boundary before it is checked in code.)
_BODY_REF = re.compile(r"REF(?:TEL)?S?\b[.:]?\s+((?:\d{2}\s+)?[A-Z][A-Z .'-]{1,30}\s\d{1,7})")


def body_citations(text: str, year: int | None) -> list[dict]:
    """Cables cited in the body of a cable: {text, id, year_inferred?} for each, in order,
    without repeats."""
    found: list[dict] = []
    seen = set()
    spans = [span for span in _BRACKETED.findall(text) if _DIGIT.search(span)]
    if "REF" in text:
        spans += [m.group(1) for m in _BODY_REF.finditer(text) if not m.start() or not text[m.start() - 1].isalpha()]
    for span in spans:
        for part in _LIST_SPLIT.split(span.upper()):
            if not _TWO_LETTERS.search(part) or not _CITE_HINT.search(part):
                continue  # "(2008)", "(80 PERCENT)": no station, or none with a number after it
            for cite in find_citations(part):
                if cite["station"] not in _KNOWN_STATIONS:
                    continue  # "(THE UNITED STATES RANKED 39)", "(ALMOST 130)": prose
                if cite["year"] is None and 1900 <= cite["serial"] <= 2030 and len(str(cite["serial"])) == 4:
                    continue  # "(KABUL 2009)": a place and a year, not a cable
                cid, inferred = citation_id(cite, year)
                if cid and cid not in seen:
                    seen.add(cid)
                    item = {"text": cite["text"], "id": cid}
                    if inferred:
                        item["year_inferred"] = True
                    found.append(item)
    return found
