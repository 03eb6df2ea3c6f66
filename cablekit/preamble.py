"""The preamble: classification line, caveats, passing lines and the field blocks.

`read_classification_line` finds the classification line near the top of
the body. `split_fields` then walks the preamble line by line and groups the
lines into raw field blocks (eo, tags, subject, ref, classified_by), caveats
and passing lines. Turning each block into a value is fields.py's job.
"""

from __future__ import annotations

import re

from .vocab import CAVEATS


def _spaced(word: str) -> str:
    """'SECRET' -> a pattern matching 'SECRET' and 'S E C R E T'."""
    # A doubled first letter ("CC O N F I D E N T I A L") occurs in real cables.
    return f"(?:{re.escape(word[0])}\\s?)?" + r"\s?".join(re.escape(c) for c in word)


_LEVELS = [
    ("TOP SECRET", r"T\s?O\s?P\s+" + _spaced("SECRET")),
    (
        "LIMITED OFFICIAL USE",
        r"LIMITED\s+OFFICIAL\s+USE|" + r"\s+".join(_spaced(w) for w in ("LIMITED", "OFFICIAL", "USE")),
    ),
    ("UNCLASSIFIED", _spaced("UNCLASSIFIED")),
    ("UNCLASSIFIED", r"UNCLAS"),
    ("SECRET", _spaced("SECRET")),
    ("CONFIDENTIAL", _spaced("CONFIDENTIAL")),
]
CLASSIFICATION_LINE = re.compile(
    r"^(?:" + "|".join(f"(?P<l{i}>{p})" for i, (_, p) in enumerate(_LEVELS)) + r")"
    r"(?![A-Za-z])(?P<rest>.*)$",
    re.IGNORECASE,
)
_SECTION = re.compile(r"\bSECTION\s+0*(\d{1,3})\s+OF\s+0*(\d{1,3})\b", re.IGNORECASE)
_CAVEAT_WORD = re.compile(
    r"(?<![A-Z])(" + "|".join(_spaced(c) if " " not in c else re.escape(c) for c in CAVEATS) + r")(?![A-Z])",
    re.IGNORECASE,
)
_CAVEAT_NAMES = {c.replace(" ", ""): c for c in CAVEATS}


def may_hold_caveat(text: str) -> bool:
    """False when _CAVEAT_WORD cannot match *text*: a few substring tests instead of
    the regex's case-blind scan (some 9 us on a classification line)."""
    if not text.isascii():
        return True  # case-blind matching reaches beyond ASCII ("\u017f" is an s)
    squeezed = "".join(text.split()).upper()  # every spelling of a caveat contains its name
    return any(name in squeezed for name in _CAVEAT_NAMES)


def caveats_in(text: str) -> list[str]:
    """Canonical caveat names in *text* ('E F T O' -> 'EFTO')."""
    found = []
    if not may_hold_caveat(text):
        return found
    for m in _CAVEAT_WORD.finditer(text):
        key = re.sub(r"\s", "", m.group(1).upper())
        # _spaced allows a doubled first letter ("SSENSITIVE"): drop it.
        found.append(_CAVEAT_NAMES.get(key) or _CAVEAT_NAMES[key[1:]])
    return found


_ORIGIN_SERIAL = re.compile(
    r"^(?:(?P<year>\d{2})\s+)?(?P<origin>[A-Za-z][A-Za-z .'-]*?[A-Za-z])\s+0*(?P<serial>\d{1,7})\b"
)


def parse_classification_line(line: str) -> dict | None:
    """Split a classification line into its parts, or return None."""
    m = CLASSIFICATION_LINE.match(line)
    if not m:
        return None
    level = next(_LEVELS[i][0] for i in range(len(_LEVELS)) if m.group(f"l{i}"))
    rest = m.group("rest")
    section = None
    if s := _SECTION.search(rest):
        section = {"number": int(s.group(1)), "of": int(s.group(2))}
        rest = rest[: s.start()] + " " + rest[s.end() :]
    caveats = caveats_in(rest)
    if caveats:
        rest = _CAVEAT_WORD.sub(" ", rest)
    rest = re.sub(r"[/]+", " ", rest).strip(" -:")
    origin = serial = year = None
    if o := _ORIGIN_SERIAL.match(rest):
        origin, serial, year = o.group("origin").upper().strip(), int(o.group("serial")), o.group("year")
    elif rest:
        # A classification word opening a sentence is not a classification line.
        if re.search(r"[a-z]{3}", rest) and len(rest) > 30:
            return None
    return {
        "level": level,
        "section": section,
        "caveats": caveats,
        "origin": origin,
        "serial": serial,
        "year": int(year) if year else None,
        "line": line,
    }


# Field keywords at the start of a preamble line: one table for every field.
FIELD_STARTS = [
    ("eo", re.compile(r"^(?:E\.?\s?O\.?|EO)\s*\d{5}\b|^E\.\s?O\.\s", re.IGNORECASE)),
    ("tags", re.compile(r"^(?:TAGS|TAGE|TAGD|TAG|TAS|TGS|TAFS)\s*[:;.]?(?=\s|$)", re.IGNORECASE)),
    ("subject", re.compile(r"^(?:SUBJECT|SUBJ|SUBJECTS|SUBEJCT|SUJECT)\s*[:.;-]?(?=\s|$)", re.IGNORECASE)),
    (
        "ref",
        re.compile(
            r"^(?:PROGRAM\s+)?(?:REFS?|REF\(S\)|REFTELS?|REFERENCES?|REFTEL\(S\))(?:\s*[:.;]|(?=\s|$))", re.IGNORECASE
        ),
    ),
    (
        "classified_by",
        re.compile(r"^(?:\(\w{1,6}\)\s*)?(?:CLASSIFIED\s+BY|CLASSIFIED\s*:|CLASSIFICATION\s+BY)\b", re.IGNORECASE),
    ),
]
# Keywords that start a new field in the middle of a line ("E.O. 12958: N/A TAGS: ...").
_EMBEDDED = re.compile(
    r"\s+(?=(?:TAGS\s*[:;]?|SUBJECT\s*:|SUBJ\s*:|REFS?\s*:|REF\(S\)\s*:|CLASSIFIED\s+BY\s*:?)\s)",
    re.IGNORECASE,
)
_STAMP = re.compile(r"^(?:Declassified/Released|DECLASSIFIED|Derived from|DECL(?:ASSIFY)? ON)\b", re.IGNORECASE)
_CAVEAT_LINE = re.compile(
    r"^(?:(?:" + "|".join(_spaced(c) if " " not in c else re.escape(c) for c in CAVEATS) + r")[\s,/]*)+$",
    re.IGNORECASE,
)
# "SENSITIVE BUT UNCLASSIFIED", "DEA SENSITIVE", "NOFORN, NOT FOR INTERNET DISTRIBUTION".
_LOOSE_CAVEAT = re.compile(
    r"^(?:[A-Z]{2,6}\s+)?SENSITIVE(?:\s+BUT\s+UNCLASSIFIED)?\s*$"
    r"|^(?:NOFORN|NODIS|EXDIS|LIMDIS|SIPDIS)\s*[,;:-]\s*[A-Z ,/-]{0,60}$"
)
PARAGRAPH_START = re.compile(r"^(\d{1,3})\s?\.(?=\s|\(|$)")
_REF_BULLET = re.compile(r"^(?:\(?[A-Za-z]\)|[A-Za-z][.)])\s")
# Field blocks that a blank line ends; a REF list may go on past blank lines.
_ENDS_AT_BLANK = {"eo", "tags", "subject", "classified_by"}


# Every field keyword starts with one of these (E.O., TAGS, SUBJECT, REF, PROGRAM REF,
# CLASSIFIED BY, "(U) Classified by"): a cheap test before the patterns.
_FIELD_FIRST = frozenset("ETSRPC(etsrpc")


def field_kind(line: str) -> tuple[str | None, re.Match | None]:
    if line[:1] not in _FIELD_FIRST:
        return None, None
    for kind, pattern in FIELD_STARTS:
        if m := pattern.match(line):
            return kind, m
    return None, None


_STRONG_EMBEDDED = re.compile(r"\s+(?=E\.\s?O\.\s?\d{5}|EO\s\d{5}\s|TAGS:|SUBJECT:)")


def split_embedded(line: str) -> list[str]:
    """Split a line before unmistakable field keywords (E.O. 12958, TAGS:, SUBJECT:)."""
    # Substring tests first: most lines hold none of the keywords, and the split's
    # regex stops at every space.
    if "E." not in line and "EO" not in line and "TAGS:" not in line and "SUBJECT:" not in line:
        return [line] if line else []
    return [s for s in _STRONG_EMBEDDED.split(line) if s]


_EMBEDDED_WORDS = ("TAGS", "SUBJ", "REF", "CLASSIFIED")


def _split_at_keywords(line: str) -> list[str]:
    if line.isascii():  # case-blind matching reaches beyond ASCII
        upper = line.upper()
        if not any(word in upper for word in _EMBEDDED_WORDS):
            return [line] if line else []
    return [s for s in _EMBEDDED.split(line) if s]


def _segments(line: str) -> list[str]:
    """Split a line at embedded field keywords ("E.O. 12958: N/A TAGS: ...").

    A line that starts a field splits at any keyword; other lines (a passing
    line run into the E.O. line) only at unmistakable ones.
    """
    if field_kind(line)[0] is None:
        parts = split_embedded(line)
        if len(parts) == 1:
            return parts
        return parts[:1] + [seg for part in parts[1:] for seg in _segments(part)]
    return _split_at_keywords(line)


def split_fields(lines: list[str], start: int) -> dict:
    """Group preamble lines from *start* into raw blocks.

    Returns {"blocks": [(kind, [text, ...]), ...], "caveats": [...],
    "passing": [...], "stamps": [...], "end": index of first body line}.
    """
    blocks: list[tuple[str, list[str]]] = []
    caveats: list[str] = []
    passing: list[str] = []
    stamps: list[str] = []
    current: tuple[str, list[str]] | None = None
    blank_before = False
    i = start
    n = len(lines)
    seen_subject = False
    while i < n:
        line = lines[i]
        if not line:
            blank_before = True
            if current and current[0] in _ENDS_AT_BLANK:
                current = None
            i += 1
            continue
        if PARAGRAPH_START.match(line):
            break
        body_starts = False
        for seg in _segments(line):
            kind, m = field_kind(seg)
            if kind:
                current = (kind, [seg])
                blocks.append(current)
                seen_subject = seen_subject or kind == "subject"
            elif (
                current and current[0] == "ref" and (not blank_before or _REF_BULLET.match(seg) or not any(current[1]))
            ):
                current[1].append(seg)
            elif current and not blank_before:
                current[1].append(seg)
            elif _CAVEAT_LINE.match(seg) or _LOOSE_CAVEAT.match(seg):
                caveats.extend(caveats_in(seg))
                current = None
            elif _STAMP.match(seg):
                stamps.append(seg)
                current = None
            elif not seen_subject and _looks_like_passing(seg):
                passing.append(seg)
                current = None
            elif _field_ahead(lines, i + 1):
                # Unknown lines (archive notes, a passing line after SUBJECT)
                # before a field that is still to come belong to the preamble.
                passing.append(seg)
                current = None
            else:
                body_starts = True
                break
        if body_starts:
            break
        blank_before = False
        i += 1
    return {"blocks": blocks, "caveats": caveats, "passing": passing, "stamps": stamps, "end": i}


_PASSING = re.compile(r"^(?:[A-Z][\w/-]*\s+){0,2}(?:FOR|PASS|PASS TO)\s+[A-Z]", re.IGNORECASE)


def _field_ahead(lines: list[str], start: int, window: int = 12) -> bool:
    """Does a field keyword line come within the next few lines, before any paragraph?"""
    seen = 0
    for line in lines[start:]:
        if not line:
            continue
        if PARAGRAPH_START.match(line):
            return False
        if field_kind(line)[0] is not None:
            return True
        seen += 1
        if seen >= window:
            return False
    return False


def _looks_like_passing(line: str) -> bool:
    """'FOR EUR/CARC', 'STATE FOR INR/B', 'AIDAC', 'DEPT PASS USTR'."""
    if len(line) > 200 or re.match(r"^[\-=*]+$", line):
        return False
    return line == line.upper() or bool(_PASSING.match(line))
