"""A store in a PostgreSQL database, for a corpus a team shares.

The same interface as a folder's `Index` (see `store.base.Corpus`), over the tables of
the schema `cablekit`:

    meta      the schema's version, checked on connect
    records   one row per cable id: the record as JSONB beside the columns queries
              filter on, and two weighted tsvectors: `words` (every field, for
              matching; GIN-indexed) and `head` (subject, tags, signers: for ranking)
    seen      every (content, source) the records stand for: re-runs skip them
    facets    tags, signers, input style and warning codes, a row each (for counts)
    edges     the citation graph: each cable a record cites

Words are split and folded here, as SQLite's unicode61 tokenizer does for the folder
store, and each is stored with its field: "s:kosovo" in the subject, "b:kosovo" in the
body. So a field filter (subject:kosovo) is one lexeme, a bare word the fields it may
be in, and a phrase never runs from one field into the next. The query language is
compiled from the same parsed query as the folder store's, to a tsquery string that
reaches the server as a bound parameter, as every other value does.

Writers hold a transaction-level advisory lock for each batch, so two ingests at once
take turns batch by batch and each sees what the other wrote; a batch is one
transaction, so a killed ingest leaves no half-written batch.
"""

from __future__ import annotations

import contextlib
import difflib
import re
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ..record import decode, dumps, encode, in_field_order, is_record
from .check import Report, _problem, _reread
from .folder import StoreError
from .index import (
    _COLUMN_GROUPS,
    _FACET_GROUPS,
    FTS_COLUMNS,
    TAG,
    Entry,
    Notify,
    entry,
    has_prefix,
    snippets,
)

if TYPE_CHECKING:
    import psycopg

    from .query import Compiled

SCHEMA = "cablekit"
SCHEMA_VERSION = 1
# The advisory lock every writer takes for a batch (any number fixed for cablekit).
_WRITE_LOCK = 0x63_61_62_6C
# tsvector limits: a position is at most 16383; a lexeme keeps at most 256 positions,
# and is at most 2 KB long; a whole tsvector at most 1 MB, which a field's first 40,000
# words cannot reach. Longer words and later ones are not indexed.
_MAX_POSITION = 16383
_MAX_POSITIONS = 256
_LONGEST = 500
_MAX_TOKENS = 40_000

# Each FTS column's code in the lexemes, and its weight: the subject counts most, then
# the tags and the signers, as the folder store's bm25 weights have it.
_CODES = {
    "subject": "s",
    "body": "b",
    "tags": "t",
    "signers": "g",
    "origin": "o",
    "cls": "c",
    "cid": "i",
    "refs": "r",
    "rest": "x",
    "classified_by": "k",
    "sender": "f",
    "recipients": "e",
}
_WEIGHT = {"subject": "A", "tags": "B", "signers": "C"}
_HEAD = ("subject", "tags", "signers")
# Fields of a record that no word is searched in: left out of what snippets read.
_UNSEARCHED = ("other_sources", "warnings", "warning_codes", "articles", "source", "summary", "section")
# Ranking reads each match's words: up to RANK_ALL_BELOW matches all of them, up to
# RANK_HEAD_BELOW the subject's, tags' and signers' (`head`), beyond it only those of the
# matches whose subject holds a word of the query (see Database._ranked).
RANK_ALL_BELOW = 1000
RANK_HEAD_BELOW = 5000
# ts_rank's weights for D, C, B, A.
_RANK_WEIGHTS = "{0.125, 0.25, 0.5, 1.0}"
# Where bare words are looked for: as the folder store's BARE_COLUMNS.
_BARE = ("subject", "body", "tags", "signers", "rest", "classified_by", "sender", "recipients")
_ORDER = tuple(range(len(FTS_COLUMNS)))

_TABLES = f"""
CREATE TABLE {SCHEMA}.meta(key text PRIMARY KEY, value text NOT NULL);
CREATE SEQUENCE {SCHEMA}.rowids;
CREATE TABLE {SCHEMA}.records(
    rowid bigint PRIMARY KEY,
    id text NOT NULL UNIQUE,
    record jsonb NOT NULL,
    sha256 text,
    date text,
    classification text,
    origin text,
    subject text,
    score integer NOT NULL,
    source text NOT NULL,
    words tsvector NOT NULL,
    head tsvector NOT NULL
);
CREATE INDEX records_words ON {SCHEMA}.records USING gin(words);
CREATE INDEX records_date ON {SCHEMA}.records(date);
CREATE INDEX records_lower_id ON {SCHEMA}.records(lower(id));
CREATE TABLE {SCHEMA}.seen(sha256 text, source text, PRIMARY KEY (sha256, source));
CREATE TABLE {SCHEMA}.facets(rowid bigint, kind text, value text, PRIMARY KEY (rowid, kind, value));
CREATE INDEX facets_value ON {SCHEMA}.facets(kind, value);
CREATE TABLE {SCHEMA}.edges(src bigint, target text, inferred boolean, PRIMARY KEY (src, target));
CREATE INDEX edges_target ON {SCHEMA}.edges(target);
-- lz4, where the server has it, compresses the records and their words several times
-- faster than the default (pglz), on every ingest.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)) THEN
        ALTER TABLE {SCHEMA}.records ALTER COLUMN record SET COMPRESSION lz4,
            ALTER COLUMN words SET COMPRESSION lz4, ALTER COLUMN head SET COMPRESSION lz4;
    END IF;
END $$;
"""
# Each step brings the schema from the version before it to its own (version 1: made
# from nothing). A later version appends its step here.
MIGRATIONS: list[str] = [_TABLES]


def shown(url: str) -> str:
    """The URL as messages show it: without its password."""
    return re.sub(r"^(\w+://[^:/@]+):[^@/]*@", r"\1:***@", url)


def _driver():
    try:
        import psycopg
    except ImportError:
        raise StoreError("a PostgreSQL store needs the psycopg driver: pip install 'cablekit[postgres]'") from None
    return psycopg


def connect(url: str) -> psycopg.Connection:
    psycopg = _driver()
    from psycopg.types.json import set_json_loads

    set_json_loads(decode)
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=20)
    except psycopg.Error as exc:
        raise StoreError(f"cannot connect to {shown(url)}: {str(exc).strip()}") from None


# --- words -----------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")
# The combining marks that NFD splits off letters (the diacritics unicode61 removes).
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def words(text: str) -> list[str]:
    """The words of *text* as the index keeps them: runs of letters and digits, lower
    case, without diacritics (as SQLite's unicode61 tokenizer, remove_diacritics 2)."""
    text = text.lower()
    if not text.isascii():
        text = _MARKS.sub("", unicodedata.normalize("NFD", text))
    return _WORD.findall(text)


def vectors(fts: tuple) -> tuple[str, str]:
    """The `words` and `head` tsvectors (as text) of a record's FTS values. Each field's
    lexemes carry its code, so no two fields share one and each field counts its
    positions from 1 (a phrase is looked for within one field); positions are cut at
    tsvector's limits."""
    every: list[str] = []
    head: list[str] = []
    for k in _ORDER:
        column = FTS_COLUMNS[k]
        tokens = words(fts[k] or "")[:_MAX_TOKENS]
        if not tokens:
            continue
        if max(map(len, tokens)) > _LONGEST:
            tokens = [t for t in tokens if len(t) <= _LONGEST]
        found: defaultdict[str, list[int]] = defaultdict(list)
        for at, word in enumerate(tokens, 1):
            found[word].append(at)
        code, weight = _CODES[column], _WEIGHT.get(column, "")
        long = len(tokens) > _MAX_POSITION
        parts = []
        for word, places in found.items():
            if long:
                places = sorted({min(p, _MAX_POSITION) for p in places})
            spots = places[:_MAX_POSITIONS]
            marks = ",".join(f"{p}{weight}" for p in spots) if weight else ",".join(map(str, spots))
            parts.append(f"'{code}:{word}':{marks}")
        every += parts
        if column in _HEAD:
            head += parts
    return " ".join(every), " ".join(head)


def pg_entry(record: Mapping[str, Any]) -> Entry:
    """What the database keeps of a record besides its JSON: the folder store's entry,
    with its FTS values made into the two tsvectors."""
    made = entry(record)
    return made._replace(fts=vectors(made.fts))


def _lexeme(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def _subject_query(tree: Any) -> str | None:
    """The tsquery of the cables whose subject holds a word or phrase the query looks for
    (its plain words and subject: filters, not those under NOT); None where it has none."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if node[0] in ("and", "or"):
            for child in node[1]:
                walk(child)
        elif node[0] == "term" and node[1] in (None, "subject"):
            if (term := tsquery(("term", "subject", *node[2:]))) is not None:
                found.append(term)

    if tree is not None:
        walk(tree)
    return " | ".join(dict.fromkeys(found)) or None


def tsquery(node: Any) -> str | None:
    """A parsed query (`Compiled.tree`) as tsquery text; None where it has no words.
    Date and cited-by filters are SQL conditions, not part of it."""
    kind = node[0]
    if kind == "term":
        _, column, value, prefix, _pos = node
        found = words(value)
        if not found:
            return None
        alternatives = []
        for name in _BARE if column is None else (column,):
            lexemes = [_lexeme(_CODES[name] + ":" + w) for w in found]
            if prefix:
                lexemes[-1] += ":*"
            alternatives.append(" <-> ".join(lexemes))
        return "(" + " | ".join(f"({a})" for a in alternatives) + ")"
    if kind == "not":
        inner = tsquery(node[1])
        return None if inner is None else f"!({inner})"
    if kind in ("and", "or"):
        parts = [p for child in node[1] if (p := tsquery(child)) is not None]
        if not parts:
            return None
        return "(" + (" & " if kind == "and" else " | ").join(parts) + ")"
    return None  # a date or cited-by filter


# --- the seen contents, for the parsing workers -------------------------------------


class PgSeen:
    """Answers `holds(sha256, source)` in any process, as `index.SeenLookup` does: known
    hashes as a sorted array of 8-byte prefixes, a hit confirmed by a connection of the
    asking process's own. Picklable, for workers on other machines."""

    def __init__(self, url: str, prefixes: array):
        self.url = url
        self.prefixes = prefixes
        self._db: Any = None

    def __getstate__(self) -> dict:
        return {"url": self.url, "prefixes": self.prefixes, "_db": None}

    def holds(self, sha256: str | None, source: str) -> bool:
        if not has_prefix(self.prefixes, sha256):
            return False
        if self._db is None:
            self._db = connect(self.url)
        return (
            self._db.execute(
                f"SELECT 1 FROM {SCHEMA}.seen WHERE sha256 = %s AND source = %s", (sha256, source)
            ).fetchone()
            is not None
        )


def _clean_nul(value: Any) -> Any:
    """PostgreSQL's text and JSONB hold no NUL character: it is dropped."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_clean_nul(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean_nul(v) for k, v in value.items()}
    return value


class SchemaError(StoreError):
    """The database has no cablekit schema, or one of another version."""


# --- the store -----------------------------------------------------------------------


class Database:
    """A cablekit store in a PostgreSQL database. `open_database` checks its schema."""

    make_entry = staticmethod(pg_entry)

    def __init__(self, url: str):
        self.url = url
        self.db = connect(url)
        self._queries: dict[str, str | None] = {}
        self._counted: tuple[tuple, int] | None = None
        # The planner does not count what reading a match's words from TOAST costs: for
        # a common word it chose to scan every row (0.5 s at 60,000 cables) over the GIN
        # index and the visibility map (10 ms). Just-in-time compiling only slowed the
        # short queries here.
        self.db.execute("SET enable_seqscan = off")
        self.db.execute("SET jit = off")
        # Room to count and rank a common word's matches in memory.
        self.db.execute("SET work_mem = '32MB'")

    @property
    def label(self) -> str:
        return shown(self.url)

    def close(self) -> None:
        self.db.close()

    # --- the schema ------------------------------------------------------------

    def version(self) -> int | None:
        """The schema's version in the database; None where it has none."""
        # pg_class read with the statement's snapshot: to_regclass's catalog cache may not
        # yet see a schema that another process made while this one waited for the lock.
        exists = _first(
            self.db.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = %s AND c.relname = 'meta'",
                (SCHEMA,),
            )
        )[0]
        if not exists:
            return None
        row = self.db.execute(f"SELECT value FROM {SCHEMA}.meta WHERE key = 'version'").fetchone()
        return int(row[0]) if row else None

    def migrate(self) -> tuple[int | None, int]:
        """Create the schema, or bring it to this version; return (before, after)."""
        with self.db.transaction():
            self.db.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
            before = self.version()
            if before is not None and before > SCHEMA_VERSION:
                raise SchemaError(self._newer(before))
            if before is None:
                self.db.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
            for step in MIGRATIONS[before or 0 :]:
                self.db.execute(step)
            self.db.execute(
                f"INSERT INTO {SCHEMA}.meta(key, value) VALUES ('version', %s)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(SCHEMA_VERSION),),
            )
        return before, SCHEMA_VERSION

    def _newer(self, version: int) -> str:
        return (
            f"the store at {self.label} has schema version {version}, newer than this cablekit knows"
            f" ({SCHEMA_VERSION}): upgrade cablekit"
        )

    def check_version(self) -> None:
        version = self.version()
        if version is None:
            raise SchemaError(
                f"no cablekit store in {self.label}; run 'cablekit store init --store URL' or parse into it"
            )
        if version > SCHEMA_VERSION:
            raise SchemaError(self._newer(version))
        if version < SCHEMA_VERSION:
            raise SchemaError(
                f"the store at {self.label} has schema version {version}; run 'cablekit store init' to migrate it"
                f" to {SCHEMA_VERSION}"
            )

    # --- writing ---------------------------------------------------------------

    @contextlib.contextmanager
    def writing(self, notify: Notify | None = None) -> Iterator[None]:
        """One batch of writes: a transaction holding the writers' lock."""
        with self.db.transaction():
            self.db.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
            yield

    def held(self, pairs: list[tuple[str | None, str]]) -> set[tuple[str | None, str]]:
        wanted = [(sha, source) for sha, source in dict.fromkeys(pairs) if sha]
        if not wanted:
            return set()
        rows = self.db.execute(
            f"SELECT s.sha256, s.source FROM {SCHEMA}.seen s JOIN unnest(%s::text[], %s::text[]) AS w(sha256, source)"
            " ON s.sha256 = w.sha256 AND s.source = w.source",
            ([sha for sha, _ in wanted], [source for _, source in wanted]),
        )
        return {(sha, source) for sha, source in rows}

    def holds(self, sha256: str | None, source: str) -> bool:
        return bool(self.held([(sha256, source)]))

    def current(self, ids: list[str]) -> dict[str, tuple[Any, int, str]]:
        rows = self.db.execute(f"SELECT id, rowid, score, source FROM {SCHEMA}.records WHERE id = ANY(%s)", (ids,))
        return {cid: (rowid, score, source) for cid, rowid, score, source in rows}

    def write(self, entries: list[Entry], lines: list[bytes]) -> tuple[int, int]:
        """Store records (their entries, `pg_entry`, and JSON lines), replacing the stored
        records of their ids; return (written, replaced). Call inside `writing`."""
        latest: dict[str, tuple[Entry, bytes]] = {}
        for e, line in zip(entries, lines, strict=True):
            if b"\\u0000" in line or any("\x00" in (v or "") for v in (e.subject, e.origin, e.date)):
                record = _clean_nul(decode(line))
                e, line = pg_entry(record), encode(record)
            latest[e.id] = (e, line)
        if not latest:
            return 0, 0
        gone = [
            r
            for (r,) in self.db.execute(
                f"DELETE FROM {SCHEMA}.records WHERE id = ANY(%s) RETURNING rowid", (list(latest),)
            )
        ]
        if gone:
            self.db.execute(f"DELETE FROM {SCHEMA}.facets WHERE rowid = ANY(%s)", (gone,))
            self.db.execute(f"DELETE FROM {SCHEMA}.edges WHERE src = ANY(%s)", (gone,))
        rowids = [
            r
            for (r,) in self.db.execute(
                f"SELECT nextval('{SCHEMA}.rowids') FROM generate_series(1, %s)", (len(latest),)
            )
        ]
        seen: list[tuple[str, str]] = []
        with self.db.cursor() as cur:
            with cur.copy(
                f"COPY {SCHEMA}.records (rowid, id, record, sha256, date, classification, origin, subject, score,"
                " source, words, head) FROM STDIN"
            ) as copy:
                for rowid, (e, line) in zip(rowids, latest.values(), strict=True):
                    copy.write_row(
                        (rowid, e.id, line.decode("utf-8"), e.sha256, e.date, e.classification, e.origin,
                         e.subject, e.score, e.source, e.fts[0], e.fts[1])
                    )  # fmt: skip
            with cur.copy(f"COPY {SCHEMA}.facets (rowid, kind, value) FROM STDIN") as copy:
                for rowid, (e, _) in zip(rowids, latest.values(), strict=True):
                    for kind, value in e.facets:
                        copy.write_row((rowid, kind, value.replace("\x00", "")))
            with cur.copy(f"COPY {SCHEMA}.edges (src, target, inferred) FROM STDIN") as copy:
                for rowid, (e, _) in zip(rowids, latest.values(), strict=True):
                    for target, inferred in e.cites:
                        copy.write_row((rowid, target, bool(inferred)))
            for e, _ in latest.values():
                seen += e.seen
        if seen:
            pairs = list(dict.fromkeys(seen))
            self.db.execute(
                f"INSERT INTO {SCHEMA}.seen(sha256, source) SELECT * FROM unnest(%s::text[], %s::text[])"
                " ON CONFLICT DO NOTHING",
                ([s for s, _ in pairs], [k for _, k in pairs]),
            )
        return len(latest), len(gone) + len(entries) - len(latest)

    def tidy(self) -> None:
        """Nothing to compact: PostgreSQL's autovacuum reclaims replaced rows."""

    def seen_lookup(self) -> PgSeen:
        prefixes = array("Q")
        for (prefix,) in self.db.execute(f"SELECT DISTINCT left(sha256, 16) FROM {SCHEMA}.seen"):
            with contextlib.suppress(ValueError, TypeError):
                prefixes.append(int(prefix, 16))
        return PgSeen(self.url, array("Q", sorted(prefixes)))

    def rebuild(self, notify: Notify | None = None) -> tuple[int, int]:
        """Make every row's columns, words, facets and edges again from its JSONB record
        (after a change in how words are read), in one transaction; return (records,
        records that are no record and were left as they are)."""
        count = bad = 0
        with self.writing(notify):
            rowids = [r for (r,) in self.db.execute(f"SELECT rowid FROM {SCHEMA}.records ORDER BY rowid")]
            for k in range(0, len(rowids), 500):
                entries, lines = [], []
                for record in self._records(rowids[k : k + 500]).values():
                    try:
                        entries.append(pg_entry(record))
                    except (KeyError, TypeError, AttributeError, ValueError):
                        bad += 1
                        continue
                    lines.append(encode(record))
                self.write(entries, lines)
                count += len(entries)
        return count, bad

    def vacuum(self) -> None:
        """Reclaim the room of replaced rows and refresh the planner's statistics."""
        for table in ("records", "seen", "facets", "edges"):
            self.db.execute(f"VACUUM (ANALYZE) {SCHEMA}.{table}")

    def differing(self, rows: list[tuple[int, dict]]) -> list[int]:
        """Of (rowid, record) pairs, the rowids whose columns, words, facets or edges are
        not what their record makes (a row changed from outside, or an older cablekit)."""
        made = {rowid: pg_entry(record) for rowid, record in rows}
        if not made:
            return []
        ids = list(made)
        columns = self.db.execute(
            f"SELECT r.rowid FROM {SCHEMA}.records r JOIN unnest(%s::bigint[], %s::text[], %s::text[], %s::text[],"
            " %s::text[], %s::text[], %s::text[], %s::int[], %s::text[], %s::text[])"
            " AS m(rowid, id, sha256, date, classification, origin, subject, score, words, head) USING (rowid)"
            " WHERE (r.id, r.sha256, r.date, r.classification, r.origin, r.subject, r.score)"
            " IS DISTINCT FROM (m.id, m.sha256, m.date, m.classification, m.origin, m.subject, m.score)"
            " OR r.words <> m.words::tsvector OR r.head <> m.head::tsvector",
            (
                ids,
                *([getattr(made[k], name) for k in ids] for name in ("id", "sha256", "date", "classification")),
                [made[k].origin for k in ids],
                [made[k].subject for k in ids],
                [made[k].score for k in ids],
                [made[k].fts[0] for k in ids],
                [made[k].fts[1] for k in ids],
            ),
        )
        wrong = {rowid for (rowid,) in columns}
        facets: dict[int, set] = {k: set() for k in ids}
        for rowid, kind, value in self.db.execute(
            f"SELECT rowid, kind, value FROM {SCHEMA}.facets WHERE rowid = ANY(%s)", (ids,)
        ):
            facets[rowid].add((kind, value))
        edges: dict[int, set] = {k: set() for k in ids}
        for rowid, target, inferred in self.db.execute(
            f"SELECT src, target, inferred FROM {SCHEMA}.edges WHERE src = ANY(%s)", (ids,)
        ):
            edges[rowid].add((target, int(inferred)))
        for k, e in made.items():
            if facets[k] != set(e.facets) or edges[k] != set(e.cites):
                wrong.add(k)
        return sorted(wrong)

    # --- reading ---------------------------------------------------------------

    def record_at(self, where: Any) -> dict:
        row = self.db.execute(f"SELECT record FROM {SCHEMA}.records WHERE rowid = %s", (where,)).fetchone()
        if row is None:
            raise KeyError(where)
        return in_field_order(row[0])

    def line_at(self, where: Any) -> str:
        return dumps(self.record_at(where))

    def records(self, wheres: list[Any]) -> Iterator[dict]:
        """The records at *wheres*, in that order, read a few hundred at a time."""
        for k in range(0, len(wheres), 500):
            part = wheres[k : k + 500]
            found = self._records(part)
            for where in part:
                if where in found:
                    yield found[where]

    def _records(self, wheres: list[Any]) -> dict[Any, dict]:
        """rowid -> record, its keys in the schema's order."""
        rows = self.db.execute(f"SELECT rowid, record FROM {SCHEMA}.records WHERE rowid = ANY(%s)", (wheres,))
        return {rowid: in_field_order(record) for rowid, record in rows}

    def _searched(self, wheres: list[Any]) -> dict[Any, dict]:
        """rowid -> what of its record the snippets read (`entry`'s FTS values): without
        the fields no word is searched in, and without the text where the paragraphs hold
        it, half the bytes of a whole record to send and decode."""
        rows = self.db.execute(
            "SELECT rowid, record - CASE WHEN jsonb_typeof(record->'paragraphs') IS DISTINCT FROM 'array' THEN %s"
            " WHEN jsonb_array_length(record->'paragraphs') > 0 THEN %s ELSE %s END::text[]"
            f" FROM {SCHEMA}.records WHERE rowid = ANY(%s)",
            (list(_UNSEARCHED), ["text", *_UNSEARCHED], list(_UNSEARCHED), wheres),
        )
        return dict(rows.fetchall())

    def lookup(self, cable_id: str) -> Any:
        row = self.db.execute(f"SELECT rowid FROM {SCHEMA}.records WHERE id = %s", (cable_id,)).fetchone()
        if row is None:
            row = self.db.execute(
                f"SELECT rowid FROM {SCHEMA}.records WHERE lower(id) = lower(%s) LIMIT 1", (cable_id,)
            ).fetchone()
        return row[0] if row else None

    def count(self) -> int:
        return _first(self.db.execute(f"SELECT count(*) FROM {SCHEMA}.records"))[0]

    def close_ids(self, cable_id: str, n: int = 3) -> list[str]:
        wanted = cable_id.upper()
        letters = "".join(c for c in wanted if c.isalpha())
        candidates: list[str] = []
        if letters:
            candidates = [
                r
                for (r,) in self.db.execute(
                    f"SELECT id FROM {SCHEMA}.records WHERE id LIKE %s LIMIT 50000", (f"%{_like(letters[:4])}%",)
                )
            ]
        if len(candidates) < n:
            candidates += [r for (r,) in self.db.execute(f"SELECT id FROM {SCHEMA}.records LIMIT 50000")]
        return difflib.get_close_matches(wanted, list(dict.fromkeys(candidates)), n=n, cutoff=0.5)

    def word_documents(self, term: str) -> int:
        query = tsquery(("term", None, term, False, 0))
        if query is None:
            return 0
        return _first(self.db.execute(f"SELECT count(*) FROM {SCHEMA}.records WHERE words @@ %s::tsquery", (query,)))[0]

    def words_like(self, word: str) -> dict[str, int | None]:
        """Words that start with *word*'s first three letters, in any field bare words
        search, taken from up to 2,000 cables that hold one (the database keeps no list of
        its words: reading every record's would take a pass over them all)."""
        stem = words(word)[:1]
        if not stem or len(stem[0]) < 3:
            return {}
        start = stem[0][:3]
        query = " | ".join(_lexeme(f"{_CODES[name]}:{start}") + ":*" for name in _BARE)
        rows = self.db.execute(
            f"SELECT DISTINCT substr(u.lexeme, 3) FROM (SELECT words FROM {SCHEMA}.records"
            " WHERE words @@ %s::tsquery LIMIT 2000) d, unnest(d.words) u"
            " WHERE substr(u.lexeme, 3) LIKE %s AND substr(u.lexeme, 1, 2) = ANY(%s)"
            " AND length(u.lexeme) - 2 BETWEEN %s AND %s",
            (query, _like(start) + "%", [_CODES[name] + ":" for name in _BARE], len(word) - 2, len(word) + 2),
        )
        return {w: None for (w,) in rows}

    def sizes(self) -> tuple[int, int]:
        """(bytes of the records, bytes of the indexes and the other tables)."""
        row = _first(
            self.db.execute(
                "SELECT pg_table_size(%s), pg_indexes_size(%s)"
                " + pg_total_relation_size(%s) + pg_total_relation_size(%s) + pg_total_relation_size(%s)",
                tuple(f"{SCHEMA}.{t}" for t in ("records", "records", "seen", "facets", "edges")),
            )
        )
        return int(row[0]), int(row[1])

    # --- search ----------------------------------------------------------------

    def _tsquery(self, compiled: Compiled) -> str | None:
        if compiled.tree is None:
            return None
        if compiled.query not in self._queries:
            self._queries[compiled.query] = tsquery(compiled.tree)
        return self._queries[compiled.query]

    def _where(self, compiled: Compiled | None) -> tuple[str, list]:
        """The WHERE clause (with its parameters) of the records *compiled* matches."""
        if compiled is None:
            return "", []
        conditions, params = [], []
        query = self._tsquery(compiled)
        if query is not None:
            conditions.append("r.words @@ %s::tsquery")
            params.append(query)
        if compiled.since:
            conditions.append("r.date >= %s")
            params.append(compiled.since)
        if compiled.until:
            conditions.append("r.date < %s")
            params.append(compiled.until)
        for cable_id in compiled.cited_by:
            conditions.append(
                f"r.id IN (SELECT e.target FROM {SCHEMA}.edges e JOIN {SCHEMA}.records s ON s.rowid = e.src"
                " WHERE s.id = %s)"
            )
            params.append(cable_id)
        return (" WHERE " + " AND ".join(conditions) if conditions else ""), params

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
        """As `Index.search`. Relevance is ts_rank with the fields' weights: over every word
        for a query of up to RANK_ALL_BELOW matches, over the subject, tags and signers
        beyond (ranking by the whole text would read every match's words); among equals,
        the order of loading."""
        where, params = self._where(compiled)
        query = self._tsquery(compiled)
        page = " LIMIT %s OFFSET %s" if limit is not None or offset else ""
        paging = [limit, offset] if page else []
        columns = "r.id, r.date, r.classification, r.origin, r.subject, r.rowid"
        if compiled.match and sort == "relevance" and query is not None:
            total = self._count(where, params)
            # `cablekit search` shows the count after the rows: it takes this one.
            self._counted = ((where, tuple(params)), total)
            found = self._ranked(compiled, where, params, query, total, reverse, limit, offset)
            names: tuple[str, ...] = ("id", "date", "classification", "origin", "subject", "rowid", "score")
            rows = [dict(zip(names, row, strict=True)) for row in found]
        else:
            newest_first = reverse if sort == "date" else not reverse
            order = "r.date DESC NULLS LAST, r.id DESC" if newest_first else "r.date ASC NULLS LAST, r.id"
            cursor = self.db.execute(
                f"SELECT {columns}, 0 AS score FROM {SCHEMA}.records r{where} ORDER BY {order}{page}",
                [*params, *paging],
            )
            names = tuple(d.name for d in cursor.description or [])
            rows = [dict(zip(names, row, strict=True)) for row in cursor]
        for row in rows:
            row["where"] = row["rowid"]
        if snippets and rows:
            _snippets(compiled.match, rows, self._searched([r["rowid"] for r in rows]))
        else:
            for row in rows:
                row["snippet"] = None
        return rows

    def _ranked(
        self,
        compiled: Compiled,
        where: str,
        params: list,
        query: str,
        total: int,
        reverse: bool,
        limit: int | None,
        offset: int,
    ) -> list[tuple]:
        """The page of the matches in order of relevance: ts_rank with the fields' weights,
        over every word of up to RANK_ALL_BELOW matches, over the subject, tags and
        signers (`head`) of up to RANK_HEAD_BELOW. Beyond, ranking every match would read
        every match's row: the matches whose subject holds a word of the query (found by
        the index) come first, ranked, then the others in the order of loading, read from
        the primary key until the page is full (for a query of filters only, all of them)."""
        columns = "r.id, r.date, r.classification, r.origin, r.subject, r.rowid"
        order = "score DESC, r.rowid DESC" if reverse else "score, r.rowid"
        page = " LIMIT %s OFFSET %s" if limit is not None or offset else ""
        paging = [limit, offset] if page else []
        many = total > RANK_HEAD_BELOW and not reverse and limit is not None
        first = _subject_query(compiled.tree) if many else None
        if many and first is None:
            # Filters only (tag:PREL): every match ranks alike; the order of loading.
            return self.db.execute(
                f"SELECT {columns}, 0.0 AS score FROM {SCHEMA}.records r{where} ORDER BY r.rowid{page}",
                [*params, *paging],
            ).fetchall()
        if first is None:
            vector = "r.words" if total <= RANK_ALL_BELOW else "r.head"
            return self.db.execute(
                f"SELECT {columns}, -ts_rank('{_RANK_WEIGHTS}', {vector}, %s::tsquery) AS score"
                f" FROM {SCHEMA}.records r{where} ORDER BY {order}{page}",
                [query, *params, *paging],
            ).fetchall()
        assert limit is not None
        wanted = offset + limit
        found = self.db.execute(
            f"SELECT {columns}, -ts_rank('{_RANK_WEIGHTS}', r.head, %s::tsquery) AS score"
            f" FROM {SCHEMA}.records r{where} AND r.words @@ %s::tsquery ORDER BY {order} LIMIT %s",
            [query, *params, first, wanted],
        ).fetchall()
        if len(found) < wanted:
            found += self.db.execute(
                f"SELECT {columns}, 0.0 AS score FROM {SCHEMA}.records r{where}"
                " AND NOT (r.words @@ %s::tsquery) ORDER BY r.rowid LIMIT %s",
                [*params, first, wanted - len(found)],
            ).fetchall()
        return found[offset:wanted]

    def count_matches(self, compiled: Compiled) -> int:
        where, params = self._where(compiled)
        counted, self._counted = self._counted, None
        if counted is not None and counted[0] == (where, tuple(params)):
            return counted[1]
        return self._count(where, params)

    def _count(self, where: str, params: list) -> int:
        return _first(self.db.execute(f"SELECT count(*) FROM {SCHEMA}.records r{where}", params))[0]

    # --- counts and the citation graph -------------------------------------------

    def group_counts(
        self, compiled: Compiled | None, by: str, matches: int | None = None
    ) -> list[tuple[str | None, int]]:
        where, params = self._where(compiled)
        if by in _FACET_GROUPS:
            sql = f"SELECT value, count(*) AS n FROM {SCHEMA}.facets f WHERE kind = %s"
            if where:
                sql += f" AND rowid IN (SELECT r.rowid FROM {SCHEMA}.records r{where})"
            sql += " GROUP BY value"
            params = [_FACET_GROUPS[by], *params]
        else:
            column = _COLUMN_GROUPS[by]
            sql = f"SELECT {column} AS value, count(*) AS n FROM {SCHEMA}.records r{where} GROUP BY value"
        return [(value, n) for value, n in self.db.execute(sql + " ORDER BY n DESC, value", params)]

    def with_facet(self, by: str) -> int:
        return _first(
            self.db.execute(f"SELECT count(DISTINCT rowid) FROM {SCHEMA}.facets WHERE kind = %s", (_FACET_GROUPS[by],))
        )[0]

    def date_range(self) -> tuple[str | None, str | None]:
        first, last = _first(self.db.execute(f"SELECT min(date), max(date) FROM {SCHEMA}.records"))
        return first, last

    def cites(self, cable_id: str) -> list[tuple[str, bool]]:
        rows = self.db.execute(
            f"SELECT e.target, e.inferred FROM {SCHEMA}.edges e JOIN {SCHEMA}.records r ON r.rowid = e.src"
            " WHERE r.id = %s",
            (cable_id,),
        )
        return [(target, bool(inferred)) for target, inferred in rows]

    def citing(self, cable_id: str) -> list[tuple[str, bool]]:
        rows = self.db.execute(
            f"SELECT r.id, e.inferred FROM {SCHEMA}.edges e JOIN {SCHEMA}.records r ON r.rowid = e.src"
            " WHERE e.target = %s",
            (cable_id,),
        )
        return [(source, bool(inferred)) for source, inferred in rows]

    def cited_by(self, cable_id: str) -> list[tuple[str, str | None, str | None]]:
        rows = self.db.execute(
            f"SELECT r.id, r.date, r.subject FROM {SCHEMA}.edges e JOIN {SCHEMA}.records r ON r.rowid = e.src"
            " WHERE e.target = %s ORDER BY r.date DESC NULLS LAST, r.id DESC",
            (cable_id,),
        )
        return [(cid, date, subject) for cid, date, subject in rows]

    def nodes(self, ids: list[str]) -> dict[str, dict]:
        rows = self.db.execute(
            f"SELECT r.id, r.date, r.origin, r.classification, r.subject,"
            f" (SELECT array_agg(value ORDER BY value) FROM {SCHEMA}.facets f WHERE f.rowid = r.rowid AND f.kind = %s)"
            f" FROM {SCHEMA}.records r WHERE r.id = ANY(%s)",
            (TAG, ids),
        )
        return {
            cid: {"date": date, "origin": origin, "classification": cls, "subject": subject, "tags": tags or []}
            for cid, date, origin, cls, subject, tags in rows
        }

    def summaries(self, ids: list[str]) -> dict[str, tuple[str | None, str | None]]:
        rows = self.db.execute(f"SELECT id, date, subject FROM {SCHEMA}.records WHERE id = ANY(%s)", (ids,))
        return {cid: (date, subject) for cid, date, subject in rows}


def check_database(database: Database, repair: bool = False) -> Report:
    """As `check.check_store`, for a database: rows whose JSONB is no record of their id
    (damaged), records that are no cable or were read more poorly than another source of
    theirs, and rows whose columns, words, facets or edges differ from what their record
    makes. With *repair*, damaged rows and non-cables move to the table
    cablekit.quarantine, degraded records are read again from their richer source where
    it is unchanged, and rows that differ are made again, in one transaction."""
    report = Report()
    rowids = [r for (r,) in database.db.execute(f"SELECT rowid FROM {SCHEMA}.records ORDER BY rowid")]
    damaged: list[int] = []
    quarantined: list[tuple[int, str]] = []
    wrong: list[int] = []
    degraded: dict[int, dict] = {}
    for k in range(0, len(rowids), 500):
        part = rowids[k : k + 500]
        rows = database.db.execute(f"SELECT rowid, id, record FROM {SCHEMA}.records WHERE rowid = ANY(%s)", (part,))
        good = []
        for rowid, cable_id, record in rows:
            report.lines += 1
            if not is_record(record) or record.get("id") != cable_id:
                report.damaged.append((rowid, f"the JSONB of row {rowid} is no record of {cable_id}"))
                damaged.append(rowid)
                continue
            report.records += 1
            problem = _problem(record, rowid)
            if problem and problem[0] == "not a cable":
                report.not_cables.append((rowid, cable_id))
                quarantined.append((rowid, "not a cable"))
                continue
            if problem:
                report.degraded.append((cable_id, problem[1]))
                degraded[rowid] = record
            good.append((rowid, record))
        wrong += database.differing(good)
    report.ids = report.records
    report.index_count = report.records
    if wrong:
        report.index_state = f"stale ({len(wrong)} rows differ from their records)"
    if not repair or report.ok:
        return report
    with database.writing():
        for rowid in damaged:
            quarantined.append((rowid, "not a record of its id"))
        if quarantined:
            database.db.execute(
                f"CREATE TABLE IF NOT EXISTS {SCHEMA}.quarantine(id text, record jsonb, reason text,"
                " moved timestamptz DEFAULT now())"
            )
            for rowid, why in quarantined:
                database.db.execute(
                    f"INSERT INTO {SCHEMA}.quarantine(id, record, reason)"
                    f" SELECT id, record, %s FROM {SCHEMA}.records WHERE rowid = %s",
                    (why, rowid),
                )
            gone = [rowid for rowid, _ in quarantined]
            database.db.execute(f"DELETE FROM {SCHEMA}.records WHERE rowid = ANY(%s)", (gone,))
            database.db.execute(f"DELETE FROM {SCHEMA}.facets WHERE rowid = ANY(%s)", (gone,))
            database.db.execute(f"DELETE FROM {SCHEMA}.edges WHERE src = ANY(%s)", (gone,))
        entries, lines = [], []
        for rowid in wrong:
            if rowid not in degraded:
                record = database.record_at(rowid)
                entries.append(pg_entry(record))
                lines.append(encode(record))
        for record in degraded.values():
            line = _reread(encode(record) + b"\n")
            if line is not None:
                report.reread += 1
                record = decode(line)
            entries.append(pg_entry(record))
            lines.append(encode(record))
        database.write(entries, lines)
    report.repaired = True
    report.quarantined = len(quarantined)
    return report


def _first(cursor: Any) -> tuple:
    """The one row a query gives (a count, an aggregate)."""
    row = cursor.fetchone()
    assert row is not None
    return row


def _like(text: str) -> str:
    """*text* for LIKE, its wildcards taken literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _snippets(match: str | None, rows: list[dict], records: dict[Any, dict]) -> None:
    def fts_of(row: dict) -> tuple | None:
        record = records.get(row["rowid"])
        try:
            return entry(record).fts if record is not None else None
        except (KeyError, TypeError, AttributeError):
            return None

    snippets(match, rows, fts_of)


def open_database(url: str, notify: Notify | None = None, create: bool = False) -> Database:
    """Connect to the store at *url*, its schema checked; *create* makes the schema where
    the database has none (the first `parse` into it), saying so."""
    database = Database(url)
    try:
        if create and database.version() is None:
            database.migrate()
            if notify:
                notify(f"made a new cablekit store in {database.label}")
        database.check_version()
    except BaseException:
        database.close()
        raise
    return database
