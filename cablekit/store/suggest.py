"""What to say when a search finds nothing: close spellings, and fields that would match."""

from __future__ import annotations

import difflib

from ..record import ID_PATTERN, normalise_id
from .base import Corpus
from .query import Compiled, QueryError, compile_query

# The fields bare words do not search: for a word that looks like an id, and for others.
_ID_FIELDS = ("id", "ref")
_WORD_FIELDS = ("origin", "from", "to", "class")


def suggestions(index: Corpus, compiled: Compiled, most: int = 3) -> list[str]:
    """Hints for a query without results: for each plain word that no cable holds, the
    index's words spelt most like it; for each plain word, the fields it would match in."""
    hints = []
    for word in dict.fromkeys(compiled.words):
        looks_like_id = ID_PATTERN.match(normalise_id(word)) is not None
        if not index.word_documents(word) and word.isalpha():
            close = _close_words(index, word.lower(), most)
            if close:
                hints.append(f"'{word}' is in no cable; did you mean " + ", ".join(close) + "?")
        for name in _ID_FIELDS if looks_like_id else _WORD_FIELDS:
            try:
                n = index.count_matches(compile_query(f"{name}:{word}"))
            except QueryError:
                continue
            if n:
                hints.append(f"{name}:{word} matches {n:,} cable{'s' if n != 1 else ''}")
    return hints


def _close_words(index: Corpus, word: str, most: int) -> list[str]:
    """Words of the index like *word*: close spelling, the most used first."""
    candidates = index.words_like(word)
    close = difflib.get_close_matches(word, list(candidates), n=most * 2, cutoff=0.75)
    counts = {w: n if (n := candidates[w]) is not None else index.word_documents(w) for w in close}
    close.sort(key=lambda w: -counts[w])
    return [f"{w} ({counts[w]:,})" for w in close[:most]]
