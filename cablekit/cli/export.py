"""`cablekit export`: the store, or a query's matches, as JSON lines or CSV."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..store.export import FORMATS as EXPORT_FORMATS
from ..store.export import GRAPH_FORMATS
from .common import (
    EXIT_FAILED,
    EXIT_OK,
    Stdout,
    compile_search,
    corpus,
    report,
    store_option,
)


@click.command()
@click.argument("query", nargs=-1)
@click.option(
    "--format",
    "out_format",
    type=click.Choice(EXPORT_FORMATS + GRAPH_FORMATS),
    default="jsonl",
    show_default=True,
    help="JSON lines (full records), CSV (flat columns, lists joined with |), or the citation graph of the"
    " matches: GraphML (Gephi, networkx), DOT (Graphviz) or an edge list.",
)
@click.option(
    "--depth",
    type=click.IntRange(min=0, max=6),
    default=0,
    help="With a graph format, also the cables up to N citations away from the matches.",
)
@click.option("-n", "--limit", type=click.IntRange(min=1), default=None, help="At most this many cables.")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Pass over this many cables first.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (.gz compresses) instead of stdout.",
)
@click.option("--since", help="Only cables from this date on (2008, 2008-03, 2008-03-25).")
@click.option("--until", help="Only cables up to this date (inclusive).")
@store_option
def export(query, out_format, depth, limit, offset, output, since, until, store_path) -> None:
    """Export the store, or the cables matching a search query, oldest first.

    The query takes everything `cablekit search` takes; without one, every
    cable is exported. Exit status: 0 when something was exported, 1 when
    nothing matched, 2 for a bad query or usage errors.

    \b
    Examples:
      cablekit export > all.jsonl
      cablekit export --format csv 'origin:BAKU date:2008' > baku-2008.csv
      cablekit export -o secret.jsonl.gz 'class:secret'
      cablekit export --format graphml 'origin:CAIRO date:2009' --depth 1 > cairo.graphml
      cablekit export --format dot 'tag:MNUC' | dot -Tsvg > mnuc.svg
    """
    from ..atomic import atomic_write

    compiled = compile_search(query, since, until)
    index = corpus(store_path)
    try:
        rows = index.search(compiled, sort="date", snippets=False, limit=limit, offset=offset)
        if not rows:
            sys.exit(EXIT_FAILED)
        if out_format not in GRAPH_FORMATS:
            _write_records(index, rows, out_format, output)
            sys.exit(EXIT_OK)
        from ..store.graph import WRITERS, neighbourhood, within

        ids = [row["id"] for row in rows]
        graph = neighbourhood(index, ids, depth) if depth else within(index, ids)
    finally:
        index.close()
    if out_format in GRAPH_FORMATS:
        lines = WRITERS[out_format](graph)
        if output:
            with atomic_write(output, text=True) as out:
                out.writelines(lines)
            report(f"exported {len(graph.nodes)} cables and {len(graph.edges)} citations to {output}")
        else:
            sink = Stdout()
            for line in lines:
                sink.write(line)
        sys.exit(EXIT_OK)
    sys.exit(EXIT_OK)


def _write_records(index, rows: list[dict], out_format: str, output: Path | None) -> None:
    from ..atomic import atomic_write
    from ..store.export import write_records

    records = index.records([row["where"] for row in rows])
    if output:
        with atomic_write(output, text=True) as out:
            count = write_records(records, out, out_format)
        report(f"exported {count} cables to {output}")
    else:
        write_records(records, Stdout(), out_format)
