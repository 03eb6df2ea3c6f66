"""The `cablekit` command line: a thin layer over the library.

Exit statuses (as ripgrep): 0 success, 1 some input failed, 2 usage error.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Iterator

import click

from . import __version__
from .parser import parse_bytes

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


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    with open(path, "rb") as handle:
        return handle.read()


class _PipeClosed(Exception):
    """stdout's reader went away (`cablekit ... | head`)."""


def emit(line: str) -> None:
    """Write one line of output; a closed pipe ends the command quietly."""
    try:
        sys.stdout.write(line + "\n")
    except BrokenPipeError:
        raise _PipeClosed from None


def _print_human(record: dict) -> None:
    from .render import summary_line

    summary_line(record)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="cablekit")
def cli() -> None:
    """Parse, index and search US diplomatic cables.

    \b
    Examples:
      cablekit parse --json seeds/ | jq .id
      cablekit parse --json 08BAKU279.txt > records.jsonl
      cat cable.txt | cablekit parse --json -
    """


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON record per line on stdout.")
@click.option("--strict", is_flag=True, help="Treat a record with warnings as a failed file.")
def parse(paths: tuple[str, ...], as_json: bool, strict: bool) -> None:
    """Parse cables in files, folders (recursively) or '-' (stdin).

    With --json, stdout carries one record per line (JSON Lines) and nothing
    else; problems go to stderr. Exit status: 0 when every file parsed, 1 when
    some could not be read, 2 for usage errors.

    \b
    Examples:
      cablekit parse --json seeds/
      cablekit parse --json cables/ | jq -r 'select(.classification=="SECRET") | .id'
      cablekit parse --json - < 08BAKU279.txt
      cablekit parse --json --strict cables/ > clean.jsonl
    """
    failed = 0
    for path, problem in iter_inputs(paths):
        if problem:
            _error(f"{path}: {problem}")
            failed += 1
            continue
        try:
            data = _read(path)
        except OSError as exc:
            _error(f"{path}: {exc.strerror or exc}")
            failed += 1
            continue
        record = parse_bytes(data, path if path != "-" else None)
        if strict and record["warnings"]:
            _error(f"{path}: {len(record['warnings'])} warning(s): {record['warnings'][0]}")
            failed += 1
            continue
        if as_json:
            emit(json.dumps(record, ensure_ascii=False))
        else:
            _print_human(record)
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


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
