"""`cablekit show`: cables from the store by id, as a panel, JSON, one field or the raw text."""

from __future__ import annotations

import sys

import click

from ..record import FIELD_NAMES, dumps, normalise_id
from .common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    corpus,
    emit,
    report,
    store_option,
)


@click.command()
@click.argument("ids", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the records as JSON lines.")
@click.option(
    "--raw", is_flag=True, help="Print the cable's text as its source holds it (a page's <pre> text, a row's)."
)
@click.option(
    "--source", "whole_source", is_flag=True, help="Print the whole source item: the page, the CSV row, the JSON line."
)
@click.option("--field", "field_name", help="Print one field, plain (lists one item per line).")
@click.option("--highlight", metavar="WORDS", help="Mark these words in the cable (as search does).")
@click.option("--no-pager", is_flag=True, help="Do not page a long cable on a terminal.")
@store_option
def show(ids, as_json, raw, whole_source, field_name, highlight, no_pager, store_path) -> None:
    """Show cables from the store by id.

    On a terminal a cable is paged ($PAGER, else less), as git pages its
    output; --no-pager prints it straight. The parser's warnings about the
    cable close the page. Ids are read as the parser writes them
    (09CAIRO0002 is 09CAIRO2).

    Exit status: 0 when every id was found, 1 when one was not, 2 for usage errors.

    \b
    Examples:
      cablekit show 08BAKU279
      cablekit show 08BAKU279 --highlight "territorial integrity"
      cablekit show --json 08BAKU279 | jq .references
      cablekit show --field subject 08BAKU279 08BAKU275
      cablekit show --raw 08BAKU279 | less
      cablekit show --source 08BAKU279 > 08BAKU279.txt
    """
    if field_name and field_name not in FIELD_NAMES:
        report(f"no field '{field_name}' (fields: {', '.join(FIELD_NAMES)})")
        sys.exit(EXIT_USAGE)
    index = corpus(store_path)
    missing = 0
    records = []
    graphs: dict[str, dict] = {}
    pretty = not (as_json or field_name or raw or whole_source)
    try:
        for cable_id in ids:
            where = index.lookup(cable_id)
            if where is None and (written := normalise_id(cable_id)) != cable_id:
                where = index.lookup(written)
                if where is not None:
                    report(f"{cable_id} read as {written}, the way the parser writes ids")
            if where is None:
                close = index.close_ids(cable_id)
                hint = f"; closest: {', '.join(close)}" if close else ""
                report(f"no cable {cable_id} in the store{hint}")
                missing += 1
                continue
            record = index.record_at(where)
            records.append(record)
            if pretty:
                graphs[record["id"]] = _graph(index, record)
    finally:
        index.close()
    if as_json or field_name or raw or whole_source:
        for record in records:
            _show_plain(record, as_json, raw, whole_source, field_name)
    elif records:
        from .render import console, paged, show_record

        out = console()
        with paged(out, enabled=not no_pager):
            for record in records:
                show_record(record, out, highlight.split() if highlight else [], graphs.get(record["id"]))
    sys.exit(EXIT_FAILED if missing else EXIT_OK)


def _graph(index, record: dict) -> dict:
    """The record's place in the citation graph: the cited cables that the store holds
    (id -> date, subject) and the cables in the store that cite it, newest first."""
    cited = [x["id"] for x in (record.get("references") or []) + (record.get("cited") or []) if x.get("id")]
    return {"held": index.summaries(cited), "cited_by": index.cited_by(record["id"])}


def _show_plain(record: dict, as_json: bool, raw: bool, whole_source: bool, field_name: str | None) -> None:
    from ..sources import strip_controls

    if as_json:
        emit(dumps(record))
    elif field_name:
        value = record.get(field_name)
        if isinstance(value, list):
            for item in value:
                emit(dumps(item) if isinstance(item, dict) else strip_controls(str(item)))
        elif isinstance(value, dict):
            emit(dumps(value))
        elif value is not None:
            emit(strip_controls(str(value)))
    else:
        emit(strip_controls(_as_written(record, whole_source)))


def _as_written(record: dict, whole_source: bool) -> str:
    """The cable (or its whole source item) as its source holds it, when the source is
    still there and unchanged; else the record's cleaned text, with a notice."""
    from ..sources import reread

    text = reread(record.get("source") or {}, item=whole_source)
    if text is None:
        report(
            f"{record['id']}: its source {record['source'].get('path')} is gone or changed; showing the cleaned text"
        )
        return record.get("text") or ""
    return text
