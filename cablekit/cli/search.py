"""`cablekit search`: the store's full-text index, as a table or JSON lines."""

from __future__ import annotations

import sys

import click

from ..record import FIELD_NAMES, dumps
from .common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    compile_search,
    corpus,
    emit,
    report,
    store_option,
)


def _parse_fields(fields: str | None) -> list[str] | None:
    """--fields as a list; a name that is no field of the record is a usage error."""
    if not fields:
        return None
    wanted = [f.strip() for f in fields.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in FIELD_NAMES]
    if unknown:
        report(f"no field {', '.join(repr(f) for f in unknown)} (fields: {', '.join(FIELD_NAMES)})")
        sys.exit(EXIT_USAGE)
    return wanted


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
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Pass over this many results first.")
@click.option("--count", is_flag=True, help="Print only the number of matching cables.")
@click.option(
    "--sort",
    type=click.Choice(["relevance", "date", "count", "value"]),
    default="relevance",
    show_default=True,
    help="Best matches first, or oldest first by date; with --by, most first (count) or in order (value).",
)
@click.option(
    "--by",
    "group_by",
    multiple=True,
    type=click.Choice(["year", "month", "origin", "tag", "class", "signer"]),
    help="Count the matches per year, month, origin, tag, class or signer instead of listing them (repeatable).",
)
@click.option("--top", type=click.IntRange(min=1), default=None, help="With --by, only the N largest counts.")
@click.option("--reverse", is_flag=True, help="Reverse the order.")
@click.option("--since", help="Only cables from this date on (2008, 2008-03, 2008-03-25).")
@click.option("--until", help="Only cables up to this date (inclusive).")
@store_option
def search(
    query, as_json, fields, limit, offset, count, sort, group_by, top, reverse, since, until, store_path
) -> None:
    """Search the store's full-text index.

    \b
    Query language:
      kosovo independence        all words must match
      "territorial integrity"    an exact phrase
      kosovo OR serbia           either;  NOT serbia / -serbia  without
      terr*                      prefix;  ( ... )  grouping
      tag:PREL  origin:BAKU  class:secret  signer:DERSE  subject:kosovo
      classified_by:derse  from:baku  to:paris  tag:PREL,PGOV (either)
      ref:08BAKU275 or cites:08BAKU275 (cables citing it)  id:08BAKU279
      date:2008  date:2008-03  date:2008-01..2008-06
      cited-by:08BAKU279 (the cables it cites)

    On a terminal the hits are a table; through a pipe, one tab-separated
    line each (id, date, class, origin, subject); with --json, records.
    Exit status: 0 with matches, 1 with none (the reason and suggestions go
    to stderr), 2 for a query it cannot read. A query that starts with '-'
    needs '--' before it.

    \b
    Examples:
      cablekit search '"territorial integrity"'
      cablekit search 'tag:PREL date:2008-03' --sort date
      cablekit search --json --fields id,date,subject 'class:secret kosovo' | jq -r .id
      cablekit search --count 'origin:BAKU'
      cablekit search -- -serbia kosovo
      cablekit search kosovo --by year              # a timeline of the matches
      cablekit search 'tag:MNUC iran' --by origin --top 10
    """
    wanted = _parse_fields(fields)
    compiled = compile_search(query, since, until)
    index = corpus(store_path)
    try:
        if group_by:
            _counts(index, compiled, group_by, sort, reverse, top, as_json)
        if sort in ("count", "value"):
            report("--sort count and --sort value go with --by")
            sys.exit(EXIT_USAGE)
        if count:
            n = index.count_matches(compiled)
            emit(str(n))
            sys.exit(EXIT_OK if n else EXIT_FAILED)
        table = not as_json and sys.stdout.isatty()
        if limit is None and table:
            limit = 20
        rows = index.search(compiled, sort=sort, reverse=reverse, limit=limit, offset=offset, snippets=table)
        if not rows:
            _nothing_found(index, compiled, offset)
            sys.exit(EXIT_FAILED)
        if as_json:
            if wanted:
                for record in index.records([row["where"] for row in rows]):
                    emit(dumps({k: record.get(k) for k in wanted}))
            else:
                for row in rows:
                    emit(index.line_at(row["where"]))
        elif table:
            from .render import console, search_table

            search_table(rows, console())
            # Counting every match costs as much as the search: only when the table is full.
            total = index.count_matches(compiled) if len(rows) == limit or offset else offset + len(rows)
            shown = f"{offset + 1:,}-{offset + len(rows):,}" if offset else f"{len(rows):,}"
            more = "; -n for more, --offset for the next ones" if offset + len(rows) < total else ""
            report(f"{shown} of {total:,} cables{more}")
        else:
            from .render import search_lines

            for line in search_lines(rows):
                emit(line)
    finally:
        index.close()
    sys.exit(EXIT_OK)


def _nothing_found(index, compiled, offset: int) -> None:
    """Say why there is nothing, and what might find something."""
    from ..store.suggest import suggestions

    if offset and index.count_matches(compiled):
        report(f"no cables after the first {offset:,}")
        return
    what = f"'{compiled.query}'" if compiled.query else "the filters"
    report(f"no cables match {what}")
    for hint in suggestions(index, compiled):
        report(f"  {hint}")


def _counts(index, compiled, group_by: tuple[str, ...], sort: str, reverse: bool, top: int | None, as_json) -> None:
    """The matches counted per value of each --by, as tables, lines or JSON objects; exits."""
    from .render import by_value, count_lines, count_table, fill_timeline

    total = index.count_matches(compiled)
    if not total:
        _nothing_found(index, compiled, 0)
        sys.exit(EXIT_FAILED)
    table = not as_json and sys.stdout.isatty()
    out = None
    if table:
        from .render import console

        out = console()
    for by in group_by:
        counts = index.group_counts(compiled, by, total)
        timeline = by in ("year", "month")
        if top:
            counts = sorted(counts, key=lambda vn: -vn[1])[:top]
        if sort == "value" or (timeline and sort != "count"):
            counts = fill_timeline(by, counts) if timeline and not top else sorted(counts, key=by_value)
        if reverse:
            counts.reverse()
        if as_json:
            for value, n in counts:
                emit(dumps({"by": by, "value": value, "count": n}))
        elif out is not None:
            count_table(by, counts, total, out)
        else:
            for line in count_lines(by, counts):
                emit(line)
    if out is not None:
        report(f"{total:,} cable matches" if total == 1 else f"{total:,} cables match")
    sys.exit(EXIT_OK)
