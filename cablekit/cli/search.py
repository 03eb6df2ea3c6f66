"""`cablekit search`: the store's full-text index, as a table or JSON lines."""

from __future__ import annotations

import sys

import click

from ..record import dumps
from .common import (
    EXIT_FAILED,
    EXIT_OK,
    compile_search,
    emit,
    existing_store,
    notify,
    report,
    store_option,
)


def _parse_fields(fields: str | None) -> list[str] | None:
    if not fields:
        return None
    return [f.strip() for f in fields.split(",") if f.strip()]


@click.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print full records, one JSON object per line.")
@click.option("--fields", help="With --json, only these fields (comma-separated), e.g. id,date,subject.")
@click.option(
    "-n",
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    help="At most this many results (default 20 in the table, all with --json).",
)
@click.option("--count", is_flag=True, help="Print only the number of matching cables.")
@click.option(
    "--sort",
    type=click.Choice(["relevance", "date"]),
    default="relevance",
    show_default=True,
    help="Best matches first, or oldest first by date.",
)
@click.option("--reverse", is_flag=True, help="Reverse the order.")
@click.option("--since", help="Only cables from this date on (2008, 2008-03, 2008-03-25).")
@click.option("--until", help="Only cables up to this date (inclusive).")
@store_option
def search(query, as_json, fields, limit, count, sort, reverse, since, until, store_path) -> None:
    """Search the store's full-text index.

    \b
    Query language:
      kosovo independence        all words must match
      "territorial integrity"    an exact phrase
      kosovo OR serbia           either;  NOT serbia / -serbia  without
      terr*                      prefix;  ( ... )  grouping
      tag:PREL  origin:BAKU  class:secret  signer:DERSE  subject:kosovo
      ref:08BAKU275 (cables citing it)  id:08BAKU279
      date:2008  date:2008-03  date:2008-01..2008-06

    Exit status: 0 with matches, 1 with none, 2 for a query it cannot read.
    A query that starts with '-' needs '--' before it.

    \b
    Examples:
      cablekit search '"territorial integrity"'
      cablekit search 'tag:PREL date:2008-03' --sort date
      cablekit search --json --fields id,date,subject 'class:secret kosovo' | jq -r .id
      cablekit search --count 'origin:BAKU'
      cablekit search -- -serbia kosovo
    """
    from ..store import open_index

    compiled = compile_search(query, since, until)
    store = existing_store(store_path)
    index = open_index(store, notify)
    try:
        if count:
            n = index.count_matches(compiled)
            emit(str(n))
            sys.exit(EXIT_OK if n else EXIT_FAILED)
        if limit is None and not as_json:
            limit = 20
        rows = index.search(compiled, sort=sort, reverse=reverse, limit=limit, snippets=not as_json)
        if not rows:
            sys.exit(EXIT_FAILED)
        if as_json:
            wanted = _parse_fields(fields)
            for row in rows:
                if wanted:
                    record = store.read_at(row["offset"], row["length"])
                    emit(dumps({k: record.get(k) for k in wanted}))
                else:
                    emit(store.read_line_at(row["offset"], row["length"]))
        else:
            from .render import console, search_table

            out = console()
            search_table(rows, out)
            # Counting every match costs as much as the search: only when the table is full.
            if len(rows) == limit and (total := index.count_matches(compiled)) > len(rows):
                report(f"{len(rows)} of {total} matches shown; use -n to see more")
    finally:
        index.close()
    sys.exit(EXIT_OK)
