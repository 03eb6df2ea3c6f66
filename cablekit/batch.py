"""Parsing many inputs, on several cores, in a stable order, in bounded memory.

`parse_inputs` takes (path, problem) pairs from the folder walk and yields
`(path, record or None, error or None)` for every cable, in input order
whatever the number of workers. Single-cable files go to the workers whole;
multi-cable files (cables.csv, JSON lines) are split into documents here, as a
stream, and sent to the workers in chunks, so a multi-gigabyte CSV file is
never held in memory and still keeps every core busy.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator

from .parser import _document_sha, file_sha256, iter_records, parse_document
from .readers import detect, read_path

CHUNK = 200  # documents of a multi-cable file per task

Item = tuple[str, "dict | None", "str | None"]


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def _file_task(task: tuple[str, str | None]) -> list[tuple[dict | None, str | None]]:
    path, fmt = task
    try:
        return list(iter_records(path, fmt))
    except OSError as exc:
        return [(None, exc.strerror or str(exc))]


def _docs_task(task) -> list[tuple[dict | None, str | None]]:
    path, docs, file_sha = task
    out = []
    for doc in docs:
        if doc.error:
            where = f" (item {doc.position})" if doc.position is not None else ""
            out.append((None, f"{doc.error}{where}"))
        else:
            out.append((parse_document(doc, path, _document_sha(doc, file_sha)), None))
    return out


def _is_multi(path: str, fmt: str | None) -> bool:
    if fmt:
        return fmt in ("csv", "jsonl")
    try:
        with open(path, "rb") as handle:
            head = handle.read(8192)
    except OSError:
        return False
    from .decode import decode_bytes

    return detect(decode_bytes(head)[0]) in ("csv", "jsonl")


def _tasks(inputs: Iterable[tuple[str, str | None]], fmt: str | None,
           skip: Callable[[str], bool] | None, on_input: Callable[[], None] | None):
    """("now", path, items) for results known here, ("file"|"docs", path, task) for the workers."""
    for path, problem in inputs:
        if on_input:
            on_input()
        if problem:
            yield "now", path, [(None, problem)]
        elif path == "-":
            yield "now", path, list(iter_records(None, fmt, data=sys.stdin.buffer.read()))
        elif _is_multi(path, fmt):
            try:
                file_sha = file_sha256(path)
                _, docs = read_path(path, fmt)
                chunk = []
                for doc in docs:
                    chunk.append(doc)
                    if len(chunk) >= CHUNK:
                        yield "docs", path, (path, chunk, file_sha)
                        chunk = []
                if chunk:
                    yield "docs", path, (path, chunk, file_sha)
            except OSError as exc:
                yield "now", path, [(None, exc.strerror or str(exc))]
        elif skip and skip(path):
            yield "now", path, "skipped"
        else:
            yield "file", path, (path, fmt)


def parse_inputs(inputs: Iterable[tuple[str, str | None]], fmt: str | None = None, jobs: int = 1,
                 skip: Callable[[str], bool] | None = None,
                 on_input: Callable[[], None] | None = None) -> Iterator[tuple[str, object, str | None]]:
    """Yield (path, record, None), (path, None, error) or (path, "skipped", None), in input order."""
    tasks = _tasks(inputs, fmt, skip, on_input)
    if jobs <= 1:
        for kind, path, task in tasks:
            items = task if kind == "now" else (_file_task(task) if kind == "file" else _docs_task(task))
            yield from _items(path, items)
        return
    import multiprocessing

    # fork keeps start-up cheap; the workers only parse and return records.
    ctx = multiprocessing.get_context("fork")
    window = jobs * 4
    with ctx.Pool(jobs) as pool:
        pending: deque = deque()
        for kind, path, task in tasks:
            if kind == "now":
                pending.append((path, None, task))
            else:
                pending.append((path, pool.apply_async(_file_task if kind == "file" else _docs_task, (task,)), None))
            while len(pending) > window or (pending and pending[0][1] is None):
                yield from _settle(pending.popleft())
        while pending:
            yield from _settle(pending.popleft())


def _settle(entry) -> Iterator[tuple[str, object, str | None]]:
    path, result, items = entry
    yield from _items(path, result.get() if result is not None else items)


def _items(path: str, items) -> Iterator[tuple[str, object, str | None]]:
    if items == "skipped":
        yield path, "skipped", None
        return
    for record, error in items:
        yield path, record, error
