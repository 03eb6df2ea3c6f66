"""What every `cablekit` command shares: messages, output, --store, inputs, queries."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


# The console of a live progress bar, while one is shown: messages go above the bar
# through it, instead of being written into the bar's line.
_live_console: Any = None


def report(message: str) -> None:
    if _live_console is not None:
        from rich.text import Text

        from ..sources.decode import strip_controls

        _live_console.print(Text(strip_controls(f"cablekit: {message}")), soft_wrap=True)
    else:
        click.echo(f"cablekit: {message}", err=True)


def set_live_console(console: Any) -> None:
    """Send messages through *console* (a live progress bar's) until it is set to None."""
    global _live_console
    _live_console = console


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
            for file in _folder_files(path):
                yield from _check_file(file)
        else:
            yield from _check_file(path)


def count_inputs(paths: tuple[str, ...]) -> int:
    """How many inputs `iter_inputs` yields, for a progress bar's total: a second walk
    is cheap, while a list of every path would be copied into every worker."""
    return sum(sum(1 for _ in _folder_files(p)) if p != "-" and os.path.isdir(p) else 1 for p in paths)


def _folder_files(path: str) -> Iterator[str]:
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield os.path.join(root, name)


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


class PipeClosed(Exception):
    """stdout's reader went away (`cablekit ... | head`)."""


def emit(line: str) -> None:
    """Write one line of output; a closed pipe ends the command quietly."""
    try:
        sys.stdout.write(line + "\n")
    except BrokenPipeError:
        raise PipeClosed from None


class Stdout:
    """stdout for writers that take a file (csv.writer); a closed pipe ends the command quietly."""

    def write(self, text: str) -> int:
        try:
            return sys.stdout.write(text)
        except BrokenPipeError:
            raise PipeClosed from None


def store_option(func):
    """--store, shared by every command that uses the store (also $CABLEKIT_STORE): a
    folder, or a postgresql:// URL."""
    return click.option(
        "--store",
        "store_path",
        metavar="FOLDER|URL",
        default=None,
        help="The store: a folder, or a database as postgresql://user@host/db"
        " (default: $CABLEKIT_STORE, else ~/.local/share/cablekit/store).",
    )(func)


def store_spec(store_path: str | None) -> str | Path:
    """What --store (or the environment) names: a URL as it is, a folder as a Path."""
    from ..store.base import default_store, is_url

    if not store_path:
        return default_store()
    return store_path if is_url(store_path) else Path(store_path)


def open_store(store_path: str | None):
    """The folder store --store names (for the commands that work on its files)."""
    from ..store import Store

    return Store(Path(store_spec(store_path)))


def corpus(store_path: str | None, create: bool = False):
    """The store --store names, open (`store.base.Corpus`); one that cannot be opened is
    a usage error (exit 2) with the reason."""
    from ..store import StoreError
    from ..store.base import open_corpus

    try:
        return open_corpus(store_spec(store_path), notify, create)
    except (StoreError, OSError) as exc:
        report(str(exc))
        sys.exit(EXIT_USAGE)


def notify(message: str) -> None:
    report(message)


def compile_search(words: tuple[str, ...], since: str | None, until: str | None):
    """The query words and --since/--until as one compiled query; a bad query exits 2."""
    from ..store.query import Compiled, QueryError, check_period, compile_query, parse_date_option

    try:
        compiled = compile_query(" ".join(words)) if words else Compiled(match=None)
        if since:
            compiled.since = max(filter(None, [compiled.since, parse_date_option(since, end=False)]))
        if until:
            compiled.until = min(filter(None, [compiled.until, parse_date_option(until, end=True)]))
        check_period(compiled)
    except QueryError as exc:
        report(f"bad query: {exc.render()}")
        sys.exit(EXIT_USAGE)
    for note in compiled.notes:
        report(note)
    return compiled
