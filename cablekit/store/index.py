"""The search index: SQLite with FTS5, kept beside the store and rebuilt from it.

`records` maps each id to its line in records.jsonl (offset, length) and
keeps the few columns a result table shows; `fts` holds the words. The
`meta` table remembers how much of which records.jsonl has been indexed, so
an index that fell behind is caught up and one that no longer matches the
file is rebuilt.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import os
import re
import sqlite3
import urllib.parse
from array import array
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from ..record import class_words, completeness, source_key
from .folder import Store, read_line

if TYPE_CHECKING:
    from .query import Compiled

INDEX_VERSION = "5"
# FTS5 settings, kept in the index itself (bench/results-250k.md has the measurements):
# - hashsize: FTS5 writes a segment whenever its pending terms pass this size (1 MB by
#   default, about a hundred cables); fewer, larger segments mean less merging;
# - automerge: merge segments 16 at a time instead of 4, so each cable's terms are
#   rewritten on fewer levels. crisismerge stays at its default.
# An index keeps the settings it was made with.
FTS_SETTINGS = {"hashsize": 32 * 2**20, "automerge": 16}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS records(
    rowid INTEGER PRIMARY KEY,
    id TEXT UNIQUE NOT NULL,
    offset INTEGER NOT NULL,
    length INTEGER NOT NULL,
    sha256 TEXT,
    date TEXT,
    classification TEXT,
    origin TEXT,
    subject TEXT,
    score INTEGER,  -- how complete the record's reading is (record.completeness)
    source TEXT  -- record.source_key of the source it was read from
);
-- (records_sha, an index nothing read, cost a random insert per record.)
DROP INDEX IF EXISTS records_sha;
-- Every (content, source) the store's records stand for: each record's own source
-- and its other sources. A source read once is skipped when its content is unchanged.
CREATE TABLE IF NOT EXISTS seen(sha256 TEXT, source TEXT, PRIMARY KEY (sha256, source)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS records_date ON records(date);
-- What counts are grouped by, beside the records table's columns: a record's tags,
-- signers, input style and warning codes, one row each (see TAG, SIGNER... below).
CREATE TABLE IF NOT EXISTS facets(rowid INTEGER, kind TEXT, value TEXT, PRIMARY KEY (rowid, kind, value))
    WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS facets_value ON facets(kind, value);
-- The citation graph: every cable a record's references or body cite, by id (the cited
-- cable may not be in the store), and whether the citation's year was inferred.
CREATE TABLE IF NOT EXISTS edges(src INTEGER, target TEXT, inferred INTEGER, PRIMARY KEY (src, target))
    WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS edges_target ON edges(target);
"""
# Facet kinds in the facets table: tags, signers, the source's input style, warning codes.
TAG, SIGNER, FORMAT, WARNING = "t", "s", "f", "w"
# Contentless: the text is in records.jsonl already, and keeping a second copy here
# made the index three times the size.
# Snippets are made from the records (see _snippets); a row is deleted by handing
# FTS5 the values it was indexed with, rebuilt from its line in records.jsonl.
# Bare words search every word of the cable: subject, body, tags, signers, `rest` (the
# text outside the paragraphs: header, preamble, signature) and Classified By.
FTS_COLUMNS = (
    "subject",
    "body",
    "tags",
    "signers",
    "origin",
    "cls",
    "cid",
    "refs",
    "rest",
    "classified_by",
    "sender",
    "recipients",
)
_FTS_COLUMNS = ", ".join(FTS_COLUMNS)
_FTS_PLACES = ", ".join("?" * (len(FTS_COLUMNS) + 1))
_FTS_SCHEMA = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    {_FTS_COLUMNS}, content = '', tokenize = 'unicode61 remove_diacritics 2'
);
"""
# bm25 weights in column order: a word in the subject or tags counts more, one in the
# header and preamble less.
_WEIGHTS = "8.0, 1.0, 4.0, 2.0, 1.0, 1.0, 1.0, 1.0, 0.5, 1.0, 1.0, 1.0"
_BODY = FTS_COLUMNS.index("body")

Notify = Callable[[str], None]
# Where a record is stored: its (offset, length) in records.jsonl. Callers only hand it back.
Where = Any


def _size(path: os.PathLike | str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _body(record: Mapping[str, Any]) -> str:
    return "\n".join(p["text"] for p in record.get("paragraphs") or []) or record.get("text") or ""


def _rest(record: Mapping[str, Any]) -> str:
    """The preamble's words that no other column holds: the E.O. line, the REF items, the
    passing lines and the caveats. (Subject, tags, Classified By, signers, sender and
    addressees have columns of their own; the header's routing codes are no words.)"""
    eo = record.get("eo") or {}
    parts = [eo.get("text") or "", *(r.get("text") or "" for r in record.get("references") or [])]
    parts += record.get("passing") or []
    parts += record.get("caveats") or []
    return "\n".join(p for p in parts if p)


def _names(addressees: list) -> str:
    return "\n".join(a.get("name") or "" for a in addressees)


def _fts_row(record: Mapping[str, Any]) -> tuple:
    cites = [*(record.get("references") or []), *(record.get("cited") or [])]
    refs = " ".join(r["id"] for r in cites if r.get("id"))
    header = record.get("header") or {}
    cb = record.get("classified_by") or {}
    return (
        record.get("subject") or "",
        _body(record),
        " ".join(record.get("tags") or []),
        " ".join(record.get("signers") or []),
        record.get("origin") or "",
        class_words(record.get("classification")),
        record.get("id") or "",
        refs,
        _rest(record),
        " ".join(filter(None, (cb.get("name"), cb.get("title"), cb.get("text")))),
        " ".join(filter(None, (header.get("from"), record.get("origin")))),
        _names(header.get("to") or []) + "\n" + _names(header.get("info") or []),
    )


class Entry(NamedTuple):
    """What the index keeps of a record. Workers build it beside the JSON line, so the
    process that writes the store never handles whole records."""

    id: str
    sha256: str | None
    date: str | None
    classification: str | None
    origin: str | None
    subject: str | None
    score: int  # record.completeness
    source: str  # record.source_key of its source
    seen: tuple[tuple[str, str], ...]  # (sha256, source key) of its source and of its other sources
    fts: tuple
    facets: tuple[tuple[str, str], ...] = ()  # (kind, value): its tags, signers, input style, warnings
    cites: tuple[tuple[str, int], ...] = ()  # (cited id, 1 where the year was inferred)


def entry(record: Mapping[str, Any]) -> Entry:
    source = record.get("source") or {}
    sources = [source, *(record.get("other_sources") or [])]
    return Entry(
        record["id"],
        source.get("sha256"),
        record.get("date"),
        record.get("classification"),
        record.get("origin"),
        record.get("subject"),
        completeness(record),
        source_key(source),
        tuple((s["sha256"], source_key(s)) for s in sources if s.get("sha256")),
        _fts_row(record),
        tuple(
            dict.fromkeys(
                [(TAG, t) for t in record.get("tags") or [] if t]
                + [(SIGNER, n) for n in record.get("signers") or [] if n]
                + [(FORMAT, source.get("format") or "")]
                + [(WARNING, w) for w in record.get("warning_codes") or [] if w]
            )
        ),
        _cites(record),
    )


def _cites(record: Mapping[str, Any]) -> tuple[tuple[str, int], ...]:
    """Every cable the record cites, once, its own id left out: the REF list's, then the body's."""
    found: dict[str, int] = {}
    for ref in [*(record.get("references") or []), *(record.get("cited") or [])]:
        target = ref.get("id")
        if target and target != record.get("id"):
            found[target] = min(found.get(target, 1), int(bool(ref.get("year_inferred"))))
    return tuple(found.items())


_HELD = "SELECT 1 FROM seen WHERE sha256 = ? AND source = ?"


def has_prefix(prefixes: array, sha256: str | None) -> bool:
    """Whether the sorted array of 8-byte hash prefixes holds *sha256*'s."""
    try:
        key = int(str(sha256)[:16], 16)
    except ValueError:
        return False
    k = bisect.bisect_left(prefixes, key)
    return k < len(prefixes) and prefixes[k] == key


class SeenLookup:
    """Answers `holds(sha256, source)`: is this content from this source already in the
    store? In any process.

    Every known hash is kept as its first 8 bytes in one sorted array, shared by the
    forked workers, instead of a set of strings copied into each of them. A prefix
    that is there is confirmed in the index by a read-only connection of the asking
    process's own; asking SQLite for every file instead slowed the workers down while
    the writer kept committing.
    """

    def __init__(self, path: str, prefixes: array):
        self.path = path
        self.prefixes = prefixes
        self._db: sqlite3.Connection | None = None
        self._pid = 0

    def __getstate__(self) -> dict:
        # Sent to a cluster's workers: without this process's connection.
        return {**self.__dict__, "_db": None, "_pid": 0}

    def holds(self, sha256: str | None, source: str) -> bool:
        """Whether the store already holds this content from this source."""
        if not has_prefix(self.prefixes, sha256):
            return False
        try:
            if self._pid != os.getpid():
                uri = "file:" + urllib.parse.quote(self.path) + "?mode=ro"
                self._db, self._pid = sqlite3.connect(uri, uri=True, timeout=60), os.getpid()
            assert self._db is not None
            return self._db.execute(_HELD, (sha256, source)).fetchone() is not None
        except sqlite3.Error:
            # A worker on a machine without the store's folder: the file is parsed, and
            # the writer, which checks again under the lock, skips it.
            return False


class Index:
    """An open index over a store. Use `open_index` to get one that is fresh."""

    make_entry = staticmethod(entry)  # what the parsing workers make of each record

    def __init__(self, store: Store):
        # Do not construct one while holding the store lock: it takes the lock
        # itself, because two processes creating the database at once would
        # race on the journal mode ("database is locked").
        self.store = store
        self._untrusted = False
        with store.locked():
            self.db = sqlite3.connect(store.index_path, timeout=60)
            try:
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.executescript(_SCHEMA)
                self._create_fts()
            except sqlite3.DatabaseError:
                self.db.close()
                raise
        self.db.execute("PRAGMA synchronous=NORMAL")

    def close(self) -> None:
        self.db.close()

    def _create_fts(self) -> None:
        self.db.executescript(_FTS_SCHEMA)
        # The words of the index, for "did you mean" (fts5vocab reads them from the index).
        self.db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS fts_vocab USING fts5vocab(fts, row)")
        configured = {k for (k,) in self.db.execute("SELECT k FROM fts_config")}
        with self.db:
            for key, value in FTS_SETTINGS.items():
                if key not in configured:
                    self.db.execute("INSERT INTO fts(fts, rank) VALUES (?, ?)", (key, value))

    def _version(self) -> str:
        # An index that could not take a replaced record's words out says it is stale.
        return "untrusted" if self._untrusted else INDEX_VERSION

    # --- bookkeeping ---------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, **values) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", [(k, str(v)) for k, v in values.items()]
        )

    def _file_identity(self) -> tuple[str, int]:
        st = os.stat(self.store.records_path)
        return f"{st.st_dev}:{st.st_ino}", st.st_size

    def state(self) -> str:
        """'fresh', 'behind' (new lines to index) or 'stale' (must rebuild)."""
        if self.meta("version") != INDEX_VERSION:
            return "stale"
        identity, size = self._file_identity()
        indexed = int(self.meta("indexed_bytes") or -1)
        if self.meta("file") != identity or indexed > size or indexed < 0:
            return "stale"
        return "behind" if indexed < size else "fresh"

    # --- writing -------------------------------------------------------------

    def _add_many(self, items: list[tuple[Entry, int, int]]) -> int:
        """Index entries at their lines, in order (a later one of an id wins); return how many
        replaced an older record of their id. Done in a few statements per batch, not per record."""
        if not items:
            return 0
        latest: dict[str, tuple[Entry, int, int]] = {}
        replaced = 0
        for item in items:
            replaced += item[0].id in latest
            latest[item[0].id] = item
        ids = list(latest)
        old = []
        for k in range(0, len(ids), 500):
            part = ids[k : k + 500]
            old += self.db.execute(
                f"SELECT rowid, offset, length FROM records WHERE id IN ({','.join('?' * len(part))})", part
            ).fetchall()
        replaced += len(old)
        self.db.executemany(
            f"INSERT INTO fts(fts, rowid, {_FTS_COLUMNS}) VALUES ('delete', {_FTS_PLACES})",
            [(rowid, *values) for rowid, values in self._indexed_values(old)],
        )
        gone = [(rowid,) for rowid, _, _ in old]
        self.db.executemany("DELETE FROM records WHERE rowid = ?", gone)
        self.db.executemany("DELETE FROM facets WHERE rowid = ?", gone)
        self.db.executemany("DELETE FROM edges WHERE src = ?", gone)
        first = self.db.execute("SELECT COALESCE(MAX(rowid), 0) + 1 FROM records").fetchone()[0]
        rows, fts, facets, edges = [], [], [], []
        for rowid, (e, offset, length) in enumerate(latest.values(), start=first):
            facets += [(rowid, kind, value) for kind, value in e.facets]
            edges += [(rowid, target, inferred) for target, inferred in e.cites]
            rows.append(
                (
                    rowid,
                    e.id,
                    offset,
                    length,
                    e.sha256,
                    e.date,
                    e.classification,
                    e.origin,
                    e.subject,
                    e.score,
                    e.source,
                )
            )
            fts.append((rowid, *e.fts))
        self.db.executemany(
            "INSERT INTO records(rowid, id, offset, length, sha256, date, classification, origin,"
            " subject, score, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        self.db.executemany(f"INSERT INTO fts(rowid, {_FTS_COLUMNS}) VALUES ({_FTS_PLACES})", fts)
        self.db.executemany("INSERT OR IGNORE INTO facets(rowid, kind, value) VALUES (?, ?, ?)", facets)
        self.db.executemany("INSERT OR IGNORE INTO edges(src, target, inferred) VALUES (?, ?, ?)", edges)
        # Every source's content, also of the copies a richer source's record stands for:
        # so that re-parsing them, after a rebuild too, changes nothing.
        self.db.executemany(
            "INSERT OR IGNORE INTO seen(sha256, source) VALUES (?, ?)", [s for e, _, _ in items for s in e.seen]
        )
        return replaced

    def index_lines(self, start: int, notify: Notify | None = None) -> tuple[int, int]:
        """Index the store's complete lines from byte *start*; return (records, damaged lines)."""
        count = damaged = 0
        end = start
        batch: list[tuple[Entry, int, int]] = []
        with self.db:
            for number, offset, length, line in self.store.scan(start):
                end = offset + length
                record, _ = read_line(line)
                if record is None:
                    damaged += 1
                    if notify:
                        where = f"line {number}" if start == 0 else f"byte {offset}"
                        notify(f"records.jsonl {where} is damaged and was skipped")
                    continue
                batch.append((entry(record), offset, length))
                count += 1
                if len(batch) >= 1000:
                    self._add_many(batch)
                    batch = []
            self._add_many(batch)
            identity, _ = self._file_identity()
            self._set_meta(version=self._version(), file=identity, indexed_bytes=end)
        return count, damaged

    def _indexed_values(self, rows: list[tuple[int, int, int]]) -> Iterator[tuple[int, tuple]]:
        """(rowid, the values it was indexed with) for records about to be replaced."""
        for rowid, offset, length in rows:
            values = self._stored_fts(offset, length)
            if values is None:
                # The line changed under the index (an outside edit): its words cannot be
                # taken out one by one, so the index is rebuilt on next use.
                self._untrusted = True
            else:
                yield rowid, values

    def _stored_fts(self, offset: int, length: int) -> tuple | None:
        """The FTS values of the record stored at *offset*, or None if it cannot be read."""
        try:
            return entry(self.store.read_at(offset, length)).fts
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def rebuild(self, notify: Notify | None = None) -> tuple[int, int]:
        with self.db:
            self.db.execute("DROP TABLE IF EXISTS records")  # also an older index's, with fewer columns
            self.db.execute("DROP TABLE IF EXISTS fts")  # also an older index's table with content
            self.db.execute("DROP TABLE IF EXISTS seen")  # an older index's has no source column
            self.db.execute("DROP TABLE IF EXISTS facets")
            self.db.execute("DROP TABLE IF EXISTS edges")
            self.db.execute("DELETE FROM meta")
            self.db.executescript(_SCHEMA)
        self._create_fts()
        self._untrusted = False
        return self.index_lines(0, notify)

    def write(self, entries: list[Entry], lines: list[bytes]) -> tuple[int, int]:
        """Append records (their index entries and JSON lines, `jsonl.encode`) to the store
        and index them; return (written, replaced). Call under the store lock, with the
        index fresh."""
        spans = self.store.append([line + b"\n" for line in lines])
        with self.db:
            replaced = self._add_many([(e, o, n) for e, (o, n) in zip(entries, spans, strict=True)])
            identity, size = self._file_identity()
            self._set_meta(version=self._version(), file=identity, indexed_bytes=size)
        return len(entries), replaced

    def catch_up(self, notify: Notify | None = None) -> None:
        """Make the index match records.jsonl again. Call under the store lock."""
        state = self.state()
        if state == "fresh":
            return
        self.store.cut_torn_tail()
        state = self.state()
        if state == "behind":
            if notify:
                notify("the search index was behind records.jsonl; indexing the new lines")
            self.index_lines(int(self.meta("indexed_bytes") or 0), notify)
        elif state == "stale":
            if notify:
                notify("the search index is missing or out of date; rebuilding it from records.jsonl")
            self.rebuild(notify)

    def dead_bytes(self) -> int:
        live = self.db.execute("SELECT COALESCE(SUM(length), 0) FROM records").fetchone()[0]
        return self._file_identity()[1] - live

    def moved(self, moves: list[tuple[int, int]]) -> None:
        """Records.jsonl was rewritten (compaction): (new offset, rowid) of each record."""
        with self.db:
            self.db.executemany("UPDATE records SET offset = ? WHERE rowid = ?", moves)
            identity, size = self._file_identity()
            self._set_meta(version=self._version(), file=identity, indexed_bytes=size)

    def live(self) -> list[tuple[int, int, int]]:
        """(rowid, offset, length) of every indexed record, in file order."""
        return self.db.execute("SELECT rowid, offset, length FROM records ORDER BY offset").fetchall()

    # --- reading -------------------------------------------------------------

    def seen_lookup(self) -> SeenLookup:
        """Is a source's content in the store (`holds`)? Usable from worker processes."""
        prefixes = array("Q")
        # The primary key's order is the order of the hex digits, so the array comes
        # out sorted without a list of millions of numbers to sort.
        for (sha,) in self.db.execute("SELECT sha256 FROM seen ORDER BY sha256"):
            with contextlib.suppress(ValueError):
                prefixes.append(int(sha[:16], 16))
        if any(a > b for a, b in itertools.pairwise(prefixes)):
            prefixes = array("Q", sorted(prefixes))  # a hash not in lower-case hex
        return SeenLookup(str(self.store.index_path), prefixes)

    def holds(self, sha256: str | None, source: str) -> bool:
        """Whether the store already holds this content from this source."""
        return self.db.execute(_HELD, (sha256, source)).fetchone() is not None

    def current(self, ids: list[str]) -> dict[str, tuple[Where, int, str]]:
        """id -> (where it is stored, score, source key) of the records of *ids* in the store."""
        found = {}
        for k in range(0, len(ids), 500):
            part = ids[k : k + 500]
            rows = self.db.execute(
                f"SELECT id, offset, length, score, source FROM records WHERE id IN ({','.join('?' * len(part))})",
                part,
            )
            found.update({cid: ((offset, length), score, source) for cid, offset, length, score, source in rows})
        return found

    def held(self, pairs: list[tuple[str | None, str]]) -> set[tuple[str | None, str]]:
        """Those of the (sha256, source key) pairs whose content the store holds from that source."""
        return {pair for pair in dict.fromkeys(pairs) if self.holds(*pair)}

    def record_at(self, where: Where) -> dict:
        """The record stored at *where* (what `lookup` and `current` give, a row's "where")."""
        return self.store.read_at(*where)

    def line_at(self, where: Where) -> str:
        """The record stored at *where*, as its JSON text."""
        return self.store.read_line_at(*where)

    def records(self, wheres: list[Where]) -> Iterator[dict]:
        """The records stored at *wheres*, in that order."""
        for where in wheres:
            yield self.store.read_at(*where)

    @property
    def label(self) -> str:
        """The store, as messages name it."""
        return str(self.store.root)

    @contextlib.contextmanager
    def writing(self, notify: Notify | None = None) -> Iterator[None]:
        """Hold the store for one batch of writes: its lock, with the index caught up."""
        with self.store.locked():
            self.catch_up(notify)
            yield

    def tidy(self) -> None:
        """After a run that replaced records: compact records.jsonl if it is worth it."""
        from .ingest import COMPACT_BELOW, compact

        with self.store.locked():
            dead, size = self.dead_bytes(), self.store.records_path.stat().st_size
            if dead and (size < COMPACT_BELOW or dead * 5 > size):
                compact(self)

    def sizes(self) -> tuple[int, int]:
        """(bytes of the records, bytes of the index)."""
        return _size(self.store.records_path), _size(self.store.index_path)

    def word_documents(self, term: str) -> int:
        """How many cables hold the plain word *term*."""
        row = self.db.execute("SELECT doc FROM fts_vocab WHERE term = ?", (term.lower(),)).fetchone()
        return row[0] if row else 0

    def words_like(self, word: str) -> dict[str, int | None]:
        """The index's words that start with *word*'s letter and are within two letters of
        its length, with how many cables hold each (fts5vocab reads them from the index)."""
        rows = self.db.execute(
            "SELECT term, doc FROM fts_vocab WHERE term >= ? AND term < ? AND length(term) BETWEEN ? AND ?",
            (word[:1], word[:1] + "\uffff", len(word) - 2, len(word) + 2),
        )
        return dict(rows)

    def lookup(self, cable_id: str) -> tuple[int, int] | None:
        row = self.db.execute("SELECT offset, length FROM records WHERE id = ?", (cable_id,)).fetchone()
        if row is None:
            row = self.db.execute(
                "SELECT offset, length FROM records WHERE id = ? COLLATE NOCASE", (cable_id,)
            ).fetchone()
        return row

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM records").fetchone()[0]

    def close_ids(self, cable_id: str, n: int = 3) -> list[str]:
        """Ids in the store that look most like *cable_id* (for 'did you mean')."""
        import difflib

        wanted = cable_id.upper()
        letters = "".join(c for c in wanted if c.isalpha())
        candidates = (
            [r[0] for r in self.db.execute("SELECT id FROM records WHERE id LIKE ? LIMIT 50000", (f"%{letters[:4]}%",))]
            if letters
            else []
        )
        if len(candidates) < n:
            candidates += [r[0] for r in self.db.execute("SELECT id FROM records LIMIT 50000")]
        return difflib.get_close_matches(wanted, list(dict.fromkeys(candidates)), n=n, cutoff=0.5)

    def search(
        self,
        compiled: Compiled,
        *,
        sort: str = "relevance",
        reverse: bool = False,
        limit: int | None = None,
        offset: int = 0,
        snippets: bool = True,
    ) -> list[dict]:
        """Run a compiled query; rows carry id, date, classification, origin, subject, offset,
        length, score and snippet (None unless *snippets*). *offset* rows are passed over."""
        page = " LIMIT ? OFFSET ?" if limit is not None or offset else ""
        page_params = [-1 if limit is None else limit, offset] if page else []
        cols = "r.id, r.date, r.classification, r.origin, r.subject, r.offset, r.length"
        if compiled.match and sort == "relevance":
            # Ranked inside FTS5 alone; only the rows kept are joined to their records.
            inner, params = self._matching(compiled, f"rowid, bm25(fts, {_WEIGHTS}) AS score")
            inner += " ORDER BY score DESC, rowid DESC" if reverse else " ORDER BY score, rowid"
            inner += page
            params += page_params
            sql = (
                f"SELECT {cols}, m.score AS score, m.rowid AS rowid FROM ({inner}) m "
                "JOIN records r ON r.rowid = m.rowid ORDER BY "
                + ("m.score DESC, m.rowid DESC" if reverse else "m.score, m.rowid")
            )
        else:
            sql, params = self._filtered(compiled, f"{cols}, 0 AS score, r.rowid AS rowid")
            if sort == "date" or not compiled.match:
                newest_first = reverse if sort == "date" else not reverse
                sql += (
                    " ORDER BY r.date DESC NULLS LAST, r.id DESC"
                    if newest_first
                    else " ORDER BY r.date ASC NULLS LAST, r.id"
                )
            sql += page
            params += page_params
        cursor = self.db.execute(sql, params)
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor]
        for row in rows:
            row["where"] = (row["offset"], row["length"])
        if snippets:
            self._snippets(compiled.match, rows)
        else:
            for row in rows:
                row["snippet"] = None
        return rows

    def _snippets(self, match: str | None, rows: list[dict]) -> None:
        snippets(match, rows, lambda row: self._stored_fts(row["offset"], row["length"]))

    # --- counts and the citation graph --------------------------------------

    def group_counts(
        self, compiled: Compiled | None, by: str, matches: int | None = None
    ) -> list[tuple[str | None, int]]:
        """(value, number of matching cables) for each value of *by* (one of GROUPS) among
        the cables *compiled* matches (all of them for None), most first. Read from the
        index's columns and facets, never from the records. *matches*, how many cables
        match where the caller knows it, chooses how the facets are read."""
        everything = compiled is None or not (
            compiled.match or compiled.exclude or compiled.since or compiled.until or compiled.cited_by
        )
        params: list = []
        if by in _FACET_GROUPS:
            if everything:
                sql = "SELECT value, COUNT(*) AS n FROM facets WHERE kind = ? GROUP BY value"
            else:
                assert compiled is not None
                inner, params = self._filtered(compiled, "r.rowid")
                # A few matches are looked up by their rowids (the primary key; "+kind" keeps
                # SQLite from the kind's index), many by one pass over the kind's rows, in
                # value order (no sort): 204 ms -> a few for 145 matches of 250,000.
                few = matches is not None and matches * 20 < self.count()
                kind = "+kind" if few else "kind"
                sql = f"SELECT value, COUNT(*) AS n FROM facets WHERE {kind} = ? AND rowid IN ({inner}) GROUP BY value"
            params = [_FACET_GROUPS[by], *params]
        else:
            column = _COLUMN_GROUPS[by]
            if everything:
                sql = f"SELECT {column} AS value, COUNT(*) AS n FROM records r GROUP BY value"
            else:
                assert compiled is not None
                sql, params = self._filtered(compiled, f"{column} AS value, COUNT(*) AS n")
                sql += " GROUP BY value"
        return [(value, n) for value, n in self.db.execute(sql + " ORDER BY n DESC, value", params)]

    def with_facet(self, by: str) -> int:
        """How many records have any value of the facet *by* (records with warnings: 'warning')."""
        return self.db.execute(
            "SELECT COUNT(DISTINCT rowid) FROM facets WHERE kind = ?", (_FACET_GROUPS[by],)
        ).fetchone()[0]

    def date_range(self) -> tuple[str | None, str | None]:
        first, last = self.db.execute("SELECT MIN(date), MAX(date) FROM records").fetchone()
        return first, last

    def cites(self, cable_id: str) -> list[tuple[str, bool]]:
        """(cited id, year inferred) of every cable *cable_id* cites."""
        rows = self.db.execute(
            "SELECT e.target, e.inferred FROM edges e JOIN records r ON r.rowid = e.src WHERE r.id = ?", (cable_id,)
        )
        return [(target, bool(inferred)) for target, inferred in rows]

    def citing(self, cable_id: str) -> list[tuple[str, bool]]:
        """(citing id, year inferred) of every cable in the store that cites *cable_id*."""
        rows = self.db.execute(
            "SELECT r.id, e.inferred FROM edges e JOIN records r ON r.rowid = e.src WHERE e.target = ?", (cable_id,)
        )
        return [(source, bool(inferred)) for source, inferred in rows]

    def cited_by(self, cable_id: str) -> list[tuple[str, str | None, str | None]]:
        """(id, date, subject) of the cables in the store that cite *cable_id*, newest first."""
        rows = self.db.execute(
            "SELECT r.id, r.date, r.subject FROM edges e JOIN records r ON r.rowid = e.src WHERE e.target = ?"
            " ORDER BY r.date DESC NULLS LAST, r.id DESC",
            (cable_id,),
        )
        return list(rows)

    def nodes(self, ids: list[str]) -> dict[str, dict]:
        """id -> {date, origin, classification, subject, tags} of those of *ids* in the store."""
        found: dict[str, dict] = {}
        for k in range(0, len(ids), 500):
            part = ids[k : k + 500]
            marks = ",".join("?" * len(part))
            rows = self.db.execute(
                f"SELECT rowid, id, date, origin, classification, subject FROM records WHERE id IN ({marks})", part
            ).fetchall()
            tags: dict[int, list[str]] = {}
            rowids = [row[0] for row in rows]
            if rowids:
                for rowid, tag in self.db.execute(
                    f"SELECT rowid, value FROM facets WHERE kind = ? AND rowid IN ({','.join('?' * len(rowids))})",
                    [TAG, *rowids],
                ):
                    tags.setdefault(rowid, []).append(tag)
            for rowid, cid, date, origin, cls, subject in rows:
                found[cid] = {
                    "date": date,
                    "origin": origin,
                    "classification": cls,
                    "subject": subject,
                    "tags": tags.get(rowid, []),
                }
        return found

    def summaries(self, ids: list[str]) -> dict[str, tuple[str | None, str | None]]:
        """id -> (date, subject) of those of *ids* that are in the store."""
        found = {}
        for k in range(0, len(ids), 500):
            part = ids[k : k + 500]
            rows = self.db.execute(
                f"SELECT id, date, subject FROM records WHERE id IN ({','.join('?' * len(part))})", part
            )
            found.update({row[0]: (row[1], row[2]) for row in rows})
        return found

    def count_matches(self, compiled: Compiled) -> int:
        if compiled.match:
            sql, params = self._matching(compiled, "COUNT(*)")
        else:
            sql, params = self._filtered(compiled, "COUNT(*)")
        return self.db.execute(sql, params).fetchone()[0]

    def _bounds(self, compiled: Compiled) -> tuple[list[str], list]:
        where, params = [], []
        if compiled.since:
            where.append("date >= ?")
            params.append(compiled.since)
        if compiled.until:
            where.append("date < ?")
            params.append(compiled.until)
        for cable_id in compiled.cited_by:
            where.append("id IN (SELECT e.target FROM edges e JOIN records s ON s.rowid = e.src WHERE s.id = ?)")
            params.append(cable_id)
        return where, params

    def _matching(self, compiled: Compiled, what: str) -> tuple[str, list]:
        """SELECT *what* FROM fts rows that match, with the exclusion and date bounds."""
        sql = f"SELECT {what} FROM fts WHERE fts MATCH ?"
        params: list = [compiled.match]
        if compiled.exclude:
            sql += " AND rowid NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)"
            params.append(compiled.exclude)
        bounds, values = self._bounds(compiled)
        if bounds:
            # "+rowid": without it SQLite hands FTS5 each dated rowid as an equality
            # lookup, one index probe per cable of the period, instead of one match
            # and a filter.
            sql += f" AND +rowid IN (SELECT rowid FROM records WHERE {' AND '.join(bounds)})"
            params += values
        return sql, params

    def _filtered(self, compiled: Compiled, what: str) -> tuple[str, list]:
        """SELECT *what* FROM records r (joined to fts when the query has words)."""
        if compiled.match:
            sql, params = self._matching(compiled, "rowid")
            return f"SELECT {what} FROM records r WHERE r.rowid IN ({sql})", params
        sql = f"SELECT {what} FROM records r"
        where, params = self._bounds(compiled)
        if compiled.exclude:
            where.append("r.rowid NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
            params.append(compiled.exclude)
        if where:
            sql += " WHERE " + " AND ".join(where)
        return sql, params


# What `group_counts` can count by: a column of the records table, or a facet kind.
_COLUMN_GROUPS = {
    "year": "substr(r.date, 1, 4)",
    "month": "substr(r.date, 1, 7)",
    "origin": "r.origin",
    "class": "r.classification",
}
_FACET_GROUPS = {"tag": TAG, "signer": SIGNER, "format": FORMAT, "warning": WARNING}
GROUPS = (*_COLUMN_GROUPS, *_FACET_GROUPS)


def snippets(match: str | None, rows: list[dict], fts_of: Callable[[dict], tuple | None]) -> None:
    """Give each row the passage of its body that best matches the query, the words
    marked with \\x02 and \\x03; where the body holds none of them (a filter-only query,
    a word only in the subject), the body's first words. *fts_of* gives a row's FTS values
    (`entry(record).fts`), None where its record cannot be read. The stores hold no
    marked text, so the rows' records are indexed on their own in a throwaway in-memory
    table, where the same query marks the words: only for the rows shown, never for
    every match."""
    values = {}
    for k, row in enumerate(rows):
        row["snippet"] = None
        if (fts := fts_of(row)) is not None:
            values[k] = fts  # a record that cannot be read shows no snippet
    if not values:
        return
    found = _marked(match, values) if match else {}
    for k, fts in values.items():
        text = found.get(k)
        if not text or "\x02" not in text:
            text = _opening(fts[_BODY])
        rows[k]["snippet"] = _RULES.sub(" ", text)


def _marked(match: str, values: dict[int, tuple]) -> dict[int, str]:
    """The best passage of each body for *match*, its words marked (where it has one)."""
    db = sqlite3.connect(":memory:")
    try:
        db.executescript(_FTS_SCHEMA.replace("content = '', ", ""))
        db.executemany(
            f"INSERT INTO fts(rowid, {_FTS_COLUMNS}) VALUES ({_FTS_PLACES})",
            [(k, *fts) for k, fts in values.items()],
        )
        return dict(
            db.execute(
                f"SELECT rowid, snippet(fts, {_BODY}, char(2), char(3), '…', 16) FROM fts WHERE fts MATCH ?",
                (match,),
            )
        )
    finally:
        db.close()


# Rules and underlines that separate a cable's sections: not worth a snippet's room.
_RULES = re.compile(r"\s*(?:-{3,}|={3,}|_{3,}|\*{3,})\s*")


def _opening(body: str, words: int = 16) -> str:
    """The first words of a body, for a row whose body holds no word of the query."""
    parts = _RULES.sub(" ", body[:4000]).split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def index_damage(store: Store) -> str | None:
    """Why the store's index file cannot be used as a database, or None (also when absent).
    A read-only probe: it takes no lock, so it may run while the lock is held."""
    if not store.index_path.exists():
        return None
    try:
        db = sqlite3.connect(f"file:{store.index_path}?mode=ro", uri=True, timeout=60)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            db.execute("SELECT count(*) FROM meta").fetchone()
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None


def usable_index(store: Store, notify: Notify | None = None) -> Index:
    """The store's index; a damaged index file is removed first. The index is only a
    cache of records.jsonl: what is removed is rebuilt from it."""
    try:
        return Index(store)
    except sqlite3.DatabaseError as exc:
        if notify:
            notify(f"the search index is damaged ({exc}); it is removed and rebuilt from records.jsonl")
        with store.locked():
            if index_damage(store):  # unless another process has already replaced it
                for suffix in ("", "-wal", "-shm"):
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(f"{store.index_path}{suffix}")
        return Index(store)


def open_index(store: Store, notify: Notify | None = None) -> Index:
    """Open the store's index, catching up or rebuilding it (under the lock) when needed."""
    if not store.exists():
        store.create()
    missing = not store.index_path.exists()
    try:
        index = Index(store)
    except sqlite3.DatabaseError:
        index = usable_index(store, notify)
        missing = True
    state = index.state()
    if state == "fresh" and not missing:
        return index
    with store.locked():
        if missing and index.state() == "stale" and not store.records_path.stat().st_size:
            index.rebuild()  # a new, empty store: nothing to say
        else:
            index.catch_up(notify)
    return index
