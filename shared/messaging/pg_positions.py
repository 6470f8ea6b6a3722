"""Relay positions on PostgreSQL (distributed runtime): a table in each service's own schema."""

from __future__ import annotations

import threading

import psycopg


class PostgresPositionStore:
    """``<service>.relay_position``, beside the service's event store; relay names are ``relay:<service>``."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self._lock = threading.Lock()
        self._conn: psycopg.Connection | None = None
        self._ready: set[str] = set()

    @staticmethod
    def _schema(name: str) -> str:
        schema = name.rsplit(":", 1)[-1]
        if not schema.isidentifier():
            raise ValueError(f"bad relay name {name!r}")
        return schema

    def _execute(self, sql: str, params: tuple = ()):  # noqa: ANN202
        with self._lock:
            for attempt in (1, 2):
                try:
                    if self._conn is None or self._conn.closed:
                        self._conn = psycopg.connect(self.dsn, autocommit=True, connect_timeout=10)
                    return self._conn.execute(sql, params).fetchall() if sql.lstrip().startswith("SELECT") \
                        else self._conn.execute(sql, params)
                except psycopg.OperationalError:
                    self._conn = None
                    if attempt == 2:
                        raise

    def _table(self, name: str) -> str:
        schema = self._schema(name)
        if schema not in self._ready:
            self._execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            self._execute(f'CREATE TABLE IF NOT EXISTS "{schema}".relay_position '
                          "(name TEXT PRIMARY KEY, position BIGINT NOT NULL)")
            self._execute(f'CREATE TABLE IF NOT EXISTS "{schema}".relay_head '
                          "(name TEXT PRIMARY KEY, position BIGINT NOT NULL, hash TEXT NOT NULL)")
            self._ready.add(schema)
        return f'"{schema}".relay_position'

    def get(self, name: str) -> int:
        rows = self._execute(f"SELECT position FROM {self._table(name)} WHERE name = %s", (name,))
        return rows[0][0] if rows else 0

    def set(self, name: str, position: int) -> None:
        self._execute(f"INSERT INTO {self._table(name)} (name, position) VALUES (%s, %s) "
                      "ON CONFLICT (name) DO UPDATE SET position = excluded.position", (name, position))

    def get_head(self, name: str) -> tuple[int, str] | None:
        """The head of the service's hash chain the relay has published (see ``shared.record``)."""
        table = self._table(name).replace("relay_position", "relay_head")
        rows = self._execute(f"SELECT position, hash FROM {table} WHERE name = %s", (name,))
        return (rows[0][0], rows[0][1]) if rows else None

    def set_head(self, name: str, position: int, hash: str) -> None:
        table = self._table(name).replace("relay_position", "relay_head")
        self._execute(f"INSERT INTO {table} AS h (name, position, hash) VALUES (%s, %s, %s) "
                      "ON CONFLICT (name) DO UPDATE SET position = excluded.position, hash = excluded.hash "
                      "WHERE excluded.position >= h.position", (name, position, hash))

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
