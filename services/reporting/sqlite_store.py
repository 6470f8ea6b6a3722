"""The SQLite adapter of the reporting read store (embedded default): ``<data_dir>/reporting.sqlite``."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
import sqlite3
import threading
from typing import Iterator

import orjson

from services.reporting.case_index import CASES, INDEXED, UNKNOWN, CaseQuery, index_row

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    event_id TEXT PRIMARY KEY, service TEXT NOT NULL, position INTEGER NOT NULL, case_id TEXT NOT NULL,
    subject TEXT NOT NULL, type TEXT NOT NULL, schema_version INTEGER NOT NULL, occurred_at TEXT NOT NULL, sort_key TEXT NOT NULL,
    actor TEXT NOT NULL, on_behalf_of TEXT, channel TEXT, payload TEXT NOT NULL,
    UNIQUE (service, position));
CREATE INDEX IF NOT EXISTS events_by_subject ON events (subject, sort_key);
CREATE INDEX IF NOT EXISTS events_by_type ON events (type, sort_key);
CREATE TABLE IF NOT EXISTS docs (collection TEXT NOT NULL, key TEXT NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (collection, key));
CREATE TABLE IF NOT EXISTS case_index (
    case_id TEXT PRIMARY KEY, submitted_at TEXT NOT NULL, status TEXT NOT NULL, service_point TEXT, enterprise TEXT,
    departments TEXT NOT NULL, search TEXT NOT NULL, opened_on TEXT, earliest_due TEXT);
CREATE INDEX IF NOT EXISTS case_index_by_order ON case_index (submitted_at, case_id);
"""
COLUMNS = ("event_id", "service", "position", "case_id", "subject", "type", "schema_version", "occurred_at",
           "sort_key", "actor", "on_behalf_of", "channel", "payload")
_JSON_COLUMNS = ("actor", "payload")
_INSERT = f"INSERT INTO events ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM events"


def _row(values: tuple) -> dict:
    row = dict(zip(COLUMNS, values))
    for name in _JSON_COLUMNS:
        row[name] = orjson.loads(row[name])
    return row


def _dumps(value: object) -> str:
    """Compact JSON text, keys sorted (orjson: the standard library's output, several times faster)."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS).decode()


class SQLiteUnit:
    """One transaction; event rows and documents are written at commit, in one statement each (a batch touches
    a case many times), and read back before then where a reader needs them (``seen``, ``events_for_case``)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self._docs: dict[tuple[str, str], dict] = {}
        self._events: list[tuple] = []
        self._pending: set[tuple[str, int]] = set()

    def seen(self, service: str, position: int) -> bool:
        return (service, position) in self._pending or self.db.execute(
            "SELECT 1 FROM events WHERE service = ? AND position = ?", (service, position)).fetchone() is not None

    def add_event(self, row: dict) -> None:
        self._events.append(tuple(_dumps(row[c]) if c in _JSON_COLUMNS else row[c] for c in COLUMNS))
        self._pending.add((row["service"], row["position"]))

    def _write_events(self) -> None:
        self.db.executemany(_INSERT, self._events)
        self._events.clear()
        self._pending.clear()

    def events_for_case(self, case_id: str) -> list[dict]:
        self._write_events()
        rows = self.db.execute(f"{_SELECT} WHERE subject = ? ORDER BY sort_key", (case_id,)).fetchall()
        return [_row(r) for r in rows]

    def get(self, collection: str, key: str) -> dict | None:
        if (collection, key) in self._docs:
            return self._docs[(collection, key)]
        found = self.db.execute("SELECT doc FROM docs WHERE collection = ? AND key = ?", (collection, key)).fetchone()
        return orjson.loads(found[0]) if found else None

    def put(self, collection: str, key: str, doc: dict) -> None:
        self._docs[(collection, key)] = doc

    def flush(self) -> None:
        self._write_events()
        self.db.executemany(
            "INSERT INTO docs (collection, key, doc) VALUES (?, ?, ?) "
            "ON CONFLICT (collection, key) DO UPDATE SET doc = excluded.doc",
            [(c, k, _dumps(d)) for (c, k), d in self._docs.items()])
        _index(self.db, [d for (c, _), d in self._docs.items() if c == CASES])




def _index(db: sqlite3.Connection, docs: list[dict]) -> None:
    """The case list's index rows of these case documents (:mod:`services.reporting.case_index`)."""
    rows = [r for r in map(index_row, docs) if r is not None]
    db.executemany(
        f"INSERT OR REPLACE INTO case_index ({', '.join(INDEXED)}) VALUES ({', '.join('?' * len(INDEXED))})",
        [tuple("," + ",".join(r["departments"]) + "," if c == "departments" else r[c] for c in INDEXED)
         for r in rows])


def _case_where(query: CaseQuery) -> tuple[str, list]:
    """The WHERE clause of a case-list query (every condition of :class:`CaseQuery`), and its arguments."""
    if query.nothing:
        return "0", []
    where, args = ["1"], []
    for column, value in (("status", query.status), ("service_point", query.service_point),
                          ("service_point", query.scope_service_point), ("enterprise", query.scope_enterprise)):
        if value is not None:
            where.append(f"{column} = ?")
            args.append(value)
    for department in query.departments:
        where.append("instr(departments, ?) > 0")
        args.append(f",{department},")
    for term in query.terms:
        where.append("instr(search, ?) > 0")
        args.append(term)
    if query.submitted_from or query.submitted_to:
        where.append(f"submitted_at != '{UNKNOWN}'")
    if query.submitted_from:
        where.append("substr(submitted_at, 1, 10) >= ?")
        args.append(query.submitted_from.isoformat())
    if query.submitted_to:
        where.append("substr(submitted_at, 1, 10) <= ?")
        args.append(query.submitted_to.isoformat())
    if query.overdue is not None:
        day = query.today.isoformat()
        overdue = "(earliest_due IS NOT NULL AND earliest_due < ? AND opened_on IS NOT NULL AND opened_on <= ?)"
        where.append(overdue if query.overdue else f"NOT {overdue}")
        args += [day, day]
    return " AND ".join(where), args


class SQLiteReadStore:
    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        self._writer = self._connect()
        self._writer.executescript(SCHEMA)
        self._index_older_store()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []

    def _index_older_store(self) -> None:
        """A store written before the case index existed gets its rows once, from the documents."""
        db = self._writer
        if db.execute("SELECT 1 FROM case_index LIMIT 1").fetchone() is None:
            with self._lock:
                db.execute("BEGIN IMMEDIATE")
                _index(db, [orjson.loads(d) for (d,) in db.execute("SELECT doc FROM docs WHERE collection = ?", (CASES,))])
                db.execute("COMMIT")

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA secure_delete=ON")  # a replaced or dropped row leaves no old bytes in the file
        return db

    def _reader(self) -> sqlite3.Connection:
        """One read connection per thread (WAL: readers never wait for the writer); all closed by ``close``."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            with self._lock:
                self._readers.append(db)
        return db

    @contextmanager
    def transaction(self) -> Iterator[SQLiteUnit]:
        with self._lock:
            db = self._writer
            db.execute("BEGIN IMMEDIATE")
            unit = SQLiteUnit(db)
            try:
                yield unit
                unit.flush()
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    # -- reads ---------------------------------------------------------------------------
    def get(self, collection: str, key: str) -> dict | None:
        found = self._reader().execute("SELECT doc FROM docs WHERE collection = ? AND key = ?",
                                       (collection, key)).fetchone()
        return orjson.loads(found[0]) if found else None

    def find(self, collection: str, **equals: object) -> list[dict]:
        sql, args = "SELECT doc FROM docs WHERE collection = ?", [collection]
        for name, value in equals.items():
            if not name.isidentifier():
                raise ValueError(f"bad field name {name!r}")
            sql += f" AND json_extract(doc, '$.{name}') = ?"
            args.append(value)
        return [orjson.loads(d) for (d,) in self._reader().execute(sql + " ORDER BY key", args)]

    def list_cases(self, query: CaseQuery) -> tuple[int, list[dict]]:
        where, args = _case_where(query)
        db = self._reader()
        total = db.execute(f"SELECT COUNT(*) FROM case_index WHERE {where}", args).fetchone()[0]
        if query.after is not None:
            where += " AND (submitted_at, case_id) < (?, ?)"
            args = [*args, *query.after]
        keys = [k for (k,) in db.execute(f"SELECT case_id FROM case_index WHERE {where} "
                                         "ORDER BY submitted_at DESC, case_id DESC LIMIT ? OFFSET ?",
                                         [*args, query.limit, query.offset])]
        docs = {key: orjson.loads(doc) for key, doc in db.execute(
            f"SELECT key, doc FROM docs WHERE collection = ? AND key IN ({', '.join('?' * len(keys))})", [CASES, *keys])}
        return total, [docs[k] for k in keys]

    def events_for_case(self, case_id: str, until_sort_key: str | None = None) -> list[dict]:
        sql, args = f"{_SELECT} WHERE subject = ?", [case_id]
        if until_sort_key is not None:
            sql += " AND sort_key <= ?"
            args.append(until_sort_key)
        return [_row(r) for r in self._reader().execute(sql + " ORDER BY sort_key", args)]

    def events_of_type(self, event_type: str) -> list[dict]:
        return [_row(r) for r in self._reader().execute(f"{_SELECT} WHERE type = ? ORDER BY sort_key", (event_type,))]

    def last_position(self, service: str) -> int:
        found = self._reader().execute("SELECT MAX(position) FROM events WHERE service = ?", (service,)).fetchone()
        return found[0] or 0

    def all_events(self) -> Iterator[dict]:
        for values in self._reader().execute(f"{_SELECT} ORDER BY service, position"):
            yield _row(values)

    def drop(self) -> None:
        with self._lock:
            self._writer.execute("DELETE FROM events")
            self._writer.execute("DELETE FROM docs")
            self._writer.execute("DELETE FROM case_index")

    def close(self) -> None:
        with self._lock:
            for db in [self._writer, *self._readers]:
                db.close()
            self._readers.clear()
