"""Stored accounts: a small table in the data folder (``accounts.sqlite``) or in PostgreSQL (``auth.accounts``).

The admin creates, disables, re-roles accounts and resets passwords (``/auth/accounts…``, ``bangnin
accounts …``); ``accounts.yaml`` is imported once (an account already stored is left as it is).
Every change raises the account's ``version``: a token names the version it was issued for, so a
disabled, re-roled or reset account's tokens stop working.  On SQLite (one serving process) lookups
are cached for ``CACHE_SECONDS`` and every change made through the store drops its entry: a change
made by the server is seen at once, one made by ``bangnin accounts`` beside it within that moment.
On PostgreSQL (several processes) every request reads the account (one indexed query): a change is
seen at once by every process.
"""

from __future__ import annotations

from dataclasses import replace
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Iterable

from shared.auth.accounts import Account, Enterprise
from shared.auth.clients import MachineClient
from shared.contracts import Role

CACHE_SECONDS = 2.0
COLUMNS = ("username", "password_hash", "role", "name", "department", "service_point", "enterprise_name",
           "enterprise_credit_code", "disabled", "must_change_password", "version")
CREATE = ("CREATE TABLE IF NOT EXISTS {table} (username TEXT PRIMARY KEY, password_hash TEXT NOT NULL, "
          "role TEXT NOT NULL, name TEXT NOT NULL, department TEXT, service_point TEXT, enterprise_name TEXT, "
          "enterprise_credit_code TEXT, disabled BOOLEAN NOT NULL DEFAULT FALSE, "
          "must_change_password BOOLEAN NOT NULL DEFAULT FALSE, version INTEGER NOT NULL DEFAULT 0)")


CLIENT_COLUMNS = ("client_id", "secret_hash", "name", "department", "scopes", "created_at", "revoked")
CREATE_CLIENTS = ("CREATE TABLE IF NOT EXISTS {table} (client_id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL, "
                  "name TEXT NOT NULL, department TEXT NOT NULL, scopes TEXT NOT NULL, created_at TEXT NOT NULL, "
                  "revoked BOOLEAN NOT NULL DEFAULT FALSE)")


def _client(row: Iterable[Any]) -> MachineClient:
    r = dict(zip(CLIENT_COLUMNS, row))
    return MachineClient(client_id=r["client_id"], secret_hash=r["secret_hash"], name=r["name"],
                         department=r["department"], scopes=tuple(r["scopes"].split()), created_at=r["created_at"],
                         revoked=bool(r["revoked"]))


def _account(row: Iterable[Any]) -> Account:
    r = dict(zip(COLUMNS, row))
    enterprise = Enterprise(r["enterprise_name"], r["enterprise_credit_code"]) if r["enterprise_credit_code"] else None
    return Account(username=r["username"], password_hash=r["password_hash"], role=Role(r["role"]), name=r["name"],
                   department=r["department"], service_point=r["service_point"], enterprise=enterprise,
                   disabled=bool(r["disabled"]), must_change_password=bool(r["must_change_password"]),
                   version=int(r["version"]))


def _row(a: Account) -> tuple:
    return (a.username, a.password_hash, a.role.value, a.name, a.department, a.service_point,
            a.enterprise.name if a.enterprise else None, a.enterprise.credit_code if a.enterprise else None,
            a.disabled, a.must_change_password, a.version)


class AccountStore:
    """The table, over SQLite (embedded) or PostgreSQL (distributed); one connection behind a lock."""

    def __init__(self, *, sqlite_path: Path | None = None, postgres_dsn: str | None = None) -> None:
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, Account | None]] = {}
        self.cache_seconds = 0.0 if postgres_dsn else CACHE_SECONDS
        if postgres_dsn:
            import psycopg

            self._dsn, self._param, self.table, self.clients_table = postgres_dsn, "%s", "auth.accounts", "auth.clients"
            self._db = psycopg.connect(postgres_dsn, autocommit=True, connect_timeout=10)
            for attempt in range(5):  # every process creates them at start: IF NOT EXISTS races on PostgreSQL
                try:
                    self._db.execute("CREATE SCHEMA IF NOT EXISTS auth")
                    self._db.execute(CREATE.format(table=self.table))
                    self._db.execute(CREATE_CLIENTS.format(table=self.clients_table))
                    break
                except (psycopg.errors.UniqueViolation, psycopg.errors.DuplicateSchema, psycopg.errors.DuplicateTable):
                    time.sleep(0.1 * (attempt + 1))
        else:
            assert sqlite_path is not None
            self._dsn, self._param, self.table, self.clients_table = None, "?", "accounts", "clients"
            sqlite_path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(sqlite_path, check_same_thread=False, timeout=10, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            sqlite_path.chmod(0o600)
            self._execute(CREATE.format(table=self.table))
            self._execute(CREATE_CLIENTS.format(table=self.clients_table))

    def _execute(self, sql: str, params: tuple = ()) -> list[tuple]:
        sql = sql.replace("?", self._param)
        with self._lock:
            for attempt in (1, 2):
                try:
                    cursor = self._db.execute(sql, params)
                    return list(cursor.fetchall()) if cursor.description else []
                except Exception as exc:  # a dropped PostgreSQL connection: reconnect once
                    if self._dsn is None or attempt == 2 or not _is_connection_error(exc):
                        raise
                    import psycopg

                    self._db = psycopg.connect(self._dsn, autocommit=True, connect_timeout=10)
        return []

    def get(self, username: str) -> Account | None:
        cached = self._cache.get(username)
        if cached and time.monotonic() - cached[0] < self.cache_seconds:
            return cached[1]
        rows = self._execute(f"SELECT {', '.join(COLUMNS)} FROM {self.table} WHERE username = ?", (username,))
        account = _account(rows[0]) if rows else None
        self._cache[username] = (time.monotonic(), account)
        return account

    def all(self) -> list[Account]:
        return [_account(r) for r in self._execute(f"SELECT {', '.join(COLUMNS)} FROM {self.table} ORDER BY username")]

    def add(self, account: Account) -> bool:
        """Store a new account; False when the username is taken."""
        placeholders = ", ".join("?" for _ in COLUMNS)
        rows = self._execute(f"INSERT INTO {self.table} ({', '.join(COLUMNS)}) VALUES ({placeholders}) "
                             "ON CONFLICT (username) DO NOTHING RETURNING username", _row(account))
        self._cache.pop(account.username, None)
        return bool(rows)

    def update(self, account: Account, **changes: Any) -> Account:
        """Change an account and raise its version (its tokens stop working)."""
        changed = replace(account, **changes, version=account.version + 1)
        sets = ", ".join(f"{c} = ?" for c in COLUMNS[1:])
        self._execute(f"UPDATE {self.table} SET {sets} WHERE username = ?", (*_row(changed)[1:], account.username))
        self._cache.pop(account.username, None)
        return changed

    # -- machine clients (shared.auth.clients) ---------------------------------------------------------------
    def add_client(self, client: MachineClient) -> None:
        placeholders = ", ".join("?" for _ in CLIENT_COLUMNS)
        self._execute(f"INSERT INTO {self.clients_table} ({', '.join(CLIENT_COLUMNS)}) VALUES ({placeholders})",
                      (client.client_id, client.secret_hash, client.name, client.department, " ".join(client.scopes),
                       client.created_at, client.revoked))

    def get_client(self, client_id: str) -> MachineClient | None:
        rows = self._execute(f"SELECT {', '.join(CLIENT_COLUMNS)} FROM {self.clients_table} WHERE client_id = ?",
                             (client_id,))
        return _client(rows[0]) if rows else None

    def clients(self) -> list[MachineClient]:
        return [_client(r) for r in self._execute(
            f"SELECT {', '.join(CLIENT_COLUMNS)} FROM {self.clients_table} ORDER BY client_id")]

    def revoke_client(self, client_id: str) -> bool:
        """Revoke a client (its tokens stop working at once); False when there is no such client."""
        rows = self._execute(f"UPDATE {self.clients_table} SET revoked = TRUE WHERE client_id = ? RETURNING client_id",
                             (client_id,))
        return bool(rows)

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _is_connection_error(exc: Exception) -> bool:
    import psycopg

    return isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError))


def open_account_store(settings) -> AccountStore:  # noqa: ANN001
    """``<data_dir>/accounts.sqlite`` (embedded) or ``auth.accounts`` in PostgreSQL (distributed)."""
    if settings.runtime == "distributed":
        return AccountStore(postgres_dsn=settings.postgres_dsn)
    return AccountStore(sqlite_path=settings.data_file("accounts.sqlite"))
