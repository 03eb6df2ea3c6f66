"""The transmission header: ACP-127 format lines before the classification line.

`read_header(lines)` consumes header lines from the top of the cable and
returns the header dict, the index of the first line after it, and warnings.
It also recognises the distribution blocks of older telegrams (ACTION,
ORIGIN, INFO LOG-00 ..., DRAFTED BY) and the partial-extract sentence, so
that none of them is mistaken for body text.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from .preamble import CLASSIFICATION_LINE
from .vocab import PRECEDENCE_LETTERS, PRECEDENCE_WORDS

MONTHS = {m: i for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), start=1)}

PARTIAL_SENTENCE = re.compile(
    r"This record is a partial extract of the original cable\.\s*"
    r"(?:The full text of the original cable is not available\.)?",
    re.IGNORECASE,
)

# A date-time group: DDHHMMZ MON YY. The precedence letters come before it.
DTG = re.compile(
    r"(?P<day>\d{2})(?P<hour>\d{2})(?P<minute>\d{2})Z\s*(?P<month>[A-Za-z]{3})\s*(?P<year>\d{2}(?:\d{2})?)\b"
)
_DTG_LINE = re.compile(r"^(?P<prec>(?:[ZOPRY]{1,2}\s+){1,2})?" + DTG.pattern + r"(?P<rest>.*)$")
_TRANSMISSION_ID = re.compile(r"^(VZCZC[A-Z0-9]*)\s*$")
_PROSIGN = re.compile(r"^(ZZ|OO|PP|RR|YY|ZZ)\s+(R[A-Z0-9]{3,}(?:\s+R[A-Z0-9]{3,})*)\s*$")
_ROUTING_MORE = re.compile(r"^(?:R[A-Z0-9]{3,}\s*)+$")
_DE = re.compile(r"^DE\s+(?P<station>R[A-Z0-9]+)\s*#?\s*(?P<serial>\d{3,5}(?:/\d{2})?)?\s*(?P<julian>\d{7})?")
_SECURITY = re.compile(r"^(ZN[RY]\s+[UECST]{5}(?:\s+ZZH)?)\b")
_FM = re.compile(r"^FM\s+(.+)$")
_TO = re.compile(r"^TO\s+(?!PAGE\b)(.+)$")
_TO_PAGE = re.compile(r"^TO\s+PAGE\s+\d{2}\b")
_INFO = re.compile(r"^INFO\s+(.+)$")
_XMT = re.compile(r"^XMT\b[/\s]*(.*)$")
_BT = re.compile(r"^BT\s*$")
# Older telegrams: distribution codes, page lines, drafting and approval.
_DISTRIBUTION = re.compile(
    r"^(?:(?:ACTION|ORIGIN|INFO)\s+)?(?:[A-Z]{1,6}-\d{2}\s*)+(?:/\d+\s*[A-Z]?)?$"
    r"|^/\d+\s*[A-Z]$"
)
_ORIGIN_ACTION = re.compile(r"^(?:ACTION|ORIGIN)\s+[A-Z]{1,6}-\d{2}")
_PAGE = re.compile(r"^(?:(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE)\s+)?PAGE\s+\d{2}\b")
_DASHES = re.compile(r"^-{5,}[-\w\s/]*$")
_DRAFTING = re.compile(
    r"^(DRAFTED BY|APPROVED BY|CLEARED BY|CLEARANCES?|DESIRED DISTRIBUTION|XTAGS?:|"
    r"R \d{6}Z|O \d{6}Z)\b"
)
_CLASSIFICATION_ONLY = re.compile(r"^(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE|UNCLAS)\s*$")
# Addressee: [ROUTING/]PLAD [PRECEDENCE] [number], PRECEDENCE one of PRECEDENCE_WORDS
# or "NIACT <word>". tests/test_excerpts.py holds the regex this reading replaced.
_ROUTING_PREFIX = re.compile(r"(R[A-Z0-9]{3,}|ZEN)\s*/\s*")
_NUMBER_TOKEN = re.compile(r"\d{1,5}(?:-\d{1,5})?")
_WORD_TOKEN = re.compile(r"\w+")


def _split_addressee(text: str) -> tuple[str | None, str, str | None, str | None]:
    """(routing, name, precedence, number) of a stripped addressee.

    A regex with a lazy name tried every length in turn (2.6 us an addressee, seven
    addressees a cable). Reading the last three words gives the same answer: the
    shortest name leaves the longest tail of [precedence] [number], and keeps a word.
    """
    routing = None
    if (m := _ROUTING_PREFIX.match(text)) and m.end() < len(text):
        routing, text = m.group(1), text[m.end() :]
    words = text.rsplit(None, 3)
    n = len(words)

    def number(k: int) -> bool:
        return _NUMBER_TOKEN.fullmatch(words[k]) is not None

    def niact(k: int) -> bool:
        return words[k] == "NIACT" and _WORD_TOKEN.fullmatch(words[k + 1]) is not None

    if n == 4 and niact(1) and number(3):
        return routing, words[0], f"{words[1]} {words[2]}", words[3]
    if n >= 3 and words[-2] in PRECEDENCE_WORDS and number(-1):
        return routing, text.rsplit(None, 2)[0], words[-2], words[-1]
    if n >= 3 and niact(-2):
        return routing, text.rsplit(None, 2)[0], f"{words[-2]} {words[-1]}", None
    if n >= 2 and number(-1):
        return routing, text.rsplit(None, 1)[0], None, words[-1]
    if n >= 2 and words[-1] in PRECEDENCE_WORDS:
        return routing, text.rsplit(None, 1)[0], words[-1], None
    return routing, text, None, None


def _addressee(text: str) -> dict:
    routing, name, prec, number = _split_addressee(text.strip())
    if prec:
        words = prec.split()
        if words[0] == "NIACT":
            prec = "NIACT " + PRECEDENCE_WORDS.get(words[1], words[1])
        else:
            prec = PRECEDENCE_WORDS[prec]
    return {"routing": routing, "name": name.strip(" /"), "precedence": prec, "number": number}


def dtg_to_datetime(match: re.Match) -> datetime | None:
    """Convert a DTG match to an aware UTC datetime, or None if impossible."""
    month = MONTHS.get(match.group("month").upper())
    year = int(match.group("year"))
    if len(match.group("year")) == 2:
        year += 1900 if year >= 60 else 2000
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


def empty_header() -> dict:
    return {
        "transmission_id": None,
        "precedence": None,
        "routing": [],
        "station": None,
        "station_serial": None,
        "security_warning": None,
        "dtg": None,
        "from": None,
        "to": [],
        "info": [],
        "xmt": [],
    }


_NOT_ADDRESSEE = re.compile(
    r"^(?:E\.?\s?O\.?\s*\d|TAGS?\b|SUBJ|REF|CLASSIFIED|SIPDIS|NOFORN|"
    r"C O N|S E C|U N C|UNCLAS|CONFIDENTIAL|SECRET|LIMITED OFFICIAL|\d+\s*\.)",
    re.IGNORECASE,
)


def _looks_like_addressee(line: str) -> bool:
    """A continuation line of TO/INFO: an upper-case post name, not the preamble."""
    return (
        len(line) <= 90
        and line == line.upper()
        and not _NOT_ADDRESSEE.match(line)
        and not CLASSIFICATION_LINE.match(line)
    )


# An addressee line that cannot be any other header line: "RUEHFR/AMEMBASSY PARIS"
# or a plain post name, not a keyword (FM, TO, INFO, XMT, BT, ZN..., PAGE, ACTION...).
_PLAIN_ADDRESSEE = re.compile(
    r"^(?:R[A-Z0-9]{3,}/|(?!(?:FM|TO|INFO|XMT|BT|ZN[RY]|DE|PAGE|ACTION|ORIGIN|DRAFTED|APPROVED|CLEARED|VZCZC|"
    r"UNCLAS|CONFIDENTIAL|SECRET|LIMITED|XTAGS?)\b|[ZOPRY](?:\s+[ZOPRY])?\s+\d)[A-Z])"
)


def read_header(lines: list[str], start: int = 0) -> tuple[dict | None, int, dict]:
    """Read header lines from *start*.

    Returns (header or None, index of the first line after the header, info)
    where info carries `partial`, `date` (datetime or None), `julian`
    and `warnings`.
    """
    header = empty_header()
    info: dict = {"partial": False, "date": None, "julian": None, "warnings": [], "telegram": False}
    seen = False
    block: list | None = None  # the addressee list being filled (to / info)
    i = start
    n = len(lines)
    while i < n:
        line = lines[i]
        if not line:
            i += 1
            continue
        if (
            (block is header["to"] or block is header["info"])
            and _PLAIN_ADDRESSEE.match(line)
            and _looks_like_addressee(line)
            and not _DISTRIBUTION.match(line)
        ):
            # The common case inside a long TO/INFO list, without the keyword tests below.
            block.append(_addressee(line))
            seen = True
            i += 1
            continue
        partial = PARTIAL_SENTENCE.match(line)
        if partial:
            info["partial"] = True
            rest = line[partial.end() :].strip()
            if rest:
                lines[i] = rest
                continue
            i += 1
            continue
        if m := _TRANSMISSION_ID.match(line):
            header["transmission_id"] = m.group(1)
        elif m := _PROSIGN.match(line):
            header["routing"] = m.group(2).split()
            block = header["routing"]
        elif block is header["routing"] and block and _ROUTING_MORE.match(line):
            block.extend(line.split())
        elif m := _DE.match(line):
            block = None
            header["station"] = m.group("station")
            header["station_serial"] = m.group("serial")
            info["julian"] = m.group("julian")
        elif m := _SECURITY.match(line):
            header["security_warning"] = re.sub(r"\s+", " ", m.group(1))
        elif m := _DTG_LINE.match(line):
            if seen and header["dtg"] and not _FM.match(lines[i + 1] if i + 1 < n else ""):
                break
            header["dtg"] = (
                f"{m.group('day')}{m.group('hour')}{m.group('minute')}Z {m.group('month').upper()} {m.group('year')}"
            )
            letters = (m.group("prec") or "").split()
            if letters:
                header["precedence"] = PRECEDENCE_LETTERS.get(letters[0][0])
            info["date"] = dtg_to_datetime(m)
            if info["date"] is None:
                info["warnings"].append(f"date-time group '{header['dtg']}' is not a valid date")
            block = None
        elif m := _FM.match(line):
            header["from"] = m.group(1).strip()
            block = None
        elif _TO_PAGE.match(line):
            # A page break landed on the TO line; the addressees follow.
            block = header["to"]
            info["warnings"].append(f"page-break text '{line}' inside the TO block passed over")
        elif m := _TO.match(line):
            block = header["to"]
            block.append(_addressee(m.group(1)))
        elif (m := _INFO.match(line)) and not _DISTRIBUTION.match(line):
            block = header["info"]
            block.append(_addressee(m.group(1)))
        elif m := _XMT.match(line):
            block = header["xmt"]
            if m.group(1).strip():
                block.append(m.group(1).strip())
        elif _BT.match(line):
            block = None
        elif (
            _DISTRIBUTION.match(line)
            or _ORIGIN_ACTION.match(line)
            or _PAGE.match(line)
            or _DASHES.match(line)
            or _DRAFTING.match(line)
        ):
            # Distribution blocks of older telegrams: part of the header, no field.
            block = None if not _PAGE.match(line) else block
            info["telegram"] = True
        elif _CLASSIFICATION_ONLY.match(line) and not seen and i + 1 < n:
            # Older telegrams repeat the classification above "PAGE 01".
            nxt = next((x for x in lines[i + 1 : i + 4] if x), "")
            if not _PAGE.match(nxt):
                break
        elif block is not None and _looks_like_addressee(line):
            block.append(line if block is header["xmt"] else _addressee(line))
        elif (
            (header["transmission_id"] or header["station"] or info.get("telegram"))
            and not header["from"]
            and _looks_like_addressee(line)
        ):
            # Stray routing residue between VZCZC and FM ("(CCY AD3230EB ...)").
            info["warnings"].append(f"unrecognised header line '{line[:60]}' passed over")
        else:
            break
        seen = True
        i += 1
    if not seen and not info["partial"]:
        return None, start, info
    if not any(v for v in header.values()):
        return None, i, info
    return header, i, info


def julian_check(julian: str | None, date: datetime | None) -> str | None:
    """Compare the DE line's Julian day-time with the DTG; return a warning or None."""
    if not julian or not date:
        return None
    day, hhmm = int(julian[:3]), julian[3:]
    try:
        when = datetime(date.year, 1, 1, int(hhmm[:2]), int(hhmm[2:]), tzinfo=timezone.utc) + timedelta(days=day - 1)
    except ValueError:
        return f"the DE line's Julian date '{julian}' is not a valid day and time"
    gap = abs((when - date).total_seconds())
    gap = min(gap, abs(gap - 366 * 86400), abs(gap - 365 * 86400))
    if gap > 2 * 86400:
        return f"the DE line's Julian date '{julian}' (day {day}) is more than two days from the date-time group"
    return None
