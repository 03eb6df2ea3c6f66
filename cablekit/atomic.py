"""Writing a file so that it is either whole or not there: one helper for every
rewrite and output file (the store's compaction and repair, `parse -o`, `export -o`).

The bytes go to a temporary file beside the target, are flushed to disk, and
the temporary file is renamed over the target; a process killed half-way
leaves the old file (or none) under the target's name, never half a new one.
A name ending in `.gz` is gzip-compressed.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


def fsync_folder(folder: Path) -> None:
    """Make a rename inside *folder* durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_write(path: Path | str, *, text: bool = False, compress: bool | None = None) -> Iterator[IO[Any]]:
    """A file object whose content replaces *path* when the block ends without an error.

    *text*: a text stream (UTF-8, newlines as written) instead of bytes. *compress*:
    gzip; by default when the name ends in .gz. An error inside the block removes the
    temporary file and leaves *path* as it was.
    """
    path = Path(path)
    if compress is None:
        compress = path.suffix == ".gz"
    tmp = path.with_name(path.name + ".part")
    raw = open(tmp, "wb")  # noqa: SIM115 - closed below, after the fsync
    layers: list[Any] = []
    try:
        out: Any = raw
        if compress:
            out = gzip.GzipFile(filename=path.name.removesuffix(".gz"), mode="wb", fileobj=raw)
            layers.append(out)
        if text:
            out = io.TextIOWrapper(out, encoding="utf-8", newline="")
            layers.append(out)
        yield out
        for layer in reversed(layers):
            if isinstance(layer, io.TextIOWrapper):
                layer.flush()
                layer.detach()
            else:
                layer.close()  # a GzipFile writes its trailer; the raw file stays open
        raw.flush()
        os.fsync(raw.fileno())
        raw.close()
        os.replace(tmp, path)
        fsync_folder(path.parent)
    except BaseException:
        raw.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
