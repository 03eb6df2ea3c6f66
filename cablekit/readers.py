"""Input styles: detect what a file holds and turn it into cable documents.

Each reader yields `Document`s: the cable's text (what the text parser reads)
plus whatever metadata the source carries (a web page's table, a CSV row's
columns, a JSON record's fields). A file holding many cables (cables.csv,
JSON lines) yields many documents. Readers never raise on content: a part
they cannot read becomes a Document with `error` set, and the caller reports
it for that one cable while the rest go on.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .cleanup import replace_surrogates, strip_markup
from .decode import decode_bytes


@dataclass
class Document:
    text: str
    fmt: str
    meta: dict = field(default_factory=dict)
    position: int | None = None  # row or line number inside a multi-cable file
    warnings: list[str] = field(default_factory=list)
    error: str | None = None  # this part could not be read at all


# --- detection -------------------------------------------------------------------

_CSV_ROW = re.compile(r'^"?\d+"?,"?\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}"?,')
_ALX_DATE = re.compile(r"^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} [+-]\d{4} \d{4}$")
_ID_LINE = re.compile(r"^\d{2,4}[A-Z]+\d+(?:_[a-z])?$")


def detect(head: str) -> str:
    """Guess the input style from the first few kilobytes of text."""
    start = head.lstrip("\ufeff \t\r\n")
    if re.match(r"^[A-Za-z_$][\w$]*\s*\(\s*\{", start):
        return "json"  # JSONP: callback({...})
    if start.startswith("{"):
        first = start.split("\n", 1)[0]
        try:
            obj = json.loads(first)
        except ValueError:
            obj = None
        if isinstance(obj, dict) and "items" in obj:
            return "json"
        return "jsonl"
    # Every page and fragment marker but one holds a "<": lower-casing 2,000
    # characters is the slow part of telling plain text, so it waits for one.
    lower = start[:2000].lower() if "<" in start[:2000] else start[:25].lower()
    if (
        lower.startswith(("<?xml", "<!doctype", "<html"))
        or "<html" in lower
        or "<table class='cable'>" in lower
        or "<h3>viewing cable" in lower
    ):
        return "html"
    if lower.startswith(("<code><pre>", "<pre>")) or lower.startswith("appears in these articles"):
        return "fragment"
    lines = start.split("\n", 8)[:8]
    if any(_CSV_ROW.match(line) for line in lines[:3]):
        return "csv"
    if len(lines) >= 5 and _ID_LINE.match(lines[0].strip()) and _ALX_DATE.match(lines[2].strip()):
        return "alx"
    return "text"


# --- web pages -------------------------------------------------------------------

_TAG_LINK = re.compile(r"<a\s[^>]*href=['\"][^'\"]*/tag/[^'\"]*['\"][^>]*>(.*?)</a>", re.IGNORECASE | re.DOTALL)


@functools.lru_cache(maxsize=1)
def _page_parser():
    """One lxml parser per process, reused (making one for each page cost 3 us)."""
    from lxml import html

    # No network, no entity expansion: a page is read as it is, nothing fetched.
    return html.HTMLParser(no_network=True, remove_comments=True, recover=True, huge_tree=False)


def _html_tree(page: str):
    from lxml import etree, html

    parser = _page_parser()
    # Handed over as text (already decoded), so lxml never guesses an encoding;
    # an XML declaration must go first, since lxml refuses it in text.
    page = re.sub(r"^\s*<\?xml[^>]*\?>", "", page)
    try:
        return html.document_fromstring(page, parser=parser)
    except (etree.ParserError, ValueError):
        return None


_TABLE = re.compile(r"<table class=['\"]cable['\"].*?</table>", re.IGNORECASE | re.DOTALL)
_TITLE = re.compile(r"<h3>\s*Viewing cable.*?</h3>", re.IGNORECASE | re.DOTALL)


def _span(page: str, opens: tuple[str, ...], close: str, pattern: re.Pattern) -> str | None:
    """The first element that *pattern* finds; str.find first, for the way pages write it."""
    for open_ in opens:
        start = page.find(open_)
        if start >= 0:
            end = page.find(close, start)
            if end >= 0:
                return page[start : end + len(close)]
    m = pattern.search(page)
    return m.group(0) if m else None


def _text(element) -> str:
    return " ".join(element.text_content().split())


def page_metadata(page: str) -> dict:
    """The metadata table, <h3> title and article list of a WikiLeaks cable page."""
    meta: dict = {}
    # Only the table and the title go to lxml: the rest of a page (navigation,
    # help text, the cable itself) is 95% of its bytes and none of its metadata.
    table = _span(page, ("<table class='cable'", '<table class="cable"'), "</table>", _TABLE)
    title = _span(page, ("<h3>Viewing cable", "<h3>\nViewing cable"), "</h3>", _TITLE)
    parts = [p for p in (table, title) if p]
    tree = _html_tree("<html><body>" + "".join(parts) + "</body></html>") if parts else _html_tree(page)
    if tree is None:
        return meta
    for table in tree.iter("table"):
        if "cable" not in (table.get("class") or "").split():
            continue
        headers = [_text(th).lower() for th in table.iter("th")]
        for row in table.iter("tr"):
            tds = [cell for cell in row if cell.tag == "td"]
            if not tds:
                continue
            raw = [td.text_content() for td in tds]
            if len(tds) == len(headers):
                for name, value in zip(headers, raw, strict=True):
                    meta.setdefault(name, " ".join(value.split()))
            for td, text in zip(tds, raw, strict=True):
                if "Appears in these articles" in text:
                    meta["articles"] = [a.get("href") for a in td.iter("a") if a.get("href") is not None]
        break
    for h3 in tree.iter("h3"):
        title = _text(h3)
        if title.startswith("Viewing cable"):
            meta["title"] = title
            m = re.match(r"Viewing cable ([^,]*),?\s*(.*)$", title)
            if m:
                meta["subject"] = m.group(2).strip() or None
            break
    return meta


_PRE_OPEN = re.compile(r"<pre[^>]*>", re.IGNORECASE)


def pre_blocks(page: str) -> list[str]:
    """The raw text of each <pre> block (found with str.find: pages are large)."""
    blocks = []
    pos = 0
    while m := _PRE_OPEN.search(page, pos):
        end = page.find("</pre>", m.end())
        if end < 0:
            end = page.lower().find("</pre>", m.end())
        if end < 0:
            break
        blocks.append(page[m.end() : end])
        pos = end + 6
    return blocks


def read_html(text: str) -> Iterator[Document]:
    meta = page_metadata(text)
    pres = pre_blocks(text)
    if not pres:
        yield Document("", "html", _html_meta(meta, []), error="web page without a <pre> block: no cable text")
        return
    tags = [" ".join(strip_markup(t).split()) for t in _TAG_LINK.findall(pres[-1])]
    body = "\n\n".join(pres)
    yield Document(body, "html", _html_meta(meta, tags))


def _html_meta(meta: dict, tags: list[str]) -> dict:
    out = {
        "id": meta.get("reference id"),
        "date": meta.get("created") or meta.get("date"),
        "classification": meta.get("classification"),
        "origin": meta.get("origin"),
        "subject": meta.get("subject"),
        "tag_links": tags,
        "articles": meta.get("articles") or [],
        # Page times before Aug-2011 show the hour where the minutes belong:
        # only the date and the hour can be trusted.
        "date_precision": "minute" if (meta.get("released") or "") >= "2011-08" else "hour",
    }
    return {k: v for k, v in out.items() if v not in (None, "")}


# --- fragments (a body <pre>, maybe followed by a CSV-style record) ---------------------


def read_fragment(text: str) -> Iterator[Document]:
    stripped = text.strip()
    if stripped.lower().startswith("appears in these articles") and "<pre" not in stripped.lower():
        yield Document("", "fragment", {}, error="no cable: the file holds only an 'Appears in these articles' stub")
        return
    pre = re.search(r"<pre[^>]*>(.*)", text, re.IGNORECASE | re.DOTALL)
    inner = pre.group(1) if pre else text
    inner = re.sub(r"</pre>\s*</code>\s*$", "", inner.rstrip(), flags=re.IGNORECASE)
    # A cut-off <pre> ("...") followed by a cables.csv-style record in another dialect.
    m = re.search(r'\.\.\.\s*\n+",\s*\n(\d+,\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2},.*)$', inner, re.DOTALL)
    if m:
        row = _read_loose_csv(m.group(1))
        if row:
            yield _csv_document(row, "fragment", None)
            return
    yield Document(inner, "fragment", {})


def _read_loose_csv(text: str) -> list[str] | None:
    """The fragments' CSV dialect: doubled quotes, some fields unquoted."""
    try:
        rows = list(csv.reader(io.StringIO(text), doublequote=True))
    except csv.Error:
        return None
    return rows[0] if rows and len(rows[0]) >= 8 else None


# --- cables.csv -----------------------------------------------------------------


def _csv_document(row: list[str], fmt: str, position: int | None) -> Document:
    if len(row) < 8:
        return Document("", fmt, {}, position, error=f"CSV row with {len(row)} fields, expected 8")
    _, created, ref_id, origin, classification, references, header, body = row[:8]
    refs = [r.strip() for r in re.split(r"[|,]", references) if r.strip()]
    meta = {
        "id": ref_id.strip(),
        "date": created.strip(),
        "classification": classification.strip(),
        "origin": origin.strip(),
        "references": refs,
        "date_precision": "minute",
    }
    text = header.rstrip() + "\n\n" + body if header.strip() else body
    return Document(text, fmt, {k: v for k, v in meta.items() if v not in (None, "")}, position)


def read_csv_stream(stream: io.TextIOBase) -> Iterator[Document]:
    """cables.csv rows, one Document each, read as a stream (never the whole file)."""
    # `aa` starts with a stray quote line before the first record.
    first = stream.readline()
    while first and not first.strip():
        first = stream.readline()
    if first.strip() == '"':
        first = ""
    lines = _chain(first, stream)
    reader = csv.reader(lines, escapechar="\\", doublequote=False, strict=False)
    position = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            position += 1
            yield Document("", "csv", {}, position, error=f"CSV row {position} unreadable: {exc}")
            continue
        if not row or not any(cell.strip() for cell in row):
            continue
        position += 1
        yield _csv_document(row, "csv", position)


def _chain(first: str, stream) -> Iterator[str]:
    if first:
        yield first
    yield from stream


# --- JSON lines, JSON, JSONP ------------------------------------------------------

_JSON_TEXT_KEYS = ("body", "text", "content")


def _without_surrogates(value, counter: list[int]):
    """*value* with lone surrogates in its strings made U+FFFD (the text gets its own
    warning from the clean-up; these are the metadata's)."""
    if isinstance(value, str):
        value, count = replace_surrogates(value)
        counter[0] += count
        return value
    if isinstance(value, list):
        return [_without_surrogates(v, counter) for v in value]
    if isinstance(value, dict):
        return {k: _without_surrogates(v, counter) for k, v in value.items()}
    return value


def _json_document(obj: dict, fmt: str, position: int | None) -> Document:
    counter = [0]
    meta_obj = _without_surrogates({k: v for k, v in obj.items() if k not in _JSON_TEXT_KEYS}, counter)
    doc = _json_fields(dict(obj, **meta_obj), fmt, position)
    if counter[0]:
        doc.warnings.append(f"{counter[0]} lone surrogate code point(s) in the metadata replaced with U+FFFD")
    return doc


def _json_fields(obj: dict, fmt: str, position: int | None) -> Document:
    body = next((obj[k] for k in _JSON_TEXT_KEYS if isinstance(obj.get(k), str)), "")
    header = obj.get("header") if isinstance(obj.get("header"), str) else ""
    # Not "_id": some exports keep the cable's references there, not its id.
    ref_id = obj.get("reference_id") or obj.get("id")
    meta = {
        "id": ref_id if isinstance(ref_id, str) else None,
        "date": obj.get("date_time") or obj.get("date") or obj.get("created"),
        "classification": obj.get("classification"),
        "origin": obj.get("origin"),
        "subject": obj.get("subject"),
        "date_precision": "minute",
    }
    if isinstance(obj.get("tags"), list):
        meta["tag_links"] = [str(t) for t in obj["tags"]]
    text = (header.rstrip() + "\n\n" + body) if header.strip() else body
    return Document(text, fmt, {k: v for k, v in meta.items() if v not in (None, "")}, position)


def read_jsonl_stream(stream: io.TextIOBase) -> Iterator[Document]:
    position = 0
    for line in stream:
        position += 1
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            obj = _repair_json_line(line)
            if obj is None:
                if line.lstrip().startswith("{"):
                    yield Document(
                        "", "jsonl", {}, position, error=f"line {position} is not valid JSON and could not be repaired"
                    )
                # Lines such as "Gaza::20" after the records belong to no cable.
                continue
            doc = _json_document(obj, "jsonl", position)
            doc.warnings.append(
                f"line {position} was not valid JSON (unescaped quotes inside the body); "
                f"read by splitting at its field names"
            )
            yield doc
            continue
        if isinstance(obj, dict):
            yield _json_document(obj, "jsonl", position)


_JSON_FIELD = re.compile(r'"(\w+)"\s*:\s*"')


def _repair_json_line(line: str) -> dict | None:
    """Mongo exports with unescaped quotes inside string values: split on the known keys."""
    line = line.strip()
    if not (line.startswith("{") and line.endswith("}")):
        return None
    keys = list(_JSON_FIELD.finditer(line))
    if not keys:
        return None
    obj = {}
    for k, m in enumerate(keys):
        end = keys[k + 1].start() if k + 1 < len(keys) else len(line) - 1
        value = line[m.end() : end].rstrip().rstrip(",").rstrip()
        if value.endswith('"'):
            value = value[:-1]
        try:
            obj[m.group(1)] = json.loads('"' + value.replace('\\"', '"').replace('"', '\\"') + '"')
        except ValueError:
            obj[m.group(1)] = value
    obj["_repaired"] = True
    return obj


def read_json(text: str) -> Iterator[Document]:
    """One JSON document (or JSONP) holding {"items": [...]} or a single record."""
    body = text.strip()
    m = re.match(r"^[A-Za-z_$][\w$]*\s*\((.*)\)\s*;?\s*$", body, re.DOTALL)
    if m:
        body = m.group(1)
    try:
        obj = json.loads(body)
    except ValueError as exc:
        yield Document("", "json", {}, error=f"not valid JSON: {exc}")
        return
    items = obj.get("items") if isinstance(obj, dict) and isinstance(obj.get("items"), list) else [obj]
    for position, item in enumerate(items, 1):
        if isinstance(item, dict):
            yield _json_document(item, "json", position if len(items) > 1 else None)


# --- alx text (five metadata lines, then the body) --------------------------------------


def read_alx(text: str) -> Iterator[Document]:
    lines = text.split("\n")
    ref_id, subject, created, classification, origin = (line.strip() for line in (lines + [""] * 5)[:5])
    meta = {
        "id": ref_id,
        "subject": subject or None,
        "date": created,
        "classification": classification,
        "origin": origin,
        "date_precision": "day",
    }
    yield Document("\n".join(lines[5:]), "alx", {k: v for k, v in meta.items() if v})


# --- entry point --------------------------------------------------------------------

# A single cable is at most a few hundred kilobytes (web pages about 200 KB);
# a bigger file that is not a multi-cable format is refused, not parsed.
MAX_SINGLE_BYTES = 32 * 2**20


def refusal(head: bytes, size: int, fmt: str | None) -> str | None:
    """Why a file is not cable input at all (empty, binary, far too large), or None."""
    if size == 0:
        return "empty file"
    if fmt not in ("csv", "jsonl") and size > MAX_SINGLE_BYTES:
        detected = fmt or detect(decode_bytes(head)[0])
        if detected not in ("csv", "jsonl"):
            return (
                f"file too large for a cable ({size / 2**20:.0f} MB; a single cable is at most a few "
                f"hundred KB, and only CSV and JSON-lines files may be larger)"
            )
    if fmt in (None, "text", "html", "fragment", "json", "alx") and _looks_binary(head):
        return "binary file (an image, archive or other non-text data), not a cable"
    return None


# Control bytes that text files do not contain (tab, newlines, form feed and ESC aside).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27))


def _looks_binary(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text has NUL bytes
    if b"\0" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return len(head) > 0 and controls / len(head) > 0.1


def read_bytes(data: bytes, fmt: str | None = None) -> tuple[str, Iterator[Document]]:
    """Detect (or use) the format of *data* and return (format, documents)."""
    if why := refusal(data[:8192], len(data), fmt):
        return fmt or "text", iter([Document("", fmt or "text", error=why)])
    text, warnings = decode_bytes(data)
    fmt = fmt or detect(text[:8192])
    docs = _dispatch(text, fmt)
    return fmt, _with_warnings(docs, warnings)


def _dispatch(text: str, fmt: str) -> Iterator[Document]:
    if fmt == "html":
        return read_html(text)
    if fmt == "fragment":
        return read_fragment(text)
    if fmt == "csv":
        return read_csv_stream(io.StringIO(text, newline=""))
    if fmt == "jsonl":
        return read_jsonl_stream(io.StringIO(text))
    if fmt == "json":
        return read_json(text)
    if fmt == "alx":
        return read_alx(text)
    return iter([Document(text, "text")])


def _with_warnings(docs: Iterator[Document], warnings: list[str]) -> Iterator[Document]:
    for doc in _guarded(docs):
        doc.warnings[:0] = warnings
        yield doc


def _guarded(docs: Iterator[Document]) -> Iterator[Document]:
    """A reader that fails ends with an error item instead of an exception."""
    try:
        yield from docs
    except Exception as exc:  # noqa: BLE001 - readers never raise on content
        yield Document("", "text", error=f"the rest of the file could not be read: {type(exc).__name__}: {exc}")


def read_path(path: str, fmt: str | None = None) -> tuple[str, Iterator[Document]]:
    """Like read_bytes for a file, but streams CSV and JSON lines instead of loading them."""
    import os

    with open(path, "rb") as handle:
        head = handle.read(8192)
        size = os.fstat(handle.fileno()).st_size
    if why := refusal(head, size, fmt):
        return fmt or "text", iter([Document("", fmt or "text", error=why)])
    text_head, _ = decode_bytes(head[:8192])
    fmt = fmt or detect(text_head)
    if fmt in ("csv", "jsonl"):
        return fmt, _stream(path, fmt)
    with open(path, "rb") as handle:
        return read_bytes(handle.read(), fmt)


def _stream(path: str, fmt: str) -> Iterator[Document]:
    with open(path, "rb") as raw:
        stream = io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="" if fmt == "csv" else None)
        yield from _guarded(read_csv_stream(stream) if fmt == "csv" else read_jsonl_stream(stream))
