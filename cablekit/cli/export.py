"""`cablekit export`: the store, or a query's matches, as JSON lines or CSV."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..store.export import FORMATS as EXPORT_FORMATS
from .common import (
    EXIT_FAILED,
    EXIT_OK,
    Stdout,
    compile_search,
    existing_store,
    notify,
    report,
    store_option,
)


@click.command()
@click.argument("query", nargs=-1)
@click.option(
    "--format",
    "out_format",
    type=click.Choice(EXPORT_FORMATS),
    default="jsonl",
    show_default=True,
    help="JSON lines (full records) or CSV (flat columns, lists joined with |).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (.gz compresses) instead of stdout.",
)
@click.option("--since", help="Only cables from this date on (2008, 2008-03, 2008-03-25).")
@click.option("--until", help="Only cables up to this date (inclusive).")
@store_option
def export(query, out_format, output, since, until, store_path) -> None:
    """Export the store, or the cables matching a search query, oldest first.

    The query takes everything `cablekit search` takes; without one, every
    cable is exported. Exit status: 0 when something was exported, 1 when
    nothing matched, 2 for a bad query or usage errors.

    \b
    Examples:
      cablekit export > all.jsonl
      cablekit export --format csv 'origin:BAKU date:2008' > baku-2008.csv
      cablekit export -o secret.jsonl.gz 'class:secret'
    """
    from ..atomic import atomic_write
    from ..store import open_index
    from ..store.export import write_records

    compiled = compile_search(query, since, until)
    store = existing_store(store_path)
    index = open_index(store, notify)
    rows = index.search(compiled, sort="date", snippets=False)
    index.close()
    if not rows:
        sys.exit(EXIT_FAILED)
    records = (store.read_at(row["offset"], row["length"]) for row in rows)
    if output:
        with atomic_write(output, text=True) as out:
            count = write_records(records, out, out_format)
        report(f"exported {count} cables to {output}")
    else:
        write_records(records, Stdout(), out_format)
    sys.exit(EXIT_OK)
