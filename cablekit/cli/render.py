"""Human output: rich rendering for a person at a terminal.

Cable text is untrusted: it is passed to rich only as Text objects (never as
markup) and control characters are stripped first.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

from rich.console import Console
from rich.text import Text

from ..record import level_of, short_class
from ..sources.decode import strip_controls


def console(stderr: bool = False) -> Console:
    """A console that colours only a terminal and honours NO_COLOR."""
    stream = sys.stderr if stderr else sys.stdout
    return Console(
        file=stream, no_color=bool(os.environ.get("NO_COLOR")), highlight=False, soft_wrap=not stream.isatty()
    )


def safe(text: str | None) -> str:
    return strip_controls(text or "")


def class_style(classification: str | None) -> str:
    level = level_of(classification)
    return level.style if level else ""


def progress_bar(label: str, unit: str, extra: str | None = None):
    """A progress bar on stderr: done/total, items per second, time left, and *extra*
    (a column template over the task's fields)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn

    class Rate(ProgressColumn):
        def render(self, task) -> Text:
            return Text(f"{task.speed:,.0f} {unit}/s" if task.speed else "", style="dim")

    columns = [TextColumn(label), BarColumn(), MofNCompleteColumn(), Rate(), TimeRemainingColumn()]
    if extra:
        columns.append(TextColumn(extra, style="dim"))
    # stdout carries records: the bar must never take it over (rich redirects it by default).
    return Progress(*columns, console=console(stderr=True), transient=True, redirect_stdout=False)


def _highlight(snippet: str) -> Text:
    """An FTS snippet with \\x02...\\x03 around matches, as a Text with the matches styled."""
    text = Text(style="dim")
    bold = False
    for part in snippet.replace("\x03", "\x02").split("\x02"):
        if part:
            text.append(safe(part.replace("\n", " ")), style="bold reverse" if bold else None)
        bold = not bold
    return text


def search_table(rows: list[dict], out: Console) -> None:
    """The hits as a table that fits the terminal: short class labels, the subject (and
    the matching passage under it) given the room that is left."""
    from rich.table import Table

    # The id names the station: under 100 columns the origin column gives its room to the subject.
    wide = out.width >= 100
    table = Table(show_lines=False, pad_edge=False, expand=True, box=None, header_style="bold")
    table.add_column("id", no_wrap=True)
    table.add_column("date", no_wrap=True, width=10)
    table.add_column("class", no_wrap=True)
    if wide:
        table.add_column("origin", overflow="ellipsis", no_wrap=True, max_width=14)
    table.add_column("subject", ratio=1, overflow="fold")
    for row in rows:
        subject = Text(safe(row["subject"] or ""), style="bold")
        if row.get("snippet"):
            subject.append("\n")
            subject.append_text(_highlight(row["snippet"]))
        cls = row["classification"] or ""
        cells = [Text(safe(row["id"])), Text((row["date"] or "")[:10]), Text(short_class(cls), style=class_style(cls))]
        if wide:
            cells.append(Text(safe(row["origin"] or "")))
        table.add_row(*cells, subject)
    out.print(table)


def search_lines(rows: list[dict]) -> list[str]:
    """The hits for a pipe: one line each, tab-separated id, date, class, origin, subject."""
    return [
        "\t".join(
            " ".join(safe(str(value or "")).split())
            for value in (
                row["id"],
                (row["date"] or "")[:10],
                short_class(row["classification"]),
                row["origin"],
                row["subject"],
            )
        )
        for row in rows
    ]


def _addressees(items: list[dict]) -> str:
    return "\n".join(" ".join(x for x in (a.get("name"), a.get("precedence")) if x) for a in items)


@contextlib.contextmanager
def paged(out: Console, enabled: bool = True) -> Iterator[None]:
    """Page what is printed inside when stdout is a terminal: $PAGER, else less with
    colours kept and short output printed straight, as git does."""
    if not (enabled and out.is_terminal):
        yield
        return
    os.environ.setdefault("LESS", "FRX")
    with out.pager(styles=True):
        yield


def _marked(text: str, words: list[str], style: str | None = None) -> Text:
    """Untrusted text as a Text, with each of *words* (any case) marked."""
    shown = Text(safe(text), style=style or "")
    for word in words:
        shown.highlight_words([word], style="bold reverse", case_sensitive=False)
    return shown


def _held_mark(cable_id: str, held: dict) -> str:
    """' ✓ date subject' for a cited cable the store holds, '' for another."""
    if cable_id not in held:
        return ""
    date, subject = held[cable_id]
    return f" ✓ {(date or '')[:10]} {safe(subject or '')}".rstrip()


def _reference_lines(record: dict, held: dict) -> Text:
    """The REF items, a cited cable that the store holds marked with its date and subject."""
    out = Text()
    for r in record.get("references") or []:
        if out:
            out.append("\n")
        out.append(safe(f"{r['label'] + '. ' if r.get('label') else ''}{r['text']}"))
        if r.get("id"):
            out.append(f"  [{safe(r['id'])}]")
            out.append(_held_mark(r["id"], held), style="green")
    return out


def show_record(record: dict, out: Console, highlight: list[str] | None = None, graph: dict | None = None) -> None:
    """Header panel, then the numbered paragraphs with their markings, then the signer,
    then the parser's warnings. *highlight*: words to mark. *graph*: the cited cables the
    store holds and the cables that cite this one (a "Cited by" section)."""
    from rich.panel import Panel
    from rich.table import Table

    words = highlight or []
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    header = record.get("header") or {}
    cls = record.get("classification") or ""
    eo = record.get("eo") or {}
    cb = record.get("classified_by") or {}
    held = (graph or {}).get("held") or {}
    refs = _reference_lines(record, held) if record.get("references") else None
    rows = [
        ("ID", record.get("id")),
        ("Date", record.get("date")),
        ("Classification", Text(safe(cls), style=class_style(cls)) if cls else None),
        ("From", header.get("from") or record.get("origin")),
        ("To", _addressees(header.get("to") or [])),
        ("Info", _addressees(header.get("info") or [])),
        ("Tags", " ".join(record.get("tags") or [])),
        ("Subject", _marked(record["subject"], words) if record.get("subject") else None),
        ("References", refs),
        ("Classified by", cb.get("text")),
        ("E.O.", f"{eo.get('order') or ''} {eo.get('text') or ''}".strip() if eo else None),
    ]
    for label, value in rows:
        if value:
            grid.add_row(label, value if isinstance(value, Text) else Text(safe(str(value))))
    out.print(Panel(grid, title=Text(safe(record.get("id") or "")), title_align="left"))
    for p in record.get("paragraphs") or []:
        line = Text()
        if p.get("number") is not None:
            line.append(f"{p['number']}. ", style="bold")
        if p.get("marking"):
            line.append(f"({safe(p['marking'])}) ", style="dim")
        line.append_text(_marked(p.get("text") or "", words))
        out.print(line)
        out.print()
    if record.get("signers"):
        out.print(Text(safe(" / ".join(record["signers"])), style="bold"))
    body_cited = [x for x in record.get("cited") or [] if x.get("id")]
    if body_cited:
        out.print()
        out.print(Text("Cited in the text:", style="bold"))
        for x in body_cited:
            out.print(Text(f"  {safe(x['id'])}").append(_held_mark(x["id"], held), style="green"))
    citing = (graph or {}).get("cited_by") or []
    if citing:
        out.print()
        out.print(Text(f"Cited by ({len(citing)}):", style="bold"))
        for cid, date, subject in citing:
            out.print(Text(f"  {safe(cid)}  {(date or '')[:10]}  {safe(subject or '')}".rstrip()))
    if record.get("warnings"):
        out.print()
        out.print(Text("The parser's warnings about this cable:", style="dim bold"))
        for warning in record["warnings"]:
            out.print(Text(f"  - {safe(warning)}", style="dim"))


# --- counts --------------------------------------------------------------------------


def fill_timeline(by: str, counts: list[tuple[str | None, int]]) -> list[tuple[str | None, int]]:
    """Years or months in order, with the ones between that have no cable as zero; the
    count of undated cables (value None) last."""
    dated = {v: n for v, n in counts if v}
    undated: list[tuple[str | None, int]] = [(None, n) for v, n in counts if not v]
    if not dated:
        return undated
    first, last = min(dated), max(dated)
    if by == "year":
        values = [str(y) for y in range(int(first), int(last) + 1)]
    else:
        y, m = int(first[:4]), int(first[5:7])
        values = []
        while f"{y:04d}-{m:02d}" <= last:
            values.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    filled: list[tuple[str | None, int]] = [(v, dated.get(v, 0)) for v in values]
    return filled + undated


def by_value(item: tuple[str | None, int]) -> tuple[bool, str]:
    """Sort key of a (value, count) pair by its value, the pair without a value last."""
    return (item[0] is None, item[0] or "")


def count_label(value: str | None, by: str) -> str:
    if value:
        return safe(value)
    return {"year": "(no date)", "month": "(no date)"}.get(by, f"(no {by})")


def count_table(by: str, counts: list[tuple[str | None, int]], total: int, out: Console) -> None:
    """Counts as a table with a bar per value, fitted to the terminal (80 columns at
    least leave the bar 20); under NO_COLOR the bars are plain characters all the same."""
    from rich.table import Table

    if not counts:
        return
    labels = [count_label(v, by) for v, _ in counts]
    numbers = [f"{n:,}" for _, n in counts]
    label_width = max(len(by), min(max(len(label) for label in labels), 30))
    number_width = max(len("cables"), max(len(x) for x in numbers))
    # label, count, bar and share, with a space between columns (pad_edge off).
    bar_room = max(10, out.width - label_width - number_width - 4 - 6)
    top = max(n for _, n in counts) or 1
    table = Table(box=None, pad_edge=False, header_style="bold", show_header=True, padding=(0, 1))
    table.add_column(by, no_wrap=True, overflow="ellipsis", width=label_width)
    table.add_column("cables", justify="right", no_wrap=True, width=number_width)
    table.add_column("", no_wrap=True, width=bar_room)
    table.add_column("%", justify="right", no_wrap=True, style="dim", width=4)
    for label, number, (_, n) in zip(labels, numbers, counts, strict=True):
        width = round(n / top * bar_room)
        bar = Text("█" * width if width or not n else "▏", style="cyan")
        share = f"{n / total:.0%}" if total else ""
        table.add_row(Text(label), number, bar, share)
    out.print(table)


def count_lines(by: str, counts: list[tuple[str | None, int]]) -> list[str]:
    """Counts for a pipe: value and count, tab-separated, one line each."""
    return [f"{' '.join(count_label(v, by).split())}\t{n}" for v, n in counts]


def stats_view(summary: dict, out: Console) -> None:
    """The store's summary for a person: a few figures, then the timeline and the top lists."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    first, last = (summary["first_date"] or "")[:10], (summary["last_date"] or "")[:10]
    rows = [
        ("Records", f"{summary['records']:,}"),
        ("Dates", f"{first} to {last}" if first else "none"),
        ("With warnings", f"{summary['with_warnings']:,}"),
        (
            "Store",
            f"{summary['store_bytes'] / 2**20:,.1f} MB records.jsonl, {summary['index_bytes'] / 2**20:,.1f} MB index",
        ),
        ("Input styles", ", ".join(f"{safe(i['value'])} {i['count']:,}" for i in summary["formats"])),
    ]
    for label, value in rows:
        grid.add_row(label, Text(value))
    out.print(grid)
    total = summary["records"]
    sections = [
        ("year", "Cables per year", fill_timeline("year", [(i["value"], i["count"]) for i in summary["per_year"]])),
        ("origin", "Top origins", [(i["value"], i["count"]) for i in summary["origins"]]),
        ("tag", "Top tags", [(i["value"], i["count"]) for i in summary["tags"]]),
        ("class", "Classifications", [(i["value"], i["count"]) for i in summary["classifications"]]),
        ("warning", "Top warnings", [(i["value"], i["count"]) for i in summary["warnings"]]),
    ]
    for by, title, counts in sections:
        if counts:
            out.print()
            out.print(Text(title, style="bold underline"))
            count_table(by, counts, total, out)


def citation_tree(root: str, edges: list[dict], held: dict, out: Console) -> None:
    """The neighbourhood as a tree: '→' a cable cited, '←' a cable citing; the cables the
    store does not hold and those shown already are said to be so."""
    from rich.tree import Tree

    def label(cid: str) -> Text:
        node = held.get(cid)
        if node is None:
            return Text(f"{safe(cid)}  (not in the store)", style="dim")
        return Text(f"{safe(cid)}  {(node['date'] or '')[:10]}  {safe(node['subject'] or '')}".rstrip())

    tree = Tree(label(root))
    branches = {root: tree}
    for e in edges:
        parent = branches.get(e["from"])
        if parent is None:
            continue
        other = e["cited"] if e["direction"] == "cites" else e["citing"]
        text = Text("→ " if e["direction"] == "cites" else "← ", style="bold")
        text.append_text(label(other))
        if e["year_inferred"]:
            text.append("  (year inferred)", style="dim")
        if e["seen_before"]:
            text.append("  (listed elsewhere in the tree)", style="dim")
        branch = parent.add(text)
        if not e["seen_before"]:
            branches[other] = branch
    out.print(tree)
