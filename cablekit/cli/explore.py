"""`cablekit stats`: what the store holds, counted from its index."""

from __future__ import annotations

import sys

import click

from ..record import dumps
from .common import EXIT_FAILED, EXIT_OK, compile_search, corpus, emit, report, store_option

# --list NAME -> what the index counts by.
_LISTS = {
    "tags": "tag",
    "origins": "origin",
    "signers": "signer",
    "classes": "class",
    "years": "year",
    "months": "month",
    "formats": "format",
    "warnings": "warning",
}
_TOP = 10


@click.command()
@click.argument("query", nargs=-1)
@click.option("--list", "list_name", type=click.Choice(list(_LISTS)), help="Every value of one field, with counts.")
@click.option("--top", type=click.IntRange(min=1), default=None, help="Only the N largest counts of each list.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object (with --list: one per value).")
@store_option
def stats(query, list_name, top, as_json, store_path) -> None:
    """Summarise the store: records, dates, cables per year, the top origins, tags and
    classifications, input styles, warnings, and the sizes of the store and its index.

    With --list, every value of one field and how many cables have it, most first;
    a QUERY restricts the counts to the cables it matches.

    \b
    Examples:
      cablekit stats
      cablekit stats --list tags --top 20
      cablekit stats --list origins 'tag:MNUC'
      cablekit stats --json | jq .records
    """
    compiled = compile_search(query, None, None) if query else None
    index = corpus(store_path)
    try:
        if list_name:
            by = _LISTS[list_name]
            counts = index.group_counts(compiled, by)
            if top:
                counts = counts[:top]
            if not counts:
                report("no cables match" if query else "the store holds no cables")
                sys.exit(EXIT_FAILED)
            if as_json:
                for value, n in counts:
                    emit(dumps({"value": value, "count": n}))
            elif sys.stdout.isatty():
                from .render import console, count_table

                total = index.count_matches(compiled) if compiled else index.count()
                count_table(by, counts, total, console())
                report(f"{len(counts):,} values")
            else:
                from .render import count_lines

                for line in count_lines(by, counts):
                    emit(line)
            sys.exit(EXIT_OK)
        if query:
            report("a QUERY goes with --list")
            sys.exit(2)
        summary = _summary(index, top or _TOP)
    finally:
        index.close()
    if as_json:
        emit(dumps(summary))
    elif sys.stdout.isatty():
        from .render import console, stats_view

        stats_view(summary, console())
    else:
        for line in _summary_lines(summary):
            emit(line)
    sys.exit(EXIT_OK)


def _summary(index, top: int) -> dict:
    from .render import by_value

    first, last = index.date_range()
    store_bytes, index_bytes = index.sizes()
    return {
        "records": index.count(),
        "first_date": first,
        "last_date": last,
        "per_year": [{"value": v, "count": n} for v, n in sorted(index.group_counts(None, "year"), key=by_value)],
        "origins": _listed(index.group_counts(None, "origin")[:top]),
        "tags": _listed(index.group_counts(None, "tag")[:top]),
        "classifications": _listed(index.group_counts(None, "class")),
        "formats": _listed(index.group_counts(None, "format")),
        "with_warnings": index.with_facet("warning"),
        "warnings": _listed(index.group_counts(None, "warning")[:top]),
        "store_bytes": store_bytes,
        "index_bytes": index_bytes,
    }


def _listed(counts: list[tuple[str | None, int]]) -> list[dict]:
    return [{"value": v, "count": n} for v, n in counts]


def _summary_lines(summary: dict) -> list[str]:
    """The summary for a pipe: 'name<TAB>value' lines, and 'list<TAB>value<TAB>count'."""
    lines = [f"{key}\t{summary[key]}" for key in ("records", "first_date", "last_date", "with_warnings")]
    lines += [f"{key}\t{summary[key]}" for key in ("store_bytes", "index_bytes")]
    for key in ("per_year", "origins", "tags", "classifications", "formats", "warnings"):
        lines += [f"{key}\t{item['value'] or ''}\t{item['count']}" for item in summary[key]]
    return lines


@click.command()
@click.argument("cable_id")
@click.option("--depth", type=click.IntRange(min=1, max=6), default=1, show_default=True, help="Citations away.")
@click.option(
    "--direction",
    type=click.Choice(["cites", "cited-by", "both"]),
    default="both",
    show_default=True,
    help="The cables it cites, the cables citing it, or both.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per edge.")
@store_option
def refs(cable_id, depth, direction, as_json, store_path) -> None:
    """The citation neighbourhood of a cable: what it cites and what cites it.

    On a terminal a tree (a cable listed twice is marked so, one the
    store does not hold 'not in the store'); through a pipe one edge a line,
    citing and cited id, tab-separated, with the depth; with --json, objects.
    Exit status: 0, or 1 when the cable has no citations either way.

    \b
    Examples:
      cablekit refs 09CAIRO2
      cablekit refs 09CAIRO2 --depth 2 --direction cited-by
      cablekit refs --json 08BAKU279 | jq -r .cited
    """
    from ..record import normalise_id
    from ..store.graph import walk

    cable_id = normalise_id(cable_id)
    index = corpus(store_path)
    try:
        edges = walk(index, [cable_id], depth, direction)
        held = index.nodes(sorted({cable_id} | {e[k] for e in edges for k in ("citing", "cited")}))
    finally:
        index.close()
    if cable_id not in held:
        report(f"{cable_id} is not in the store; its citations are those of the cables that cite it")
    if not edges:
        report(f"no citations of or by {cable_id}")
        sys.exit(EXIT_FAILED)
    if as_json:
        for e in edges:
            emit(dumps({**e, "citing_in_store": e["citing"] in held, "cited_in_store": e["cited"] in held}))
    elif sys.stdout.isatty():
        from .render import citation_tree, console

        citation_tree(cable_id, edges, held, console())
    else:
        for e in edges:
            emit(f"{e['citing']}\t{e['cited']}\t{e['depth']}")
    sys.exit(EXIT_OK)
