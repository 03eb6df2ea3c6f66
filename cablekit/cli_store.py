"""The commands that read the store: search, show, export, index, check."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .cli_common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    PipeClosed,
    compile_search,
    emit,
    existing_store,
    notify,
    open_store,
    report,
    store_option,
)
from .jsonl import dumps


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
    from .index import open_index

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


@click.command()
@click.argument("ids", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the records as JSON lines.")
@click.option("--raw", is_flag=True, help="Print the text as it came in (from the source file when unchanged).")
@click.option("--field", "field_name", help="Print one field, plain (lists one item per line).")
@store_option
def show(ids, as_json, raw, field_name, store_path) -> None:
    """Show cables from the store by id.

    Exit status: 0 when every id was found, 1 when one was not, 2 for usage errors.

    \b
    Examples:
      cablekit show 08BAKU279
      cablekit show --json 08BAKU279 | jq .references
      cablekit show --field subject 08BAKU279 08BAKU275
      cablekit show --raw 08BAKU279 | less
    """
    from .index import open_index

    store = existing_store(store_path)
    index = open_index(store, notify)
    missing = 0
    try:
        for cable_id in ids:
            where = index.lookup(cable_id)
            if where is None:
                close = index.close_ids(cable_id)
                hint = f"; closest: {', '.join(close)}" if close else ""
                report(f"no cable {cable_id} in the store{hint}")
                missing += 1
                continue
            record = store.read_at(*where)
            _show_one(record, as_json, raw, field_name)
    finally:
        index.close()
    sys.exit(EXIT_FAILED if missing else EXIT_OK)


def _show_one(record: dict, as_json: bool, raw: bool, field_name: str | None) -> None:
    from .cleanup import strip_controls

    if as_json:
        emit(dumps(record))
    elif field_name:
        if field_name not in record:
            report(f"no field '{field_name}' (fields: {', '.join(record)})")
            sys.exit(EXIT_USAGE)
        value = record[field_name]
        if isinstance(value, list):
            for item in value:
                emit(dumps(item) if isinstance(item, dict) else strip_controls(str(item)))
        elif isinstance(value, dict):
            emit(dumps(value))
        elif value is not None:
            emit(strip_controls(str(value)))
    elif raw:
        emit(strip_controls(_raw_text(record)))
    else:
        from .render import console, show_record

        show_record(record, console())


def _raw_text(record: dict) -> str:
    """The source as it came in, when the file is still there and unchanged."""
    import hashlib

    from .decode import decode_bytes

    source = record.get("source") or {}
    path = source.get("path")
    if path:
        try:
            data = Path(path).read_bytes()
            if hashlib.sha256(data).hexdigest() == source.get("sha256"):
                return decode_bytes(data)[0]
        except OSError:
            pass
    report(f"{record['id']}: the source file is gone or changed; showing the cleaned text")
    return record.get("text") or ""


CSV_COLUMNS = (
    "id",
    "date",
    "classification",
    "origin",
    "serial",
    "caveats",
    "tags",
    "subject",
    "references",
    "classified_by",
    "signers",
    "summary",
    "partial",
    "source",
    "text",
)


def _csv_row(record: dict) -> list:
    refs = [r["id"] or r["text"] for r in record.get("references") or []]
    cb = record.get("classified_by") or {}
    values = {
        "caveats": "|".join(record.get("caveats") or []),
        "tags": "|".join(record.get("tags") or []),
        "references": "|".join(refs),
        "classified_by": cb.get("name") or "",
        "signers": "|".join(record.get("signers") or []),
        "source": (record.get("source") or {}).get("path") or "",
    }
    return [values[c] if c in values else ("" if record.get(c) is None else record.get(c)) for c in CSV_COLUMNS]


@click.command()
@click.argument("query", nargs=-1)
@click.option(
    "--format",
    "out_format",
    type=click.Choice(["jsonl", "csv"]),
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
    import csv
    import gzip

    from .index import open_index

    compiled = compile_search(query, since, until)
    store = existing_store(store_path)
    index = open_index(store, notify)
    rows = index.search(compiled, sort="date", snippets=False)
    index.close()
    if not rows:
        sys.exit(EXIT_FAILED)
    if output:
        tmp = output.with_name(output.name + ".part")
        handle = (gzip.open if output.suffix == ".gz" else open)(tmp, "wt", encoding="utf-8", newline="")
        write = handle.write
    else:
        handle, tmp = None, None

        def write(text: str) -> None:
            try:
                sys.stdout.write(text)
            except BrokenPipeError:
                raise PipeClosed from None

    try:
        writer = csv.writer(_Sink(write)) if out_format == "csv" else None
        if writer:
            writer.writerow(CSV_COLUMNS)
        for row in rows:
            record = store.read_at(row["offset"], row["length"])
            if writer:
                writer.writerow(_csv_row(record))
            else:
                write(dumps(record) + "\n")
    finally:
        if handle:
            handle.close()
            os.replace(tmp, output)
    if output:
        report(f"exported {len(rows)} cables to {output}")
    sys.exit(EXIT_OK)


class _Sink:
    """A file-like object for csv.writer that hands each row to a function."""

    def __init__(self, write):
        self.write = write


@click.command("index")
@click.option("--rebuild", is_flag=True, help="Rebuild the search index from records.jsonl.")
@click.option("--compact", is_flag=True, help="Drop superseded lines from records.jsonl (atomic rewrite).")
@store_option
def index_cmd(rebuild: bool, compact: bool, store_path: Path | None) -> None:
    """Check, catch up, rebuild or compact the store's search index.

    \b
    Examples:
      cablekit index              # bring the index up to date, print counts
      cablekit index --rebuild
      cablekit index --compact
    """
    from .index import open_index, usable_index

    store = open_store(store_path)
    if rebuild:
        store.create()
        index = usable_index(store, notify)
        with store.locked():
            store.cut_torn_tail()
            count, damaged = index.rebuild(notify)
        report(f"index rebuilt: {count} records" + (f", {damaged} damaged lines skipped" if damaged else ""))
    else:
        index = open_index(store, notify)
    try:
        if compact:
            with store.locked():
                saved = index.compact()
            report(f"compacted: {saved} bytes of superseded lines dropped")
        report(f"{index.count()} cables in {store.root}")
    finally:
        index.close()


@click.command()
@click.option("--repair", is_flag=True, help="Quarantine damaged lines, keep one line per id, rebuild the index.")
@store_option
def check(repair: bool, store_path: Path | None) -> None:
    """Check that the store reads cleanly and that its index matches it.

    Damaged lines are reported with their line numbers. With --repair they
    are moved to quarantine.jsonl in the store (never silently dropped),
    records.jsonl is rewritten atomically with one line per id, and the index
    is rebuilt. Exit status: 0 when the store is consistent (or was
    repaired), 1 when problems were found, 2 for usage errors.

    \b
    Examples:
      cablekit check
      cablekit check --repair --store ~/work/store
    """
    from .check import QUARANTINE, check_store

    store = open_store(store_path)
    if not store.exists():
        report(f"no store at {store.root}")
        sys.exit(EXIT_USAGE)
    result = check_store(store, repair=repair)
    for number, why in result.damaged:
        report(f"records.jsonl line {number}: {why}")
    if result.torn_tail:
        report(f"records.jsonl line {result.lines}: incomplete last line (a writer was interrupted)")
    if result.index_state != "fresh":
        report(f"index: {result.index_state} (it will be caught up or rebuilt on next use)")
    if result.missing_from_index:
        report(
            f"index: {len(result.missing_from_index)}+ ids of records.jsonl are not indexed, "
            f"e.g. {result.missing_from_index[0]}"
        )
    if result.unknown_in_index:
        report(
            f"index: {len(result.unknown_in_index)}+ indexed ids are not in records.jsonl, "
            f"e.g. {result.unknown_in_index[0]}"
        )
    report(
        f"{result.lines} lines, {result.ids} cables ({result.superseded} superseded lines), "
        f"{len(result.damaged)} damaged; index holds {result.index_count}"
    )
    if result.repaired:
        report(f"repaired: {result.quarantined} line(s) moved to {store.root / QUARANTINE}; index rebuilt")
        sys.exit(EXIT_OK)
    if result.ok:
        report("store and index are consistent")
    sys.exit(EXIT_OK if result.ok else EXIT_FAILED)
