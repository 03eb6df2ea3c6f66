"""`cablekit show`: cables from the store by id, as a panel, JSON, one field or the raw text."""

from __future__ import annotations

import sys

import click

from ..record import dumps, normalise_id
from .common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    emit,
    existing_store,
    notify,
    report,
    store_option,
)


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
    from ..store import open_index

    store = existing_store(store_path)
    index = open_index(store, notify)
    missing = 0
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
            record = store.read_at(*where)
            _show_one(record, as_json, raw, field_name)
    finally:
        index.close()
    sys.exit(EXIT_FAILED if missing else EXIT_OK)


def _show_one(record: dict, as_json: bool, raw: bool, field_name: str | None) -> None:
    from ..sources import strip_controls

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
    from ..sources import reread

    text = reread(record.get("source") or {})
    if text is None:
        report(f"{record['id']}: the source file is gone or changed; showing the cleaned text")
        return record.get("text") or ""
    return text
