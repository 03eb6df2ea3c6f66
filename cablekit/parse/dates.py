"""Dates: the date-time group, the newspaper dateline, the DE line's Julian date,
declassification dates and the dates that sources' metadata write.

Two-digit years get their century from `cablekit.record.full_year`, the one rule.
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime, timedelta, timezone

from ..record import full_year

MONTHS = {m: i for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), start=1)}

# A date-time group: DDHHMMZ MON YY. The precedence letters come before it.
DTG = re.compile(
    r"(?P<day>\d{2})(?P<hour>\d{2})(?P<minute>\d{2})Z\s*(?P<month>[A-Za-z]{3})\s*(?P<year>\d{2}(?:\d{2})?)\b"
)


def dtg_to_datetime(match: re.Match) -> datetime | None:
    """Convert a DTG match to an aware UTC datetime, or None if impossible."""
    month = MONTHS.get(match.group("month").upper())
    year = int(match.group("year"))
    if len(match.group("year")) == 2:
        year = full_year(year)
    try:
        return datetime(
            year,
            month or 0,
            int(match.group("day")),
            int(match.group("hour")),
            int(match.group("minute")),
            tzinfo=timezone.utc,
        )
    except (ValueError, TypeError):
        return None


# The newspaper form's dateline: "Thursday, 31 August 2006, 06:39".
DATELINE = re.compile(
    r"^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),\s+(\d{1,2})\s+([A-Z][a-z]+)\s+(\d{4}),\s+"
    r"(\d{1,2}):(\d{2})\s*$"
)
_MONTH_NAMES = {
    m: i
    for i, m in enumerate(
        "January February March April May June July August September October November December".split(), start=1
    )
}


def dateline_to_datetime(m: re.Match) -> datetime | None:
    month = _MONTH_NAMES.get(m.group(2))
    try:
        return datetime(
            int(m.group(3)), month or 0, int(m.group(1)), int(m.group(4)), int(m.group(5)), tzinfo=timezone.utc
        )
    except (TypeError, ValueError):
        return None


def date_in_lines(lines: list[str]) -> datetime | None:
    """A date-time group standing alone near the top, a newspaper dateline, or a
    mirror's "Cable dated:2008-05-07T17:53:00" line."""
    for line in lines:
        if (m := DTG.search(line)) and (d := dtg_to_datetime(m)):
            return d
        if (m := DATELINE.match(line)) and (d := dateline_to_datetime(m)):
            return d
        if line.startswith("Cable dated:") and (d := parse_meta_date(line[12:].strip())):
            return d
    return None


def julian_check(julian: str | None, when: datetime | None) -> str | None:
    """Compare the DE line's Julian day-time with the DTG; return a warning or None."""
    if not julian or not when:
        return None
    day, hhmm = int(julian[:3]), julian[3:]
    try:
        sent = datetime(when.year, 1, 1, int(hhmm[:2]), int(hhmm[2:]), tzinfo=timezone.utc) + timedelta(days=day - 1)
    except ValueError:
        return f"the DE line's Julian date '{julian}' is not a valid day and time"
    gap = abs((sent - when).total_seconds())
    gap = min(gap, abs(gap - 366 * 86400), abs(gap - 365 * 86400))
    if gap > 2 * 86400:
        return f"the DE line's Julian date '{julian}' (day {day}) is more than two days from the date-time group"
    return None


_DECL_DATE = re.compile(r"(?<![\d/])(\d{1,4})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2,4})(?![\d/])")


def decl_date(text: str) -> date | None:
    """The declassification date in an E.O. line's text ("DECL: 03/25/2018", "2020/02/23")."""
    m = _DECL_DATE.search(text)
    if not m:
        return None
    a, b, c = m.groups()
    if len(a) == 4:  # 2020/02/23
        year, month, day = int(a), int(b), int(c)
    else:  # 03/25/2018 or 6/30/08
        month, day, year = int(a), int(b), int(c)
        if len(c) == 2:
            year = full_year(year)
    try:
        return date(year, month, day)
    except ValueError:
        return None


# Years after which a cable was marked for declassification, most common first.
_DECL_OFFSETS = (10, 25, 20, 5)
_LAST_YEAR = 2010  # the newest cables of the releases


def guess_year(decl: str | None, cited: list[int], named: list[int]) -> int | None:
    """Guess the year of an undated cable; only used for its id, always with a warning.

    *decl* is the declassification date (ISO), *cited* the years of the cables it
    cites with a year written out (a citation of the same year is written without
    one, so the cable is mostly a year younger than its latest), *named* the years
    its text names. The declassification date alone is wrong for about one guess
    in eight: the offset is chosen as the one the cited years, or years named well after
    the first guess, agree with.
    """
    if decl is None:
        # No declassification date: the year after the latest written-out citation.
        if not cited:
            return None
        year = max(cited) + 1
        return year if 1966 <= year <= _LAST_YEAR else None
    decl_year = int(decl[:4])
    candidates = [decl_year - k for k in _DECL_OFFSETS if 1966 <= decl_year - k <= _LAST_YEAR]
    if not candidates:
        return None
    if cited:
        latest = max(cited)
        for low, high in ((latest + 1, latest + 2), (latest, _LAST_YEAR)):
            if agreeing := [y for y in candidates if low <= y <= high]:
                return agreeing[0]
    # Named years may be plans (a later year); they only overrule the first guess
    # where the text talks of years well after it.
    past = [y for y in named if y < decl_year and y <= _LAST_YEAR]
    if past and (latest := max(past)) > candidates[0] + 1:
        if agreeing := [y for y in candidates if latest - 1 <= y <= latest + 1]:
            return agreeing[0]
    return candidates[0]


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
            year, month, day, hour, minute, second = (int(g[i]) if i is not None and g[i] else 0 for i in order)
            try:
                return datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)
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


def iso(when: datetime) -> str:
    """A record's date: ISO 8601 in UTC with a Z."""
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")
