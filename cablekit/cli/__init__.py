"""The `cablekit` command line: thin commands over the library, and their rendering.

Exit statuses (as ripgrep): 0 success, 1 nothing found or some input failed, 2 usage error.
"""

from __future__ import annotations

import os
import sys

import click

from .. import __version__
from .common import EXIT_OK, PipeClosed, report
from .explore import refs, stats
from .export import export
from .maintain import check, index_cmd, store_group
from .parse import parse
from .search import search
from .show import show


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


for _command in (parse, search, show, export, stats, refs, index_cmd, check, store_group):
    cli.add_command(_command)


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
        report("interrupted")
        sys.exit(130)
    except (PipeClosed, BrokenPipeError):
        # `cablekit parse --json ... | head`: stop quietly, no traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_OK)
    sys.exit(status or EXIT_OK)
