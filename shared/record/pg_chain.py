"""The hash chain on PostgreSQL (distributed runtime): the library's process recorder sealing into ``<schema>.event_chain``."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresProcessRecorder
from psycopg.sql import SQL, Identifier

from shared.record.chain import CHAIN_TABLE, GENESIS, links


class ChainedPostgresProcessRecorder(PostgresProcessRecorder):
    """Seals each event in the transaction that inserts it.

    The library takes an EXCLUSIVE lock on the events table before inserting, so appends to the chain
    are serialised in commit order like the notification ids themselves (which may have gaps: a rolled
    back insert still consumes its sequence numbers; the chain links whatever positions were committed).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chain_table = SQL("{0}.{1}").format(Identifier(self.datastore.schema), Identifier(CHAIN_TABLE))
        self.sql_create_statements.append(SQL(
            "CREATE TABLE IF NOT EXISTS {0} (position bigint PRIMARY KEY, hash text NOT NULL)").format(self.chain_table))

    def create_table(self) -> None:
        super().create_table()
        with self.datastore.transaction(commit=True) as curs:  # a store written before the chain: seal it once
            curs.execute(SQL("SELECT 1 AS sealed FROM {0} LIMIT 1").format(self.chain_table))
            if curs.fetchone():
                return
            self._lock_table(curs)
            curs.execute(SQL("SELECT notification_id, originator_id, originator_version, topic, state FROM {0}.{1} "
                             "ORDER BY notification_id").format(Identifier(self.datastore.schema),
                                                                 Identifier(self.events_table_name)))
            rows = [(r["notification_id"], StoredEvent(r["originator_id"], r["originator_version"], r["topic"],
                                                       bytes(r["state"]))) for r in curs.fetchall()]
            self._append(curs, GENESIS, rows)

    def _fetch_ids_after_insert_events(self, curs, stored_events, **kwargs):  # noqa: ANN001, ANN202
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        if ids:  # still inside the transaction that holds the table lock
            curs.execute(SQL("SELECT hash FROM {0} ORDER BY position DESC LIMIT 1").format(self.chain_table))
            row = curs.fetchone()
            self._append(curs, row["hash"] if row else GENESIS, list(zip(ids, stored_events)))
        return ids

    def _append(self, curs, previous: str, rows) -> None:  # noqa: ANN001
        sealed = links(previous, rows)
        if sealed:
            curs.executemany(SQL("INSERT INTO {0} (position, hash) VALUES (%s, %s)").format(self.chain_table), sealed)

    def chain_hash(self, position: int) -> str | None:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(SQL("SELECT hash FROM {0} WHERE position = %s").format(self.chain_table), (position,))
            row = curs.fetchone()
        return row["hash"] if row else None
