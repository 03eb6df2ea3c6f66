"""Parsing on a Dask cluster: the tasks of `batch.parse_inputs` sent to Dask workers.

`ClusterWorkers` has the interface of `batch._Workers` (submit, result, close), so the
same streaming, ordering, retry and skip rules hold: files go out in batches, the
chunks of a multi-cable file as the file is read, and results come back in input order
with a bounded number in flight. A worker needs cablekit installed and the input files
at the same paths (shared storage). With a folder for the records (`parts`), each task
writes its records there itself, as part-NNNNNNNN.jsonl (written beside and renamed, so
no part is ever half there), and sends back only ids, warnings and errors.
"""

from __future__ import annotations

import os
from pathlib import Path

from .batch import WorkerDied, _Task, run_task, task_lines


class ClusterError(Exception):
    """The cluster cannot be used: Dask is not installed, or the scheduler cannot be reached."""


def _task(settings: tuple, fn, arg, part: str | None):
    """Run one parsing task on a worker; with *part*, write its records there."""
    result = run_task(settings, fn, arg)
    if part is None:
        return result
    result, lines = task_lines(fn, result)
    if lines:
        from .atomic import atomic_write

        with atomic_write(Path(part)) as out:
            out.write(b"".join(line + b"\n" for line in lines))
    return result


class ClusterWorkers:
    """A Dask client (and, for local:N, the LocalCluster it starts) running parsing tasks."""

    # A task costs the scheduler and the round trips more than a local process's: more
    # files a task, fewer tasks in flight.
    files_per_task = 256

    def __init__(self, address: str, settings: tuple, parts: str | None = None):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ClusterError("parsing on a cluster needs Dask: pip install 'cablekit[cluster]'") from None
        self.cluster = None
        if address == "local" or address.startswith("local:"):
            count = address.partition(":")[2]
            if count and not count.isdigit() or count == "0":
                raise ClusterError(f"--cluster {address}: write local:N, N workers (local:2)")
            # Processes, one thread each: parsing holds the GIL.
            self.cluster = LocalCluster(
                n_workers=int(count or os.cpu_count() or 1),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=40,
            )
            self.client = Client(self.cluster)
        else:
            try:
                self.client = Client(address, timeout="20s")
            except (OSError, TimeoutError, ValueError) as exc:
                raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        self.jobs = max(1, len(self.client.scheduler_info().get("workers", {})))
        # Sent once to every worker, not with every task: the store's known contents.
        self.settings = self.client.scatter(settings, broadcast=True, hash=False)
        self.parts = parts
        self.count = 0
        if parts:
            os.makedirs(parts, exist_ok=True)

    def submit(self, fn, arg) -> _Task:
        part = None
        if self.parts:
            self.count += 1
            part = os.path.join(self.parts, f"part-{self.count:08d}.jsonl")
        future = self.client.submit(_task, self.settings, fn, arg, part, pure=False)
        return _Task(None, future, arg)

    def result(self, task: _Task):
        from distributed import KilledWorker

        try:
            return task.future.result()
        except KilledWorker as exc:
            raise WorkerDied(f"the Dask worker died ({exc})") from None

    def close(self) -> None:
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()
