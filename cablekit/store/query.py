"""The search query language, compiled to an SQLite FTS5 expression.

    kosovo independence          all words must match
    "territorial integrity"      an exact phrase
    kosovo OR serbia             either
    NOT serbia, -serbia          without
    terr*                        prefix
    (kosovo OR serbia) -russia   grouping
    tag:PREL origin:BAKU class:secret signer:DERSE ref:08BAKU275
    id:08BAKU279 subject:kosovo date:2008 date:2008-03 date:2008-01..2008-06

Every word the user types reaches FTS5 as a quoted string, so FTS syntax
(NEAR, column filters, quotes) can never be injected. Date filters cannot be
OR-ed or negated; they become SQL conditions on the record's date.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field

from ..parse.refs import canonical_station
from ..record import normalise_id

# Search field -> FTS column. Bare words search every word of the cable's text:
# subject, body, tags, signers, the rest of the text (preamble, signature),
# Classified By, sender and addressees; not the classification, origin or id columns,
# nor the routing codes of the transmission header.
FIELDS = {
    "tag": "tags",
    "tags": "tags",
    "origin": "origin",
    "class": "cls",
    "classification": "cls",
    "signer": "signers",
    "ref": "refs",
    "cites": "refs",
    "id": "cid",
    "subject": "subject",
    "body": "body",
    "text": "body",
    "classified_by": "classified_by",
    "from": "sender",
    "to": "recipients",
    "date": None,
    # The cables that ID cites (its references and the cables its body cites): a filter on
    # the citation graph, not a column of words.
    "cited-by": None,
    "cited_by": None,
}
# Fields whose value is a cable id, read the way the parser writes ids.
_ID_FIELDS = ("ref", "cites", "id")
BARE_COLUMNS = "{subject body tags signers rest classified_by sender recipients}"
# Lower-case operators that a query reads as the upper-case ones, with a note.
_OPERATORS = ("or", "and", "not")

_CLASS_ALIASES = {
    "u": "unclassified",
    "unclas": "unclassified",
    "c": "confidential",
    "s": "secret",
    "ts": "topsecret",
    "top secret": "topsecret",
    "top-secret": "topsecret",
    "sbu": "fouo",
    "limited official use": "lou",
    "limited": "lou",
    "nf": "noforn",
}


class QueryError(ValueError):
    """A query that cannot be read; `position` points into the query text."""

    def __init__(self, message: str, query: str, position: int):
        super().__init__(message)
        self.query = query
        self.position = position

    def render(self) -> str:
        return f"{self}\n  {self.query}\n  {' ' * self.position}^"


@dataclass
class Compiled:
    """What a query becomes: an FTS5 MATCH expression (or None) and SQL date bounds."""

    match: str | None
    exclude: str | None = None  # FTS expression of rows to leave out (a query of negations only)
    since: str | None = None  # inclusive lower bound on the date, ISO
    until: str | None = None  # exclusive upper bound
    cited_by: list[str] = field(default_factory=list)  # only cables each of these ids cites
    terms: list[str] = field(default_factory=list)
    query: str = ""
    notes: list[str] = field(default_factory=list)  # how a form the user wrote was read
    words: list[str] = field(default_factory=list)  # plain words searched everywhere (for suggestions)
    # The parsed query, for a store that compiles it to its own language (PostgreSQL's
    # tsquery): ("term", column or None, value, prefix, pos), ("and"|"or", [nodes]),
    # ("not", node, pos) and ("date", ...) filters, already merged into the bounds above.
    tree: tuple | None = None


# --- tokens -------------------------------------------------------------------

_TOKEN = re.compile(r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<q>")|(?P<word>[^\s()"]+))')


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, value, position); kinds: ( ) phrase word."""
    out = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            break
        start = m.start(m.lastgroup or 0)
        if m.group("lp"):
            out.append(("(", "(", start))
            pos = m.end()
        elif m.group("rp"):
            out.append((")", ")", start))
            pos = m.end()
        elif m.group("q"):
            end = text.find('"', m.end())
            if end < 0:
                raise QueryError("unbalanced quote: a phrase opened here is never closed", text, start)
            out.append(("phrase", text[m.end() : end], start))
            pos = end + 1
            if pos < len(text) and text[pos] == "*":
                out[-1] = ("phrase*", out[-1][1], start)
                pos += 1
        else:
            word = m.group("word")
            # field:"a phrase"
            if word.endswith(":") and m.end() < len(text) and text[m.end()] == '"':
                end = text.find('"', m.end() + 1)
                if end < 0:
                    raise QueryError("unbalanced quote: a phrase opened here is never closed", text, m.end())
                out.append(("word", word + '"' + text[m.end() + 1 : end] + '"', start))
                pos = end + 1
            else:
                out.append(("word", word, start))
                pos = m.end()
    return out


# --- parser -------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = _tokens(text)
        self.i = 0
        self.notes: list[str] = []
        self._operators()

    def _operators(self) -> None:
        """'kosovo or serbia': a lower-case or, and, not between terms is the operator."""
        toks = self.toks
        for k, (kind, value, pos) in enumerate(toks):
            if kind != "word" or value not in _OPERATORS:
                continue
            before = toks[k - 1] if k else None
            after = toks[k + 1] if k + 1 < len(toks) else None
            opens = after is not None and after[0] != ")" and after[1].upper() not in ("OR", "AND")
            joins = before is not None and before[0] != "(" and before[1].upper() not in ("OR", "AND", "NOT")
            if opens and (value == "not" or joins):
                toks[k] = (kind, value.upper(), pos)
                self.notes.append(f"'{value}' read as {value.upper()}; to search for the word, write \"{value}\"")

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self):
        tok = self.peek()
        self.i += 1
        return tok

    def error(self, message: str, position: int | None = None):
        if position is None:
            tok = self.peek()
            position = tok[2] if tok else len(self.text)
        raise QueryError(message, self.text, position)

    def parse(self):
        if not self.toks:
            self.error("empty query", 0)
        node = self.or_expr()
        if self.peek():
            tok = self.peek()
            if tok[0] == ")":
                self.error("unbalanced parenthesis: ')' without a matching '('")
            self.error(f"unexpected '{tok[1]}'")
        return node

    def or_expr(self):
        parts = [self.and_expr()]
        while (tok := self.peek()) and tok[0] == "word" and tok[1] == "OR":
            self.take()
            if not self.peek() or self.peek()[0] == ")":
                self.error("OR needs something after it")
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else ("or", parts)

    def and_expr(self):
        parts = []
        while (tok := self.peek()) and tok[0] != ")" and not (tok[0] == "word" and tok[1] == "OR"):
            if tok[0] == "word" and tok[1] == "AND":
                self.take()
                continue
            parts.append(self.unary())
        if not parts:
            self.error("expected a word, a phrase or a field filter")
        return parts[0] if len(parts) == 1 else ("and", parts)

    def unary(self):
        tok = self.peek()
        if tok[0] == "word" and tok[1] == "NOT":
            self.take()
            if not self.peek() or self.peek()[0] == ")":
                self.error("NOT needs something after it")
            return ("not", self.unary(), tok[2])
        if tok[0] == "word" and tok[1].startswith("-") and len(tok[1]) > 1:
            self.toks[self.i] = ("word", tok[1][1:], tok[2] + 1)
            return ("not", self.unary(), tok[2])
        return self.primary()

    def primary(self):
        tok = self.take()
        kind, value, pos = tok
        if kind == "(":
            node = self.or_expr()
            close = self.take()
            if not close or close[0] != ")":
                self.error("unbalanced parenthesis: '(' is never closed", pos)
            return node
        if kind == ")":
            self.error("unbalanced parenthesis: ')' without a matching '('", pos)
        if kind in ("phrase", "phrase*"):
            if not value.strip():
                self.error("empty phrase", pos)
            return ("term", None, value, kind == "phrase*", pos)
        return self.word(value, pos)

    def word(self, value: str, pos: int):
        m = re.match(r"^([A-Za-z_-]+):(.*)$", value)
        if m:
            name, arg = m.group(1).lower(), m.group(2)
            if name not in FIELDS:
                known = ", ".join(sorted(k for k in FIELDS if k not in ("tags", "classification", "text")))
                self.error(f"unknown field '{m.group(1)}:' (fields: {known})", pos)
            if not arg or arg == '""':
                self.error(f"'{name}:' needs a value", pos)
            phrase = arg.startswith('"') and arg.endswith('"') and len(arg) >= 2
            if phrase:
                arg = arg[1:-1]
            if name == "date":
                return ("date",) + _date_range(arg, self.text, pos + len(name) + 1)
            if name in ("cited-by", "cited_by"):
                value = normalise_id(arg)
                if value.upper() != arg.upper():
                    self.notes.append(f"{name}:{arg} read as {name}:{value}, the way the parser writes ids")
                return ("date", None, None, value)  # a filter like a date's: combined with AND only
            if not phrase and "," in arg.strip(","):
                # tag:PREL,PGOV: any of the values.
                values = [v for v in arg.split(",") if v]
                self.notes.append(
                    f"{name}:{arg} read as " + " OR ".join(f"{name}:{v}" for v in values) + " (any of them)"
                )
                return ("or", [self._field_term(name, v, False, pos) for v in values])
            return self._field_term(name, arg, phrase, pos)
        return self._bare_term(value, pos)

    def _field_term(self, name: str, arg: str, phrase: bool, pos: int):
        prefix = arg.endswith("*") and not phrase
        value = _field_value(name, arg.rstrip("*") if prefix else arg)
        if name in _ID_FIELDS and value.upper() != arg.upper():
            self.notes.append(f"{name}:{arg} read as {name}:{value}, the way the parser writes ids")
        return ("term", FIELDS[name], value, prefix, pos)

    def _bare_term(self, value: str, pos: int):
        nxt = self.peek()
        if value.upper() == "NEAR" and nxt and nxt[0] == "(" and nxt[2] == pos + len(value):
            self.error('NEAR(...) is not supported; put "NEAR" in quotes to search for the word', pos)
        prefix = value.endswith("*") and len(value) > 1
        word = value[:-1] if prefix else value
        if not re.search(r"\w", word):
            self.error(f"'{value}' has nothing to search for", pos)
        return ("term", None, word, prefix, pos)


def _field_value(name: str, value: str) -> str:
    if name == "origin":
        return canonical_station(value) or value
    if name == "class":
        v = value.strip().lower().replace("//", " ")
        return _CLASS_ALIASES.get(v, v.replace("top secret", "topsecret"))
    if name in _ID_FIELDS:
        return normalise_id(value)
    return value


_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def _period(text: str, query: str, pos: int) -> tuple[str, str]:
    """'2008' -> ('2008-01-01', '2009-01-01'); '2008-03' and '2008-03-25' likewise."""
    m = _DATE.match(text)
    if not m:
        raise QueryError(f"'{text}' is not a date (use 2008, 2008-03 or 2008-03-25)", query, pos)
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if day:
            start = f"{year:04d}-{int(month):02d}-{int(day):02d}"
            calendar.weekday(year, int(month), int(day))
            from datetime import date, timedelta

            end = (date(year, int(month), int(day)) + timedelta(days=1)).isoformat()
        elif month:
            mo = int(month)
            if not 1 <= mo <= 12:
                raise ValueError
            start = f"{year:04d}-{mo:02d}-01"
            end = f"{year + (mo == 12):04d}-{mo % 12 + 1:02d}-01"
        else:
            start, end = f"{year:04d}-01-01", f"{year + 1:04d}-01-01"
    except ValueError:
        raise QueryError(f"'{text}' is not a valid date", query, pos) from None
    return start, end


def _date_range(text: str, query: str, pos: int) -> tuple[str | None, str | None]:
    if ".." in text:
        lo, hi = text.split("..", 1)
        since = _period(lo, query, pos)[0] if lo else None
        until = _period(hi, query, pos + len(lo) + 2)[1] if hi else None
        if since is None and until is None:
            raise QueryError("a date range needs at least one end", query, pos)
        if since and until and since >= until:
            raise QueryError(f"the range {text} ends before it starts (write {hi}..{lo})", query, pos)
        return since, until
    return _period(text, query, pos)


def parse_date_option(text: str, end: bool) -> str:
    """--since / --until values: the start (or the end) of the period."""
    since, until = _period(text, text, 0)
    return until if end else since


# --- compilation --------------------------------------------------------------


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _fts(node, compiled: Compiled, top: bool) -> tuple[str | None, list[str]]:
    """Return (positive FTS expression or None, [negative expressions])."""
    kind = node[0]
    if kind == "term":
        _, column, value, prefix, _pos = node
        if not re.search(r"\w", value):
            return None, []
        compiled.terms.append(value)
        if column is None and not prefix and re.fullmatch(r"\w+", value):
            compiled.words.append(value)
        expr = _quote(value) + ("*" if prefix else "")
        return (f"{column} : {expr}" if column else f"{BARE_COLUMNS} : {expr}"), []
    if kind == "date":
        raise _Misplaced(node)
    if kind == "not":
        inner, negs = _fts(node[1], compiled, False)
        if inner is None or negs:
            raise QueryError("NOT must apply to a word, phrase, filter or simple group", compiled.query, node[2])
        return None, [inner]
    if kind == "and":
        positives, negatives = [], []
        for child in node[1]:
            if child[0] == "date":
                if not top:
                    raise _Misplaced(child)
                _merge_date(compiled, child)
                continue
            pos, negs = _fts(child, compiled, False)
            if pos:
                positives.append(pos)
            negatives.extend(negs)
        if not positives:
            return None, negatives
        expr = " AND ".join(f"({p})" for p in positives)
        for neg in negatives:
            expr = f"({expr}) NOT ({neg})"
        return expr, []
    if kind == "or":
        parts = []
        for child in node[1]:
            pos, negs = _fts(child, compiled, False)
            if pos is None:
                raise QueryError(
                    "each side of OR needs a word to look for, not only NOT terms", compiled.query, _first_pos(child)
                )
            expr = pos
            for neg in negs:
                expr = f"({expr}) NOT ({neg})"
            parts.append(expr)
        return " OR ".join(f"({p})" for p in parts), []
    raise AssertionError(kind)


class _Misplaced(Exception):
    def __init__(self, node):
        self.node = node


def _first_pos(node) -> int:
    if node[0] == "term":
        return node[4]
    if node[0] == "not":
        return node[2]
    if node[0] in ("and", "or"):
        return _first_pos(node[1][0])
    return 0


def _merge_date(compiled: Compiled, node) -> None:
    """A date range, or (with a fourth item) a cited-by id, into the compiled query."""
    if len(node) == 4:
        compiled.cited_by.append(node[3])
        return
    _, since, until = node
    if since and (compiled.since is None or since > compiled.since):
        compiled.since = since
    if until and (compiled.until is None or until < compiled.until):
        compiled.until = until


def compile_query(text: str) -> Compiled:
    """Parse and compile a query; raises QueryError with a position."""
    parser = _Parser(text)
    node = parser.parse()
    compiled = Compiled(match=None, query=text, notes=parser.notes, tree=node)
    try:
        if node[0] == "date":
            _merge_date(compiled, node)
            return compiled
        positive, negatives = _fts(node, compiled, True)
    except _Misplaced:
        raise QueryError(
            "date: and cited-by: filters can only be combined with AND (not inside OR, NOT or parentheses)",
            text,
            _date_pos(text),
        ) from None
    compiled.match = positive
    if positive is None and negatives:
        compiled.exclude = " OR ".join(f"({n})" for n in negatives)
    check_period(compiled)
    return compiled


def check_period(compiled: Compiled) -> None:
    """Date filters that leave no day at all are an error, not an empty result."""
    if compiled.since and compiled.until and compiled.since >= compiled.until:
        raise QueryError(
            f"the date filters have no day in common ({compiled.since} to before {compiled.until})",
            compiled.query,
            _date_pos(compiled.query),
        )


def _date_pos(text: str) -> int:
    m = re.search(r"date:|cited[-_]by:", text, re.IGNORECASE)
    return m.start() if m else 0
