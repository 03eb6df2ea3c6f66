"""Sources: bytes in, cable documents out. The first stage.

An input is looked at once (`open_input`): refused when it cannot be cable
input (empty, binary, far too large), its input style detected by content
(or given), and read whole unless it holds many cables. `documents` then
yields its `Document`s: one for a single-cable file, many, streamed, for
cables.csv and JSON lines. Readers never raise on content: a part they
cannot read becomes a Document with `error` set, and the caller reports it
for that one cable while the rest go on.

Each input style is one entry of `FORMATS` and one module with a `sniff` and
a `read` (or, for multi-cable files, a `stream`) function. The modules are
imported when first used, so that naming the formats costs a command nothing.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType

from .decode import decode_bytes, replace_surrogates, strip_controls
from .document import Document, NoCable, document_sha

__all__ = [
    "FORMATS",
    "Document",
    "Input",
    "NoCable",
    "decode_bytes",
    "detect",
    "document_sha",
    "documents",
    "open_input",
    "read_bytes",
    "read_path",
    "replace_surrogates",
    "reread",
    "strip_controls",
]


@dataclass(frozen=True)
class Format:
    """An input style: its reader module has `sniff(start, lower) -> bool` and either
    `read(text) -> documents` or, for a multi-cable style, `stream(lines) -> documents`."""

    name: str
    module: str  # the reader, a module of this package
    multi: bool = False  # a file of many cables: streamed, and allowed to be of any size
    newline: str | None = None  # how a stream reads line ends ("" keeps them, as csv wants)

    @functools.cached_property
    def reader(self) -> ModuleType:
        return importlib.import_module(f"{__name__}.{self.module}")


# In the order detection tries them: the first whose sniff says yes wins.
FORMATS = {
    f.name: f
    for f in (
        Format("json", "jsondoc"),
        Format("jsonl", "jsonlines", multi=True),
        Format("html", "page"),
        Format("fragment", "fragment"),
        Format("csv", "cablescsv", multi=True, newline=""),
        Format("alx", "alx"),
        Format("text", "text"),
    )
}
HEAD = 8192  # bytes looked at to detect a style or refuse a file


def detect(head: str) -> str:
    """Guess the input style from the first few kilobytes of text."""
    start = head.lstrip("\ufeff \t\r\n")
    # Every page and fragment marker but one holds a "<": lower-casing 2,000
    # characters is the slow part of telling plain text, so it waits for one.
    lower = start[:2000].lower() if "<" in start[:2000] else start[:25].lower()
    return next(f.name for f in FORMATS.values() if f.reader.sniff(start, lower))


# A single cable is at most a few hundred kilobytes (web pages about 200 KB);
# a bigger file that is not a multi-cable format is refused, not parsed.
MAX_SINGLE_BYTES = 32 * 2**20
# Control bytes that text files do not contain (tab, newlines, form feed and ESC aside).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27))


def _looks_binary(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text has NUL bytes
    if b"\0" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return len(head) > 0 and controls / len(head) > 0.1


def refusal(head: bytes, size: int, fmt: str | None) -> str | None:
    """Why a file is not cable input at all (empty, binary, far too large), or None."""
    if size == 0:
        return "empty file"
    multi = fmt is not None and FORMATS[fmt].multi
    if not multi and size > MAX_SINGLE_BYTES:
        detected = fmt or detect(decode_bytes(head)[0])
        if not FORMATS[detected].multi:
            return (
                f"file too large for a cable ({size / 2**20:.0f} MB; a single cable is at most a few "
                f"hundred KB, and only CSV and JSON-lines files may be larger)"
            )
    if not multi and _looks_binary(head):
        return "binary file (an image, archive or other non-text data), not a cable"
    return None


@dataclass
class Input:
    """An input looked at: its style, or why it is refused, and its bytes unless it is
    a multi-cable file (those are streamed from *path*, never loaded)."""

    path: str | None
    fmt: str
    refused: str | None = None
    data: bytes | None = None

    @property
    def multi(self) -> bool:
        return self.refused is None and FORMATS[self.fmt].multi


def look_at(head: bytes, size: int, fmt: str | None, path: str | None = None) -> Input:
    """Refuse or detect from the first bytes of an input (of *size* bytes in all)."""
    if why := refusal(head[:HEAD], size, fmt):
        return Input(path, fmt or "text", refused=why)
    return Input(path, fmt or detect(decode_bytes(head[:HEAD])[0]))


def open_input(path: str, fmt: str | None = None) -> Input:
    """Look at a file once: refuse it, or detect its style and read it whole unless it is a
    multi-cable file. I/O errors (OSError) go to the caller."""
    with open(path, "rb") as handle:
        head = handle.read(HEAD)
        size = os.fstat(handle.fileno()).st_size
        found = look_at(head, size, fmt, path)
        if found.refused is None and not found.multi:
            found.data = head + handle.read()
    return found


def documents(found: Input) -> Iterator[Document]:
    """The documents of an input that was looked at; a refused one yields one error."""
    if found.refused:
        return iter([Document("", found.fmt, error=found.refused)])
    style = FORMATS[found.fmt]
    if found.data is None:
        assert found.path is not None and style.multi
        return _streamed(found.path, style)
    text, warnings = decode_bytes(found.data)
    if style.multi:
        docs = style.reader.stream(io.StringIO(text, newline="\n" if style.newline is None else style.newline))
    else:
        docs = style.reader.read(text)
    return _with_warnings(docs, warnings)


def _streamed(path: str, style: Format) -> Iterator[Document]:
    with open(path, "rb") as raw:
        lines = io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline=style.newline)
        yield from _guarded(style.reader.stream(lines))


def _with_warnings(docs: Iterator[Document], warnings: list) -> Iterator[Document]:
    for doc in _guarded(docs):
        doc.warnings[:0] = warnings
        yield doc


def _guarded(docs: Iterator[Document]) -> Iterator[Document]:
    """A reader that fails ends with an error item instead of an exception."""
    try:
        yield from docs
    except Exception as exc:  # noqa: BLE001 - readers never raise on content
        yield Document("", "text", error=f"the rest of the file could not be read: {type(exc).__name__}: {exc}")


def read_bytes(data: bytes, fmt: str | None = None) -> tuple[str, Iterator[Document]]:
    """Detect (or use) the style of *data* and return (style, documents)."""
    found = look_at(data, len(data), fmt)
    if found.refused is None:
        found.data = data
    return found.fmt, documents(found)


def read_path(path: str, fmt: str | None = None) -> tuple[str, Iterator[Document]]:
    """Like read_bytes for a file, but streams CSV and JSON lines instead of loading them."""
    found = open_input(path, fmt)
    return found.fmt, documents(found)


def reread(source: dict, item: bool = False) -> str | None:
    """A record's cable as its source holds it, when the source is still there and
    unchanged: the cable's own text (a page's <pre> text with its entities decoded, a
    row's text columns, a JSON line's body), or with *item* the whole source item (the
    page, the CSV row, the JSON line). None when the source is gone or changed."""
    path, fmt, position = source.get("path"), source.get("format"), source.get("position")
    if not path or fmt not in FORMATS:
        return None
    try:
        if position is None:
            found = open_input(path, fmt)
            if found.data is None or hashlib.sha256(found.data).hexdigest() != source.get("sha256"):
                return None
            if item:
                return decode_bytes(found.data)[0]
            return next((_own_text(doc) for doc in documents(found) if not doc.error), None)
        for doc in documents(open_input(path, fmt)):
            if doc.position == position:
                if doc.error or document_sha(doc, "") != source.get("sha256"):
                    return None
                return FORMATS[fmt].reader.item(path, position) if item else _own_text(doc)
    except OSError:
        return None
    return None


def _own_text(doc: Document) -> str:
    """A document's cable text as a person reads it: web markup reduced to its text."""
    from .markup import looks_like_markup, strip_markup

    return strip_markup(doc.text) if looks_like_markup(doc.text) else doc.text
