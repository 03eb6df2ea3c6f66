"""Every example of the README works when copied in order, on the bundled seeds.

The shell and Python blocks from "## Usage" up to "## Development" run one line at a
time, in order, in a folder that holds a copy of seeds/, with a store of their own
(CABLEKIT_STORE). Each must exit 0 (an example that shows a failing command says
`|| true`). The Quick start's install commands and the Development checks are what
.ci/run itself runs.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _blocks() -> list[tuple[str, str]]:
    text = (ROOT / "README.md").read_text()
    usage = text[text.index("## Usage") : text.index("## Development")]
    return re.findall(r"```(sh|python)\n(.*?)```", usage, re.DOTALL)


def test_the_readme_has_examples_to_run():
    kinds = [kind for kind, _ in _blocks()]
    assert kinds.count("sh") >= 3 and "python" in kinds


def test_every_example_works_when_copied_in_order(tmp_path):
    """All but the examples against a database (the next test)."""
    assert _run_examples(tmp_path, None) >= 20


def test_the_examples_against_postgres_work(tmp_path, pg_server):
    """The examples of "Sharing a corpus", $DATABASE_URL a database of the test server's."""
    assert _run_examples(tmp_path, pg_server.create("readme")) >= 5


def _run_examples(tmp_path, database: str | None) -> int:
    """Run the examples in order, in a folder with a copy of seeds/: those that name
    $DATABASE_URL only with a *database*, and then only them; return how many ran."""
    assert shutil.which("jq"), "the README's jq examples need jq: apt-get install jq"
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    env = dict(
        os.environ,
        DATABASE_URL=database or "",
        CABLEKIT_STORE=str(tmp_path / "store"),
        HOME=str(tmp_path),
        NO_COLOR="1",
        PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
    )
    ran = 0
    for kind, block in _blocks():
        if kind == "python":
            commands = [] if database else [[sys.executable, "-c", block]]
        else:
            lines = [line for line in block.splitlines() if line.strip() and not line.startswith("#")]
            if block.count("$DATABASE_URL") or database:
                lines = [line for line in lines if ("$DATABASE_URL" in line) == bool(database)]
            commands = [["bash", "-o", "pipefail", "-c", line] for line in lines]
        for command in commands:
            proc = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
            assert proc.returncode == 0, f"{command[-1]}\n{proc.stdout[-500:]}\n{proc.stderr[-1500:]}"
            assert "Traceback" not in proc.stderr, command[-1]
            ran += 1
    return ran
