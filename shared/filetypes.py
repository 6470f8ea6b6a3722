"""What an uploaded file is, told from its bytes; and its name, made safe to keep and to send back.

The magic numbers are read by ``puremagic`` (pure Python, no libmagic to install; it also names what a
refused file is — "ELF executable", "Windows Executable" — so the 415 can say it).  Zip containers are
told apart by their members, with the standard library's ``zipfile`` reading only the zip's directory
(nothing is unpacked): an OFD (GB/T 33190) holds ``OFD.xml`` at its root, a DOCX ``word/document.xml``, an
XLSX ``xl/workbook.xml``, both beside ``[Content_Types].xml``.  A file is refused (415, naming ``file``)
when it is none of the accepted types, or when its name's extension or its declared content type claims
another type than its bytes are.
"""

from __future__ import annotations

from dataclasses import dataclass
import re
import unicodedata
import zipfile
from pathlib import PurePosixPath
from typing import BinaryIO, Callable

import puremagic

from shared.errors import UnsupportedType


@dataclass(frozen=True)
class FileType:
    code: str
    mime: str
    extensions: tuple[str, ...]
    label: str
    aliases: tuple[str, ...] = ()  # other content types clients send for it


OOXML = "application/vnd.openxmlformats-officedocument."
ACCEPTED = {t.code: t for t in (
    FileType("pdf", "application/pdf", (".pdf",), "PDF", ("application/x-pdf",)),
    FileType("ofd", "application/ofd", (".ofd",), "OFD 版式文件", ("application/zip", "application/x-zip-compressed")),
    FileType("jpeg", "image/jpeg", (".jpg", ".jpeg"), "JPEG 图片", ("image/jpg", "image/pjpeg")),
    FileType("png", "image/png", (".png",), "PNG 图片"),
    FileType("docx", OOXML + "wordprocessingml.document", (".docx",), "Word 文档（DOCX）"),
    FileType("xlsx", OOXML + "spreadsheetml.sheet", (".xlsx",), "Excel 工作簿（XLSX）"),
)}
BY_EXTENSION = {ext: t for t in ACCEPTED.values() for ext in t.extensions}
ACCEPTED_TEXT = "PDF、OFD、JPEG、PNG、DOCX、XLSX"
UNTYPED = ("", "application/octet-stream")
MAX_NAME = 120


def identify(head: bytes, open_zip: Callable[[], BinaryIO], file_name: str, declared: str | None) -> FileType:
    """What the uploaded bytes are, if the service takes it and it is what the name and type claim."""
    found = sniff(head, open_zip, file_name)
    check_claims(found, file_name, declared)
    return found


def sniff(head: bytes, open_zip: Callable[[], BinaryIO], file_name: str = "") -> FileType:
    """The accepted type the bytes are (``head``: the first bytes; ``open_zip``: the whole file, seekable)."""
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(open_zip, file_name)
    try:
        candidates = puremagic.magic_string(head)
    except puremagic.PureError:
        candidates = []
    for candidate in candidates:
        if candidate.confidence < max(c.confidence for c in candidates):
            break
        found = BY_EXTENSION.get(candidate.extension.lower()) or _by_mime(candidate.mime_type)
        if found and found.code in ("pdf", "jpeg", "png"):
            return found
    what = f"的内容为 {candidates[0].name}" if candidates else "的内容无法识别"
    claimed = BY_EXTENSION.get(PurePosixPath(file_name).suffix.lower())
    said = f"文件名所示的{claimed.label}" if claimed else "可接受的材料类型"
    raise _refused(f"文件 {file_name}{what}，不是{said}")


def check_claims(found: FileType, file_name: str, declared: str | None) -> None:
    """The name's extension and the declared content type must say what the bytes are."""
    extension = PurePosixPath(file_name).suffix.lower()
    if extension and extension not in found.extensions:
        claimed = BY_EXTENSION.get(extension)
        said = f"文件名 {file_name} 所示的{claimed.label}" if claimed else f"扩展名 {extension} 所示的类型"
        raise _refused(f"文件内容是{found.label}，不是{said}")
    declared = (declared or "").split(";")[0].strip().lower()
    if declared not in UNTYPED and declared not in (found.mime, *found.aliases):
        raise _refused(f"文件内容是{found.label}，与声明的类型 {declared} 不符")


def safe_file_name(raw: str | None, fallback: str = "材料") -> str:
    """The last part of a client's file name: no folders, no control or direction characters, NFC, bounded."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"))
    name = name.strip().lstrip(".").strip()
    if not name:
        return fallback
    if len(name) > MAX_NAME:
        suffix = PurePosixPath(name).suffix
        suffix = suffix if len(suffix) <= 10 else ""
        name = name[:MAX_NAME - len(suffix)] + suffix
    return name


def _zip_type(open_zip: Callable[[], BinaryIO], file_name: str) -> FileType:
    try:
        with open_zip() as raw, zipfile.ZipFile(raw) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise _refused(f"文件 {file_name} 是损坏的 ZIP 压缩包，不是可接受的材料类型") from None
    if "OFD.xml" in names:
        return ACCEPTED["ofd"]
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return ACCEPTED["docx"]
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return ACCEPTED["xlsx"]
    raise _refused(f"文件 {file_name} 是 ZIP 压缩包（不是 OFD、DOCX 或 XLSX），不是可接受的材料类型")


def _by_mime(mime: str) -> FileType | None:
    return next((t for t in ACCEPTED.values() if mime in (t.mime, *t.aliases)), None)


def _refused(message: str) -> UnsupportedType:
    return UnsupportedType(f"{message}；可上传：{ACCEPTED_TEXT}", field="file")
