"""Sealed blobs (shared/blobs), file names and types (shared/filetypes): the parts of a material's storage."""

from __future__ import annotations

import base64
import io
import os
from pathlib import Path
import zipfile

import pytest

from shared.blobs.files import FileBlobStore
from shared.blobs.sealed import CHUNK, HEADER, TAG, BlobError, BlobKeys, SealedReader, open_frames
from shared.errors import UnsupportedType
from shared.filetypes import identify, safe_file_name, sniff
from services.intake.materials_api import content_disposition
from tests.e2e import material_files as files

KEYS = BlobKeys.from_cipher_key(base64.b64encode(b"k" * 32).decode())


def sealed(tmp_path: Path, data: bytes, piece: int = 1000):  # noqa: ANN201
    store = FileBlobStore(KEYS, tmp_path / "materials")
    staged = store.stage()
    for i in range(0, len(data), piece):
        staged.write(data[i:i + piece])
    staged.finish()
    return store, staged


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 7])
def test_round_trip_at_every_chunk_boundary_and_random_access(tmp_path, size):
    data = os.urandom(size)
    store, staged = sealed(tmp_path, data)
    assert staged.head == data[:8192] and staged.size == size
    reader = io.BufferedReader(SealedReader(KEYS, staged.path, size))
    for offset in (0, size // 2, max(size - 5, 0)):
        reader.seek(offset)
        assert reader.read(CHUNK + 3) == data[offset:offset + CHUNK + 3]
    reader.close()
    assert store.put(staged) is True and store.exists(staged.address)
    for piece in (1, 5000, 1 << 20):  # however the stored bytes arrive
        assert b"".join(open_frames(KEYS, _pieces(b"".join(store.sealed(staged.address)), piece))) == data
    assert b"".join(store.plaintext(staged.address)) == data


def _pieces(raw: bytes, size: int):  # noqa: ANN202
    return (raw[i:i + size] for i in range(0, len(raw), size)) if raw else iter([b""])


def test_an_altered_cut_reordered_or_foreign_blob_does_not_open(tmp_path):
    data = os.urandom(2 * CHUNK + 100)
    store, staged = sealed(tmp_path, data)
    store.put(staged)
    raw = b"".join(store.sealed(staged.address))
    frame = CHUNK + TAG
    altered = bytearray(raw)
    altered[HEADER + 10] ^= 1
    frames = [raw[HEADER + i * frame:HEADER + (i + 1) * frame] for i in range(3)]
    swapped = raw[:HEADER] + frames[1] + frames[0] + frames[2]
    cut = raw[:HEADER + 2 * frame]  # the last frame gone: the one before it was not sealed as the last
    other = BlobKeys.from_cipher_key(base64.b64encode(b"o" * 32).decode())
    for keys, blob in ((KEYS, bytes(altered)), (KEYS, swapped), (KEYS, cut), (other, raw), (KEYS, b"junk" * 10)):
        with pytest.raises(BlobError):
            b"".join(open_frames(keys, [blob]))


def test_the_address_is_keyed_stored_once_and_private(tmp_path):
    data = files.pdf()
    store, first = sealed(tmp_path, data)
    _, second = sealed(tmp_path, data, piece=7)
    assert first.address == second.address and first.address != first.sha256
    assert first.address != BlobKeys.from_cipher_key(base64.b64encode(b"o" * 32).decode()).address_of(first.sha256)
    assert store.put(first) is True and store.put(second) is False
    blob = store.root / first.address[:2] / first.address
    assert oct(blob.stat().st_mode & 0o777) == "0o600" and not second.path.exists()
    assert [p.name for p in store.root.rglob("*") if p.is_file()] == [first.address]


@pytest.mark.parametrize("raw, safe", [
    ("营业执照.pdf", "营业执照.pdf"),
    ("C:\\Users\\王\\Desktop\\备案证明.pdf", "备案证明.pdf"),
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("报告\x00\x07\u202e.pdf", "报告.pdf"),
    ("  .hidden.pdf ", "hidden.pdf"),
    ("", "材料"), (None, "材料"), ("../", "材料"),
    ("长" * 300 + ".docx", "长" * 115 + ".docx"),
])
def test_file_names_are_made_safe(raw, safe):
    assert safe_file_name(raw) == safe


def test_content_disposition_gives_the_name_as_rfc_5987_says_and_an_ascii_fallback():
    material = {"file_name": "项目备案证明 v2.pdf", "content_type": "application/pdf", "material_id": "MT1"}
    assert content_disposition(material) == ("attachment; filename=\"v2.pdf\"; "
                                              "filename*=UTF-8''%E9%A1%B9%E7%9B%AE%E5%A4%87%E6%A1%88%E8%AF%81%E6%98%8E%20v2.pdf")
    assert 'filename="material-MT1.pdf"' in content_disposition({**material, "file_name": "营业执照"})
    assert 'filename="a_b.pdf"' in content_disposition({**material, "file_name": 'a"b;.pdf'})


def _opener(data: bytes):  # noqa: ANN202
    return lambda: io.BytesIO(data)


def test_types_are_told_from_the_bytes():
    for data, code in ((files.pdf(), "pdf"), (files.png(), "png"), (files.jpeg(), "jpeg"), (files.ofd(), "ofd"),
                       (files.docx(), "docx"), (files.xlsx(), "xlsx")):
        assert sniff(data[:8192], _opener(data)).code == code
    for data in (files.elf(), files.plain_zip(), b"PK\x03\x04broken", b"<html><script>", b"MZ\x90\x00" + b"\x00" * 60):
        with pytest.raises(UnsupportedType) as refused:
            sniff(data[:8192], _opener(data), "x.pdf")
        assert refused.value.field == "file"
    with pytest.raises(UnsupportedType, match="不是文件名 x.docx 所示的Word"):
        identify(files.xlsx(), _opener(files.xlsx()), "x.docx", None)
    assert identify(files.pdf(), _opener(files.pdf()), "无扩展名", "application/pdf").code == "pdf"
    with zipfile.ZipFile(io.BytesIO(files.ofd())) as archive:
        assert "OFD.xml" in archive.namelist()
