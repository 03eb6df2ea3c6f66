"""The transmission header: ACP-127 format lines before the classification line.

`read_header(lines)` consumes header lines from the top of the cable and
returns the header dict, the index of the first line after it, and what it
learnt on the way (`HeaderInfo`). It also recognises the distribution blocks
of older telegrams (ACTION, ORIGIN, INFO LOG-00 ..., DRAFTED BY) and the
partial-extract sentence, so that none of them is mistaken for body text.

Each kind of header line is one entry of `_LINE_KINDS`: a pattern and the
step that reads it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..record import LEVELS, Defect
from .dates import DTG, dtg_to_datetime
from .patterns import (
    CLASSIFICATION_FIRST_WORDS,
    CLASSIFICATION_LINE,
    CLASSIFICATION_WORDS,
    EO_WORD,
    PARTIAL_SENTENCE,
    PRECEDENCE_LETTERS,
    PRECEDENCE_WORDS,
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
_DISTRIBUTION = re.compile(r"^(?:(?:ACTION|ORIGIN|INFO)\s+)?(?:[A-Z]{1,6}-\d{2}\s*)+(?:/\d+\s*[A-Z]?)?$|^/\d+\s*[A-Z]$")
_ORIGIN_ACTION = re.compile(r"^(?:ACTION|ORIGIN)\s+[A-Z]{1,6}-\d{2}")
PAGE_LINE = re.compile(r"^(?:(?:" + CLASSIFICATION_WORDS + r")\s+)?PAGE\s+\d{2}\b")
_DASHES = re.compile(r"^-{5,}[-\w\s/]*$")
_DRAFTING = re.compile(
    r"^(DRAFTED BY|APPROVED BY|CLEARED BY|CLEARANCES?|DESIRED DISTRIBUTION|XTAGS?:|R \d{6}Z|O \d{6}Z)\b"
)
_CLASSIFICATION_ONLY = re.compile(r"^(?:" + CLASSIFICATION_WORDS + r")\s*$")
_OLD_TELEGRAM = re.compile("|".join(p.pattern for p in (_DISTRIBUTION, _ORIGIN_ACTION, PAGE_LINE, _DASHES, _DRAFTING)))

# Addressee: [ROUTING/]PLAD [PRECEDENCE] [number], PRECEDENCE one of PRECEDENCE_WORDS
# or "NIACT <word>". tests/test_parse_header.py holds the regex this reading replaced.
_ROUTING_PREFIX = re.compile(r"(R[A-Z0-9]{3,}|ZEN)\s*/\s*")
_NUMBER_TOKEN = re.compile(r"\d{1,5}(?:-\d{1,5})?")
_WORD_TOKEN = re.compile(r"\w+")


# (Cached: the same lines and names recur from cable to cable.)
@functools.lru_cache(maxsize=8192)
def _split_addressee(text: str) -> tuple[str | None, str, str | None, str | None]:
    """(routing, name, precedence, number) of a stripped addressee.

    A regex with a lazy name tried every length in turn, for every addressee of a
    long list. Reading the last three words gives the same answer: the
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


def addressee(text: str) -> dict[str, str | None]:
    routing, name, prec, number = _split_addressee(text.strip())
    if prec:
        words = prec.split()
        if words[0] == "NIACT":
            prec = "NIACT " + PRECEDENCE_WORDS.get(words[1], words[1])
        else:
            prec = PRECEDENCE_WORDS[prec]
    return {"routing": routing, "name": name.strip(" /"), "precedence": prec, "number": number}


def empty_header() -> dict[str, Any]:
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


# The start of a preamble or body line, never of an addressee.
_NOT_ADDRESSEE = re.compile(
    r"^(?:"
    + EO_WORD
    + r"\s*\d|TAGS?\b|SUBJ|REF|CLASSIFIED|SIPDIS|NOFORN|"
    + "|".join(" ".join(level.name[:3]) for level in LEVELS)  # "S E C R E T" spaced out
    + "|"
    + CLASSIFICATION_WORDS
    + r"|\d+\s*\.)",
    re.IGNORECASE,
)


# (Cached: the same lines and names recur from cable to cable.)
@functools.lru_cache(maxsize=8192)
def looks_like_addressee(line: str) -> bool:
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
    + CLASSIFICATION_FIRST_WORDS
    + r"|XTAGS?)\b|[ZOPRY](?:\s+[ZOPRY])?\s+\d)[A-Z])"
)


@dataclass
class HeaderInfo:
    """What reading the header learnt besides the header itself."""

    partial: bool = False  # the partial-extract sentence was there
    date: datetime | None = None  # from the date-time group
    julian: str | None = None  # the DE line's Julian day and time
    telegram: bool = False  # distribution blocks of an older telegram
    warnings: list[Defect] = field(default_factory=list)


@dataclass
class _Reading:
    """The state of one read_header call: what each line step reads and changes."""

    lines: list[str]
    i: int
    header: dict[str, Any] = field(default_factory=empty_header)
    info: HeaderInfo = field(default_factory=HeaderInfo)
    block: list | None = None  # the list being filled: routing, to, info or xmt
    seen: bool = False  # a header line was read

    @property
    def started(self) -> bool:
        return bool(self.header["transmission_id"] or self.header["station"] or self.info.telegram)


# What a step answers: the line is read, the header ends before it, or (None) the line
# is not of the step's kind after all and the next kind is tried.
TAKEN, STOP = "taken", "stop"


def _transmission_id(r: _Reading, m: re.Match) -> str:
    r.header["transmission_id"] = m.group(1)
    return TAKEN


def _routing(r: _Reading, m: re.Match) -> str:
    r.header["routing"] = m.group(2).split()
    r.block = r.header["routing"]
    return TAKEN


def _routing_more(r: _Reading, m: re.Match) -> str | None:
    if r.block is not r.header["routing"] or not r.block:
        return None
    r.block.extend(m.group(0).split())
    return TAKEN


def _de_line(r: _Reading, m: re.Match) -> str:
    r.block = None
    r.header["station"] = m.group("station")
    r.header["station_serial"] = m.group("serial")
    r.info.julian = m.group("julian")
    return TAKEN


def _security_warning(r: _Reading, m: re.Match) -> str:
    r.header["security_warning"] = re.sub(r"\s+", " ", m.group(1))
    return TAKEN


def _dtg_line(r: _Reading, m: re.Match) -> str:
    nxt = r.lines[r.i + 1] if r.i + 1 < len(r.lines) else ""
    if r.seen and r.header["dtg"] and not _FM.match(nxt):
        return STOP  # a second date-time group: the next cable's, or the body's
    r.header["dtg"] = (
        f"{m.group('day')}{m.group('hour')}{m.group('minute')}Z {m.group('month').upper()} {m.group('year')}"
    )
    letters = (m.group("prec") or "").split()
    if letters:
        r.header["precedence"] = PRECEDENCE_LETTERS.get(letters[0][0])
    r.info.date = dtg_to_datetime(m)
    if r.info.date is None:
        r.info.warnings.append(Defect("invalid-dtg", f"date-time group '{r.header['dtg']}' is not a valid date"))
    r.block = None
    return TAKEN


def _from_line(r: _Reading, m: re.Match) -> str:
    r.header["from"] = m.group(1).strip()
    r.block = None
    return TAKEN


def _to_page_break(r: _Reading, m: re.Match) -> str:
    # A page break landed on the TO line; the addressees follow.
    r.block = r.header["to"]
    r.info.warnings.append(
        Defect("header-page-break", f"page-break text '{r.lines[r.i]}' inside the TO block passed over")
    )
    return TAKEN


def _addressee_list(name: str) -> Callable[[_Reading, re.Match], str | None]:
    def step(r: _Reading, m: re.Match) -> str | None:
        if name == "info" and _DISTRIBUTION.match(r.lines[r.i]):
            return None  # "INFO LOG-00 ...": a distribution block
        r.block = r.header[name]
        r.block.append(addressee(m.group(1)))
        return TAKEN

    return step


def _xmt_line(r: _Reading, m: re.Match) -> str:
    r.block = r.header["xmt"]
    if m.group(1).strip():
        r.block.append(m.group(1).strip())
    return TAKEN


def _bt_line(r: _Reading, m: re.Match) -> str:
    r.block = None
    return TAKEN


def _old_telegram(r: _Reading, m: re.Match) -> str:
    # Distribution blocks of older telegrams: part of the header, no field. A page
    # line may fall inside an addressee list, which goes on after it.
    if not PAGE_LINE.match(r.lines[r.i]):
        r.block = None
    r.info.telegram = True
    return TAKEN


def _lone_classification(r: _Reading, m: re.Match) -> str | None:
    if r.seen or r.i + 1 >= len(r.lines):
        return None
    # Older telegrams repeat the classification above "PAGE 01", and some copies put it
    # above the routing header (VZCZC...); anywhere else it opens the cable.
    nxt = next((x for x in r.lines[r.i + 1 : r.i + 4] if x), "")
    return TAKEN if PAGE_LINE.match(nxt) or _TRANSMISSION_ID.match(nxt) else STOP


_LINE_KINDS: tuple[tuple[re.Pattern, Callable[[_Reading, re.Match], str | None]], ...] = (
    (_TRANSMISSION_ID, _transmission_id),
    (_PROSIGN, _routing),
    (_ROUTING_MORE, _routing_more),
    (_DE, _de_line),
    (_SECURITY, _security_warning),
    (_DTG_LINE, _dtg_line),
    (_FM, _from_line),
    (_TO_PAGE, _to_page_break),
    (_TO, _addressee_list("to")),
    (_INFO, _addressee_list("info")),
    (_XMT, _xmt_line),
    (_BT, _bt_line),
    (_OLD_TELEGRAM, _old_telegram),
    (_CLASSIFICATION_ONLY, _lone_classification),
)


def _addressee_or_residue(r: _Reading, line: str) -> str:
    """A line no kind claimed: an addressee continuing a list, routing residue, or the end."""
    if r.block is not None and looks_like_addressee(line):
        r.block.append(line if r.block is r.header["xmt"] else addressee(line))
        return TAKEN
    if r.started and not r.header["from"] and looks_like_addressee(line):
        # Stray routing residue between VZCZC and FM ("(CCY AD3230EB ...)").
        r.info.warnings.append(Defect("header-line-skipped", f"unrecognised header line '{line[:60]}' passed over"))
        return TAKEN
    return STOP


def _read_line(r: _Reading, line: str) -> str:
    if (
        (r.block is r.header["to"] or r.block is r.header["info"])
        and _PLAIN_ADDRESSEE.match(line)
        and looks_like_addressee(line)
        and not _DISTRIBUTION.match(line)
    ):
        # The common case inside a long TO/INFO list, without the keyword tests.
        r.block.append(addressee(line))
        return TAKEN
    for pattern, step in _LINE_KINDS:
        if (m := pattern.match(line)) and (outcome := step(r, m)) is not None:
            return outcome
    return _addressee_or_residue(r, line)


def read_header(lines: list[str], start: int = 0) -> tuple[dict[str, Any] | None, int, HeaderInfo]:
    """Read header lines from *start*: (header or None, index of the first line after it,
    info). The partial-extract sentence is taken off the line it opens."""
    r = _Reading(lines, start)
    while r.i < len(lines):
        line = lines[r.i]
        if not line:
            r.i += 1
            continue
        if partial := PARTIAL_SENTENCE.match(line):
            r.info.partial = True
            rest = line[partial.end() :].strip()
            if rest:
                lines[r.i] = rest  # read again, without the sentence
            else:
                r.i += 1
            continue
        if _read_line(r, line) == STOP:
            break
        r.seen = True
        r.i += 1
    if not r.seen and not r.info.partial:
        return None, start, r.info
    if not any(v for v in r.header.values()):
        return None, r.i, r.info
    return r.header, r.i, r.info


# An e-mail's header lines, where a cable was forwarded as an e-mail:
# "From: CBPC, EACTAPP [...]", "Sent: Monday, March 17, 2008", "To: ...", "Subject: TRIPOLI 00000230 ...".
_EMAIL_LINE = re.compile(r"^(?:From|Sent|Date|To|Cc|Subject|Importance|Attachments):\s", re.IGNORECASE)
_PRELUDE_START = re.compile(r"(?:^|(?<=\S))(?:From|Sent):\s")


def email_prelude(lines: list[str]) -> int:
    """The index of the first line after an e-mail prelude at the top of *lines* (0 when
    there is none): its From:/Sent:/To:/Subject: lines and their continuations, up to a
    blank line."""
    # The first line may hold what a mail program put before "From:" ("TRIPOLI 00000741
    # P CO 19-SEP-08 ... [8046536]From: CBPC, EACTAPP").
    first = next(
        (k for k, line in enumerate(lines[:5]) if ("From:" in line or "Sent:" in line) and _PRELUDE_START.search(line)),
        None,
    )
    if first is None:
        return 0
    k = first
    labels = 0
    while k < len(lines) and lines[k]:
        labels += _EMAIL_LINE.match(lines[k]) is not None
        k += 1
    return k if labels >= 3 else 0
