"""`cablekit parse`: files, folders and stdin into the store, stdout or a file."""

from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from ..sources import FORMATS, NoCable
from .common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    corpus,
    count_inputs,
    emit,
    iter_inputs,
    notify,
    report,
    set_live_console,
    store_option,
)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON record per line on stdout; no store.")
@click.option("--strict", is_flag=True, help="Treat a record with warnings as a failed file.")
@click.option(
    "--format",
    "input_format",
    type=click.Choice(("auto", *FORMATS)),
    default="auto",
    show_default=True,
    help="Input style; 'auto' detects it from each file's content.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Parallel workers (default: the number of cores). Output order does not depend on it.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    help="Write the records (JSON lines) to this file instead of the store; a .gz name compresses. With --cluster,"
    " a folder (one that exists, or a name ending in /) gets the workers' own files, part-NNNNNNNN.jsonl.",
)
@click.option(
    "--cluster",
    metavar="ADDRESS",
    help="Parse on a Dask cluster: a scheduler's address (tcp://host:8786), or local:N for a LocalCluster of N"
    " workers started here. Needs pip install 'cablekit[cluster]'.",
)
@click.option(
    "--errors",
    "errors_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write one JSON line per failed file or row (path, reason) to this file.",
)
@store_option
def parse(
    paths: tuple[str, ...],
    as_json: bool,
    strict: bool,
    input_format: str,
    jobs: int | None,
    output: str | None,
    errors_path: Path | None,
    cluster: str | None,
    store_path: str | None,
) -> None:
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
      cablekit parse --cluster local:2 cables/
      cablekit parse --cluster tcp://scheduler:8786 /shared/cables -o /shared/records/
    """
    from ..batch import default_jobs

    run = _Run(
        strict=strict,
        fmt=None if input_format == "auto" else input_format,
        jobs=jobs or default_jobs(),
        cluster=cluster,
    )
    if output is not None and (os.path.isdir(output) or output.endswith("/")):
        if not cluster:
            report(f"{output} is a folder: a folder of record files goes with --cluster")
            sys.exit(EXIT_USAGE)
        run.parts, output = output, None
    errors = open(errors_path, "w", encoding="utf-8") if errors_path else None  # noqa: SIM115
    run.errors = errors
    try:
        if run.parts:
            failed = _cluster_errors(_parse_to_parts)(paths, run)
        elif as_json or output:
            failed = _cluster_errors(_parse_to_output)(paths, run, Path(output) if output else None)
        else:
            failed = _cluster_errors(_parse_into_store)(paths, run, store_path)
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
    errors: Any = None  # the --errors file: one JSON line per failure
    cluster: str | None = None  # a Dask scheduler's address, or local:N
    parts: str | None = None  # with a cluster: the folder the workers write records to
    counts: dict = field(default_factory=lambda: {"failed": 0, "skipped": 0, "no_cable": 0})
    reasons: Counter = field(default_factory=Counter)

    def fail(self, path: str, reason: str) -> None:
        report(f"{path}: {reason}")
        self.counts["failed"] += 1
        self.reasons[re.sub(r"\s*\(.*$|:.*$", "", reason)[:60]] += 1
        if self.errors is not None:
            self.errors.write(json.dumps({"path": path, "reason": reason}, ensure_ascii=False) + "\n")

    def pass_over(self, path: str, reason: str) -> None:
        """An input that holds no cable: said once, and listed in --errors, but not a failure."""
        report(f"{path}: passed over, {reason}")
        self.counts["no_cable"] += 1
        if self.errors is not None:
            line = {"path": path, "reason": reason, "passed_over": True}
            self.errors.write(json.dumps(line, ensure_ascii=False) + "\n")

    def passed_over(self) -> str:
        n = self.counts["no_cable"]
        return f"passed over {n} without a cable, " if n else ""

    def summary_of_failures(self) -> str:
        if not self.reasons:
            return ""
        return " (" + "; ".join(f"{n} {why}" for why, n in self.reasons.most_common(3)) + ")"


class _Progress:
    """The progress bar of a run, on stderr when it is a terminal: files done of all,
    files per second, time left, and cables so far (a CSV file holds thousands)."""

    def __init__(self, paths: tuple[str, ...], show: bool = True):
        self.bar = None
        self.cables = 0
        if show and sys.stderr.isatty():
            from .render import progress_bar

            # Counted by a walk of their own: the inputs are streamed, never listed.
            total = count_inputs(paths)
            self.bar = progress_bar("parsing", "files", extra="{task.fields[cables]:,} cables")
            self.task = self.bar.add_task("parse", total=total, cables=0)
            self.bar.start()
            set_live_console(self.bar.console)

    def advance(self) -> None:
        if self.bar:
            self.bar.advance(self.task)

    def cable(self) -> None:
        self.cables += 1
        if self.bar and self.cables % 100 == 0:
            self.bar.update(self.task, cables=self.cables)

    def stop(self) -> None:
        if self.bar:
            self.bar.stop()
            set_live_console(None)


@contextmanager
def _cables(
    run: _Run, inputs, advance=None, seen=None, absolute=False, summary=None
) -> Iterator[Iterator[tuple[Any, bytes]]]:
    """(Parsed, its JSON line) for every cable in the inputs, in input order; failures go to
    run.fail. Files whose sha256 is in *seen* (already in the store) are skipped.

    A context manager: leaving it (also by Ctrl-C or a closed pipe) stops the workers
    there and then. Left to the garbage collector, the pool would be torn down during
    interpreter shutdown, where it can hang.
    """
    from ..batch import NOTHING_KNOWN, SKIPPED, parse_inputs

    results = parse_inputs(
        inputs, run.fmt, run.jobs, seen or NOTHING_KNOWN, advance, absolute, summary, run.cluster, run.parts
    )

    def cables():
        for path, parsed, error, line in results:
            if isinstance(error, NoCable):
                run.pass_over(path, error)
            elif error:
                run.fail(path, error)
            elif parsed is SKIPPED:
                run.counts["skipped"] += 1
            elif run.strict and parsed.warnings:
                run.fail(path, f"{parsed.id}: {len(parsed.warnings)} warning(s): {parsed.warnings[0]}")
            else:
                yield parsed, line

    try:
        yield cables()
    finally:
        results.close()


def _cluster_errors(func):
    """A cluster that cannot be used is a usage error (exit 2) with the reason."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from ..cluster import ClusterError

        try:
            return func(*args, **kwargs)
        except ClusterError as exc:
            report(str(exc))
            sys.exit(EXIT_USAGE)

    return wrapper


def _parse_to_output(paths: tuple[str, ...], run: _Run, output: Path | None) -> int:
    """Records as JSON lines on stdout, or into -o FILE (.gz compressed), in input order."""
    if output is None:
        # A bar on the terminal only when the records go elsewhere (a file, a pipe).
        inputs = iter_inputs(paths)
        progress = _Progress(paths, show=not sys.stdout.isatty())
        try:
            with _cables(run, inputs, progress.advance) as cables:
                for _, line in cables:
                    emit(line.decode("utf-8"))
                    progress.cable()
        finally:
            progress.stop()
        return run.counts["failed"]
    from ..atomic import atomic_write

    # Written beside the target and renamed at the end: no half-written file under its name.
    with atomic_write(output) as out:
        written, interrupted = _stream(paths, run, out.write)
    return _written(run, interrupted, f"wrote {written} records to {output}")


def _parse_to_parts(paths: tuple[str, ...], run: _Run) -> int:
    """Records written by the cluster's workers into a folder, a file per task."""
    written, interrupted = _stream(paths, run, None)
    return _written(run, interrupted, f"the workers wrote {written} records to {run.parts}")


def _stream(paths: tuple[str, ...], run: _Run, write) -> tuple[int, bool]:
    """Each record's line to *write* (None: written elsewhere), with a progress bar;
    return (records, whether Ctrl-C stopped it), keeping what was written."""
    written = 0
    interrupted = False
    progress = _Progress(paths)
    try:
        with _cables(run, iter_inputs(paths), progress.advance) as cables:
            for _, line in cables:
                if write is not None:
                    write(line + b"\n")
                written += 1
                progress.cable()
    except KeyboardInterrupt:
        interrupted = True
    finally:
        progress.stop()
    return written, interrupted


def _written(run: _Run, interrupted: bool, what: str) -> int:
    """The summary of a run to a file or folder; exits 130 after Ctrl-C."""
    report(
        f"{'interrupted: ' if interrupted else ''}{what}, "
        f"{run.passed_over()}failed {run.counts['failed']}{run.summary_of_failures()}"
    )
    if interrupted:
        sys.exit(130)
    return run.counts["failed"]


def _parse_into_store(paths: tuple[str, ...], run: _Run, store_path: str | None) -> int:
    from ..store import StoreWriter

    index = corpus(store_path, create=True)
    inputs = iter_inputs(paths)
    progress = _Progress(paths)
    writer = StoreWriter(index, notify)
    counts = run.counts
    interrupted = False
    try:
        with _cables(run, inputs, progress.advance, index.seen_lookup(), True, index.make_entry) as cables:
            for parsed, line in cables:
                writer.add(parsed.summary, line)
                progress.cable()
        written = writer.finish()
    except KeyboardInterrupt:
        # Ctrl-C: keep what was parsed, say so, and stop; a re-run does the rest.
        written = writer.finish()
        interrupted = True
    finally:
        progress.stop()
        label = index.label
        index.close()
    replaced = f" ({written['replaced']} replaced)" if written["replaced"] else ""
    report(
        f"{'interrupted: ' if interrupted else ''}parsed {written['parsed']}{replaced}, "
        f"skipped {counts['skipped'] + written['skipped']} unchanged, "
        f"{run.passed_over()}failed {counts['failed']}{run.summary_of_failures()}; store: {label}"
    )
    if writer.copies:
        kinds = ", ".join(f"{kept} over {other}: {n}" for (kept, other), n in writer.copies.most_common())
        report(
            f"{written['copies']} more copies of cables held by other sources: the fullest reading of each "
            f"is kept, the others are listed in its other_sources ({kinds})"
        )
    if interrupted:
        sys.exit(130)
    return counts["failed"]
