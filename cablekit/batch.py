"""Parsing many inputs, on several cores, in a stable order, in bounded memory.

`parse_inputs` takes (path, problem) pairs from the folder walk and yields
`(path, Parsed or None, error or None, JSON line or None)` for every cable, in
input order whatever the number of workers; `(path, "skipped", None, None)`
for a file whose content is already known (the caller says which contents
it knows). The workers encode each record and make what the caller asks of
it (an index entry, say); whole records never cross to this process. A worker reads each file once: it hashes
it, checks it against the store's known contents, and parses it. A file that
turns out to hold many cables (cables.csv, JSON lines) comes back unparsed;
this process then streams it and sends its documents to the workers in
chunks, so a multi-gigabyte CSV file is never held in memory and still keeps
every core busy.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import Any, NamedTuple, Protocol

from .pipeline import iter_records, parse_one, records_of
from .record import Record, encode
from .sources import open_input, read_path

CHUNK = 200  # documents of a multi-cable file per task
FILES_PER_TASK = 16
MULTI = "multi-cable file"
SKIPPED = "skipped"


class Known(Protocol):
    def holds(self, sha256: str | None, source: str, /) -> bool: ...


class _NothingKnown:
    def holds(self, sha256: str | None, source: str) -> bool:
        return False


# Set before the workers fork: contents already known (sha256 and source), whether
# records carry absolute source paths (they do in the store), and what to make of
# each record besides its JSON line.
NOTHING_KNOWN: Known = _NothingKnown()
_SEEN: Known = NOTHING_KNOWN
_ABSOLUTE = False
_SUMMARY: Callable[[Record], Any] | None = None


class Parsed(NamedTuple):
    """A parsed cable as the writing process needs it: its id, its warnings and what
    the caller asked to be made of it (`summary`, e.g. an index entry)."""

    id: str
    warnings: list[str]
    summary: Any


def default_jobs() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _source(path: str) -> str:
    return os.path.abspath(path) if _ABSOLUTE else path


def _file_task(task: tuple[str, str | None]):
    """Parse one file in a worker: SKIPPED, MULTI, or a list of (record, error)."""
    path, fmt = task
    try:
        found = open_input(path, fmt)  # looked at once, here: refused or detected
    except OSError as exc:
        return [(None, exc.strerror or str(exc), None)]
    if found.multi:
        return MULTI  # a multi-cable file goes back unread: it is streamed, never loaded whole
    sha = hashlib.sha256(found.data).hexdigest() if found.data is not None else None
    source = _source(path)
    if _SEEN.holds(sha, source):
        return SKIPPED
    return _encoded(records_of(found, source, sha))


def _encoded(items) -> list[tuple[Parsed | None, str | None, bytes | None]]:
    """(Parsed, error, the record's JSON line as UTF-8): the worker encodes, not the main process."""
    return [
        (Parsed(record["id"], record["warnings"], _SUMMARY(record) if _SUMMARY else None), None, encode(record))
        if record is not None
        else (None, error, None)
        for record, error in items
    ]


def _docs_task(task) -> list[tuple[Parsed | None, str | None, bytes | None]]:
    path, docs, file_sha = task
    return _encoded(parse_one(doc, _source(path), file_sha) for doc in docs)


def _doc_chunks(path: str, fmt: str | None) -> Iterator[tuple]:
    """The documents of a multi-cable file, streamed, in tasks of CHUNK. Each document
    is identified by its own content (source.position is set), not by the file's hash."""
    file_sha = ""
    _, docs = read_path(path, fmt)
    chunk = []
    for doc in docs:
        chunk.append(doc)
        if len(chunk) >= CHUNK:
            yield (path, chunk, file_sha)
            chunk = []
    if chunk:
        yield (path, chunk, file_sha)


def parse_inputs(
    inputs: Iterable[tuple[str, str | None]],
    fmt: str | None = None,
    jobs: int = 1,
    seen: Known = NOTHING_KNOWN,
    on_input: Callable[[], None] | None = None,
    absolute: bool = False,
    summary: Callable[[Record], Any] | None = None,
    cluster: str | None = None,
    parts: str | None = None,
) -> Generator[tuple[str, Any, str | None, bytes | None], None, None]:
    """Yield (path, Parsed, None, JSON line as UTF-8 bytes), (path, None, error, None) or (path, SKIPPED, None, None),
    in input order. Files whose content *seen* holds from the same path are skipped; *absolute* makes the records'
    source paths absolute; *summary* makes each Parsed's summary from its record, in the worker. *cluster* (a Dask
    scheduler's address, or local:N) parses on that cluster's workers instead of *jobs* local processes; with it,
    *parts* (a folder) has the workers write the records there, one JSON-lines file per task, and the lines yielded
    here are None."""
    global _SEEN, _ABSOLUTE, _SUMMARY
    _SEEN, _ABSOLUTE, _SUMMARY = seen, absolute, summary
    if cluster:
        from .cluster import ClusterWorkers

        workers: Any = ClusterWorkers(cluster, (seen, absolute, summary), parts)
        try:
            yield from _parallel(workers, inputs, fmt, workers.jobs * 4, on_input, workers.files_per_task)
        finally:
            workers.close()
        return
    if jobs <= 1:
        yield from _sequential(inputs, fmt, on_input)
        return
    workers = _Workers(jobs)
    try:
        yield from _parallel(workers, inputs, fmt, jobs * 16, on_input)
    finally:
        workers.close()


def run_task(settings: tuple, fn: Callable[[Any], Any], arg: Any) -> Any:
    """*fn*(*arg*) in a process that did not fork from this one (a cluster's worker), with
    the settings `parse_inputs` gives its own workers: (seen, absolute, summary)."""
    global _SEEN, _ABSOLUTE, _SUMMARY
    _SEEN, _ABSOLUTE, _SUMMARY = settings
    return fn(arg)


def task_lines(fn: Callable[[Any], Any], result: Any) -> tuple[Any, list[bytes]]:
    """A task's result without its JSON lines, and the lines (to be written elsewhere)."""
    lines: list[bytes] = []

    def strip(items):
        kept = []
        for parsed, error, line in items:
            if line is not None:
                lines.append(line)
            kept.append((parsed, error, None))
        return kept

    if fn is _files_task:
        return [strip(items) if isinstance(items, list) else items for items in result], lines
    return strip(result), lines


def _worker_start() -> None:
    # Ctrl-C reaches the whole process group: only the main process acts on it, and
    # then stops the workers in order.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A main process that is killed (SIGKILL, the OOM killer) cannot stop its workers,
    # and they would wait for tasks for ever: each worker leaves once its parent is gone.
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


class WorkerDied(Exception):
    """A parsing process died (a crash in a C library, the OOM killer) with tasks in hand."""


class _Workers:
    """The parsing processes, stopped in order, and replaced if one of them dies.

    concurrent.futures rather than multiprocessing.Pool: Pool.terminate() kills its
    workers with SIGTERM, and one killed while it held the result queue's lock left
    terminate() waiting on that lock for ever (a hang seen on a closed pipe). Here
    `close` cancels the tasks not yet started and waits for the few that run, and a
    dead worker fails its tasks instead of leaving them pending for ever.
    """

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.pool = self._new()

    def _new(self):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # fork: the workers inherit _SEEN; they only parse.
        return ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("fork"), initializer=_worker_start)

    def submit(self, fn, arg) -> _Task:
        return _Task(self.pool, self.pool.submit(fn, arg), arg)

    def result(self, task: _Task):
        """The task's result, or WorkerDied; tasks submitted later go to a new pool."""
        from concurrent.futures.process import BrokenProcessPool

        try:
            return task.future.result()
        except BrokenProcessPool as exc:
            if task.pool is self.pool:
                self.pool = self._new()
                task.pool.shutdown(wait=False, cancel_futures=True)
            raise WorkerDied(f"the parsing process died ({exc})") from None

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class _Task(NamedTuple):
    pool: Any
    future: Any
    arg: Any


def _sequential(inputs, fmt, on_input):
    for path, problem in inputs:
        if on_input:
            on_input()
        yield from _outcome(path, _first(path, problem, fmt), fmt, None, 0)


def _first(path: str, problem: str | None, fmt: str | None):
    if problem:
        return [(None, problem, None)]
    if path == "-":
        return _encoded(iter_records(None, fmt, data=sys.stdin.buffer.read()))
    return _file_task((path, fmt))


def _files_task(tasks: list[tuple[str, str | None]]) -> list:
    """Several files per task: one round trip to a worker costs more than a small cable."""
    return [_file_task(task) for task in tasks]


def _parallel(workers: _Workers, inputs, fmt, window, on_input, per_task: int = FILES_PER_TASK):
    """Files go to the workers in batches of *per_task*; results come back in input order."""
    pending: deque = deque()  # (paths, _Task) or ([path], items known here)
    batch: list[str] = []

    def submit():
        if batch:
            pending.append((list(batch), workers.submit(_files_task, [(p, fmt) for p in batch])))
            batch.clear()

    for path, problem in inputs:
        if on_input:
            on_input()
        if problem or path == "-":
            submit()
            pending.append(([path], [_first(path, problem, fmt)]))
        else:
            batch.append(path)
            if len(batch) >= per_task:
                submit()
        while len(pending) > window or (pending and not isinstance(pending[0][1], _Task)):
            yield from _settle(workers, pending.popleft(), fmt, window)
    submit()
    while pending:
        yield from _settle(workers, pending.popleft(), fmt, window)


def _settle(workers, entry, fmt, window):
    paths, result = entry
    if isinstance(result, _Task):
        try:
            result = workers.result(result)
        except WorkerDied:
            # The task was lost with its process, maybe through no fault of its own
            # (the other tasks in flight go with it): each file is tried again alone.
            result = [_retried(workers, _files_task, [(path, fmt)], 2)[0] for path in paths]
    for path, items in zip(paths, result, strict=True):
        yield from _outcome(path, items, fmt, workers, window)


def _retried(workers, fn, arg, tries: int):
    """fn(arg) on the workers, waited for; after *tries* lost processes, an error item."""
    for _ in range(tries):
        try:
            return workers.result(workers.submit(fn, arg))
        except WorkerDied as exc:
            died = exc
    what = "file" if fn is _files_task else f"chunk of {len(arg[1])} cables"
    error = [(None, f"{died}; the {what} was not parsed", None)]
    return [error] if fn is _files_task else error


def _outcome(path: str, items, fmt, workers, window) -> Iterator[tuple[str, Any, str | None, bytes | None]]:
    if items == SKIPPED:
        yield path, SKIPPED, None, None
        return
    if items == MULTI:
        yield from _multi(path, fmt, workers, window)
        return
    for record, error, line in items:
        yield path, record, error, line


def _multi(path: str, fmt, workers, window) -> Iterator[tuple[str, Any, str | None, bytes | None]]:
    """A multi-cable file: stream it here, parse its chunks on the workers, in order."""
    try:
        if workers is None:
            for task in _doc_chunks(path, fmt):
                yield from _outcome(path, _docs_task(task), fmt, None, 0)
            return
        running: deque = deque()
        # Chunks hold 200 cables each: a few in flight keep the workers busy.
        window = max(2, window // 8)

        def settle():
            task = running.popleft()
            try:
                return workers.result(task)
            except WorkerDied:
                return _retried(workers, _docs_task, task.arg, 2)

        for task in _doc_chunks(path, fmt):
            running.append(workers.submit(_docs_task, task))
            while len(running) > window:
                yield from _outcome(path, settle(), fmt, workers, window)
        while running:
            yield from _outcome(path, settle(), fmt, workers, window)
    except OSError as exc:
        yield path, None, exc.strerror or str(exc), None
