"""A throwaway PostgreSQL server of the tests' (and the benchmarks') own.

`initdb` makes a cluster in a temporary folder and `pg_ctl` starts it on a free port of
127.0.0.1, trusting local connections; `stop` ends it and removes the folder. PostgreSQL
refuses to run as root, so under root the server runs as the unprivileged user
`nobody`. The binaries are found on PATH or in Debian's /usr/lib/postgresql/N/bin.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

OLDEST = 15


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl, of PostgreSQL 15 or later (the newest found), or None."""
    found = []
    for initdb in [shutil.which("initdb"), *glob.glob("/usr/lib/postgresql/*/bin/initdb")]:
        if not initdb:
            continue
        folder = Path(os.path.realpath(initdb)).parent
        m = re.search(r"/postgresql/(\d+)/", str(folder))
        version = int(m.group(1)) if m else _version(folder)
        if version >= OLDEST and (folder / "pg_ctl").exists():
            found.append((version, folder))
    return max(found)[1] if found else None


def _version(folder: Path) -> int:
    try:
        out = subprocess.run([folder / "initdb", "--version"], capture_output=True, text=True).stdout
    except OSError:
        return 0
    m = re.search(r"(\d+)", out)
    return int(m.group(1)) if m else 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One cluster: `url(db)` for a database on it, `create(db)` to make one."""

    def __init__(self, bin_dir: Path):
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="cablekit-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.user = "nobody" if os.geteuid() == 0 else None
        if self.user:
            os.chmod(self.root, 0o755)
            shutil.chown(self.root, self.user)

    def _run(self, *args: str) -> None:
        done = subprocess.run(
            [str(a) for a in args], user=self.user, capture_output=True, text=True, cwd=self.root, timeout=120
        )
        if done.returncode:
            raise RuntimeError(f"{args[0]} failed: {done.stdout}{done.stderr}")

    def start(self, fsync: bool = False) -> Server:
        """Start the server; without *fsync* (the tests) it never waits for the disk."""
        self._run(self.bin / "initdb", "-D", self.data, "-U", "cablekit", "--auth=trust", "-E", "UTF8", "--no-sync")
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=60"
        if not fsync:
            options += " -c fsync=off"
        self._run(self.bin / "pg_ctl", "-D", self.data, "-l", self.root / "log", "-o", options, "-w", "start")
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://cablekit@127.0.0.1:{self.port}/{database}"

    def create(self, database: str) -> str:
        """Make an empty database; return its URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{database}"')
        return self.url(database)

    def stop(self) -> None:
        try:
            self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
