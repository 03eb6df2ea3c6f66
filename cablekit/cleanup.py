"""Clean-up that runs before any field is extracted.

Every function here takes text and returns text; none knows about fields.
What it repairs is reported as plain-English warnings by the caller.
"""

from __future__ import annotations

import re

# Tags that wrap cable text when it was cut from a web page. Only these names
# are removed, so text such as "<<Israel>>" inside a cable survives.
_MARKUP_TAG = re.compile(
    r"</?(?:a|code|pre|span|b|strong|i|em|p|div|td|tr|th|table|tbody|font|u|h\d)\b[^<>]*>",
    re.IGNORECASE,
)
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
# Only entities a web page writes on purpose; a bare "&reg" inside a cable is
# cable text (mojibake such as "&regular8"), not an entity.
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|amp|lt|gt|quot|apos|nbsp);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'", "nbsp": " "}

# "[1](#)" and "[PREL](#)": the link artefacts of converted web pages.
LINK_ARTEFACT = re.compile(r"\[([^\[\]\n]{1,80})\]\(#[^)\n]*\)")
# Control characters other than tab and newline, including ESC and C1 codes.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _entity(match: re.Match) -> str:
    name = match.group(1)
    if name[0] != "#":
        return _NAMED[name]
    code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
    try:
        char = chr(code)
    except (ValueError, OverflowError):
        return ""
    return char if char in "\n\t" or char.isprintable() else " "


_MARKUP_HINT = re.compile(r"</a>|<a |<br|<pre|&#x000A;")


def looks_like_markup(text: str) -> bool:
    # The substring tests are cheap and rule out most plain cables at once.
    return ("<" in text or "&#x000A;" in text) and _MARKUP_HINT.search(text) is not None


def strip_markup(text: str) -> str:
    """Reduce a web page's cable markup (pre blocks, anchors, tag links) to text."""
    text = text.replace("&#x000A;", "\n").replace("&#x000a;", "\n")
    text = _BR.sub("\n", text)
    text = _MARKUP_TAG.sub("", text)
    return _ENTITY.sub(_entity, text)


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


_ASCII_CONTROLS = bytes(range(0, 9)) + bytes(range(11, 32)) + b"\x7f"


def _has_c1(data: bytes) -> bool:
    """Whether UTF-8 *data* holds a C1 control (U+0080-U+009F, encoded C2 80-C2 9F)."""
    k = data.find(b"\xc2")
    while k >= 0:
        if data[k + 1] <= 0x9F:  # a lead byte C2 is always followed by 80-BF
            return True
        k = data.find(b"\xc2", k + 2)
    return False


_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_surrogates(text: str) -> tuple[str, int]:
    """Lone surrogates (JSON input can escape one: "\\ud800") cannot be written as
    UTF-8: each becomes U+FFFD. Returns (text, how many)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.subn("\ufffd", text)
    return text, 0


def strip_controls(text: str, data: bytes | None = None) -> str:
    """Remove control characters (but tab and newline). *data*: the text as UTF-8, if known."""
    # Most cables hold no control character. Encoding and bytes.translate tell that
    # in two C passes; the regex scan alone took a tenth of the clean-up.
    if data is None:
        data = text.encode("utf-8", "surrogatepass")
    if len(data.translate(None, _ASCII_CONTROLS)) == len(data) and not _has_c1(data):
        return text
    return _CONTROL.sub("", text)


# Where a line break must have been, in text whose newlines were removed.
_BREAK_BEFORE = re.compile(
    r"(?<=\S)\s*(?="
    r"(?:E\.\s?O\.|EO)\s?\d{5}\b"  # E.O. 12958
    r"|(?:TAGS?|TAGE)\s*[:;]?\s+[A-Z]{2,}"  # TAGS: PREL
    r"|SUBJ(?:ECT)?\s*:"  # SUBJECT:
    r"|REFS?\s*:|REF\(S\)\s*:"  # REF:
    r"|(?:\(\w{1,4}\)\s*)?CLASSIFIED\s+BY\b"  # (U) Classified By
    r")",
    re.IGNORECASE,
)
# Numbered paragraphs: never inside a number ("10.") or right after a pilcrow.
_PARAGRAPH_BREAK = re.compile(
    r"(?<=\S)(?<![\d\u00b6])\s*(?=\u00b6\s*\d{1,3}\s?\.|\d{1,3}\.\s{1,3}\((?:U|C|S|SBU|LOU|TS)(?:/+[A-Z ]+)?\))"
)
_SIPDIS_GLUED = re.compile(r"(?<=[0-9a-z.])\s*(sipdis)\s*", re.IGNORECASE)
_FINAL_SIGNER = re.compile(r"\s{2,}([A-Z][A-Za-z'-]+(?: [A-Z][A-Za-z'-]+)?)\s*$")


_FIELD_WORD = re.compile(
    r"\b(?:E\.\s?O\.|EO)\s?\d{5}|\bTAGS?\s*[:;]|\bSUBJ(?:ECT)?\s*:|\b\d{1,3}\.\s{1,3}\([A-Z]", re.IGNORECASE
)


def _collapsed_line(line: str) -> bool:
    """A line that holds several fields or paragraphs: its breaks were removed."""
    if len(line) <= 300 or (line.count(":") < 2 and line.count(". (") < 2):
        return False
    found = _FIELD_WORD.finditer(line)
    return next(found, None) is not None and next(found, None) is not None


def reline(text: str) -> str:
    """Put line breaks back before the preamble fields and numbered paragraphs."""
    text = _SIPDIS_GLUED.sub(lambda m: "\n" + m.group(1) + "\n", text)
    text = _BREAK_BEFORE.sub("\n", text)
    text = _PARAGRAPH_BREAK.sub("\n", text)
    # The break can fire twice around "(U) Classified by" and "\u00b61.": join those again.
    text = re.sub(r"\n(\(\w{1,4}\))\n", r"\n\1 ", text).replace("\u00b6\n", "\u00b6")
    return _FINAL_SIGNER.sub(lambda m: "\n" + m.group(1), text)


def normalise(text: str) -> tuple[list[str], list[str], bool]:
    """Return (lines, warnings, converted) for raw cable text.

    *converted* is true where the text came through the web-page-to-text
    converter ("[1](#)" anchors); the body parser then expects pilcrows that
    turned into a bare leading "1".
    """
    warnings: list[str] = []
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if looks_like_markup(text):
        text = strip_markup(text)
        warnings.append("web page markup (pre blocks, links, entities) removed")
    raw_lines = text.split("\n")
    if max(map(len, raw_lines)) > 300 and any(map(_collapsed_line, [ln for ln in raw_lines if len(ln) > 300])):
        text = "\n".join(reline(line) if _collapsed_line(line) else line for line in raw_lines)
        warnings.append("the text had lost its line breaks; they were put back before fields and paragraphs")
    text, artefacts = strip_link_artefacts(text) if "](#" in text else (text, 0)
    if artefacts:
        warnings.append(f"{artefacts} '[1](#)' link artefacts of converted text removed")
    text = text.replace("\u00b6", "").replace("\u00a0", " ")
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        text, count = replace_surrogates(text)
        warnings.append(f"{count} lone surrogate code point(s) (from escapes such as '\\ud800') replaced with U+FFFD")
        data = text.encode("utf-8")
    text = strip_controls(text, data)
    lines = [line.strip() for line in text.split("\n")]
    if "\\" in text and sum(1 for line in lines if line.endswith("\\")) > 3:
        # Database dumps end every line with a backslash continuation.
        lines = [line[:-1].rstrip() if line.endswith("\\") else line for line in lines]
        warnings.append("backslash line continuations removed")
    return lines, warnings, artefacts > 0
