"""Material bytes sealed at rest: chunked AES-256-GCM, addressed by a keyed hash of their content.

A sealed blob is a header and frames::

    header  = b"BNM1" | salt (16 bytes) | chunk size (4 bytes, big-endian)
    frame i = AES-GCM(file key, nonce = i as 12 bytes, aad = header | i (8 bytes) | last (1 byte)) of chunk i

The file key is HKDF-SHA256 of the blob key with the blob's random salt, so no two blobs share a key and
the frame counter is a safe nonce.  Every chunk but the last holds ``chunk size`` bytes; the last frame says
it is the last (in its AAD), so a blob cut short, or frames swapped, do not open.  The blob key and the
address key are derived from the cipher key of personal data (``BANGNIN_CIPHER_KEY``) by HKDF-SHA256, as
:mod:`shared.sealing` derives its key: one key to keep.

The address is HMAC-SHA256 under the address key of the content's SHA-256: equal files have one address
(stored once), while the address names no hash anyone could look up.  Bytes are sealed as they stream in
(:class:`SealedWriter`, to a private temporary file that the store then takes), so a material is never whole
in memory nor in clear on disk; :func:`open_frames` opens a stored blob as it streams out, and
:class:`SealedReader` gives random access (``zipfile`` reads a zip's directory from its end).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import os
from pathlib import Path
import secrets
from dataclasses import dataclass
from typing import Iterable, Iterator

from Crypto.Cipher import AES
from Crypto.Hash import SHA256
from Crypto.Protocol.KDF import HKDF

from shared.files import FILE_MODE, private_dir

MAGIC = b"BNM1"
CHUNK = 64 * 1024
TAG = 16
HEADER = len(MAGIC) + 16 + 4
HEAD_BYTES = 8192  # the plaintext kept for sniffing the type


class BlobError(ValueError):
    """A stored blob that does not open (altered, cut short, or sealed under another key)."""


@dataclass(frozen=True)
class BlobKeys:
    seal: bytes
    address: bytes

    @classmethod
    def from_cipher_key(cls, cipher_key: str) -> "BlobKeys":
        raw = base64.b64decode(cipher_key)
        derive = lambda context: HKDF(raw, 32, salt=b"bangnin", hashmod=SHA256, context=context)  # noqa: E731
        return cls(seal=derive(b"bangnin materials sealing v1"), address=derive(b"bangnin materials address v1"))

    def address_of(self, sha256_hex: str) -> str:
        return hmac.new(self.address, bytes.fromhex(sha256_hex), hashlib.sha256).hexdigest()

    def file_key(self, salt: bytes) -> bytes:
        return HKDF(self.seal, 32, salt=salt, hashmod=SHA256, context=b"bangnin material file key")


def _frame_cipher(key: bytes, header: bytes, index: int, last: bool):  # noqa: ANN202
    cipher = AES.new(key, AES.MODE_GCM, nonce=index.to_bytes(12, "big"), mac_len=TAG)
    cipher.update(header + index.to_bytes(8, "big") + (b"\x01" if last else b"\x00"))
    return cipher


class SealedWriter:
    """Seals bytes as they arrive into a private temporary file in ``folder``; knows their SHA-256 and size."""

    def __init__(self, keys: BlobKeys, folder: Path) -> None:
        self.keys = keys
        salt = secrets.token_bytes(16)
        self.header = MAGIC + salt + CHUNK.to_bytes(4, "big")
        self._key = keys.file_key(salt)
        self.path = private_dir(folder) / f".upload-{secrets.token_hex(12)}.partial"
        self._out = os.fdopen(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE), "wb")
        self._out.write(self.header)
        self._pending = bytearray()
        self._index = 0
        self._hash = hashlib.sha256()
        self.size = 0
        self.head = b""
        self.finished = False

    def write(self, data: bytes) -> None:
        self._hash.update(data)
        self.size += len(data)
        if len(self.head) < HEAD_BYTES:
            self.head += data[:HEAD_BYTES - len(self.head)]
        self._pending += data
        while len(self._pending) > CHUNK:  # keep at least one byte back: the last frame is sealed as last
            self._seal(bytes(self._pending[:CHUNK]), last=False)
            del self._pending[:CHUNK]

    def finish(self) -> None:
        self._seal(bytes(self._pending), last=True)
        self._pending.clear()
        self._out.flush()
        os.fsync(self._out.fileno())
        self._out.close()
        self.finished = True

    def _seal(self, chunk: bytes, last: bool) -> None:
        ciphertext, tag = _frame_cipher(self._key, self.header, self._index, last).encrypt_and_digest(chunk)
        self._out.write(ciphertext + tag)
        self._index += 1

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    @property
    def address(self) -> str:
        return self.keys.address_of(self.sha256)

    def reader(self) -> "SealedReader":
        assert self.finished
        return SealedReader(self.keys, self.path, self.size)

    def discard(self) -> None:
        if not self._out.closed:
            self._out.close()
        self.path.unlink(missing_ok=True)


def open_frames(keys: BlobKeys, data: Iterable[bytes]) -> Iterator[bytes]:
    """The plaintext of a sealed blob given as a stream of its bytes (in pieces of any size)."""
    buffer, key, header, index = bytearray(), None, b"", 0
    frame = CHUNK + TAG
    for piece in data:
        buffer += piece
        if key is None:
            if len(buffer) < HEADER:
                continue
            header, key, frame = _read_header(keys, bytes(buffer[:HEADER]))
            del buffer[:HEADER]
        while len(buffer) > frame:  # more than one frame: this one is not the last
            yield _open(key, header, index, bytes(buffer[:frame]), last=False)
            del buffer[:frame]
            index += 1
    if key is None:
        raise BlobError("材料文件不完整")
    yield _open(key, header, index, bytes(buffer), last=True)


def _read_header(keys: BlobKeys, header: bytes) -> tuple[bytes, bytes, int]:
    if header[:4] != MAGIC:
        raise BlobError("不是本系统加密保存的材料文件")
    return header, keys.file_key(header[4:20]), int.from_bytes(header[20:24], "big") + TAG


def _open(key: bytes, header: bytes, index: int, frame: bytes, last: bool) -> bytes:
    if len(frame) < TAG:
        raise BlobError("材料文件不完整")
    try:
        return _frame_cipher(key, header, index, last).decrypt_and_verify(frame[:-TAG], frame[-TAG:])
    except ValueError:
        raise BlobError("材料文件无法解密：已被改动、不完整或不是用本系统的密钥加密") from None


class SealedReader(io.RawIOBase):
    """Random access to the plaintext of a sealed file (its size known): for reading a zip's directory."""

    def __init__(self, keys: BlobKeys, path: Path, size: int) -> None:
        self._file = open(path, "rb")
        self.header, self._key, self._frame = _read_header(keys, self._file.read(HEADER))
        self._chunk = self._frame - TAG
        self.size = size
        self._frames = max(1, -(-size // self._chunk))
        self._pos = 0
        self._cached: tuple[int, bytes] | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, target) -> int:  # noqa: ANN001
        if self._pos >= self.size:
            return 0
        index, within = divmod(self._pos, self._chunk)
        plain = self._plain(index)[within:within + len(target)]
        target[:len(plain)] = plain
        self._pos += len(plain)
        return len(plain)

    def _plain(self, index: int) -> bytes:
        if self._cached is None or self._cached[0] != index:
            self._file.seek(HEADER + index * self._frame)
            self._cached = (index, _open(self._key, self.header, index, self._file.read(self._frame),
                                         last=index == self._frames - 1))
        return self._cached[1]

    def close(self) -> None:
        self._file.close()
        super().close()
