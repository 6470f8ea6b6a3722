"""Sealed blobs in PostgreSQL, in the owning service's own schema (the distributed runtime).

Two tables beside the service's event store: ``material_blobs`` (one row a blob: its address, sealed size,
number of pieces) and ``material_blob_pieces`` (the sealed bytes in 1 MiB ``bytea`` rows, in order).  A blob is
written in one transaction — its row and all its pieces, by COPY — so it is there whole or not at all; two
uploads of the same bytes at once meet on the primary key and the second keeps nothing.  Downloads read the
pieces through a server-side cursor, a few at a time, so a blob is never whole in memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from shared.blobs.port import BlobStore
from shared.blobs.sealed import BlobKeys, SealedWriter
from shared.eventstore import ensure_postgres_schema

PIECE = 1024 * 1024


class PostgresBlobStore(BlobStore):
    def __init__(self, keys: BlobKeys, dsn: str, *, schema: str, staging: Path) -> None:
        from psycopg_pool import ConnectionPool

        super().__init__(keys, staging)
        ensure_postgres_schema(dsn, schema)  # checks the name: it is quoted into the statements below
        self.blobs, self.pieces = f'"{schema}".material_blobs', f'"{schema}".material_blob_pieces'
        self.pool = ConnectionPool(dsn, min_size=0, max_size=4, open=True, kwargs={"connect_timeout": 10})
        with self.pool.connection() as db:
            db.execute(f"CREATE TABLE IF NOT EXISTS {self.blobs} (address text PRIMARY KEY, sealed_size bigint NOT NULL, "
                       "pieces integer NOT NULL, stored_at timestamptz NOT NULL DEFAULT now())")
            db.execute(f"CREATE TABLE IF NOT EXISTS {self.pieces} (address text NOT NULL REFERENCES {self.blobs}, "
                       "n integer NOT NULL, data bytea NOT NULL, PRIMARY KEY (address, n))")

    def put(self, staged: SealedWriter) -> bool:
        size = staged.path.stat().st_size
        pieces = max(1, -(-size // PIECE))
        try:
            with self.pool.connection() as db, db.transaction():
                row = db.execute(f"INSERT INTO {self.blobs} (address, sealed_size, pieces) VALUES (%s, %s, %s) "
                                 "ON CONFLICT (address) DO NOTHING RETURNING address",
                                 (staged.address, size, pieces)).fetchone()
                if row is None:
                    return False
                with db.cursor() as cur, cur.copy(f"COPY {self.pieces} (address, n, data) FROM STDIN") as copy, \
                        open(staged.path, "rb") as blob:
                    for n in range(pieces):
                        copy.write_row((staged.address, n, blob.read(PIECE)))
                return True
        finally:
            staged.discard()

    def exists(self, address: str) -> bool:
        with self.pool.connection() as db:
            return db.execute(f"SELECT 1 FROM {self.blobs} WHERE address = %s", (address,)).fetchone() is not None

    def sealed(self, address: str) -> Iterator[bytes]:
        with self.pool.connection() as db, db.transaction():
            with db.cursor(name="blob_pieces") as cur:
                cur.itersize = 4
                cur.execute(f"SELECT data FROM {self.pieces} WHERE address = %s ORDER BY n", (address,))
                for (data,) in cur:
                    yield bytes(data)

    def close(self) -> None:
        self.pool.close()
