"""The preamble fields: one table, one small extractor per field.

`FIELDS` maps a field's name to its keyword (every spelling that opens it at
the start of a preamble line, and the stricter form that marks it inside
running text), its extractor, the record key its value goes to and how many
of it a cable may have. Adding a field is one entry here plus its extractor.

Each extractor takes the raw lines of its block and the citing cable's
`Context` (its year and month, for references) and returns (value, warnings).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from ..record import Defect
from .dates import decl_date
from .patterns import CLASSIFIED_BY, EO_WORD, KNOWN_TAGS, MARKING_WORD, ORG_TAGS, TITLE_WORDS
from .refs import citation_id, find_citations


class Context(NamedTuple):
    """What an extractor may need to know of the cable around its block."""

    year: int | None = None
    month: int | None = None


Extractor = Callable[[list[str], Context], tuple[Any, list[Defect]]]


def _join(lines: list[str]) -> str:
    return " ".join(" ".join(lines).split())


def _without_keyword(lines: list[str]) -> list[str]:
    _, m = field_kind(lines[0])
    return [lines[0][m.end() :] if m else lines[0]] + lines[1:]


# --- E.O. line -------------------------------------------------------------

_EO = re.compile(r"^" + EO_WORD + r"\s*(?P<order>\d{5})\s*[:;.,]?\s*(?P<text>.*)$", re.IGNORECASE)
_DECL_ONLY = re.compile(r"^(?:DECL\w*\s*:?|DECLASSIFY\s+ON\s*:?|DNG\s*:?\s*CO)?\s*\d", re.IGNORECASE)


def extract_eo(lines: list[str], ctx: Context) -> tuple[dict[str, Any], list[Defect]]:
    raw = _join(lines)
    m = _EO.match(raw)
    if not m:
        return {"order": None, "decl": None, "text": raw}, [
            Defect("eo-unreadable", f"E.O. line '{raw}' not understood")
        ]
    text = m.group("text").strip()
    warnings = []
    decl = None
    # Only a declassification date: "DECL: 03/25/2018", "Declassify on ...", or a bare date.
    if _DECL_ONLY.match(text):
        decl = decl_date(text)
        if decl is None:
            warnings.append(Defect("invalid-decl-date", f"declassification date in '{text}' is not a valid date"))
    return {"order": m.group("order"), "decl": decl.isoformat() if decl else None, "text": text}, warnings


# --- TAGS ------------------------------------------------------------------

_TAG_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9&'.-]*")


def _split_glued(token: str) -> list[str]:
    """'KNNPMNUC' -> ['KNNP', 'MNUC'] when every piece is a known tag."""
    if token in KNOWN_TAGS or token in ORG_TAGS or len(token) < 6:
        return [token]
    pieces = []
    rest = token
    while rest:
        for size in (4, 2):
            # A two-letter piece is a country code: at the end, or before a known tag ("VEPREL").
            if rest[:size] in KNOWN_TAGS or (size == 2 and (len(rest) == 2 or rest[2:6] in KNOWN_TAGS)):
                pieces.append(rest[:size])
                rest = rest[size:]
                break
        else:
            return [token]
    return pieces


def _is_code(token: str) -> bool:
    return token in KNOWN_TAGS or token in ORG_TAGS or len(token) <= 2


# Where a TAGS list runs on into other text: the next classification line
# ("UNCLAS SECTION 01 OF 02"), a "key: value" label, or prose (words no tag list holds).
_TAGS_END = re.compile(
    r"\b(?:UNCLAS\w*|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE|S E C R E T|C O N F I D E N T I A L|U N C L A S)\b"
    r"|(?<=\s)(?P<key>[A-Za-z]{2,20}):(?=\s|$)"
    # prose: such a word and four more before any comma ("SUMMIT OF THE AMERICAS, ..." is a tag)
    r"|\b(?:THE|WITH|FROM|THAT|THIS|WERE|WAS|HAVE|HAS|WILL|WOULD|SAID|WHICH|DURING)(?:\s+[A-Za-z'.()-]+){4}"
    # or four words in lower case in a row ("religious freedom" may be a tag)
    r"|(?-i:(?<![A-Za-z])[a-z][a-z'-]*(?:\s+[a-z][a-z'-]*){3})",
    re.IGNORECASE,
)


def _is_comma_list(text: str) -> bool:
    """A list whose items are separated by commas: a comma stands next to a code
    ("PHUM, KIRF, HUMANR, RELFREE"). There a pair of words is two tags; a person
    is written in brackets ("OVIP (RICE, CONDOLEEZZA)")."""
    outside = re.sub(r"\([^()]*\)", " ", text.upper())
    for m in re.finditer(r"([A-Z0-9&'.-]+)\s*,\s*([A-Z0-9&'.-]+)", outside):
        if _is_code(m.group(1)) or _is_code(m.group(2)):
            return True
    return False


def _tag_lines(lines: list[str]) -> tuple[list[str], str | None]:
    """The lines of a TAGS block that hold tags: a line after the first goes on with
    them when it is in capitals, as tags are written, or the line before ends with a
    comma ("Tags: prel, pgov," / "pins, tu"); a line of lower-case text is not tags."""
    for k in range(1, len(lines)):
        line = lines[k]
        if line.upper() != line and not lines[k - 1].rstrip().endswith(","):
            return lines[:k], line
    return lines, None


def extract_tags(lines: list[str], ctx: Context) -> tuple[list[str], list[Defect]]:
    warnings = []
    lines, prose = _tag_lines(lines)
    if prose is not None:
        warnings.append(Defect("tags-cut", f"TAGS ran on into other text; cut before '{prose[:30]}'"))
    text = " ".join(_without_keyword(lines))
    for end in _TAGS_END.finditer(text):
        if end.group("key") and _is_code(end.group("key").strip().upper()):
            continue  # "PREL:": a tag with a stray colon
        warnings.append(Defect("tags-cut", f"TAGS ran on into other text; cut before '{text[end.start() :][:30]}'"))
        text = text[: end.start()]
        break
    # A comma ending a line separates two tags ("PGOV, PREL,", "KDEM"), never a name.
    comma_list = _is_comma_list(text) or any(line.rstrip().endswith(",") for line in lines[:-1])
    # A person in brackets is a tag of its own; the brackets' commas mark it.
    text = re.sub(r"\(([^()]*)\)", lambda m: ", " + m.group(1).replace(",", "\x00") + ",", text)
    chunks = [c.strip() for c in re.split(r"[,;]", text)]
    tokens: list[tuple[str, bool]] = []  # (token, ended by a comma)
    initials: set[int] = set()
    for chunk in chunks:
        in_brackets = "\x00" in chunk
        for part in chunk.split("\x00"):
            words = _TAG_TOKEN.findall(part.upper())
            for k, w in enumerate(words):
                # In a comma list, only a comma inside brackets joins a person.
                tokens.append((w.strip(".'"), k == len(words) - 1 and (in_brackets or not comma_list)))
                if len(w) == 2 and w[1] == "." and w[0].isalpha():
                    initials.add(len(tokens) - 1)  # "JAMES B.": an initial keeps its full stop
    tags: list[str] = []
    i = 0
    while i < len(tokens):
        tok, _ = tokens[i]
        if not tok or tok in ("SIPDIS", "TAGS", "TAG", "AND"):
            i += 1
            continue
        nxt = tokens[i + 1][0] if i + 1 < len(tokens) else None
        # After OVIP (an official visit) the visitor: "OVIP CLINTON HILLARY PREL".
        if (
            tags
            and tags[-1] == "OVIP"
            and nxt
            and not tokens[i][1]
            and not _is_code(tok)
            and not _is_code(nxt)
            and tok.isalpha()
            and nxt.isalpha()
        ):
            tags.append(f"{tok}, {nxt}")
            i += 2
            continue
        # A person tag: SURNAME, GIVEN (two words that are not codes).
        if (
            nxt
            and tokens[i][1]
            and not _is_code(tok)
            and not _is_code(nxt)
            and len(tok) >= 3
            and tok.isalpha()
            and nxt.replace(".", "").isalpha()
            and len(_split_glued(tok)) == 1
        ):
            tags.append(f"{tok}, {nxt}")
            i += 2
            continue
        # A lone letter is the initial of the person tag before it ("STEINBERG, JAMES B").
        if len(tok) == 1 and tags and ", " in tags[-1]:
            tags[-1] += f" {tok}." if i in initials else f" {tok}"
            i += 1
            continue
        pieces = _split_glued(tok)
        if len(pieces) > 1:
            warnings.append(Defect("glued-tag-split", f"glued tag '{tok}' split into {' '.join(pieces)}"))
        tags.extend(pieces)
        i += 1
    unique = list(dict.fromkeys(tags))
    if len(unique) < len(tags):
        warnings.append(Defect("duplicate-tags", "duplicate TAGS removed"))
    return unique, warnings


# --- SUBJECT ---------------------------------------------------------------

MARKING_PREFIX = re.compile(r"^\(\s*" + MARKING_WORD + r"(?:\s*/{1,2}\s*[A-Z][A-Z ,]*)?\s*\)\s*", re.IGNORECASE)


_LOWER_WORD = re.compile(r"\b(?!x+\b)[a-z]{3,}\b")  # (not a redaction, "xxxxxx")


def extract_subject(lines: list[str], ctx: Context) -> tuple[str | None, list[Defect]]:
    warnings = []
    lines = _without_keyword(lines)
    # A subject written in capitals ends where a line of lower-case prose begins
    # ("... AT U.S.-EU SUMMIT" / "This is an Action request. Please see para 2.").
    for k in range(1, len(lines)):
        if _LOWER_WORD.search(lines[k]) and all(line.upper() == line for line in lines[:k]):
            warnings.append(Defect("subject-cut", f"the subject ran on into prose; cut before '{lines[k][:30]}'"))
            lines = lines[:k]
            break
    text = MARKING_PREFIX.sub("", _join(lines))
    text = _SUBJECT_AGAIN.sub("", text)  # "SUBJECT: SUBJECT: ..."
    return (text or None), warnings


# --- REF -------------------------------------------------------------------

# Item labels: "A.", "A)", "(A)", "a." at the start or after a separator.
_LABEL = re.compile(r"(?:^|(?<=[\s;,]))(?:\((?P<a>[A-Za-z])\)|(?P<b>[A-Za-z])[.)])(?=\s)")


def _ref_items(text: str) -> list[tuple[str | None, str]]:
    # Keep only labels that run A, B, C ... so that "U.S." or "a)" in prose stay text.
    seq, expected = [], "A"
    for m in _LABEL.finditer(text):
        letter = (m.group("a") or m.group("b")).upper()
        if letter == expected:
            seq.append(m)
            expected = chr(ord(expected) + 1)
    if not seq:
        return [(None, text.strip())] if text.strip() else []
    items: list[tuple[str | None, str]] = []
    if seq[0].start() > 0 and text[: seq[0].start()].strip(" ;,"):
        items.append((None, text[: seq[0].start()].strip(" ;,")))
    for k, m in enumerate(seq):
        end = seq[k + 1].start() if k + 1 < len(seq) else len(text)
        label = (m.group("a") or m.group("b")).upper()
        item = text[m.end() : end].strip(" ;,")
        # "A. A) BRASILIA 236": the label written twice.
        item = re.sub(rf"^\(?{label}[.)]\s+", "", item, flags=re.IGNORECASE)
        items.append((label, item))
    return items


def extract_refs(lines: list[str], ctx: Context) -> tuple[list[dict[str, Any]], list[Defect]]:
    text = _join(_without_keyword(lines))
    refs: list[dict[str, Any]] = []
    inferred = []
    for label, item in _ref_items(text):
        if not item:
            continue
        # "STATE 272523; USUN 6028": unlabelled items separated by semicolons.
        parts = [p.strip() for p in re.split(r";|:\s", item)] if label is None else [item]
        for part in parts:
            if not part:
                continue
            cites = find_citations(part.upper())
            if not cites:
                refs.append({"label": label, "text": part, "id": None})
                continue
            for cite in cites:
                cid, was_inferred = citation_id(cite, ctx.year)
                ref = {"label": label, "text": part if len(cites) == 1 else cite["text"], "id": cid}
                if was_inferred:
                    ref["year_inferred"] = True
                    inferred.append(cite["text"])
                refs.append(ref)
    warnings = []
    if inferred:
        msg = f"year of reference(s) {', '.join(inferred)} not written; taken from the citing cable ({ctx.year})"
        if ctx.month == 1:
            msg += "; the cable is from January, so a December citation would be a year earlier"
        warnings.append(Defect("ref-year-inferred", msg))
    return refs, warnings


# --- Classified By ---------------------------------------------------------

# The word REASON(S) also as wrapping broke it ("for re ason", "REA SONS", "f or reasons")
# or as it was mistyped ("reaons", "Reas (b)").
_REASON_WORD = r"(?:r ?e ?a ?s ?o ?n ?s?|reaons?|reas(?=\s*\())"
_REASON_SPLIT = re.compile(
    r"[,;.:]?\s*\b(?:f ?o ?r\s+)?(?:" + _REASON_WORD + r"|per|under)\b\s*:?"
    r"|,\s*(?=1\.\d)|(?:\s+for)?\s+(?=1\.[4-6]\b)"
    # the line cut off after "for", or in the word ("FOR REA", then a blank line)
    r"|,?\s+for(?:\s+r ?e?a?s?o?n?s?)?\s*$",
    re.IGNORECASE,
)
_REASON = re.compile(r"\b1\s?\.\s?([4-6])\s*(.*?)(?=\b1\s?\.\s?[4-6]\b|$)", re.IGNORECASE)
_LETTER = re.compile(r"(?<![A-Za-z])([a-hA-H])(?![A-Za-z])")
_ORDER_AFTER = re.compile(r",?\s*" + EO_WORD + r"\s*\d{5}", re.IGNORECASE)
_REASON_END = re.compile(r"\.\s|\.$|\bE\.?O\.?\b")


def reasons_in(text: str) -> list[str]:
    reasons = []
    for m in _REASON.finditer(text):
        section = f"1.{m.group(1)}"
        tail = _REASON_END.split(m.group(2))[0]
        for letter in _LETTER.findall(tail):
            reason = f"{section}({letter.lower()})"
            if reason not in reasons:
                reasons.append(reason)
        if not _LETTER.search(tail) and section not in reasons:
            reasons.append(section)
    return reasons


_TITLES = frozenset(w.strip(",") for w in TITLE_WORDS)


_BROKEN_NAME = re.compile(r"\b([A-Z]) ([a-z]{2,})\b")
_SUFFIX = re.compile(r"^(?:JR|SR|II|III|IV)\.?,?$", re.IGNORECASE)
_INITIAL = re.compile(r"^(?:[A-Z0]\.)+,?$|^[A-Z],?$")  # "C.", "W.S.", "A"; "0." a mistyped O.
_CONNECTOR = frozenset(("FOR", "AND", "OF", "TO", "THE", "D'", "DE", "IN", "ON"))
_PARTICLES = frozenset("van von der den de da del di du la le bin ibn al".split())  # "Carol van Voorst"
_SAME_LABEL = re.compile(r"^(?:this\s+(?:message|cable|telegram)\s+(?:is\s+)?)?classified\s+by\b\s*:?\s*", re.I)


# Title words of six letters or more with one letter left out: "Minster", "Couselor",
# "Ambassaor", "REPRESENATIVE" are the titles mistyped.
_TITLE_TYPOS = frozenset(t[:i] + t[i + 1 :] for t in _TITLES if len(t) >= 6 and t.isalpha() for i in range(len(t)))


@functools.lru_cache(maxsize=8192)
def _is_title_word(word: str) -> bool:
    bare = word.upper().strip(",.").replace("0", "O")  # "COUNSEL0R"
    if bare in _TITLES or word.upper().strip(",") in _TITLES or any(p in _TITLES for p in bare.split("-") if p):
        return True
    if len(bare) < 6 or not bare.isalpha():
        return False
    # A letter left out, one too many, or two swapped ("Cheif").
    return (
        bare in _TITLE_TYPOS
        or any(bare[:i] + bare[i + 1 :] in _TITLES for i in range(len(bare)))
        or any(bare[:i] + bare[i + 1] + bare[i] + bare[i + 2 :] in _TITLES for i in range(len(bare) - 1))
    )


def _trailing_name(words: list[str]) -> int:
    """Where the name begins in the words of a Classified By line, read from the end: a
    surname, initials, at most three name words (one after a middle initial), a suffix;
    it ends at a title word, a connector ("for", "and"), brackets or a lower-case word."""
    k, full, since_initial = len(words), 0, None
    while k > 0:
        word = words[k - 1]
        bare = word.strip(",")
        if _SUFFIX.match(bare) and full == 0:
            k -= 1
            continue
        if bare in _PARTICLES and full >= 1 and k > 1:
            k -= 1
            continue
        if bare[:1] in '"\u201c' and bare[1:2].isupper():
            k -= 1  # a nickname in quotes: A. "Hoot" Baez
            continue
        if _INITIAL.match(bare):
            if full == 0 or not (bare.endswith(".") or full == 1 or k == 1):
                break  # a letter before the given name is no initial ("AFFAIR S ROBERT LUKE")
            since_initial = 0
            k -= 1
            continue
        if (
            not bare[:1].isupper()
            or _is_title_word(bare)
            or "(" in bare
            or "/" in bare
            or bare.upper() in _CONNECTOR
            or full == 3
            or since_initial == 1
        ):
            break
        full += 1
        if since_initial is not None:
            since_initial += 1
        k -= 1
    if full == 3 and k > 0 and words[k - 1].upper() in _CONNECTOR:
        k += 1  # "AMBASSADOR TO SUDAN TIMOTHY CARNEY": the word after TO is the title's
    return k


def _title_and_name(who: str, name_first: bool = True) -> tuple[str | None, str | None]:
    if re.match(r"(?i)derived\s+from\b", who):
        return None, None  # "Derived from Multiple Sources": no person
    who = who.replace("\u2019", "'")
    who = _SAME_LABEL.sub("", who)  # "This message classified by ...", the label again
    who = re.sub(r"\s*\([^()]*\)\s*$", "", who) or who  # "... Gene A. Cretz (Releasable to ...)"
    # A letter that wrapping cut off a title word: "ECONOMIC AFFAIR S ROBERT LUKE".
    who = re.sub(
        r"\b([A-Za-z]{3,}) ([A-Za-z])\b",
        lambda m: m.group(1) + m.group(2) if (m.group(1) + m.group(2)).upper() in _TITLES else m.group(0),
        who,
    )
    # A word broken by wrapping: "Hoyt Y ee" is "Hoyt Yee".
    who = _BROKEN_NAME.sub(lambda m: m.group(0) if m.group(2) in _WORDS else m.group(1) + m.group(2), who)
    if (
        name_first
        and "," in who
        and not re.match(r"(?i)(charge|cda|ambassador)\b.*,\s*a\.?\s*i\.?\b", who)
        and not re.search(r"\s[A-Z],\s*[A-Z][a-z]", who)  # "Luis G, Moreno": a comma typed for a full stop
    ):
        # "David J. Hazarian, Regional Security Officer, RSO": name first, title after.
        first, rest = who.split(",", 1)
        if m := re.match(r"\s*((?:JR|SR|II|III|IV)\.?)(?=,|$)", rest, re.IGNORECASE):
            first, rest = f"{first}, {m.group(1)}", rest[m.end() :]  # "THOMAS W. SIMONS, JR., AMBASSADOR"
        t, n = _title_and_name(first, name_first=False)
        if n and t is None and len(n.split()) <= 4:
            return rest.strip(" ,") or None, n
        if n and t and len(n.split()) <= 4 and rest.strip(" ,"):
            return f"{t}, {rest.strip(' ,')}", n  # "CHARGE D'AFFAIRES ALEX WOLFF, EMBASSY PARIS"
    words = who.split()
    k = 0
    while k < len(words) and (_is_title_word(words[k]) or "/" in words[k]):
        k += 1
    tail = words[k:]
    if len(tail) > 3 and _is_title_word(tail[-1]) and tail[-1].upper() not in _CONNECTOR:
        # "DONALD CAMP DEPUTY ASSISTANT SECRETARY FOR SOUTH ASIAN AFFAIRS": the name first.
        cut = next((j for j, w in enumerate(tail) if _is_title_word(w)), len(tail))
        if 2 <= cut <= 4 and sum(map(_is_title_word, tail[cut:])) >= 2 and not _INITIAL.match(tail[cut - 1]):
            return " ".join(words[:k] + tail[cut:]).strip(" ,") or None, " ".join(tail[:cut]).strip(" ,;.:-")
    start = _trailing_name(tail) if len(tail) > 2 else 0
    if start >= len(tail):
        start = 0
    title = " ".join(words[: k + start]).strip(" ,-") or None
    written = " ".join(tail[start:])
    name = written.strip(" ,;.:-")
    if re.search(r"\b(?:JR|SR|Jr|Sr)$", name) and "." in written[len(name) :]:
        name += "."  # "EDWARD G. ABINGTON, JR."
    if not re.search(r"[A-Za-z]{2}", name):
        return title, None
    return title, name


# Short words a wrapped line may open with that are words of their own, not the end of one.
_WORDS = frozenset(
    "a an and as at by de di du e.o for from in of on or per the to under via with reason reasons".split()
)


def _unwrap_words(lines: list[str]) -> list[str]:
    """Lines of a field whose wrapping cut words ("... Hoyt Y" / "ee for reasons",
    "for re" / "ason 1.4"): a line opening with a lower-case piece that is no word of its
    own goes on the word before it."""
    out = [lines[0]] if lines else []
    for line in lines[1:]:
        piece = line.lstrip().split(" ", 1)[0]
        if (
            out
            and piece.isalpha()
            and piece.islower()
            and piece not in _WORDS
            and out[-1].rstrip()[-1:].isalpha()
            and out[-1].split()[-1].lower() not in _WORDS
        ):
            out[-1] = out[-1].rstrip() + line.lstrip()
        else:
            out.append(line)
    return out


def extract_classified_by(lines: list[str], ctx: Context) -> tuple[dict[str, Any], list[Defect]]:
    text = _join(lines)
    lines = _unwrap_words(lines)
    body = re.sub(r"^\s*:?\s*", "", _join(_without_keyword(lines)))
    who = _REASON_SPLIT.split(body, maxsplit=1)[0].strip(" ,;.")
    # "Classified By: ..., E.O. 12958, reasons": the order is not part of the name.
    who = _ORDER_AFTER.split(who)[0].strip(" ,;")
    title, name = _title_and_name(who)
    if name and re.search(r"\b(?:JR|SR|Jr|Sr)$", name) and name + "." in body:
        name += "."  # (the full stop went with the reason's split)
    reasons = reasons_in(body)
    warnings = [] if reasons else [Defect("no-classification-reason", f"no classification reason found in '{text}'")]
    return {"name": name, "title": title, "reasons": reasons, "text": text}, warnings


# --- the table --------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """A preamble field. Its keyword patterns are read case-blind."""

    name: str  # the block's name
    key: str  # the record key its value goes to
    start: str  # the keyword at the start of a preamble line: every spelling seen, misspellings too
    inline: str  # the keyword inside running text (lost line breaks, a line run on into the next field)
    first: str  # the characters a line opening the field can start with (a cheap test)
    extract: Extractor
    count: str  # "one": a second is ignored, with a warning; "merge": joined, duplicates dropped; "many"
    ends_at_blank: bool = True  # a blank line ends the block (a REF list may go on past one)


# In the order a line is tried against them.
FIELDS = {
    f.name: f
    for f in (
        Field(
            "eo",
            "eo",
            EO_WORD + r"\s*\d{5}\b|E\.\s?O\.\s",
            r"(?:E\.\s?O\.|EO)\s?\d{5}\b",
            "E",
            extract_eo,
            "one",
        ),
        Field(
            "tags",
            "tags",
            r"(?:TAGS|TAGES|TAGE|TAGD|TAG|TAS|TGS|TAFS|TABS|AGS)(?:\s*[:;]|\s*[.,]?(?=\s|$))",
            # in capitals, not inside a word in lower case ("advantage in"); "Tags:" with its colon
            r"(?-i:(?<![a-z])(?:TAGS?|TAGE)\s*[:;]?(?=\s+[A-Z]{2,}))|(?<![A-Za-z])TAGS?\s*:|(?-i:\b(?:AGS|TABS|TAGES)\s*:)",
            "TA",
            extract_tags,
            "merge",
        ),
        Field(
            "subject",
            "subject",
            r"(?:SUBJECT|SUBJ|SUBJECTS|SUBEJCT|SUJECT|UBJECT)(?:\s*:|\s*[.;-]?(?=\s|$))",
            r"SUBJ(?:ECT)?\s*:",
            "SU",
            extract_subject,
            "one",
        ),
        Field(
            "ref",
            "references",
            r"(?:PROGRAM\s+)?(?:REFS?|REF\(S\)|REFTELS?|REFERENCES?|REFTEL\(S\))(?:\s*[:.;]|(?=\s|$))",
            r"(?:REFS?|REF\(S\))\s*:",
            "RP",
            extract_refs,
            "many",
            ends_at_blank=False,
        ),
        Field(
            "classified_by",
            "classified_by",
            r"(?:\(\w{1,6}\)\s*)?(?:CLASSIFIED\s+BY|CLASSIFIED\s*:|CLASSIFICATION\s+BY)\b",
            CLASSIFIED_BY + r"\s*:?",
            "C(",
            extract_classified_by,
            "one",
        ),
    )
}
_STARTS = {name: re.compile("^(?:" + field.start + ")", re.IGNORECASE) for name, field in FIELDS.items()}
_SUBJECT_AGAIN = re.compile(r"^(?:" + FIELDS["subject"].inline + r")\s*", re.IGNORECASE)


def inline_keywords(*names: str) -> str:
    """One alternation of the inline forms of the fields *names*."""
    return "|".join(FIELDS[name].inline for name in names)


# The keyword patterns a line can open with, by its first character: most preamble
# lines are tried against one pattern instead of all of them.
_BY_FIRST: dict[str, list[tuple[str, re.Pattern]]] = {}
for _name, _field in FIELDS.items():
    for _ch in dict.fromkeys(_field.first.upper() + _field.first.lower()):
        _BY_FIRST.setdefault(_ch, []).append((_name, _STARTS[_name]))


# (Cached: the same lines and names recur from cable to cable.)
@functools.lru_cache(maxsize=8192)
def field_kind(line: str) -> tuple[str | None, re.Match | None]:
    """The field a preamble line opens, and its keyword's match; (None, None) for others."""
    for name, pattern in _BY_FIRST.get(line[:1], ()):
        if m := pattern.match(line):
            return name, m
    return None, None


def store_field(record: dict[str, Any], name: str, value: Any, warnings: list[Defect]) -> None:
    """Put a field's value into the record, by the field's count rule."""
    field = FIELDS[name]
    if field.count == "many":
        record[field.key].extend(value)
    elif field.count == "merge":
        record[field.key] = list(dict.fromkeys(record[field.key] + value))
    elif record.get(field.key) in (None, []):
        record[field.key] = value
    else:
        warnings.append(Defect("duplicate-field", f"a second {name.replace('_', ' ')} line was ignored"))


def empty(value: Any) -> bool:
    """No value, or one read from a bare label (no name, no reason, no decl...)."""
    if value in (None, [], ""):
        return True
    if isinstance(value, dict):
        return not any(v for k, v in value.items() if k != "text")
    if isinstance(value, str):
        return not any(ch.isalnum() for ch in value)  # "SUBJECT:..." of a database copy's header
    return False
