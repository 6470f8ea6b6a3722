"""The blob-store port: where a service keeps the bytes of its files (materials, signed forms).

The events carry a file's SHA-256 and metadata; the bytes sit sealed (:mod:`shared.blobs.sealed`: chunked
AES-GCM, content-addressed by a keyed hash) in a store of the owning service, chosen by the same settings
that choose its event store (:func:`blob_store_for`): files under the data folder in the embedded default
(:mod:`shared.blobs.files`), the service's own PostgreSQL schema in the distributed runtime
(:mod:`shared.blobs.postgres`).  Nothing is ever deleted: a withdrawn material is marked in the events.
"""

from __future__ import annotations

from shared.blobs.port import BlobStore
from shared.blobs.sealed import BlobKeys
from shared.settings import Settings

__all__ = ["BlobStore", "blob_store_for"]


def blob_store_for(settings: Settings, service: str) -> BlobStore:
    """The blob store of ``service``: ``<data_dir>/materials/`` (embedded) or its PostgreSQL schema (distributed)."""
    keys = BlobKeys.from_cipher_key(settings.resolved_cipher_key)
    if settings.runtime == "embedded":
        from shared.blobs.files import FileBlobStore

        return FileBlobStore(keys, settings.ensure_data_dir() / "materials")
    from shared.blobs.postgres import PostgresBlobStore

    return PostgresBlobStore(keys, settings.postgres_dsn, schema=service, staging=settings.ensure_data_dir() / "staging")
