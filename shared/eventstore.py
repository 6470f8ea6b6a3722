"""Where each service keeps its events: SQLite files (embedded) or PostgreSQL (distributed).

Personal data is encrypted at rest by the library's AES cipher in both.  Each store's events are
chained by hash as they are written (``shared.record``: the recorders named by ``PROCESS_RECORDER_TOPIC``).
"""

from __future__ import annotations

from urllib.parse import urlparse

from shared.settings import Settings


def store_env(settings: Settings, service: str) -> dict[str, str]:
    env = {
        "CIPHER_TOPIC": "eventsourcing.cipher:AESCipher",
        "CIPHER_KEY": settings.resolved_cipher_key,
    }
    if settings.runtime == "embedded":
        path = settings.data_file(f"{service}.sqlite")
        env |= {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(path),
            "SQLITE_LOCK_TIMEOUT": "10",
            "PROCESS_RECORDER_TOPIC": "shared.record.chain:ChainedSQLiteProcessRecorder",
        }
    else:
        dsn = urlparse(settings.postgres_dsn)
        env |= {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": dsn.path.lstrip("/") or "bangnin",
            "POSTGRES_HOST": dsn.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(dsn.port or 5432),
            "POSTGRES_USER": dsn.username or "postgres",
            "POSTGRES_PASSWORD": dsn.password or "",
            "POSTGRES_SCHEMA": service,
            "CREATE_TABLE": "y",
            "PROCESS_RECORDER_TOPIC": "shared.record.pg_chain:ChainedPostgresProcessRecorder",
        }
        ensure_postgres_schema(settings.postgres_dsn, service)  # the library creates tables, not schemas
    return env


def ensure_postgres_schema(dsn: str, schema: str) -> None:
    import psycopg

    if not schema.isidentifier():
        raise ValueError(f"bad schema name {schema!r}")
    with psycopg.connect(dsn, autocommit=True, connect_timeout=10) as db:
        db.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
