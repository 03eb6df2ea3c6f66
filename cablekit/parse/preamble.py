"""The preamble: the classification line, then caveats, passing lines and field blocks.

`find_classification` finds the classification line near the top of the
body and `parse_classification_line` splits it into level, section,
caveats, origin and serial. `split_fields` then walks the preamble line by
line and groups the lines into raw field blocks (see `fields.FIELDS`),
caveats and passing lines. Turning each block into a value is the
extractors' job.
"""

from __future__ import annotations

import functools
import re
from typing import TypedDict

from .fields import FIELDS, field_kind, inline_keywords
from .patterns import (
    CAVEAT_LINE,
    CAVEAT_NAMES,
    CAVEAT_WORD,
    CLASSIFICATION_LINE,
    LOOSE_CAVEAT,
    MARKING_WORD,
    PARAGRAPH_START,
    RULE,
    STAMP,
    classification_level,
    underlines,
)

# "SECTION 01 OF 02", also misspelt ("SCTION", "ECTION", "SECTON").
_SECTION = re.compile(r"\b(?:S?ECTION|SCTION|SECTON)\s+0*(\d{1,3})\s+OF\s+0*(\d{1,3})\b", re.IGNORECASE)
_SECTION_WORD = re.compile(r"^(?:S?ECTION|SCTION|SECTON)\b", re.IGNORECASE)
_ORIGIN_SERIAL = re.compile(
    r"^(?:(?P<year>\d{2})\s+)?(?P<origin>[A-Za-z][A-Za-z .'-]*?[A-Za-z])\s+(?P<zeros>0*)(?P<serial>\d{1,7})(?![0-9])"
)


class ClassificationLine(TypedDict):
    level: str
    section: dict[str, int] | None
    caveats: list[str]
    origin: str | None
    serial: int | None
    digits: int  # how many digits the serial was written with ("000279": 6)
    tail: str  # words after the serial that are no caveat
    year: int | None
    line: str


def may_hold_caveat(text: str) -> bool:
    """False when CAVEAT_WORD cannot match *text*: a few substring tests instead of
    the regex's case-blind scan, which is slow on every classification line."""
    if not text.isascii():
        return True  # case-blind matching reaches beyond ASCII ("\u017f" is an s)
    squeezed = "".join(text.split()).upper()  # every spelling of a caveat contains its name
    return any(name in squeezed for name in CAVEAT_NAMES)


def caveats_in(text: str) -> list[str]:
    """Canonical caveat names in *text* ('E F T O' -> 'EFTO')."""
    found: list[str] = []
    if not may_hold_caveat(text):
        return found
    for m in CAVEAT_WORD.finditer(text):
        key = re.sub(r"\s", "", m.group(1).upper())
        # spaced() allows a doubled first letter ("SSENSITIVE"): drop it.
        found.append(CAVEAT_NAMES.get(key) or CAVEAT_NAMES[key[1:]])
    return found


# Caveats glued to the serial or to each other ("000255NOFORNSIPDIS").
_GLUED_CAVEAT = re.compile(
    r"(?<=[0-9])(?=(?:NOFORN|SIPDIS|NODIS|EXDIS|LIMDIS))|(?:(?<=NOFORN|SIPDIS|LIMDIS)|(?<=NODIS|EXDIS))(?=[A-Z])"
)
# A stray quote before the line, as database exports leave it.
_LEADING_QUOTE = re.compile("^[\"'\u201c\u201d\u2018\u2019`]+\\s*")


def parse_classification_line(line: str) -> ClassificationLine | None:
    """Split a classification line into its parts, or return None."""
    written = line
    if line[:1] in "\"'\u201c\u201d\u2018\u2019`":
        line = _LEADING_QUOTE.sub("", line)
    if "DIS" in line or "NOFORN" in line:
        line = _GLUED_CAVEAT.sub(" ", line)
    m = CLASSIFICATION_LINE.match(line)
    if not m:
        return None
    level = classification_level(m)
    rest = m.group("rest")
    section = None
    if s := _SECTION.search(rest):
        section = {"number": int(s.group(1)), "of": int(s.group(2))}
        rest = rest[: s.start()] + " " + rest[s.end() :]
    caveats = caveats_in(rest)
    if caveats:
        rest = CAVEAT_WORD.sub(" ", rest)
    rest = re.sub(r"[/]+", " ", rest).strip(" -:")
    origin = serial = year = None
    tail = ""
    if (o := _ORIGIN_SERIAL.match(rest)) and not _SECTION_WORD.match(o.group("origin")):
        # ("SECTION 01", its "OF 02 JEDDAH 000084" on the next line: no station.)
        origin, serial, year = o.group("origin").upper().strip(), int(o.group("serial")), o.group("year")
        tail = rest[o.end() :].strip(" ,-")
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
        "digits": len(o.group("zeros") + o.group("serial")) if o else 0,
        "tail": tail,
        "year": int(year) if year else None,
        "line": written,
    }


_LEADING_CAVEAT_WORDS = re.compile(r"^(?:(?:NOFORN|SIPDIS|NODIS|EXDIS|LIMDIS|SENSITIVE)[\s,/]*)+")


def split_tail(line: str, parsed: ClassificationLine) -> list[str]:
    """A passing line run on after the serial and caveats of a classification line
    ("RIYADH 000732SENSITIVE SIPDISNEA FOR DAS GGRAY ..."): the line as two."""
    if not parsed["tail"] or parsed["serial"] is None or not _PASSING.match(parsed["tail"]):
        return [line]
    m = re.search(r"0*" + str(parsed["serial"]) + r"(?![0-9])", line)
    if m is None:
        return [line]
    after = line[m.end() :]
    caveats = _LEADING_CAVEAT_WORDS.match(_GLUED_CAVEAT.sub(" ", after).lstrip())
    cut = len(after) - len(after.lstrip())
    if caveats:
        # Find where the caveats end in the written text (they may be glued).
        words = re.findall(r"NOFORN|SIPDIS|NODIS|EXDIS|LIMDIS|SENSITIVE", caveats.group(0))
        for word in words:
            k = after.find(word, cut)
            cut = k + len(word) if k >= 0 else cut
    rest = after[cut:].strip(" ,/")
    return [line[: len(line) - len(after) + cut].rstrip(), rest] if rest else [line]


def _opens_body_or_field(line: str) -> bool:
    return PARAGRAPH_START.match(line) is not None or field_kind(line)[0] is not None


def find_classification(lines: list[str], start: int) -> tuple[ClassificationLine | None, int]:
    """The classification line among the first few lines from *start*, and the index
    after it; a line with an origin wins over a bare "UNCLASSIFIED" before it."""
    seen = 0
    found: tuple[ClassificationLine, int] | None = None
    for k in range(start, min(len(lines), start + 40)):
        line = lines[k]
        if not line:
            continue
        if _opens_body_or_field(line):
            if _full_line_next(lines, k):
                continue  # a stray field line before the real classification line ("TAGS: ...")
            break
        parsed = parse_classification_line(line)
        if parsed and not parsed["origin"] and (joined := _continued(lines, k, parsed)):
            return joined
        if parsed and parsed["origin"]:
            return parsed, k + 1
        if parsed and found is None:
            # A bare "UNCLASSIFIED" (or "UNCLASSIFIED PTQ5647") may precede the real line.
            found = (parsed, k + 1)
        seen += 1
        if seen >= (8 if found else 4):
            break
    return found if found else (None, start)


def _full_line_next(lines: list[str], k: int) -> bool:
    """The next line holds a classification line with its origin and serial."""
    j = next((j for j in range(k + 1, min(k + 3, len(lines))) if lines[j]), None)
    parsed = parse_classification_line(lines[j]) if j is not None and not _opens_body_or_field(lines[j]) else None
    return bool(parsed and parsed["origin"] and parsed["serial"] is not None)


_SECTION_OF = re.compile(r"^OF\s+\d{1,3}\s+[A-Z][A-Z .'-]*\s0*\d{1,7}\b")  # "SECTION 01" / "OF 02 JEDDAH 000084"
_STATION_SERIAL = re.compile(r"^(?:\d{2}\s+)?[A-Z][A-Z .'-]*?[A-Z]\s+0*\d{1,7}$")


def _continued(lines: list[str], k: int, parsed: ClassificationLine) -> tuple[ClassificationLine, int] | None:
    """A classification line whose station and serial went to the next line
    ("C O N F I D E N T I A L SECTION 01 OF 02", "", "TRIPOLI 000133"): one line again."""
    j = next((j for j in range(k + 1, min(k + 3, len(lines))) if lines[j]), None)
    if j is None or not (_STATION_SERIAL.match(lines[j]) or _SECTION_OF.match(lines[j])):
        return None
    whole = parse_classification_line(f"{lines[k]} {lines[j]}")
    if whole is None or not whole["origin"]:
        return None
    lines[k : j + 1] = [f"{lines[k]} {lines[j]}"]
    return whole, k + 1


def distant_classification(lines: list[str], start: int) -> tuple[int, ClassificationLine] | None:
    """A full classification line (with origin and serial) further down, before any paragraph."""
    for k in range(start, min(len(lines), start + 80)):
        line = lines[k]
        if _opens_body_or_field(line):
            if _full_line_next(lines, k):
                continue
            return None
        parsed = parse_classification_line(line) if line else None
        if parsed and parsed["origin"] and parsed["serial"] is not None:
            return k, parsed
    return None


# Keywords that start a new field in the middle of a line that opens a field
# ("TAGS: PREL SUBJECT: ..."), and the unmistakable ones that split any preamble line
# ("C O N F I D E N T I A L STATE 000284 SIPDIS E.O. 12958: ...").
# The alternatives of that split, each tried only on lines that hold what any match of
# it holds: the whole alternation, tried at every position of every line, cost more
# than the rest of the preamble.
_EMBEDDED_PARTS = (
    # A keyword after a space, or glued to the word before it where the line breaks
    # were lost ("EGYPTREF:", "CAIROCLASSIFIED BY", "2019/12/24TAGS:"), but never
    # UNCLASSIFIED BY.
    r"\s+(?=(?:" + inline_keywords("tags", "subject", "ref", "classified_by") + r")(?:\s|$))"
    r"|(?<=[A-Z0-9.)])(?<!UN)(?=(?-i:REFS?\s*:|REF\(S\)\s*:|CLASSIFIED\s+BY\b|TAGS\s*:|SUBJECT\s*:))",
    # The body run on into the preamble: a marked paragraph, a summary heading, a rule.
    r"\s+(?=\d{1,2}\s?[.,]\s{0,3}\(" + MARKING_WORD + r"(?:/+[A-Z]+)?\)(?:\s|(?-i:[A-Z])))",
    r"\s+(?=(?-i:SUMMARY|Summary)\s*(?::|\.\s|-{3,}))",
    r"\s+(?=-{4,})",
    # A handling line run into the subject: "... POLICY SENSITIVE BUT UNCLASSIFIED - PLEASE PROTECT".
    r"\s+(?=(?:THIS\s+(?:CABLE|MESSAGE|TELEGRAM)\s+IS\s+)?SENSITIVE\s+BUT\s+UNCLASSIFIED\b)",
)
_MARK_AHEAD = re.compile(r"\d\s?[.,]\s{0,3}\(")
_ALL_PARTS = (True,) * len(_EMBEDDED_PARTS)


@functools.lru_cache(maxsize=64)
def _embedded(parts: tuple[bool, ...]) -> re.Pattern:
    """The alternation of the _EMBEDDED_PARTS that *parts* selects."""
    return re.compile("|".join(p for p, chosen in zip(_EMBEDDED_PARTS, parts, strict=True) if chosen), re.IGNORECASE)


# Also glued to the serial before it: "CAIRO 000549E.O. 12958".
# Also glued to the serial or word before it: "CAIRO 000549E.O. 12958", "AMBASSADORE.O. 12958";
# and the text after a serial's glued SIPDIS ("000493SIPDISFOR THE DIRECTOR").
_STRONG_EMBEDDED = re.compile(
    r"(?:\s+|(?<=\d))(?=" + FIELDS["eo"].inline + "|TAGS:|SUBJECT:)"
    r"|(?<=[A-Z])(?=E\.O\.\s?\d{5})|(?<=[0-9]SIPDIS)(?=[A-Z])"
    # A misspelt TAGS label after other words: "DECL: 08/22/2017 AGS: PGOV"; the REF
    # list run on into a line of the subject ("... AND FTAA REF: (A) 05 SAO PAULO 405").
    r"|\s+(?=(?:AGS|TABS|TAGES|REFS?):)"
)
_STAMP = re.compile("^" + STAMP, re.IGNORECASE)
_REF_BULLET = re.compile(r"^(?:\(?[A-Za-z]\)|[A-Za-z][.)])\s")


def split_embedded(line: str) -> list[str]:
    """Split a line before unmistakable field keywords (E.O. 12958, TAGS:, SUBJECT:)."""
    # Substring tests first: most lines hold none of the keywords, and the split's
    # regex stops at every space.
    if not (
        "E." in line
        or "EO" in line
        or "TAGS:" in line
        or "SUBJECT:" in line
        or "SIPDIS" in line
        or "AGS:" in line
        or "ABS:" in line
        or "GES:" in line
        or "REF:" in line
        or "REFS:" in line
    ):
        return [line] if line else []
    return [s for s in _STRONG_EMBEDDED.split(line) if s]


def _split_at_keywords(line: str) -> list[str]:
    parts = _ALL_PARTS
    if line.isascii():  # case-blind matching reaches beyond ASCII
        upper = line.upper()
        if not (
            "AGS" in upper
            or "TAGE" in upper
            or "TABS" in upper
            or "SUBJ" in upper
            or "REF" in upper
            or "CLASSIFIED" in upper
            or "SUMMARY" in upper
            or "----" in upper
            or ".(" in upper
            or ". (" in upper
        ):
            return [line] if line else []
        # A keyword that opens the line splits nothing, so what a split needs is looked
        # for from the second character on ("TAGS" opening a line holds "AGS" there).
        tail = upper[1:]
        parts = (
            "TAG" in tail
            or "TABS" in tail
            or "SUBJ" in tail
            or "REF" in tail
            or "CLASSIFIED" in tail
            or "AGS" in (upper[2:] if upper[:1] == "T" else tail),
            "(" in tail and _MARK_AHEAD.search(line) is not None,
            "SUMMARY" in tail,
            "----" in tail,
            "SENSITIVE" in tail,
        )
        if not any(parts):
            return [line.strip()] if line.strip() else []
    pieces = [s.strip() for s in _embedded(parts).split(line) if s and s.strip()]
    # "Classified By: This message classified by ...": the wording of one line, not two.
    for k in range(len(pieces) - 1, 0, -1):
        if pieces[k][:10].upper() == "CLASSIFIED" and pieces[k - 1].upper().endswith(("MESSAGE", "CABLE", "TELEGRAM")):
            pieces[k - 1 : k + 1] = [pieces[k - 1] + " " + pieces[k]]
    return pieces


def _segments(line: str, in_field: bool = False) -> list[str]:
    """Split a line at embedded field keywords ("E.O. 12958: N/A TAGS: ...").

    A line that starts a field, or goes on with one, splits at any keyword and
    where the body begins; other lines (a passing line run into the E.O. line)
    only at unmistakable keywords.
    """
    if not in_field and field_kind(line)[0] is None:
        parts = split_embedded(line)
        if len(parts) == 1:
            return parts
        return parts[:1] + [seg for part in parts[1:] for seg in _segments(part)]
    return _split_at_keywords(line)


_HANDLING = re.compile(
    r"^(?:THIS\s+(?:CABLE|MESSAGE|TELEGRAM)\s+IS\s+)?SENSITIVE\s+BUT\s+UNCLASSIFIED\b", re.IGNORECASE
)
# Where the body begins, when it begins on a line of the preamble's.
_SUMMARY_HEADING = re.compile(r"^(?:SUMMARY|Summary)\s*(?::|\.\s|-{3,}|$)")


def _opens_body(line: str) -> bool:
    return PARAGRAPH_START.match(line) is not None or RULE.match(line) is not None or bool(_SUMMARY_HEADING.match(line))


class Preamble(TypedDict):
    blocks: list[tuple[str, list[str]]]  # (field name, its raw lines)
    caveats: list[str]
    passing: list[str]
    stamps: list[str]
    end: int  # index of the first body line


def split_fields(lines: list[str], start: int) -> Preamble:
    """Group preamble lines from *start* into raw blocks. A line that holds several
    fields (lost line breaks) is split into lines of their own, in *lines* itself."""
    blocks: list[tuple[str, list[str]]] = []
    caveats: list[str] = []
    passing: list[str] = []
    stamps: list[str] = []
    current: tuple[str, list[str]] | None = None
    blank_before = False
    i = start
    seen_subject = False
    while i < len(lines):
        line = lines[i]
        if not line:
            blank_before = True
            if current and FIELDS[current[0]].ends_at_blank:
                current = None
            i += 1
            continue
        if PARAGRAPH_START.match(line):
            break
        segments = _segments(line, in_field=current is not None and not blank_before)
        if len(segments) > 1:
            lines[i : i + 1] = segments
            line = segments[0]
        kind, _ = field_kind(line)
        if not kind and _HANDLING.match(line):
            # "SENSITIVE BUT UNCLASSIFIED - PLEASE PROTECT ACCORDINGLY": a caveat, also
            # where it runs on from the subject.
            caveats.extend(caveats_in(line))
            current = None
            blank_before = False
            i += 1
            # "... PLEASE HANDLE" / "ACCORDINGLY.": the statement's last word on the next line.
            if not line.endswith(".") and i < len(lines) and len(lines[i]) < 30 and lines[i].endswith("."):
                i += 1
            continue
        if current and not kind and (_opens_body(line) or _underlined(lines, i)):
            # "Classified By: ...", then "------- SUMMARY -------", "Summary" over a rule
            # or "1. (C)": the body, not more of the field.
            break
        if kind:
            current = (kind, [line])
            blocks.append(current)
            seen_subject = seen_subject or kind == "subject"
        elif (
            current
            and not FIELDS[current[0]].ends_at_blank
            and (not blank_before or _REF_BULLET.match(line) or not any(current[1]))
        ):
            current[1].append(line)
        elif current and not blank_before:
            current[1].append(line)
        elif CAVEAT_LINE.match(line) or LOOSE_CAVEAT.match(line):
            caveats.extend(caveats_in(line))
            current = None
        elif m := _LEADING_CAVEATS.match(line):
            # "NOFORN SIPDIS DEPT FOR NEA", "SIPDIS NOFORN PGOV": the caveats, then
            # the rest of the line read as a line of its own.
            caveats.extend(caveats_in(m.group(1)))
            lines[i] = m.group(2)
            continue
        elif _STAMP.match(line):
            stamps.append(line)
            current = None
        elif not seen_subject and _looks_like_passing(line):
            passing.append(line)
            current = None
        elif _field_ahead(lines, i + 1):
            # Unknown lines (archive notes, a passing line after SUBJECT)
            # before a field that is still to come belong to the preamble.
            passing.append(line)
            current = None
        else:
            break
        blank_before = False
        i += 1
    return {"blocks": blocks, "caveats": caveats, "passing": passing, "stamps": stamps, "end": i}


_LEADING_CAVEATS = re.compile(r"^((?:(?:NOFORN|SIPDIS|NODIS|EXDIS|LIMDIS)[\s,/]+)+)(\S.*)$")
_PASSING = re.compile(r"^(?:[A-Z][\w/-]*\s+){0,2}(?:FOR|PASS|PASS TO)\s+[A-Z]", re.IGNORECASE)


def _underlined(lines: list[str], k: int) -> bool:
    """Is line k a heading: short, with a rule under it on the next line?"""
    return len(lines[k]) <= 60 and k + 1 < len(lines) and underlines(lines, k + 1)


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
