"""One interface, two stores: a folder (`index.Index` over `folder.Store`) and a
PostgreSQL database (`postgres.Database`). The commands use only what `Corpus` lists;
`open_corpus` opens either from what --store says (a folder, or a postgresql:// URL)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .index import Entry
    from .query import Compiled

Notify = Callable[[str], None]


class Corpus(Protocol):
    """What every store does. A record's place (`where`) is the store's own: callers
    only hand it back."""

    @property
    def make_entry(self) -> Callable[[Mapping[str, Any]], Entry]:
        """What the parsing workers make of each record for the store (a module-level
        function: it is sent to the workers)."""
        ...

    @property
    def label(self) -> str: ...
    def close(self) -> None: ...

    # writing (`ingest.StoreWriter`)
    def writing(self, notify: Notify | None = None) -> AbstractContextManager[None]: ...
    def held(self, pairs: list[tuple[str | None, str]]) -> set[tuple[str | None, str]]: ...
    def holds(self, sha256: str | None, source: str) -> bool: ...
    def current(self, ids: list[str]) -> dict[str, tuple[Any, int, str]]: ...
    def write(self, entries: list[Entry], lines: list[bytes]) -> tuple[int, int]: ...
    def tidy(self) -> None: ...
    def seen_lookup(self) -> Any: ...
    def rebuild(self, notify: Notify | None = None) -> tuple[int, int]: ...

    # reading
    def record_at(self, where: Any) -> dict: ...
    def line_at(self, where: Any) -> str: ...
    def records(self, wheres: list[Any]) -> Iterator[dict]: ...
    def lookup(self, cable_id: str) -> Any: ...
    def count(self) -> int: ...
    def close_ids(self, cable_id: str, n: int = 3) -> list[str]: ...
    def word_documents(self, term: str) -> int: ...
    def words_like(self, word: str) -> dict[str, int | None]:
        """Words of the store that may be spelt like *word* (for "did you mean"), with how
        many cables hold each where that is known at no cost (else None)."""
        ...

    def sizes(self) -> tuple[int, int]: ...
    def search(
        self,
        compiled: Compiled,
        *,
        sort: str = "relevance",
        reverse: bool = False,
        limit: int | None = None,
        offset: int = 0,
        snippets: bool = True,
    ) -> list[dict]: ...
    def count_matches(self, compiled: Compiled) -> int: ...

    # counts and the citation graph
    def group_counts(
        self, compiled: Compiled | None, by: str, matches: int | None = None
    ) -> list[tuple[str | None, int]]: ...
    def with_facet(self, by: str) -> int: ...
    def date_range(self) -> tuple[str | None, str | None]: ...
    def cites(self, cable_id: str) -> list[tuple[str, bool]]: ...
    def citing(self, cable_id: str) -> list[tuple[str, bool]]: ...
    def cited_by(self, cable_id: str) -> list[tuple[str, str | None, str | None]]: ...
    def nodes(self, ids: list[str]) -> dict[str, dict]: ...
    def summaries(self, ids: list[str]) -> dict[str, tuple[str | None, str | None]]: ...


URL_PREFIXES = ("postgresql://", "postgres://")


def is_url(spec: object) -> bool:
    """Whether --store names a PostgreSQL database rather than a folder."""
    return isinstance(spec, str) and spec.startswith(URL_PREFIXES)


def default_store() -> str | Path:
    """$CABLEKIT_STORE (a folder or a postgresql:// URL), else the folder
    $XDG_DATA_HOME/cablekit/store, else ~/.local/share/cablekit/store."""
    import os

    from .folder import default_store_path

    env = os.environ.get("CABLEKIT_STORE")
    return env if env and is_url(env) else default_store_path()


def open_corpus(spec: str | Path, notify: Notify | None = None, create: bool = False) -> Corpus:
    """The store *spec* names, ready to use: a folder's index caught up with its records,
    a database's schema checked. *create* makes a store that is not there yet (parse does);
    otherwise a missing one is a StoreError."""
    if is_url(spec):
        from .postgres import open_database

        return open_database(str(spec), notify, create)
    from .folder import Store, StoreError
    from .index import open_index

    store = Store(Path(spec))
    if not create and not store.exists():
        raise StoreError(f"no store at {store.root}; run 'cablekit parse PATH' first")
    return open_index(store, notify)
