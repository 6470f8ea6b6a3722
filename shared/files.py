"""Files private to the service's user: data folders 0700, data files and keys 0600.

SQLite creates a store's ``-wal`` and ``-shm`` with the permissions of the store itself, so a store
created here private (before SQLite opens it) keeps its journal files private too.  Keys are created
atomically: written to a private temporary file, then linked into place only if no key is there yet
(two processes starting at once both end up reading the one key that won).
"""

from __future__ import annotations

import os
from pathlib import Path
import secrets
from typing import Callable

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o777 != DIR_MODE:
        path.chmod(DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """``path`` exists (empty when new) and only its owner may read or write it; so do its -wal/-shm."""
    private_dir(path.parent)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            if file.stat().st_mode & 0o777 != FILE_MODE:
                file.chmod(FILE_MODE)
        except FileNotFoundError:
            pass
    return path


def make_private(folder: Path) -> None:
    """Every file of a data folder (not below it: reports have their own folder) private, and the folder."""
    private_dir(folder)
    for file in folder.iterdir():
        if file.is_file() and file.stat().st_mode & 0o777 != FILE_MODE:
            file.chmod(FILE_MODE)
        elif file.is_dir() and not file.is_symlink():
            private_dir(file)


def key_once(path: Path, make: Callable[[], str]) -> str:
    """The key kept at ``path``, created (0600, atomically, never overwritten) when there is none."""
    if not path.exists():
        private_dir(path.parent)
        partial = path.with_name(f".{path.name}.{secrets.token_hex(6)}.partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            with os.fdopen(fd, "w") as out:
                out.write(make())
                out.flush()
                os.fsync(out.fileno())
            try:
                os.link(partial, path)  # fails when another process put its key there first
            except FileExistsError:
                pass
        finally:
            partial.unlink(missing_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(FILE_MODE)
    return path.read_text().strip()
