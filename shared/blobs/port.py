"""The blob-store port: sealed blobs by address; the stores say where they keep them."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from shared.blobs.sealed import BlobKeys, SealedWriter, open_frames


class BlobStore:
    """Sealed blobs by address.  Subclasses say where they keep them (:meth:`put`, :meth:`sealed`)."""

    def __init__(self, keys: BlobKeys, staging: Path) -> None:
        self.keys = keys
        self.staging = staging  # where uploads are sealed as they stream in: private, under the data folder

    def stage(self) -> SealedWriter:
        return SealedWriter(self.keys, self.staging)

    def put(self, staged: SealedWriter) -> bool:
        """Keep a finished upload under its address; False when those bytes were stored before (the staged
        copy is dropped).  Atomic: a blob is there whole or not at all."""
        raise NotImplementedError

    def sealed(self, address: str) -> Iterator[bytes]:
        """The stored (sealed) bytes of a blob, in pieces."""
        raise NotImplementedError

    def exists(self, address: str) -> bool:
        raise NotImplementedError

    def plaintext(self, address: str) -> Iterator[bytes]:
        """The bytes as uploaded, opened as they stream out (each frame checked before it is given)."""
        return open_frames(self.keys, self.sealed(address))

    def close(self) -> None:
        pass
