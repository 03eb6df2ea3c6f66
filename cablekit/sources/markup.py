"""The markup of web pages around cable text: pre blocks, anchors, tag links, entities.

Only the tags that wrap cable text are removed and only the entities a page
writes on purpose are decoded, so cable text such as "<<Israel>>" or the
mojibake "&regular8" survives. Nothing here parses HTML or fetches anything.
"""

from __future__ import annotations

import re

_MARKUP_TAG = re.compile(
    r"</?(?:a|code|pre|span|b|strong|i|em|p|div|td|tr|th|table|tbody|font|u|h\d)\b[^<>]*>",
    re.IGNORECASE,
)
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
# A bare "&reg" inside a cable is cable text, not an entity.
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|amp|lt|gt|quot|apos|nbsp);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'", "nbsp": " "}
_MARKUP_HINT = re.compile(r"</a>|<a |<br|<pre|&#x000A;")


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


def looks_like_markup(text: str) -> bool:
    # The substring tests are cheap and rule out most plain cables at once.
    return ("<" in text or "&#x000A;" in text) and _MARKUP_HINT.search(text) is not None


def strip_markup(text: str) -> str:
    """Reduce a web page's cable markup (pre blocks, anchors, tag links) to text."""
    text = text.replace("&#x000A;", "\n").replace("&#x000a;", "\n")
    text = _BR.sub("\n", text)
    text = _MARKUP_TAG.sub("", text)
    return _ENTITY.sub(_entity, text)
