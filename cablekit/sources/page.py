"""Web pages of the WikiLeaks cable sites (format "html").

The cable is in the `<pre>` blocks (transmission header, then body); the
metadata table and the `<h3>` title say what the site knew about it. Only
those two elements go to lxml, with no network and no entity expansion.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from .document import Document, without_empty
from .markup import strip_markup


def sniff(start: str, lower: str) -> bool:
    return (
        lower.startswith(("<?xml", "<!doctype", "<html"))
        or "<html" in lower
        or "<table class='cable'>" in lower
        or "<h3>viewing cable" in lower
    )


_TAG_LINK = re.compile(r"<a\s[^>]*href=['\"][^'\"]*/tag/[^'\"]*['\"][^>]*>(.*?)</a>", re.IGNORECASE | re.DOTALL)


@functools.lru_cache(maxsize=1)
def _page_parser() -> Any:
    """One lxml parser per process, reused: making one costs more than reading a page's table."""
    from lxml import html

    # No network, no entity expansion: a page is read as it is, nothing fetched.
    return html.HTMLParser(no_network=True, remove_comments=True, recover=True, huge_tree=False)


def _html_tree(page: str) -> Any:
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


def _text(element: Any) -> str:
    return " ".join(element.text_content().split())


def page_metadata(page: str) -> dict[str, Any]:
    """The metadata table, <h3> title and article list of a WikiLeaks cable page."""
    meta: dict[str, Any] = {}
    # Only the table and the title go to lxml: the rest of a page (navigation,
    # help text, the cable itself) is 95% of its bytes and none of its metadata.
    table = _span(page, ("<table class='cable'", '<table class="cable"'), "</table>", _TABLE)
    title = _span(page, ("<h3>Viewing cable", "<h3>\nViewing cable"), "</h3>", _TITLE)
    parts = [p for p in (table, title) if p]
    tree = _html_tree("<html><body>" + "".join(parts) + "</body></html>") if parts else _html_tree(page)
    if tree is None:
        return meta
    for element in tree.iter("table"):
        if "cable" not in (element.get("class") or "").split():
            continue
        headers = [_text(th).lower() for th in element.iter("th")]
        for row in element.iter("tr"):
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
        heading = _text(h3)
        if heading.startswith("Viewing cable"):
            meta["title"] = heading
            m = re.match(r"Viewing cable ([^,]*),?\s*(.*)$", heading)
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


def read(text: str) -> Iterator[Document]:
    meta = page_metadata(text)
    pres = pre_blocks(text)
    if not pres:
        yield Document("", "html", _html_meta(meta, []), error="web page without a <pre> block: no cable text")
        return
    tags = [" ".join(strip_markup(t).split()) for t in _TAG_LINK.findall(pres[-1])]
    body = "\n\n".join(pres)
    yield Document(body, "html", _html_meta(meta, tags))


def _html_meta(meta: dict[str, Any], tags: list[str]) -> dict[str, Any]:
    return without_empty(
        {
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
    )
