"""A multipart/form-data upload read as it streams in: the file part goes straight to a sink (sealed to disk
as it arrives, never whole in memory nor spooled in clear to a temporary file, as Starlette's form parser
would), the other fields are kept, each bounded.  Too large a file is refused (413 naming the field and the
limit) the moment it passes the limit; a body that is not multipart, or a field that is not UTF-8, is a 422.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import re
from typing import Any, Callable
from urllib.parse import unquote

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from shared.body_limit import limit_text
from shared.errors import Invalid, TooLarge

MAX_FIELD_BYTES = 4096
MAX_FIELDS = 16
_FILENAME_STAR = re.compile(rb"filename\*\s*=\s*(?:UTF-8|utf-8)''([^;\s]+)")


@dataclass
class UploadForm:
    fields: dict[str, str] = field(default_factory=dict)
    file_name: str | None = None
    content_type: str | None = None  # as the client declared the file part
    has_file: bool = False


class _Parts:
    """The parser's callbacks: headers collected, field bytes kept, file bytes handed on in batches."""

    def __init__(self, file_field: str, max_file_bytes: int) -> None:
        self.form = UploadForm()
        self.file_field, self.max_file_bytes = file_field, max_file_bytes
        self.pending: list[bytes] = []  # file bytes to write after this piece of the body
        self._headers: dict[bytes, bytes] = {}
        self._name, self._value = b"", b""
        self._part: str | None = None
        self._is_file = False
        self._data = bytearray()
        self._file_bytes = 0

    def callbacks(self) -> dict[str, Callable[..., Any]]:
        return {"on_part_begin": self._begin, "on_part_data": self._data_in, "on_part_end": self._end,
                "on_header_field": lambda d, s, e: self._add("_name", d[s:e]),
                "on_header_value": lambda d, s, e: self._add("_value", d[s:e]),
                "on_header_end": self._header_end, "on_headers_finished": self._headers_done}

    def _add(self, attr: str, data: bytes) -> None:
        setattr(self, attr, getattr(self, attr) + data)
        if len(self._name) + len(self._value) > MAX_FIELD_BYTES:
            raise Invalid("表单分段的头部过长", field="body")

    def _begin(self) -> None:
        self._headers, self._data, self._part, self._is_file = {}, bytearray(), None, False

    def _header_end(self) -> None:
        self._headers[self._name.strip().lower()] = self._value.strip()
        self._name, self._value = b"", b""

    def _headers_done(self) -> None:
        raw = self._headers.get(b"content-disposition", b"")
        _, options = parse_options_header(raw)
        self._part = _text(options.get(b"name", b""), "body")
        if not self._part:
            raise Invalid("表单分段缺少字段名（Content-Disposition: form-data; name=…）", field="body")
        if self._part == self.file_field:
            if self.form.has_file:
                raise Invalid("只能上传一个文件", field=self.file_field)
            self._is_file = True
            self.form.has_file = True
            star = _FILENAME_STAR.search(raw)
            name = unquote(star.group(1).decode("ascii", "replace"), errors="replace") if star else \
                options.get(b"filename", b"").decode("utf-8", "replace")
            self.form.file_name = name
            self.form.content_type = self._headers.get(b"content-type", b"").decode("latin-1") or None
        elif len(self.form.fields) >= MAX_FIELDS:
            raise Invalid("表单字段过多", field="body")

    def _data_in(self, data: bytes, start: int, end: int) -> None:
        if self._is_file:
            self._file_bytes += end - start
            if self._file_bytes > self.max_file_bytes:
                raise TooLarge(f"文件过大：不能超过 {limit_text(self.max_file_bytes)}", field=self.file_field)
            self.pending.append(data[start:end])
        else:
            self._data += data[start:end]
            if len(self._data) > MAX_FIELD_BYTES:
                raise Invalid(f"内容过长（最多 {MAX_FIELD_BYTES} 字节）", field=self._part or "body")

    def _end(self) -> None:
        if not self._is_file and self._part:
            self.form.fields[self._part] = _text(bytes(self._data), self._part)


def _text(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Invalid("应为 UTF-8 编码的文本", field=name) from None


async def read_upload(request: Request, write: Callable[[bytes], None], *, file_field: str, max_file_bytes: int) -> UploadForm:
    """Parse the request's multipart body; the file part's bytes go to ``write`` (called in a worker thread)."""
    kind, options = parse_options_header(request.headers.get("content-type", ""))
    if kind != b"multipart/form-data" or not options.get(b"boundary"):
        raise Invalid("应以 multipart/form-data 上传（字段 file 为文件）", field=file_field)
    parts = _Parts(file_field, max_file_bytes)
    parser = MultipartParser(options[b"boundary"], parts.callbacks())

    def flush() -> None:
        for piece in parts.pending:
            write(piece)
        parts.pending.clear()

    try:
        async for chunk in request.stream():
            parser.write(chunk)
            if parts.pending:
                await run_in_threadpool(flush)
        parser.finalize()
    except FormParserError:
        raise Invalid("multipart 请求体格式不正确", field="body") from None
    return parts.form
