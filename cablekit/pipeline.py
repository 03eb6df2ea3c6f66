"""One input through every stage up to records: sources, then parse.

`iter_records` reads a file (or bytes) of any input style and yields a record
for every cable in it; `parse_file` is the one-cable case for plain text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from .parse import parse_bytes, parse_document
from .record import Record, is_cable
from .sources import Document, Input, NoCable, document_sha, documents, look_at, open_input


def parse_file(path: str, *, strict: bool = False) -> Record:
    """Read and parse one plain-text cable. I/O errors (OSError) propagate to the caller."""
    with open(path, "rb") as handle:
        data = handle.read()
    return parse_bytes(data, str(path), strict=strict)


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def records_of(
    found: Input, source: str | None, file_sha: str | None = None
) -> Iterator[tuple[Record | None, str | None]]:
    """(record, None) or (None, error) for every document of an input that was looked at.
    *source* is the path the records name; *file_sha* the input's hash, when known."""
    for doc in documents(found):
        if file_sha is None and doc.position is None and not doc.error:
            # Only a single-cable file is identified by its bytes.
            file_sha = (
                hashlib.sha256(found.data).hexdigest() if found.data is not None else file_sha256(found.path or "")
            )
        yield parse_one(doc, source, file_sha)


def parse_one(doc: Document, source: str | None, file_sha: str | None) -> tuple[Record | None, str | None]:
    """One document's record, or the error that kept it from being read."""
    where = f" (item {doc.position})" if doc.position is not None else ""
    if doc.error:
        return None, type(doc.error)(f"{doc.error}{where}")
    record = parse_document(doc, source, document_sha(doc, file_sha or ""))
    if not is_cable(record):
        return None, NoCable(f"no cable: no classification, header, date, id or preamble field{where}")
    return record, None


def iter_records(
    path: str | None, fmt: str | None = None, data: bytes | None = None, data_sha256: str | None = None
) -> Iterator[tuple[Record | None, str | None]]:
    """Yield (record or None, error or None) for every cable in a file of any input style.

    Pass *data* for input that is not a file (stdin), or a file already read
    (with its *data_sha256* when known). A file holding many cables
    (cables.csv, JSON lines) is streamed and yields many records; a part that
    cannot be read yields (None, message) and the rest go on.
    """
    if data is not None:
        found = look_at(data, len(data), fmt, path)
        if found.refused is None:
            found.data = data
        file_sha = data_sha256 or hashlib.sha256(data).hexdigest()
    else:
        assert path is not None
        found = open_input(path, fmt)
        file_sha = None
    yield from records_of(found, path, file_sha)
