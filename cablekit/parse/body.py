"""The body: page furniture, numbered paragraphs, summary and signers."""

from __future__ import annotations

import functools
import re

from ..record import Defect
from .patterns import (
    CAVEAT_LINE,
    CLASSIFICATION_LINE,
    CLASSIFICATION_WORDS,
    MARKING_WORD,
    NOT_SIGNERS,
    PARAGRAPH_START,
    RULE,
    RULE_AT_END,
    STAMP,
    may_hold_rule,
    underlines,
)

# A classification line on its own, as page breaks and the end of a cable repeat it.
_CLASSIFICATION_ONLY = re.compile(r"^(?:" + CLASSIFICATION_WORDS + r")(?:\s*//\s*NOFORN)?\s*$", re.IGNORECASE)
# Old telegram page headers; they also turn up glued into running text.
_OLD_PAGE = re.compile(
    r"(?:(?:" + CLASSIFICATION_WORDS + r"|INFO)\s+)?"
    r"PAGE\s+\d{2}\s+(?:[A-Z][A-Z ]{0,24}?\s+\d{4,6}\s+(?:\d{2}\s+OF\s+\d{2}\s+)?\d{6}Z"
    r"|R[A-Z]{3,}\d{4}\s+[A-Z ]+?(?:\s+[A-Z][A-Z ]*?\s+\d{4,6})?\s*$)"
)
# Section page markers of modern cables: "BERN 00000881  002 OF 002".
_SECTION_PAGE = re.compile(r"^[A-Z][A-Z .'-]*?\s?\d{8}\s+\d{3}(?:\.\d)?\s+OF\s+\d{3}\s*$")
_TRAILER = re.compile(r"^(?:NNNN|#\d{3,5}|BT|NNN|ZZZZ|##+|MINIMIZED?\s+CONSIDERED\.?)$")
_MARKING = re.compile(
    r"^\(\s*(?P<m>" + MARKING_WORD + r"(?:\s*/{1,2}\s*[A-Z][A-Z .]*?)?)\s*\)\s*"
    r"|^(?P<d>" + MARKING_WORD + r")\)\s+"
)


@functools.lru_cache(maxsize=512)
def _glued_marker(origin_written: str) -> re.Pattern:
    """A section marker of this origin, with any text glued in front of it."""
    name = r"\s*".join(re.escape(w) for w in origin_written.split())
    return re.compile(r"^(?P<pre>.*?)" + name + r"\s*0*\d{1,8}\s+\d{3}(?:\.\d)?\s+OF\s+\d{3}\s*$", re.IGNORECASE)


@functools.lru_cache(maxsize=512)
def _marker_inside(origin_written: str) -> re.Pattern:
    """A section marker of this origin run into a line of text:
    "... AND SATELLITES TRIPOLI 00000133 001.2 OF 002 CLASSIFIED BY: ..."."""
    name = r"\s*".join(re.escape(w) for w in origin_written.split())
    return re.compile(r"\s" + name + r"\s*\d{8}\s+\d{3}(?:\.\d)?\s+OF\s+\d{3}(?=\s)", re.IGNORECASE)


_SECTION_HINT = re.compile(r"OF\s+\d{3}")


def remove_page_markers(lines: list[str], origin_written: str | None) -> tuple[list[str], int]:
    """Drop page and section markers; keep any text glued in front of one."""
    joined = "\n".join(lines)
    if "PAGE" not in joined and not _SECTION_HINT.search(joined):
        return list(lines), 0  # no marker can be there: skip the line-by-line pass
    glued = _glued_marker(origin_written) if origin_written else None
    out: list[str] = []
    removed = 0
    drop_classification_until = -1
    for k, line in enumerate(lines):
        if not line:
            out.append(line)
            continue
        new = _OLD_PAGE.sub("", line).strip() if "PAGE" in line else line
        if new != line:
            removed += 1
            # The lone classification lines that frame a page break go too.
            while out and (not out[-1] or _CLASSIFICATION_ONLY.match(out[-1])) and len(out) > 1:
                if _CLASSIFICATION_ONLY.match(out[-1]):
                    out.pop()
                    break
                out.pop()
            drop_classification_until = k + 3
            if new:
                out.append(new)
            continue
        if k <= drop_classification_until and _CLASSIFICATION_ONLY.match(line):
            continue
        # Every section marker holds "002 OF 003": most lines go no further.
        if " OF " not in line:
            out.append(line)
            continue
        if line[-1].isdigit():
            if glued and (m := glued.match(line)):
                removed += 1
                if m.group("pre").strip():
                    out.append(m.group("pre").strip())
                continue
            if _SECTION_PAGE.match(line):
                removed += 1
                continue
        if origin_written and (m := _marker_inside(origin_written).search(line)):
            # Text on both sides: the line goes on as two.
            removed += 1
            out += [part for part in (line[: m.start()].strip(), line[m.end() :].strip()) if part]
            continue
        out.append(line)
    return out, removed


_STAMP_LINE = re.compile("^" + STAMP, re.IGNORECASE)


# After the signer: a communications center's note ("NOTE BY OC/T: HEADING AS RECEIVED",
# "NOTE: NOT PASSED TO ABOVE ADDRESSEE(S)"), a release database's footer
# ("2004CARACA01540 - UNCLASSIFIED", "2002ROME01748 - Classification: SECRET"), stray marks.
_AFTER_SIGNER = re.compile(
    r"^(?:NOTE\s+BY\s+[A-Z/]+\s*:|NOTE\s*:\s*NOT\s+PASSED\b)"
    r"|^\d{4}[A-Z]{3,}\d{3,}\s*-\s*(?:Classification:\s*)?(?:" + CLASSIFICATION_WORDS + r")\b"
    r"|^[.>]+$",
    re.IGNORECASE,
)


# (Cached: the same lines and names recur from cable to cable.)
@functools.lru_cache(maxsize=8192)
def _furniture(line: str) -> bool:
    """A line at the end of a cable that is no part of its text: a blank, a
    transmission trailer, the classification or caveats again ("NOFORN",
    "S E C R E T"), a declassification stamp, a note of the communications center."""
    if not line or _TRAILER.match(line) or _CLASSIFICATION_ONLY.match(line) or CAVEAT_LINE.match(line):
        return True
    if line[0] in "Nn.>0123456789" and _AFTER_SIGNER.match(line):
        return True
    if (m := CLASSIFICATION_LINE.match(line)) and CAVEAT_LINE.match(m.group("rest").strip(" /") or "SIPDIS"):
        return True
    return bool(_STAMP_LINE.match(line))


def strip_trailer(lines: list[str]) -> list[str]:
    """Remove transmission trailers, repeated classification and blanks at the end."""
    end = len(lines)
    while end and _furniture(lines[end - 1]):
        end -= 1
    # A declassification stamp over two lines ("Declassified/Released US Department of
    # State EO Systematic" / "Review 30 JUN 2006"): the stamp's first line and what follows.
    for k in range(end - 1, max(end - 3, 0) - 1, -1):
        if lines[k].startswith("Declassified/Released"):
            end = k
            while end and _furniture(lines[end - 1]):
                end -= 1
            break
    return lines[:end]


_SIGNER_LINE = re.compile(r"^[A-Z][A-Za-z'\-]+(?:[ /][A-Z][A-Za-z'\-]+){0,2}\s*#*$")
# In a cable written in capitals, the signer after the end of the text on its line:
# "REPORT.  END OF TEXT. BAKER", "21.  BEIRUT MINIMIZE CONSIDERED.  EAGLETON".
_END_OF_TEXT = re.compile(r"\b(?:END\s+(?:OF\s+)?TEXT|MINIMIZED?\s+CONSIDERED)\.$")
_SIGNER_AFTER_SENTENCE = re.compile(
    r"^(?P<text>.*[.!?\")\]])\s+(?P<signer>[A-Z][A-Z'\-]{2,}(?: [A-Z][A-Z'\-]+)?)\s*#*$"
)


_BEFORE_SIGNER = re.compile(r"^(?:.*\s)?(?:UN|END\s+)QUOTE\s+|^MINIMIZED?\s+CONSIDERED\s+")


def _signer_words(line: str) -> list[str] | None:
    """Signer names on a line, or None when the line is not a signer line."""
    line = line.rstrip("# ").strip()
    # "UNQUOTE BAKER": the end of a quoted message, then the signer.
    # "CLINTON UNQUOTE CLINTON", "MINIMIZE CONSIDERED SHANNON": what stands before goes.
    if "QUOTE" in line or "MINIMIZ" in line:
        line = _BEFORE_SIGNER.sub("", line)
    if not _SIGNER_LINE.match(line) or len(line) > 40:
        return None
    words = re.split(r"[ /]", line)
    if any(w.upper() in NOT_SIGNERS for w in words):
        return None
    if len(words) == 2 and words[0] == words[1]:
        return [words[0].upper()]  # "SHANNON SHANNON"
    # Mixed-case lines are signers only when short ("Derse", "Van Voorst").
    if line != line.upper() and len(words) > 2:
        return None
    names = [n.strip().upper() for n in re.split(r"/|\s+AND\s+", line) if n.strip()]
    return names


def find_signers(lines: list[str]) -> tuple[list[str], list[str]]:
    """Return (signers, lines without the signer lines)."""
    lines = strip_trailer(lines)
    signers: list[str] = []
    # Up to two signer lines at the very end.
    for _ in range(2):
        if not lines:
            break
        last = lines[-1]
        names = _signer_words(last)
        if signers and names and (signers[0].isupper() and not last.isupper()):
            if [n.upper() for n in names] == signers:
                lines = strip_trailer(lines[:-1])  # "Kelly" over "KELLY": the signer once
                continue
            break  # "City" over "ARREAGA": a line of the text, written otherwise than the signer
        if (
            names is None
            and not signers
            and last.endswith((".", ","))
            and not last.endswith("..")
            and last.isupper()
            and (len(lines) < 2 or not lines[-2] or lines[-2][-1] in ".!?)\"'")
        ):
            # "CRETZ." on a line of its own, after a finished sentence
            names = _signer_words(last[:-1])
        if names is None:
            break
        # A one-line cable "body" is not a signer.
        if len(lines) == 1:
            break
        signers = names + signers
        lines = strip_trailer(lines[:-1])
    if not signers and lines:
        m = _SIGNER_AFTER_SENTENCE.match(lines[-1])
        if (
            m
            and m.group("signer").split()[0] not in NOT_SIGNERS
            and (re.search(r"[a-z]", m.group("text")) or _END_OF_TEXT.search(m.group("text")))
        ):
            signers = [m.group("signer")]
            lines = lines[:-1] + [m.group("text")]
    return signers, lines


_SLASH_SPACES = re.compile(r"\s*(/{1,2})\s*")


def _marking(text: str) -> tuple[str | None, str]:
    m = _MARKING.match(text)
    if not m:
        return None, text
    mark = (m.group("m") or m.group("d")).upper()
    if "/" in mark:
        mark = _SLASH_SPACES.sub(r"\1", mark)
    mark = mark.strip()
    return mark, text[m.end() :]


# A line break inside a paragraph joins two lines with a space unless the next
# line opens a list item: "--", "- ", "*", "a) ", "(1) ", "2. " or a heading "Comment:".
_JOIN_BREAK = re.compile(
    r"\n(?<!\n\n)(?!\n|--|-[^\S\n]|\*|\(?[A-Za-z0-9]{1,2}[.)][^\S\n]|[A-Z][A-Za-z ]{0,40}:(?:\n|\Z))"
)
_BLANK_RUN = re.compile(r"\n\n\n+")  # a literal prefix: SRE then scans with a fast string search


def _headings_apart(lines: list[str]) -> list[str]:
    """Rules out of the text, and the headings they underline on lines of their own:
    "2020. -----", "Middle East/Iran", "-----" become "2020.", "", "Middle East/Iran", ""."""
    out: list[str] = []
    for k, line in enumerate(lines):
        # A rule starts and ends with one of its characters: most lines are passed at once.
        if line[-1:] not in _RULE_CHARS:
            out.append(line)
        elif line[:1] in _RULE_CHARS and RULE.match(line):
            if underlines(lines, k) and len(out) > 1 and out[-2]:
                out.insert(len(out) - 1, "")  # the heading above the rule stands apart
            out.append("")
        elif (m := RULE_AT_END.search(line)) and m.start() > 0:
            out += [line[: m.start()], ""]
        else:
            out.append(line)
    return out


_RULE_CHARS = frozenset("-=_*")


def _unwrap(lines: list[str]) -> str:
    """Join hard-wrapped lines; keep blank lines and list items as breaks, and headings
    (underlined by a rule, which goes) on lines of their own."""
    text = "\n".join(lines)
    if may_hold_rule(text):  # four substring searches, before any look at each line
        text = "\n".join(_headings_apart(lines))
    text = text.strip("\n")
    if "\n\n\n" in text:
        text = _BLANK_RUN.sub("\n\n", text)
    return _JOIN_BREAK.sub(" ", text).strip()


def split_paragraphs(lines: list[str], converted: bool, continues: bool = False) -> tuple[list[dict], list[Defect]]:
    """Split body lines into paragraphs by their numbers.

    A line opens paragraph n when it starts with "n." and n continues the
    numbering (1, 2, 3 ...), so numbered lists inside a paragraph and wrapped
    figures ("2006.") stay text. In converted text a lost pilcrow turns
    paragraph 5 into "15."; that is repaired with a warning.
    """
    warnings: list[Defect] = []
    starts: list[tuple[int, int]] = []  # (line index, number)
    expected = None
    candidates = [
        (k, int(m.group(1) or m.group(2)), m.end())
        for k, line in enumerate(lines)
        if line[:1].isdigit() and (m := PARAGRAPH_START.match(line))
    ]
    for pos, (k, num, _) in enumerate(candidates):
        following = candidates[pos + 1][1] if pos + 1 < len(candidates) else None
        if expected is None:
            # Numbering starts at 1 (or 2, 3 after a lost first paragraph) unless
            # this is a later section or an extract of a longer cable.
            if num == 0 or num > 60 or (num > 3 and not continues and num != 11):
                continue
            if num == 11 and (converted or following == 2):
                warnings.append(
                    Defect(
                        "paragraph-number-repaired", "paragraph numbered '11.' read as 1 (a pilcrow turned into '1')"
                    )
                )
                num = 1
            starts.append((k, num))
            expected = num + 1
            continue
        if num == expected:
            starts.append((k, num))
            expected = num + 1
        elif str(num) == "1" + str(expected) and (converted or following == expected + 1):
            warnings.append(
                Defect(
                    "paragraph-number-repaired",
                    f"paragraph numbered '{num}.' read as {expected} (a pilcrow turned into '1')",
                )
            )
            starts.append((k, expected))
            expected += 1
        elif expected < num <= expected + 2 and (following is None or following == num + 1):
            warnings.append(
                Defect("paragraph-numbering-gap", f"paragraph numbering jumps from {expected - 1} to {num}")
            )
            starts.append((k, num))
            expected = num + 1
    paragraphs: list[dict] = []
    number_end = {k: end for k, _, end in candidates}
    first = starts[0][0] if starts else len(lines)
    lead = _unwrap(lines[:first])
    if lead:
        mark, text = _marking(lead)
        paragraphs.append({"number": None, "marking": mark, "text": text.strip()})
    for idx, (k, num) in enumerate(starts):
        end = starts[idx + 1][0] if idx + 1 < len(starts) else len(lines)
        first_line = lines[k][number_end[k] :].strip()
        chunk = [first_line] + lines[k + 1 : end]
        if not first_line and len(chunk) > 1:
            chunk = chunk[1:]
        mark, text = _marking(_unwrap(chunk))
        paragraphs.append({"number": num, "marking": mark, "text": text.strip()})
    return paragraphs, warnings


# "SUMMARY:", "Summary and Comment.", "SUMMARY AND INTRODUCTION" over a rule...
_SUMMARY = re.compile(
    r"(?:^|\n|\s)(?:BEGIN\s+)?SUMMARY(?:\s+AND\s+[A-Z]+(?:\s+[A-Z]+)?)?\s*(?::|\.|-{2,}|\n)\s*",
    re.IGNORECASE,
)
# What opens the summary's text and is none of it: the label again under a heading
# ("SUMMARY" / "1. Summary: On March 21"), a paragraph marking after the label.
_SUMMARY_OPENING = re.compile(r"^(?:(?:\(\w+(?:/+\w+)*\)\s*)?Summary\s*[:.]\s*)?(?:\(\w+(?:/+\w+)*\)\s*)?", re.I)
# A heading framed by rules ("-------- Training --------") ends a summary without an end.
_FRAMED_HEADING = re.compile(r"\s-{4,}\s")
_END_SUMMARY = re.compile(r"\bEND\s+(?:OF\s+)?SUMMARY\b", re.IGNORECASE)


def _summary_words(text: str) -> list[int]:
    """Where "SUMMARY" or "Summary" or "summary" starts, in order.

    Two plain substring scans: much cheaper than upper-casing the body or a
    case-insensitive regex scan, which are the slow part of finding a summary.
    """
    hits = []
    for tail in ("UMMARY", "ummary"):
        k = text.find(tail, 1)
        while k >= 0:
            if text[k - 1] in "Ss":
                hits.append(k - 1)
            k = text.find(tail, k + 6)
    return sorted(hits)


def find_summary(paragraphs: list[dict]) -> str | None:
    """The summary text: between a Summary heading and End Summary."""
    joined = "\n".join(p["text"] for p in paragraphs)
    hits = _summary_words(joined)
    if not hits:
        return None
    start = max(0, hits[0] - 12)
    # Each End Summary is looked for just around one of the words, never by a scan
    # of the rest of the body.
    end = next((e for k in hits if (e := _END_SUMMARY.search(joined, max(start, k - 40), k + 8))), None)
    m = _SUMMARY.search(joined, start)
    if m and (end is None or m.start() < end.start()):
        if end is None:
            # Without an end marker the summary is the paragraph it opens.
            text = _FRAMED_HEADING.split(joined[m.end() :].split("\n")[0])[0]
        else:
            text = joined[m.end() : end.start()].rstrip(" \n(")
        # The last full stop before End Summary is the summary's own.
        text = re.sub(r"^-+\s*", "", text).lstrip(" .-").rstrip(" -")
        text = _SUMMARY_OPENING.sub("", text)
        return " ".join(text.split()) or None
    if end:
        # Only "END SUMMARY": the summary is what comes before it.
        text = joined[: end.start()].lstrip(" .-\n").rstrip(" -\n(")
        return " ".join(text.split()) or None
    return None
