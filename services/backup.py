"""``bangnin backup`` / ``bangnin restore``: a consistent copy of an embedded data folder, taken while it serves.

Every SQLite store in the folder is copied with SQLite's online backup API (a snapshot of the store
at one moment, its ``-wal`` included, while the server keeps writing).  The stores are copied
downstream first — reporting, the relay positions, evaluation, coordination, intake — so that no
copy has processed or relayed an event its upstream's copy does not hold: after a restore, the
relays republish what the newer copies lack and every consumer skips, by its tracking records,
what it had already processed.  Other files (``accounts.yaml``, calendar overrides, reports) are
copied as they are.

Keys (``*.key``: the cipher key of personal data, the token secret) are left out unless asked
for: a backup without keys is encrypted data only, and may be kept where the keys may not.
The file is a ``.tar.gz`` with a ``manifest.json`` (every member's SHA-256), written 0600.
"""

from __future__ import annotations

from datetime import datetime, timezone
import hashlib
import io
import json
import os
from pathlib import Path
import sqlite3
import tarfile
import tempfile

DOWNSTREAM_FIRST = ("reporting", "notifications", "relay", "evaluation", "coordination", "intake")
SKIPPED_SUFFIXES = ("-wal", "-shm", "-journal", ".partial")  # .partial: an upload or a key being written
KEY_SUFFIX = ".key"
FORMAT = "bangnin-backup/1"


class BackupError(Exception):
    pass


def _order(path: Path) -> tuple[int, str]:
    stem = path.stem
    return (DOWNSTREAM_FIRST.index(stem) if stem in DOWNSTREAM_FIRST else -1, path.name)


def _copy_sqlite(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # in one step: a single consistent snapshot of the source
    finally:
        dst.close()
        src.close()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def backup(data_dir: Path, to: Path, *, include_keys: bool = False, keys_dir: Path | None = None) -> dict:
    """``keys_dir``: where the keys are kept (``BANGNIN_KEYS_DIR``; the data folder when not set).  They are
    left out unless ``include_keys``; included, they are restored into the data folder."""
    if not data_dir.is_dir():
        raise BackupError(f"数据目录 {data_dir} 不存在")
    keys_dir = keys_dir or data_dir
    files = [p for p in data_dir.rglob("*") if p.is_file() and not p.name.endswith(SKIPPED_SUFFIXES)]
    stores = sorted((p for p in files if p.suffix == ".sqlite" and p.parent == data_dir), key=_order)
    key_files = sorted(p for p in keys_dir.glob(f"*{KEY_SUFFIX}") if p.is_file()) if keys_dir.is_dir() else []
    keys = [p.name for p in key_files]
    if not stores:
        raise BackupError(f"{data_dir} 中没有数据库（*.sqlite）")
    manifest: dict = {"format": FORMAT, "created_at": datetime.now(timezone.utc).isoformat(),
                      "stores": [p.name for p in stores], "files": {},
                      "keys_included": include_keys, "keys_left_out": [] if include_keys else keys}
    with tempfile.TemporaryDirectory(prefix="bangnin-backup-") as tmp:
        staged: list[tuple[str, Path]] = []
        for store in stores:
            copy = Path(tmp) / store.name
            _copy_sqlite(store, copy)
            staged.append((store.name, copy))
        # the other files listed after the stores are copied: a material's bytes are stored before its event,
        # so every blob an event of these copies names is among them
        files = [p for p in data_dir.rglob("*") if p.is_file() and not p.name.endswith(SKIPPED_SUFFIXES)]
        others = sorted(p for p in files if p not in stores and not (p.suffix == KEY_SUFFIX and p.parent == data_dir))
        if include_keys:
            others += key_files
        for path in others:
            staged.append((path.name if path in key_files else path.relative_to(data_dir).as_posix(), path))
        to.parent.mkdir(parents=True, exist_ok=True)
        partial = to.with_name(to.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            for name, path in staged:
                manifest["files"][name] = _sha256(path)
                tar.add(path, arcname=f"data/{name}", recursive=False)
            body = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mode = len(body), 0o600
            tar.addfile(info, io.BytesIO(body))
        partial.replace(to)
    return manifest


def restore(file: Path, data_dir: Path, *, keys_from: Path | None = None) -> tuple[list[str], list[str]]:
    """Unpack a backup into a new (absent or empty) data folder, checking every member against the manifest.

    Returns what was restored and which keys the backup left out that are still missing (they must be
    put in place, or given by their settings, before the server starts: a server started without its
    cipher key cannot read the personal data)."""
    if not file.is_file():
        raise BackupError(f"备份文件 {file} 不存在")
    if data_dir.exists() and any(data_dir.iterdir()):
        raise BackupError(f"目标目录 {data_dir} 不为空：请指定一个新的数据目录")
    try:
        tar = tarfile.open(file, mode="r:gz")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{file} 不是 bangnin backup 写出的备份文件（{exc}）") from None
    with tar:
        try:
            manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        except (KeyError, ValueError):
            raise BackupError(f"{file} 中没有可读的 manifest.json") from None
        if manifest.get("format") != FORMAT:
            raise BackupError(f"不支持的备份格式：{manifest.get('format')}")
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        restored = []
        for name, digest in manifest["files"].items():
            target = (data_dir / name).resolve()
            if not target.is_relative_to(data_dir.resolve()):
                raise BackupError(f"备份中的路径不合法：{name}")
            member = tar.extractfile(f"data/{name}")
            if member is None:
                raise BackupError(f"备份不完整：缺少 {name}")
            target.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                while chunk := member.read(1 << 20):
                    out.write(chunk)
            if _sha256(target) != digest:
                raise BackupError(f"备份已损坏：{name} 的校验值不符")
            restored.append(name)
    missing = []
    for key in manifest.get("keys_left_out", []):
        source = keys_from / key if keys_from else None
        if source is None or not source.is_file():
            missing.append(key)
            continue
        fd = os.open(data_dir / key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(source.read_text())
        restored.append(key)
    return restored, missing
