"""The security log: every login attempt — success, failure, throttled — with client address and time.

Kept durably apart from the event stores: ``<data_dir>/security.sqlite`` (file mode 0600) in the
embedded default, table ``security.login_log`` on PostgreSQL in the distributed runtime. A name
that is not an account is stored masked (``ad***`` and its length): people type their password,
phone or 身份证号 into the username field, and the log must not keep them. The admin reads it at
``GET /auth/security-log``.
"""

from __future__ import annotations

from dataclasses import dataclass
import os
from pathlib import Path
import sqlite3
import threading
from typing import Literal, Protocol

Outcome = Literal["success", "failure", "throttled"]
OUTCOME_LABELS = {"success": "登录成功", "failure": "登录失败", "throttled": "尝试过多被拒绝"}
_COLUMNS = "at, username, known_account, outcome, reason, client"


@dataclass(frozen=True)
class LoginRecord:
    at: str  # ISO 8601
    username: str  # the account's name, or the attempted name masked
    known_account: bool
    outcome: Outcome
    reason: str | None
    client: str  # the client's address


def masked_attempt(username: str) -> str:
    """What the log keeps of a name that is no account: its first two characters and its length."""
    return f"{username[:2]}***（共{len(username)}个字符）" if len(username) > 2 else f"***（共{len(username)}个字符）"


class SecurityLog(Protocol):
    def record(self, entry: LoginRecord) -> None: ...

    def page(self, *, limit: int, offset: int, username: str | None = None,
             outcome: str | None = None) -> tuple[int, list[LoginRecord]]: ...

    def close(self) -> None: ...


def _where(username: str | None, outcome: str | None, mark: str) -> tuple[str, tuple]:
    clauses, params = [], []
    if username is not None:
        clauses.append(f"username = {mark}")
        params.append(username)
    if outcome is not None:
        clauses.append(f"outcome = {mark}")
        params.append(outcome)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), tuple(params)


def _row(row: tuple) -> LoginRecord:
    at, username, known, outcome, reason, client = row
    return LoginRecord(at=at, username=username, known_account=bool(known), outcome=outcome, reason=reason,
                       client=client)


class SqliteSecurityLog:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("CREATE TABLE IF NOT EXISTS login_log (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                           "at TEXT NOT NULL, username TEXT NOT NULL, known_account INTEGER NOT NULL, "
                           "outcome TEXT NOT NULL, reason TEXT, client TEXT NOT NULL)")

    def record(self, entry: LoginRecord) -> None:
        with self._lock:
            self._conn.execute(f"INSERT INTO login_log ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                               (entry.at, entry.username, int(entry.known_account), entry.outcome, entry.reason,
                                entry.client))

    def page(self, *, limit: int, offset: int, username: str | None = None,
             outcome: str | None = None) -> tuple[int, list[LoginRecord]]:
        where, params = _where(username, outcome, "?")
        with self._lock:
            total = self._conn.execute(f"SELECT count(*) FROM login_log{where}", params).fetchone()[0]
            rows = self._conn.execute(f"SELECT {_COLUMNS} FROM login_log{where} ORDER BY id DESC LIMIT ? OFFSET ?",
                                      (*params, limit, offset)).fetchall()
        return total, [_row(r) for r in rows]

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class PostgresSecurityLog:
    def __init__(self, dsn: str) -> None:
        import psycopg

        self._psycopg = psycopg
        self.dsn = dsn
        self._lock = threading.Lock()
        self._conn = None
        self._ready = False  # connected and the table made at the first login: most processes never see one

    def _prepare(self) -> None:
        try:  # every process that serves logins does this once: one of them creates, the others find
            self._conn.execute("CREATE SCHEMA IF NOT EXISTS security")
            self._conn.execute("CREATE TABLE IF NOT EXISTS security.login_log (id BIGSERIAL PRIMARY KEY, "
                               "at TEXT NOT NULL, username TEXT NOT NULL, known_account BOOLEAN NOT NULL, "
                               "outcome TEXT NOT NULL, reason TEXT, client TEXT NOT NULL)")
        except (self._psycopg.errors.UniqueViolation, self._psycopg.errors.DuplicateTable,
                self._psycopg.errors.DuplicateSchema):
            pass
        self._ready = True

    def _execute(self, sql: str, params: tuple = (), *, fetch: bool = False):  # noqa: ANN202
        with self._lock:
            for attempt in (1, 2):
                try:
                    if self._conn is None or self._conn.closed:
                        self._conn = self._psycopg.connect(self.dsn, autocommit=True, connect_timeout=10)
                    if not self._ready:
                        self._prepare()
                    cursor = self._conn.execute(sql, params)
                    return cursor.fetchall() if fetch else None
                except self._psycopg.OperationalError:
                    self._conn = None
                    if attempt == 2:
                        raise

    def record(self, entry: LoginRecord) -> None:
        self._execute(f"INSERT INTO security.login_log ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s)",
                      (entry.at, entry.username, entry.known_account, entry.outcome, entry.reason, entry.client))

    def page(self, *, limit: int, offset: int, username: str | None = None,
             outcome: str | None = None) -> tuple[int, list[LoginRecord]]:
        where, params = _where(username, outcome, "%s")
        total = self._execute(f"SELECT count(*) FROM security.login_log{where}", params, fetch=True)[0][0]
        rows = self._execute(f"SELECT {_COLUMNS} FROM security.login_log{where} ORDER BY id DESC LIMIT %s OFFSET %s",
                             (*params, limit, offset), fetch=True)
        return total, [_row(r) for r in rows]

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def open_security_log(settings) -> SecurityLog:  # noqa: ANN001
    if settings.runtime == "distributed":
        return PostgresSecurityLog(settings.postgres_dsn)
    return SqliteSecurityLog(settings.data_file("security.sqlite"))

