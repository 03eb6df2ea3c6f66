"""The `cablekit` command: output, exit statuses, help."""

import json
import os
import subprocess
import sys

from click.testing import CliRunner
from conftest import SEEDS

from cablekit.cli import cli


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


def test_parse_json_seeds_prints_two_valid_records(validator):
    result = run("parse", "--json", str(SEEDS))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    records = [json.loads(line) for line in lines]
    for record in records:
        assert not list(validator.iter_errors(record))
    assert records[0]["id"] == "08BAKU279"


def test_parse_stdin():
    data = (SEEDS / "000_f96e09e439d60289.txt").read_bytes()
    result = run("parse", "--json", "-", input=data)
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert record["id"] == "08BAKU279"
    assert record["source"]["path"] is None


def test_missing_file_is_reported_and_the_rest_go_on(tmp_path):
    result = run("parse", "--json", str(tmp_path / "nope.txt"), str(SEEDS))
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 2
    assert "nope.txt: no such file or directory" in result.stderr


def test_folder_recursion_and_stable_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a.txt").write_bytes((SEEDS / "000_f96e09e439d60289.txt").read_bytes())
    (tmp_path / "b" / "c.txt").write_bytes((SEEDS / "002_206ec497b6042983.txt").read_bytes())
    (tmp_path / ".hidden").write_text("x")
    result = run("parse", "--json", str(tmp_path))
    assert result.exit_code == 0
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert ids == ["08BAKU279", "c"]


def test_broken_symlink_and_fifo_fail_cleanly(tmp_path):
    os.symlink(tmp_path / "gone", tmp_path / "link.txt")
    os.mkfifo(tmp_path / "pipe")
    result = run("parse", "--json", str(tmp_path))
    assert result.exit_code == 1
    assert "broken symbolic link" in result.stderr
    assert "not a regular file" in result.stderr
    assert result.stdout == ""


def test_strict_fails_records_with_warnings():
    result = run("parse", "--json", "--strict", str(SEEDS))
    assert result.exit_code == 1
    assert "warning" in result.stderr


def test_usage_errors_exit_2():
    assert run("parse").exit_code == 2
    assert run("parse", "--no-such-option", "x").exit_code == 2


def test_help_has_examples_on_every_command():
    """Every command, and every one added later, explains itself and shows itself in use."""
    assert {"parse", "search", "show", "index", "check", "export"} <= set(cli.commands)
    for args in [[]] + [[name] for name in cli.commands]:
        result = run(*args, "--help")
        assert result.exit_code == 0
        summary, _, examples = result.output.partition("Examples:")
        assert examples, f"cablekit {' '.join(args)} --help has no examples"
        assert f"cablekit {' '.join(args)}".strip() in examples
        command = cli.commands[args[0]] if args else cli
        assert command.help and len(command.help.split("\n")[0]) > 10


def test_version():
    result = run("--version")
    assert result.exit_code == 0
    assert "cablekit" in result.output


def test_console_script_exit_codes_and_closed_pipe(tmp_path):
    """Through the real entry point: usage error 2, quiet exit when stdout closes."""
    cmd = [sys.executable, "-m", "cablekit"]
    usage = subprocess.run(cmd + ["parse"], capture_output=True, text=True)
    assert usage.returncode == 2
    for i in range(40):
        (tmp_path / f"{i:02d}.txt").write_bytes((SEEDS / "000_f96e09e439d60289.txt").read_bytes())
    proc = subprocess.Popen(cmd + ["parse", "--json", str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait() == 0
    assert "Traceback" not in err


def _run_with_terminal_stderr(args, stdout_path):
    """Run cablekit with stderr on a pseudo-terminal (so the progress bar shows) and stdout
    into a file; return (exit status, what the terminal received)."""
    import pty

    master, slave = pty.openpty()
    with open(stdout_path, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "cablekit", *args], stdout=out, stderr=slave)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    return proc.wait(timeout=60), seen.decode("utf-8", "replace")


def test_progress_bar_on_a_terminal_never_takes_stdout(tmp_path):
    folder = tmp_path / "cables"
    folder.mkdir()
    for seed in SEEDS.iterdir():
        (folder / seed.name).write_bytes(seed.read_bytes())
    status, terminal = _run_with_terminal_stderr(["parse", "--json", str(folder)], tmp_path / "out.jsonl")
    assert status == 0
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [r["id"] for r in records] == ["08BAKU279", "002_206ec497b6042983"]
    assert "parsing" in terminal and '"id"' not in terminal


def test_messages_print_above_the_progress_bar_not_into_it(tmp_path):
    """A failure reported while the bar is live used to land in the bar's line
    ("1,900 cablescablekit: ..."); it goes above the bar now."""
    folder = tmp_path / "cables"
    folder.mkdir()
    for i in range(60):
        (folder / f"{i:02d}.txt").write_bytes((SEEDS / "000_f96e09e439d60289.txt").read_bytes())
    (folder / "50-broken.bin").write_bytes(b"\x00\x01\x02" * 100)
    status, terminal = _run_with_terminal_stderr(["parse", "--json", str(folder)], tmp_path / "out.jsonl")
    assert status == 1
    assert "50-broken.bin: binary file" in terminal
    line = next(part for part in terminal.replace("\r", "\n").split("\n") if "50-broken.bin" in part)
    assert line.lstrip("\x1b[0123456789;?lhKAGJ ").startswith("cablekit: "), repr(line)
