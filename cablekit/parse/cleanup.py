"""Clean-up: raw text into stripped lines, before any field is read.

Web page markup, link artefacts of converted pages, pilcrows, control
characters and lone surrogates go; lost line breaks are put back before the
preamble fields and numbered paragraphs; database line continuations are
joined. Every repair is reported as a warning.
"""

from __future__ import annotations

import re

from ..record import Defect
from ..sources.decode import replace_surrogates, strip_controls
from ..sources.markup import looks_like_markup, strip_markup
from .fields import inline_keywords
from .patterns import CLASSIFICATION_LINE, MARKING_WORD

# "[1](#)" and "[PREL](#)": the link artefacts of converted web pages.
LINK_ARTEFACT = re.compile(r"\[([^\[\]\n]{1,80})\]\(#[^)\n]*\)")


def strip_link_artefacts(text: str) -> tuple[str, int]:
    """Remove "[1](#)" anchors (and keep the text of "[PREL](#)" links)."""
    count = 0

    def repl(match: re.Match) -> str:
        nonlocal count
        inner = match.group(1)
        if inner.isdigit():
            count += 1
            return ""
        return inner

    return LINK_ARTEFACT.sub(repl, text), count


# Where a line break must have been, in text whose newlines were removed: before a
# field keyword (Classified By with the marking that may open its line).
_BREAK_BEFORE = re.compile(
    r"(?<=\S)\s*(?="
    + inline_keywords("eo", "tags", "subject", "ref")
    + r"|(?:\(\w{1,4}\)\s*)?(?:"
    + inline_keywords("classified_by")
    + "))",
    re.IGNORECASE,
)
# Numbered paragraphs: never inside a number ("10.") or right after a pilcrow.
_PARAGRAPH_BREAK = re.compile(
    r"(?<=\S)(?<![\d\u00b6])\s*(?=\u00b6\s*\d{1,3}\s?\.|\d{1,3}\.\s{1,3}\(" + MARKING_WORD + r"(?:/+[A-Z ]+)?\))"
)
# Unmarked numbered paragraphs, where the removed line break left two spaces:
# "PROTOCOL  1.  After a December ...  2. US-Egyptian trade". Taken only as a
# run 1, 2, 3... so that a number ending a sentence is not a paragraph.
_UNMARKED_NUMBER = re.compile(r"(?<=\S)\s{2,}(?=(\d{1,2})\.\s{1,3}[A-Z\"(])")
_SIPDIS_GLUED = re.compile(r"(?<=[0-9a-z.])\s*(sipdis)\s*", re.IGNORECASE)
_FINAL_SIGNER = re.compile(r"\s{2,}([A-Z][A-Za-z'-]+(?: [A-Z][A-Za-z'-]+)?)\s*$")
_FIELD_WORD = re.compile(
    r"\b(?:" + inline_keywords("eo", "tags", "subject") + r")|\b\d{1,3}\.\s{1,3}\([A-Z]", re.IGNORECASE
)


def _collapsed_line(line: str) -> bool:
    """A line that holds several fields or paragraphs: its breaks were removed."""
    if len(line) <= 300 or (line.count(":") < 2 and line.count(". (") < 2):
        return False
    found = _FIELD_WORD.finditer(line)
    return next(found, None) is not None and next(found, None) is not None


def _number_run_breaks(text: str) -> str:
    expected, cuts = 1, []
    for m in _UNMARKED_NUMBER.finditer(text):
        if int(m.group(1)) == expected:
            cuts.append(m.span())
            expected += 1
    if len(cuts) < 2:
        return text
    for start, end in reversed(cuts):
        text = text[:start] + "\n" + text[end:]
    return text


def reline(text: str) -> str:
    """Put line breaks back before the preamble fields and numbered paragraphs."""
    text = _SIPDIS_GLUED.sub(lambda m: "\n" + m.group(1) + "\n", text)
    text = _BREAK_BEFORE.sub("\n", text)
    text = _PARAGRAPH_BREAK.sub("\n", text)
    text = _number_run_breaks(text)
    # The break can fire twice around "(U) Classified by" and "\u00b61.": join those again.
    text = re.sub(r"\n(\(\w{1,4}\))\n", r"\n\1 ", text).replace("\u00b6\n", "\u00b6")
    return _FINAL_SIGNER.sub(lambda m: "\n" + m.group(1), text)


def normalise(text: str) -> tuple[list[str], list[Defect], bool]:
    """Return (lines, warnings, converted) for raw cable text.

    *converted* is true where the text came through the web-page-to-text
    converter ("[1](#)" anchors); the body parser then expects pilcrows that
    turned into a bare leading "1".
    """
    warnings: list[Defect] = []
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if looks_like_markup(text):
        text = strip_markup(text)
        warnings.append(Defect("markup-removed", "web page markup (pre blocks, links, entities) removed"))
    raw_lines = text.split("\n")
    if max(map(len, raw_lines)) > 300 and any(map(_collapsed_line, [ln for ln in raw_lines if len(ln) > 300])):
        text = "\n".join(reline(line) if _collapsed_line(line) else line for line in raw_lines)
        warnings.append(
            Defect(
                "line-breaks-restored",
                "the text had lost its line breaks; they were put back before fields and paragraphs",
            )
        )
    text, artefacts = strip_link_artefacts(text) if "](#" in text else (text, 0)
    if artefacts:
        warnings.append(
            Defect("link-artefacts-removed", f"{artefacts} '[1](#)' link artefacts of converted text removed")
        )
    text = text.replace("\u00b6", "").replace("\u00a0", " ")
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        text, count = replace_surrogates(text)
        warnings.append(
            Defect(
                "surrogates-replaced",
                f"{count} lone surrogate code point(s) (from escapes such as '\\ud800') replaced with U+FFFD",
            )
        )
        data = text.encode("utf-8")
    text = strip_controls(text, data)
    lines = [line.strip() for line in text.split("\n")]
    if "\\" in text and sum(1 for line in lines if line.endswith("\\")) > 3:
        # Database dumps end every line with a backslash continuation.
        lines = [line[:-1].rstrip() if line.endswith("\\") else line for line in lines]
        warnings.append(Defect("line-continuations-removed", "backslash line continuations removed"))
    if "\t" in text:
        lines = _apart_at_tabs(lines)
    if "Cable dated:" in text:
        lines = _apart_after_cable_dated(lines)
    return lines, warnings, artefacts > 0


_CABLE_DATED_GLUED = re.compile(r"^(Cable dated:\s*\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)\s*(\S.*)$")


def _apart_after_cable_dated(lines: list[str]) -> list[str]:
    """Some mirrors put "Cable dated:2008-05-07T17:53:00" before the text, glued to
    the classification line: it goes on a line of its own."""
    out = []
    for line in lines:
        if m := _CABLE_DATED_GLUED.match(line):
            out += [m.group(1), m.group(2)]
        else:
            out.append(line)
    return out


def _apart_at_tabs(lines: list[str]) -> list[str]:
    """Database rows put the classification line behind a tab, on the header's last
    line ("...DC PRIORITY\\tS E C R E T SECTION 01 OF 02 BERN 000881"): a line of its own."""
    out = []
    for line in lines:
        if "\t" in line:
            head, _, tail = line.partition("\t")
            if CLASSIFICATION_LINE.match(tail.strip()):
                out += [head.rstrip(), tail.strip()]
                continue
        out.append(line)
    return out
