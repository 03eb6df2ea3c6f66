"""Plain cable text (format "text"): a file as the cable was sent, or converted from PDF."""

from __future__ import annotations

from collections.abc import Iterator

from .document import Document


def sniff(start: str, lower: str) -> bool:
    return True  # what no other style claims is read as plain text


def read(text: str) -> Iterator[Document]:
    yield Document(text, "text")
