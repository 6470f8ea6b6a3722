"""Where each service keeps its events: SQLite files (embedded) or PostgreSQL (distributed).

Personal data is encrypted at rest by the library's AES cipher in both.
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
        path = settings.ensure_data_dir() / f"{service}.sqlite"
        env |= {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(path),
            "SQLITE_LOCK_TIMEOUT": "10",
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
        }
    return env
