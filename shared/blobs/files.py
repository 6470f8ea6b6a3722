"""Sealed blobs as files: ``<data_dir>/materials/<2 hex>/<address>``, 0600 in 0700 folders.

An upload is sealed into ``materials/.staging/`` as it streams in and renamed into place once whole
(``os.replace`` on one file system: atomic), so a blob file is complete or absent; the folder is synced
after the rename, so a completed upload survives a power cut.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

from shared.blobs.port import BlobStore
from shared.blobs.sealed import BlobKeys, SealedWriter
from shared.files import private_dir

READ_PIECE = 256 * 1024


class FileBlobStore(BlobStore):
    def __init__(self, keys: BlobKeys, root: Path) -> None:
        super().__init__(keys, root / ".staging")
        self.root = private_dir(root)

    def _path(self, address: str) -> Path:
        if len(address) != 64 or not all(c in "0123456789abcdef" for c in address):
            raise ValueError(f"bad blob address {address!r}")
        return self.root / address[:2] / address

    def put(self, staged: SealedWriter) -> bool:
        path = self._path(staged.address)
        if path.exists():
            staged.discard()
            return False
        folder = private_dir(path.parent)
        os.replace(staged.path, path)
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        return True

    def exists(self, address: str) -> bool:
        return self._path(address).exists()

    def sealed(self, address: str) -> Iterator[bytes]:
        with open(self._path(address), "rb") as blob:
            while piece := blob.read(READ_PIECE):
                yield piece
