"""`cablekit index` and `cablekit check`: keeping the store and its index sound."""

from __future__ import annotations

import sys

import click

from .common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    corpus,
    notify,
    open_store,
    report,
    store_option,
    store_spec,
)


@click.command("index")
@click.option("--rebuild", is_flag=True, help="Rebuild the search index from records.jsonl.")
@click.option("--compact", is_flag=True, help="Drop superseded lines from records.jsonl (atomic rewrite).")
@store_option
def index_cmd(rebuild: bool, compact: bool, store_path: str | None) -> None:
    """Check, catch up, rebuild or compact the store's search index.

    \b
    Examples:
      cablekit index              # bring the index up to date, print counts
      cablekit index --rebuild
      cablekit index --compact
    """
    from ..store import compact as compact_store
    from ..store import open_index, usable_index
    from ..store.base import is_url

    if is_url(store_spec(store_path)):
        _index_database(rebuild, compact, store_path)
        return
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
                saved = compact_store(index)
            report(f"compacted: {saved} bytes of superseded lines dropped")
        report(f"{index.count()} cables in {store.root}")
    finally:
        index.close()


@click.command()
@click.option("--repair", is_flag=True, help="Quarantine damaged lines, keep one line per id, rebuild the index.")
@store_option
def check(repair: bool, store_path: str | None) -> None:
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
    from ..store import QUARANTINE, check_store
    from ..store.base import is_url

    if is_url(store_spec(store_path)):
        from ..store.postgres import SCHEMA, check_database

        database = corpus(store_path)
        try:
            result = check_database(database, repair=repair)
        finally:
            database.close()
        where = f"{SCHEMA}.quarantine"
        label = "row"
    else:
        store = open_store(store_path)
        if not store.exists():
            report(f"no store at {store.root}")
            sys.exit(EXIT_USAGE)
        result = check_store(store, repair=repair)
        where = str(store.root / QUARANTINE)
        label = "records.jsonl line"
    _report_check(result, label, where)


def _index_database(rebuild: bool, compact: bool, store_path: str | None) -> None:
    database = corpus(store_path)
    try:
        if rebuild:
            count, bad = database.rebuild(notify)
            report(
                f"index rebuilt: {count} records" + (f", {bad} rows that are no record left as they are" if bad else "")
            )
        if compact:
            database.vacuum()
            report("compacted: the tables vacuumed and analysed")
        report(f"{database.count()} cables in {database.label}")
    finally:
        database.close()


def _report_check(result, label: str, quarantine: str) -> None:
    for number, why in result.damaged:
        report(f"{label} {number}: {why}")
    if result.torn_tail:
        report(f"records.jsonl line {result.lines}: incomplete last line (a writer was interrupted)")
    if result.index_state != "fresh":
        later = (
            "it will be caught up or rebuilt on next use" if label.startswith("records") else "--repair remakes them"
        )
        report(f"index: {result.index_state} ({later})")
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
    for number, cable_id in result.not_cables[:20]:
        report(f"{label} {number}: {cable_id} is not a cable (no classification, header, date or fields)")
    for cable_id, better in result.degraded[:20]:
        report(
            f"{cable_id}: a poorer reading is stored than its other source {better.get('path')} "
            f"({better.get('format')}) gives"
        )
    report(
        f"{result.lines} lines, {result.ids} cables ({result.superseded} superseded lines), "
        f"{len(result.damaged)} damaged; index holds {result.index_count}"
    )
    if result.repaired:
        reread = f"; {result.reread} record(s) read again from a richer source" if result.reread else ""
        report(f"repaired: {result.quarantined} {label.split()[-1]}(s) moved to {quarantine}{reread}; index rebuilt")
        sys.exit(EXIT_OK)
    if result.ok:
        report("store and index are consistent")
    sys.exit(EXIT_OK if result.ok else EXIT_FAILED)


@click.group("store")
def store_group() -> None:
    """Create or migrate a store.

    \b
    Examples:
      cablekit store init --store postgresql://me@dbhost/cables
      CABLEKIT_STORE=postgresql://me@dbhost/cables cablekit store init
    """


@store_group.command("init")
@store_option
def store_init(store_path: str | None) -> None:
    """Create the store, or bring its schema to this version of cablekit.

    A folder is created with an empty records.jsonl; a PostgreSQL database
    gets the schema 'cablekit' (tables, indexes, the schema's version). Run
    it again after upgrading cablekit: a database made by an older version
    is migrated, in one transaction. Exit status: 0, or 2 when the store
    cannot be reached or was made by a newer cablekit.

    \b
    Examples:
      cablekit store init --store postgresql://me@dbhost/cables
      cablekit store init --store ~/work/store
    """
    from ..store import StoreError
    from ..store.base import is_url

    spec = store_spec(store_path)
    if not is_url(spec):
        store = open_store(store_path)
        try:
            store.create()
        except StoreError as exc:
            report(str(exc))
            sys.exit(EXIT_USAGE)
        report(f"store ready at {store.root}")
        sys.exit(EXIT_OK)
    from ..store.postgres import Database

    try:
        database = Database(str(spec))
        try:
            before, after = database.migrate()
        finally:
            database.close()
    except StoreError as exc:
        report(str(exc))
        sys.exit(EXIT_USAGE)
    if before is None:
        report(f"made a new cablekit store (schema version {after}) in {database.label}")
    elif before < after:
        report(f"migrated the store in {database.label} from schema version {before} to {after}")
    else:
        report(f"the store in {database.label} is up to date (schema version {after})")
    sys.exit(EXIT_OK)
