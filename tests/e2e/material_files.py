"""Real files of every accepted type, built here (the JPEG is a fixture: tests/e2e/files/python.jpg)."""

from __future__ import annotations

import io
from pathlib import Path
import struct
import zipfile
import zlib

FILES = Path(__file__).parent / "files"


def pdf(text: str = "Bangnin material", pad: int = 0) -> bytes:
    """A one-page PDF that pdftotext reads (``pad``: bytes of a comment stream, to make it large)."""
    content = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    if pad:
        out += b"%" + bytes((n * 7919) % 200 + 32 for n in range(pad)).replace(b"\n", b" ").replace(b"\r", b" ") + b"\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf_of_size(size: int, text: str = "Bangnin material") -> bytes:
    """A PDF of exactly ``size`` bytes (its padding adjusted until the cross-reference offsets settle)."""
    pad = size - len(pdf(text)) - 2
    while len(data := pdf(text, pad=pad)) != size:
        pad += size - len(data)
    return data


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\xc0\x39\x2b" * 4 for _ in range(4))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def jpeg() -> bytes:
    return (FILES / "python.jpg").read_bytes()


def _zip(members: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return out.getvalue()


def docx(text: str = "项目备案证明") -> bytes:
    return _zip({
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>',
        "word/document.xml": '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        f'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>',
    })


def xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["项目", "投资额（万元）"])
    book.active.append(["年产5万吨高性能碳材料项目", 12000.5])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ofd() -> bytes:
    """An OFD package (GB/T 33190): OFD.xml at the root naming its document."""
    return _zip({
        "OFD.xml": '<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" '
                   'DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>bangnin</ofd:DocID></ofd:DocInfo>'
                   '<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>',
        "Doc_0/Document.xml": '<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="http://www.ofdspec.org/2016">'
                              '<ofd:CommonData><ofd:MaxUnitID>1</ofd:MaxUnitID></ofd:CommonData></ofd:Document>',
    })


def plain_zip() -> bytes:
    return _zip({"readme.txt": "not a document"})


def elf() -> bytes:
    """A real executable: this machine's /bin/true."""
    return Path("/bin/true").read_bytes()
