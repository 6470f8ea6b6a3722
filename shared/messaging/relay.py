"""The outbox relay: publishes what enters a service's notification log, and remembers how far it got."""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path
from typing import Protocol

from shared.application import ServiceApplication
from shared.messaging.bus import Bus
from shared.messaging.outbox import read_log

log = logging.getLogger(__name__)


class PositionStore(Protocol):
    def get(self, name: str) -> int: ...
    def set(self, name: str, position: int) -> None: ...
    def get_head(self, name: str) -> tuple[int, str] | None: ...
    def set_head(self, name: str, position: int, hash: str) -> None: ...


class SQLitePositionStore:
    """Relay positions in a small SQLite file beside the event stores.

    Beside each position, the head of the service's hash chain the relay has published (``relay_head``):
    a record of the chain kept outside the service's own store, so a removed tail is seen by
    ``bangnin verify`` (heads only move forward).
    """

    def __init__(self, path: Path) -> None:
        self._path = str(path)
        self._lock = threading.Lock()
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS relay_position (name TEXT PRIMARY KEY, position INTEGER NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS relay_head (name TEXT PRIMARY KEY, position INTEGER NOT NULL, hash TEXT NOT NULL)")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._path, timeout=10)

    def get(self, name: str) -> int:
        with self._lock, self._connect() as db:
            row = db.execute("SELECT position FROM relay_position WHERE name = ?", (name,)).fetchone()
        return row[0] if row else 0

    def set(self, name: str, position: int) -> None:
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT INTO relay_position (name, position) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET position = excluded.position",
                (name, position),
            )


    def get_head(self, name: str) -> tuple[int, str] | None:
        with self._lock, self._connect() as db:
            row = db.execute("SELECT position, hash FROM relay_head WHERE name = ?", (name,)).fetchone()
        return (row[0], row[1]) if row else None

    def set_head(self, name: str, position: int, hash: str) -> None:
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT INTO relay_head (name, position, hash) VALUES (?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET position = excluded.position, hash = excluded.hash "
                "WHERE excluded.position >= relay_head.position",
                (name, position, hash),
            )


class OutboxRelay:
    def __init__(self, app: ServiceApplication, bus: Bus, positions: PositionStore, batch_size: int = 500) -> None:
        self.app = app
        self.bus = bus
        self.positions = positions
        self.batch_size = batch_size
        self.name = f"relay:{app.service_name}"
        self._lock = threading.Lock()
        self.wakeup = threading.Event()
        app.add_save_listener(self.wakeup.set)

    @property
    def position(self) -> int:
        return self.positions.get(self.name)

    def pending(self) -> bool:
        return self.app.head() > self.position

    def run_once(self) -> int:
        """Publish the next batch; returns how many events went out."""
        with self._lock:
            position = self.positions.get(self.name)
            events = read_log(self.app, self.app.service_name, position, self.batch_size)
            if not events:
                return 0
            self.bus.publish(events)
            self.positions.set(self.name, events[-1].position)
            self._record_head(events[-1].position)
            return len(events)

    def _record_head(self, position: int) -> None:
        chain_hash = getattr(self.app.recorder, "chain_hash", None)  # a chained recorder (shared.record)
        link = chain_hash(position) if chain_hash else None
        if link:
            self.positions.set_head(self.name, position, link)

    def drain(self, stop: threading.Event | None = None) -> int:
        """Publish batch after batch until nothing is left (or ``stop`` is set: the current batch finishes)."""
        total = 0
        while not (stop and stop.is_set()) and (count := self.run_once()):
            total += count
        return total

    def serve(self, stop: threading.Event, poll_seconds: float) -> None:
        """Relay until ``stop`` is set: on every nudge after a save, or every ``poll_seconds``."""
        while not stop.is_set():
            self.wakeup.wait(poll_seconds)
            self.wakeup.clear()
            try:
                self.drain(stop)
            except Exception:  # a consumer failed: keep the position, retry on the next round
                log.exception("%s: delivery failed, will retry", self.name)
                stop.wait(min(poll_seconds * 5, 2.0))
