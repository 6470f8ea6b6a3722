"""Workbooks and documents printed to PDF by LibreOffice headless (Debian's libreoffice-calc-nogui and
libreoffice-writer-nogui).

The PDF is the file as Calc or Writer prints it: the same sheets or pages, page setup, charts, tables
and footers, fonts embedded by LibreOffice's PDF export.  Each conversion runs in its own temporary
profile, so several at once (and a user's own LibreOffice) do not meet; several files given at once
are printed by one LibreOffice start (starting it is most of the 5–10 s a conversion takes).
"""

from __future__ import annotations

import os
from pathlib import Path
import shutil
import subprocess
import tempfile

TIMEOUT_SECONDS = 180
# The workbooks and forms ask for 宋体 and 黑体 (what Office and WPS have); here those are the Simplified
# Chinese Noto faces (fonts-noto-cjk, SIL Open Font License 1.1), not whichever CJK face fontconfig would
# pick first (often the Japanese one, with Japanese glyph forms).  黑体 is the sans (Hei) face; 宋体 is the
# serif (Song) face on the forms, as the printed government forms have it, and the sans face on the
# workbooks (their tables, as they have always printed).
FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <alias binding="strong"><family>宋体</family><prefer><family>{song}</family><family>Noto Sans CJK SC</family></prefer></alias>
  <alias binding="strong"><family>SimSun</family><prefer><family>{song}</family><family>Noto Sans CJK SC</family></prefer></alias>
  <alias binding="strong"><family>黑体</family><prefer><family>Noto Sans CJK SC</family></prefer></alias>
  <alias binding="strong"><family>SimHei</family><prefer><family>Noto Sans CJK SC</family></prefer></alias>
  <match target="pattern"><edit name="lang" mode="prepend"><string>zh-cn</string></edit></match>
</fontconfig>
"""
# What LibreOffice prints each kind of file with: (file suffix, PDF export filter, the face of 宋体).
KINDS = {"xlsx": ("xlsx", "pdf:calc_pdf_Export", "Noto Sans CJK SC"),
         "docx": ("docx", "pdf:writer_pdf_Export", "Noto Serif CJK SC")}


class OfficeUnavailable(RuntimeError):
    """LibreOffice is not installed here, or failed to print."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(files: list[bytes], kind: str) -> list[bytes]:
    """Each file (all of one ``kind``: xlsx or docx) printed to PDF, in one LibreOffice run."""
    program = soffice()
    if program is None:
        package = "libreoffice-calc-nogui" if kind == "xlsx" else "libreoffice-writer-nogui"
        raise OfficeUnavailable(f"未安装 LibreOffice（{package}），无法生成 PDF")
    suffix, export_filter, song = KINDS[kind]
    with tempfile.TemporaryDirectory(prefix="bangnin-office-") as tmp:
        work = Path(tmp)
        sources = [work / f"file{n:03d}.{suffix}" for n in range(len(files))]
        for source, data in zip(sources, files):
            source.write_bytes(data)
        (work / "fonts.conf").write_text(FONTS_CONF.format(song=song), encoding="utf-8")
        env = {**os.environ, "FONTCONFIG_FILE": str(work / "fonts.conf"), "HOME": str(work)}
        try:
            done = subprocess.run(
                [program, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
                 "--convert-to", export_filter, "--outdir", str(work / "out"), *map(str, sources)],
                capture_output=True, timeout=TIMEOUT_SECONDS, check=False, env=env)
        except subprocess.TimeoutExpired:
            raise OfficeUnavailable(f"LibreOffice 未在 {TIMEOUT_SECONDS} 秒内生成 PDF") from None
        pdfs = [work / "out" / f"{source.stem}.pdf" for source in sources]
        if done.returncode != 0 or not all(pdf.exists() for pdf in pdfs):
            raise OfficeUnavailable(f"LibreOffice 生成 PDF 失败：{done.stderr.decode(errors='replace')[-300:]}")
        return [pdf.read_bytes() for pdf in pdfs]


def workbook_to_pdf(xlsx: bytes) -> bytes:
    return to_pdf([xlsx], "xlsx")[0]


def document_to_pdf(docx: bytes) -> bytes:
    return to_pdf([docx], "docx")[0]
