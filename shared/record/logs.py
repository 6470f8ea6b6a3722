"""Reading a writing service's log and its hash chain where they are stored, read-only, and the heads the relays recorded."""

from __future__ import annotations

from pathlib import Path
import sqlite3
from typing import Iterator, Protocol
from uuid import UUID

from shared.record.chain import CHAIN_TABLE, GENESIS
from shared.settings import Settings

Row = tuple[int, str, int, str, bytes]  # position, originator id (text), version, topic, state


class EventLog(Protocol):
    service: str

    def events(self) -> Iterator[Row]: ...
    def chain(self) -> dict[int, str]: ...
    def event(self, position: int) -> Row | None: ...
    def link(self, position: int) -> str | None: ...
    def link_before(self, position: int) -> str: ...
    def link_after(self, position: int) -> tuple[int, str] | None: ...
    def events_at(self, positions: list[int]) -> dict[int, Row]: ...
    def links_at(self, positions: list[int]) -> dict[int, str]: ...
    def close(self) -> None: ...


class SQLiteEventLog:
    """A service's ``<service>.sqlite``, opened read-only."""

    def __init__(self, service: str, path: Path) -> None:
        self.service = service
        if not path.exists():
            raise FileNotFoundError(f"{path} 不存在")
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)

    def events(self) -> Iterator[Row]:
        yield from self.db.execute(
            "SELECT rowid, originator_id, originator_version, topic, CAST(state AS BLOB) FROM stored_events ORDER BY rowid")

    def chain(self) -> dict[int, str]:
        return dict(self.db.execute(f"SELECT position, hash FROM {CHAIN_TABLE}"))

    def event(self, position: int) -> Row | None:
        return self.db.execute("SELECT rowid, originator_id, originator_version, topic, CAST(state AS BLOB) FROM stored_events "
                               "WHERE rowid = ?", (position,)).fetchone()

    def link(self, position: int) -> str | None:
        row = self.db.execute(f"SELECT hash FROM {CHAIN_TABLE} WHERE position = ?", (position,)).fetchone()
        return row[0] if row else None

    def link_before(self, position: int) -> str:
        row = self.db.execute(f"SELECT hash FROM {CHAIN_TABLE} WHERE position < ? ORDER BY position DESC LIMIT 1",
                              (position,)).fetchone()
        return row[0] if row else GENESIS

    def link_after(self, position: int) -> tuple[int, str] | None:
        return self.db.execute(f"SELECT position, hash FROM {CHAIN_TABLE} WHERE position > ? ORDER BY position LIMIT 1",
                               (position,)).fetchone()

    def events_at(self, positions: list[int]) -> dict[int, Row]:
        marks = ",".join("?" * len(positions))
        return {r[0]: r for r in self.db.execute(
            "SELECT rowid, originator_id, originator_version, topic, CAST(state AS BLOB) FROM stored_events "
            f"WHERE rowid IN ({marks})", positions)} if positions else {}

    def links_at(self, positions: list[int]) -> dict[int, str]:
        marks = ",".join("?" * len(positions))
        return dict(self.db.execute(f"SELECT position, hash FROM {CHAIN_TABLE} WHERE position IN ({marks})",
                                    positions)) if positions else {}

    def close(self) -> None:
        self.db.close()


class PostgresEventLog:
    """A service's PostgreSQL schema (distributed runtime)."""

    def __init__(self, service: str, dsn: str) -> None:
        import psycopg

        self.service = service
        self.db = psycopg.connect(dsn, autocommit=True, connect_timeout=10)
        row = self.db.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
                              "AND table_name LIKE %s", (service, "%\\_events")).fetchone()
        if row is None:
            raise FileNotFoundError(f"PostgreSQL 中没有 {service} 的事件表")
        self.events_table = f'"{service}"."{row[0]}"'
        self.chain_table = f'"{service}".{CHAIN_TABLE}'

    def _row(self, r) -> Row:  # noqa: ANN001
        return r[0], r[1].hex if isinstance(r[1], UUID) else r[1], r[2], r[3], bytes(r[4])

    def events(self) -> Iterator[Row]:
        with self.db.cursor() as cur:
            cur.execute(f"SELECT notification_id, originator_id, originator_version, topic, state FROM {self.events_table} "
                        "ORDER BY notification_id")
            for r in cur:
                yield self._row(r)

    def chain(self) -> dict[int, str]:
        return dict(self.db.execute(f"SELECT position, hash FROM {self.chain_table}").fetchall())

    def event(self, position: int) -> Row | None:
        r = self.db.execute(f"SELECT notification_id, originator_id, originator_version, topic, state FROM {self.events_table} "
                            "WHERE notification_id = %s", (position,)).fetchone()
        return self._row(r) if r else None

    def link(self, position: int) -> str | None:
        row = self.db.execute(f"SELECT hash FROM {self.chain_table} WHERE position = %s", (position,)).fetchone()
        return row[0] if row else None

    def link_before(self, position: int) -> str:
        row = self.db.execute(f"SELECT hash FROM {self.chain_table} WHERE position < %s ORDER BY position DESC LIMIT 1",
                              (position,)).fetchone()
        return row[0] if row else GENESIS

    def link_after(self, position: int) -> tuple[int, str] | None:
        row = self.db.execute(f"SELECT position, hash FROM {self.chain_table} WHERE position > %s ORDER BY position LIMIT 1",
                              (position,)).fetchone()
        return (row[0], row[1]) if row else None

    def events_at(self, positions: list[int]) -> dict[int, Row]:
        rows = self.db.execute(f"SELECT notification_id, originator_id, originator_version, topic, state FROM {self.events_table} "
                               "WHERE notification_id = ANY(%s)", (positions,)).fetchall()
        return {r[0]: self._row(r) for r in rows}

    def links_at(self, positions: list[int]) -> dict[int, str]:
        return dict(self.db.execute(f"SELECT position, hash FROM {self.chain_table} WHERE position = ANY(%s)",
                                    (positions,)).fetchall())

    def close(self) -> None:
        self.db.close()


def open_log(settings: Settings, service: str) -> EventLog:
    if settings.runtime == "distributed":
        return PostgresEventLog(service, settings.postgres_dsn)
    return SQLiteEventLog(service, settings.data_dir / f"{service}.sqlite")


class HeadReader:
    """The chain heads the relays recorded (``relay_head`` in ``relay.sqlite`` beside the stores, or in each
    service's PostgreSQL schema), read without writing anything."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._db = None

    def get(self, service: str) -> tuple[int, str] | None:
        name = f"relay:{service}"
        if self.settings.runtime == "distributed":
            import psycopg

            if self._db is None:
                self._db = psycopg.connect(self.settings.postgres_dsn, autocommit=True, connect_timeout=10)
            try:
                row = self._db.execute(f'SELECT position, hash FROM "{service}".relay_head WHERE name = %s',
                                       (name,)).fetchone()
            except psycopg.errors.UndefinedTable:
                return None
        else:
            path = self.settings.data_dir / "relay.sqlite"
            if not path.exists():
                return None
            if self._db is None:
                self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
            try:
                row = self._db.execute("SELECT position, hash FROM relay_head WHERE name = ?", (name,)).fetchone()
            except sqlite3.OperationalError:  # no relay has recorded a head yet
                return None
        return (row[0], row[1]) if row else None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
