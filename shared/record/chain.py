"""Each writing service's notification log chained by hash, sealed in the transaction that writes the events.

Every event's link is SHA-256 over its position in the log, its stored content (originator id and
version, topic and the stored, encrypted state) and the link of the event before it.  The links live
in ``event_chain`` (``position``, ``hash``) in the service's own store (its SQLite file, or its
PostgreSQL schema) and are written by the recorder in the same transaction as the events: there is
never an unsealed event, and a rolled back write leaves no link.  ``bangnin verify`` walks it.

The recorders are the library's process recorders with the chain added; ``shared.eventstore``
selects them with ``PROCESS_RECORDER_TOPIC``.
"""

from __future__ import annotations

import hashlib
from typing import Any, Iterable, Sequence
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteCursor, SQLiteProcessRecorder

GENESIS = "0" * 64  # the link before the first event
CHAIN_TABLE = "event_chain"


def originator_text(originator_id: UUID | str) -> str:
    """The originator id as both stores hold it in text (a UUID as 32 hex digits)."""
    return originator_id.hex if isinstance(originator_id, UUID) else str(originator_id)


def link(previous: str, position: int, originator_id: UUID | str, version: int, topic: str, state: bytes) -> str:
    """The hash of one event, chained to ``previous``; every part length-prefixed so none can bleed into another."""
    digest = hashlib.sha256()
    for part in (previous.encode(), str(position).encode(), originator_text(originator_id).encode(),
                 str(version).encode(), topic.encode(), bytes(state)):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def links(previous: str, rows: Iterable[tuple[int, StoredEvent]]) -> list[tuple[int, str]]:
    result = []
    for position, event in rows:
        previous = link(previous, position, event.originator_id, event.originator_version, event.topic, event.state)
        result.append((position, previous))
    return result


class ChainedSQLiteProcessRecorder(SQLiteProcessRecorder):
    """The library's SQLite process recorder, sealing each event into ``event_chain`` as it is inserted."""

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(),
                f"CREATE TABLE IF NOT EXISTS {CHAIN_TABLE} (position INTEGER PRIMARY KEY, hash TEXT NOT NULL)"]

    def create_table(self) -> None:
        super().create_table()
        with self.datastore.transaction(commit=True) as c:
            self._seal_existing(c)

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any):  # noqa: ANN202
        ids = super()._insert_events(c, stored_events, **kwargs)
        if ids:  # the insert holds SQLite's write lock: no other writer can append between here and commit
            c.execute(f"SELECT hash FROM {CHAIN_TABLE} ORDER BY position DESC LIMIT 1")
            row = c.fetchone()
            c.executemany(f"INSERT INTO {CHAIN_TABLE} (position, hash) VALUES (?, ?)",
                          links(row[0] if row else GENESIS, zip(ids, stored_events)))
        return ids

    def _seal_existing(self, c: SQLiteCursor) -> None:
        """A store written before the chain existed: seal its events once, when its chain is still empty."""
        c.execute(f"SELECT 1 FROM {CHAIN_TABLE} LIMIT 1")
        if c.fetchone():
            return
        c.execute(f"SELECT rowid, originator_id, originator_version, topic, state FROM {self.events_table_name} ORDER BY rowid")
        rows = [(r[0], StoredEvent(r[1], r[2], r[3], r[4])) for r in c.fetchall()]
        c.executemany(f"INSERT INTO {CHAIN_TABLE} (position, hash) VALUES (?, ?)", links(GENESIS, rows))

    def chain_hash(self, position: int) -> str | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT hash FROM {CHAIN_TABLE} WHERE position = ?", (position,))
            row = c.fetchone()
        return row[0] if row else None
