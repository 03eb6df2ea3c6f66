"""The `cablekit` command line: a thin layer over the library.

Exit statuses (as ripgrep): 0 success, 1 some input failed, 2 usage error.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import click

from . import __version__
from .parser import file_sha256
from .readers import FORMATS

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _error(message: str) -> None:
    click.echo(f"cablekit: {message}", err=True)


def iter_inputs(paths: tuple[str, ...]) -> Iterator[tuple[str, str | None]]:
    """Yield (path, error) for every input file; folders are walked recursively.

    Files in a folder come in sorted order so that output is stable. Hidden
    files and folders (".git") are passed over; symlinked folders are not
    followed, so a link loop cannot trap the walk.
    """
    for path in paths:
        if path == "-":
            yield path, None
        elif os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield from _check_file(os.path.join(root, name))
        else:
            yield from _check_file(path)


def _check_file(path: str) -> Iterator[tuple[str, str | None]]:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        yield path, "broken symbolic link" if os.path.islink(path) else "no such file or directory"
        return
    except OSError as exc:
        yield path, exc.strerror or str(exc)
        return
    if not stat.S_ISREG(st.st_mode):
        yield path, "not a regular file (a FIFO, device or socket); skipped"
        return
    yield path, None


class _PipeClosed(Exception):
    """stdout's reader went away (`cablekit ... | head`)."""


def emit(line: str) -> None:
    """Write one line of output; a closed pipe ends the command quietly."""
    try:
        sys.stdout.write(line + "\n")
    except BrokenPipeError:
        raise _PipeClosed from None


def store_option(func):
    """--store PATH, shared by every command that uses the store (also $CABLEKIT_STORE)."""
    return click.option(
        "--store", "store_path", type=click.Path(file_okay=False, path_type=Path), default=None,
        help="Store folder (default: $CABLEKIT_STORE, else ~/.local/share/cablekit/store).",
    )(func)


def _open_store(store_path: Path | None):
    from .store import Store, default_store_path

    return Store(Path(store_path) if store_path else default_store_path())


def _notify(message: str) -> None:
    _error(message)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="cablekit")
def cli() -> None:
    """Parse, index and search US diplomatic cables.

    \b
    Examples:
      cablekit parse cables/                    # parse and index into the store
      cablekit search 'tag:PREL date:2008-03 kosovo'
      cablekit show 08BAKU279
      cablekit parse --json seeds/ | jq .id     # records to stdout, no store
    """


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON record per line on stdout; no store.")
@click.option("--strict", is_flag=True, help="Treat a record with warnings as a failed file.")
@click.option("--format", "input_format", type=click.Choice(("auto",) + FORMATS), default="auto",
              show_default=True, help="Input style; 'auto' detects it from each file's content.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Parallel workers (default: the number of cores). Output order does not depend on it.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the records (JSON lines) to this file instead of the store; a .gz name compresses.")
@click.option("--errors", "errors_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write one JSON line per failed file or row (path, reason) to this file.")
@store_option
def parse(paths: tuple[str, ...], as_json: bool, strict: bool, input_format: str, jobs: int | None,
          output: Path | None, errors_path: Path | None, store_path: Path | None) -> None:
    """Parse cables in files, folders (recursively) or '-' (stdin).

    Without --json the records go into the store (one per id, the latest
    wins; files whose content is already indexed are skipped) and a summary
    goes to stderr. With --json, stdout carries one record per line (JSON
    Lines) and nothing else. Problems go to stderr, one line per file.
    Exit status: 0 when every file parsed, 1 when some could not be read,
    2 for usage errors.

    \b
    Examples:
      cablekit parse cables/
      cablekit parse --store ~/work/store cables/ more-cables/
      cablekit parse --json seeds/
      cablekit parse --json cables/ | jq -r 'select(.classification=="SECRET") | .id'
      cablekit parse --json - < 08BAKU279.txt
    """
    from .batch import default_jobs

    run = _Run(strict=strict, fmt=None if input_format == "auto" else input_format, jobs=jobs or default_jobs())
    errors = open(errors_path, "w", encoding="utf-8") if errors_path else None  # noqa: SIM115
    run.errors = errors
    try:
        if as_json or output:
            failed = _parse_to_output(paths, run, output)
        else:
            failed = _parse_into_store(paths, run, _open_store(store_path))
    finally:
        if errors:
            errors.close()
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


@dataclass
class _Run:
    """One `cablekit parse`: its options and its counts; reports each failure once."""

    strict: bool = False
    fmt: str | None = None
    jobs: int = 1
    errors: object = None  # the --errors file: one JSON line per failure
    counts: dict = field(default_factory=lambda: {"failed": 0, "skipped": 0})
    reasons: Counter = field(default_factory=Counter)

    def fail(self, path: str, reason: str) -> None:
        _error(f"{path}: {reason}")
        self.counts["failed"] += 1
        self.reasons[re.sub(r"\s*\(.*$|:.*$", "", reason)[:60]] += 1
        if self.errors is not None:
            self.errors.write(json.dumps({"path": path, "reason": reason}, ensure_ascii=False) + "\n")

    def summary_of_failures(self) -> str:
        if not self.reasons:
            return ""
        return " (" + "; ".join(f"{n} {why}" for why, n in self.reasons.most_common(3)) + ")"


def _cables(run: _Run, inputs, advance=None, skip=None) -> Iterator[tuple[str, dict]]:
    """(path, record) for every cable in the inputs, in input order; failures go to run.fail.
    *skip(path)* may say that a file is already in the store."""
    from .batch import parse_inputs

    for path, record, error in parse_inputs(inputs, run.fmt, run.jobs, skip, advance):
        if error:
            run.fail(path, error)
        elif record == "skipped":
            run.counts["skipped"] += 1
        elif run.strict and record["warnings"]:
            run.fail(path, f"{record['id']}: {len(record['warnings'])} warning(s): {record['warnings'][0]}")
        else:
            yield path, record


def _parse_to_output(paths: tuple[str, ...], run: _Run, output: Path | None) -> int:
    """Records as JSON lines on stdout, or into -o FILE (.gz compressed), in input order."""
    if output is None:
        for _, record in _cables(run, iter_inputs(paths)):
            emit(json.dumps(record, ensure_ascii=False))
        return run.counts["failed"]
    import gzip

    # Written beside the target and renamed at the end: no half-written file under its name.
    tmp = output.with_name(output.name + ".part")
    opener = gzip.open if output.suffix == ".gz" else open
    written = 0
    interrupted = False
    with opener(tmp, "wt", encoding="utf-8") as out:
        try:
            for _, record in _cables(run, iter_inputs(paths)):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                written += 1
        except KeyboardInterrupt:
            interrupted = True
    os.replace(tmp, output)
    _error(f"{'interrupted: ' if interrupted else ''}wrote {written} records to {output}, "
           f"failed {run.counts['failed']}{run.summary_of_failures()}")
    if interrupted:
        sys.exit(130)
    return run.counts["failed"]


def _parse_into_store(paths: tuple[str, ...], run: _Run, store) -> int:
    from .index import open_index
    from .ingest import StoreWriter
    from .store import StoreError

    try:
        index = open_index(store, _notify)
    except (StoreError, OSError) as exc:
        _error(str(exc))
        sys.exit(EXIT_USAGE)
    inputs = list(iter_inputs(paths))
    progress = None
    if sys.stderr.isatty():
        from .render import progress_bar

        progress = progress_bar("parsing", "files")
        task = progress.add_task("parse", total=len(inputs))
        progress.start()
    writer = StoreWriter(index, _notify)
    counts = run.counts
    interrupted = False
    try:
        advance = (lambda: progress.advance(task)) if progress else None

        def unchanged(path: str) -> bool:
            return writer.seen(file_sha256(path))

        for _, record in _cables(run, inputs, advance, skip=unchanged):
            if record["source"]["path"]:
                record["source"]["path"] = os.path.abspath(record["source"]["path"])
            writer.add(record)
        written = writer.finish()
    except KeyboardInterrupt:
        # Ctrl-C: keep what was parsed, say so, and stop; a re-run does the rest.
        written = writer.finish()
        interrupted = True
    finally:
        if progress:
            progress.stop()
        index.close()
    replaced = f" ({written['replaced']} replaced)" if written["replaced"] else ""
    _error(f"{'interrupted: ' if interrupted else ''}parsed {written['parsed']}{replaced}, "
           f"skipped {counts['skipped'] + written['skipped']} unchanged, "
           f"failed {counts['failed']}{run.summary_of_failures()}; store: {store.root}")
    if interrupted:
        sys.exit(130)
    return counts["failed"]


def _parse_fields(fields: str | None) -> list[str] | None:
    if not fields:
        return None
    return [f.strip() for f in fields.split(",") if f.strip()]


def _compile(words: tuple[str, ...], since: str | None, until: str | None):
    """The query words and --since/--until as one compiled query; a bad query exits 2."""
    from .query import Compiled, QueryError, compile_query, parse_date_option

    try:
        compiled = compile_query(" ".join(words)) if words else Compiled(match=None)
        if since:
            compiled.since = max(filter(None, [compiled.since, parse_date_option(since, end=False)]))
        if until:
            compiled.until = min(filter(None, [compiled.until, parse_date_option(until, end=True)]))
    except QueryError as exc:
        _error(f"bad query: {exc.render()}")
        sys.exit(EXIT_USAGE)
    return compiled


def _existing_store(store_path: Path | None):
    store = _open_store(store_path)
    if not store.exists():
        _error(f"no store at {store.root}; run 'cablekit parse PATH' first")
        sys.exit(EXIT_USAGE)
    return store


@cli.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print full records, one JSON object per line.")
@click.option("--fields", help="With --json, only these fields (comma-separated), e.g. id,date,subject.")
@click.option("-n", "--limit", type=click.IntRange(min=1), default=None,
              help="At most this many results (default 20 in the table, all with --json).")
@click.option("--count", is_flag=True, help="Print only the number of matching cables.")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True,
              help="Best matches first, or oldest first by date.")
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

    compiled = _compile(query, since, until)
    store = _existing_store(store_path)
    index = open_index(store, _notify)
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
                record = store.read_at(row["offset"], row["length"])
                if wanted:
                    record = {k: record.get(k) for k in wanted}
                emit(json.dumps(record, ensure_ascii=False))
        else:
            from .render import console, search_table

            out = console()
            search_table(rows, out)
            total = index.count_matches(compiled)
            if total > len(rows):
                _error(f"{len(rows)} of {total} matches shown; use -n to see more")
    finally:
        index.close()
    sys.exit(EXIT_OK)


@cli.command()
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

    store = _existing_store(store_path)
    index = open_index(store, _notify)
    missing = 0
    try:
        for cable_id in ids:
            where = index.lookup(cable_id)
            if where is None:
                close = index.close_ids(cable_id)
                hint = f"; closest: {', '.join(close)}" if close else ""
                _error(f"no cable {cable_id} in the store{hint}")
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
        emit(json.dumps(record, ensure_ascii=False))
    elif field_name:
        if field_name not in record:
            _error(f"no field '{field_name}' (fields: {', '.join(record)})")
            sys.exit(EXIT_USAGE)
        value = record[field_name]
        if isinstance(value, list):
            for item in value:
                emit(json.dumps(item, ensure_ascii=False) if isinstance(item, dict) else strip_controls(str(item)))
        elif isinstance(value, dict):
            emit(json.dumps(value, ensure_ascii=False))
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
    _error(f"{record['id']}: the source file is gone or changed; showing the cleaned text")
    return record.get("text") or ""


CSV_COLUMNS = ("id", "date", "classification", "origin", "serial", "caveats", "tags", "subject", "references",
               "classified_by", "signers", "summary", "partial", "source", "text")


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


@cli.command()
@click.argument("query", nargs=-1)
@click.option("--format", "out_format", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True,
              help="JSON lines (full records) or CSV (flat columns, lists joined with |).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (.gz compresses) instead of stdout.")
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

    compiled = _compile(query, since, until)
    store = _existing_store(store_path)
    index = open_index(store, _notify)
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
                raise _PipeClosed from None

    try:
        writer = csv.writer(_Sink(write)) if out_format == "csv" else None
        if writer:
            writer.writerow(CSV_COLUMNS)
        for row in rows:
            record = store.read_at(row["offset"], row["length"])
            if writer:
                writer.writerow(_csv_row(record))
            else:
                write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        if handle:
            handle.close()
            os.replace(tmp, output)
    if output:
        _error(f"exported {len(rows)} cables to {output}")
    sys.exit(EXIT_OK)


class _Sink:
    """A file-like object for csv.writer that hands each row to a function."""

    def __init__(self, write):
        self.write = write


@cli.command("index")
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
    from .index import Index, open_index

    store = _open_store(store_path)
    if rebuild:
        store.create()
        index = Index(store)
        with store.locked():
            store.cut_torn_tail()
            count, damaged = index.rebuild(_notify)
        _error(f"index rebuilt: {count} records" + (f", {damaged} damaged lines skipped" if damaged else ""))
    else:
        index = open_index(store, _notify)
    try:
        if compact:
            with store.locked():
                saved = index.compact()
            _error(f"compacted: {saved} bytes of superseded lines dropped")
        _error(f"{index.count()} cables in {store.root}")
    finally:
        index.close()


@cli.command()
@click.option("--repair", is_flag=True,
              help="Quarantine damaged lines, keep one line per id, rebuild the index.")
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

    store = _open_store(store_path)
    if not store.exists():
        _error(f"no store at {store.root}")
        sys.exit(EXIT_USAGE)
    report = check_store(store, repair=repair)
    for number, why in report.damaged:
        _error(f"records.jsonl line {number}: {why}")
    if report.torn_tail:
        _error(f"records.jsonl line {report.lines}: incomplete last line (a writer was interrupted)")
    if report.index_state != "fresh":
        _error(f"index: {report.index_state} (it will be caught up or rebuilt on next use)")
    if report.missing_from_index:
        _error(f"index: {len(report.missing_from_index)}+ ids of records.jsonl are not indexed, "
               f"e.g. {report.missing_from_index[0]}")
    if report.unknown_in_index:
        _error(f"index: {len(report.unknown_in_index)}+ indexed ids are not in records.jsonl, "
               f"e.g. {report.unknown_in_index[0]}")
    _error(f"{report.lines} lines, {report.ids} cables ({report.superseded} superseded lines), "
           f"{len(report.damaged)} damaged; index holds {report.index_count}")
    if report.repaired:
        _error(f"repaired: {report.quarantined} line(s) moved to {store.root / QUARANTINE}; index rebuilt")
        sys.exit(EXIT_OK)
    if report.ok:
        _error("store and index are consistent")
    sys.exit(EXIT_OK if report.ok else EXIT_FAILED)


def main() -> None:
    """Entry point: usage errors exit 2, Ctrl-C 130, and a closed pipe ends quietly."""
    try:
        try:
            status = cli.main(prog_name="cablekit", standalone_mode=False)
        except SystemExit as exc:
            status = exc.code
        sys.stdout.flush()
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (click.exceptions.Abort, KeyboardInterrupt):
        _error("interrupted")
        sys.exit(130)
    except (_PipeClosed, BrokenPipeError):
        # `cablekit parse --json ... | head`: stop quietly, no traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_OK)
    sys.exit(status or EXIT_OK)
