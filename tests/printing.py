"""Reading printed reports back with real programs: LibreOffice headless prints, poppler reads."""

from __future__ import annotations

from pathlib import Path
import shutil
import subprocess
import tempfile

from shared.office import soffice

POPPLER = ("pdfinfo", "pdftotext", "pdffonts", "pdftoppm")


def need_office() -> None:
    """Skip (fail under BANGNIN_REQUIRE_SERVERS=1) without LibreOffice and poppler-utils."""
    from tests.conftest import server_missing

    if soffice() is None:
        server_missing("LibreOffice", "soffice not on PATH (Debian: apt-get install libreoffice-calc-nogui)")
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    if missing:
        server_missing("poppler-utils", f"{', '.join(missing)} not on PATH (Debian: apt-get install poppler-utils)")


def _run(*args: str, pdf: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        return subprocess.run([*args, f.name] if args[0] != "pdftotext" else [*args, f.name, "-"],
                              capture_output=True, check=True, text=True).stdout


def page_count(pdf: bytes) -> int:
    line = next(line for line in _run("pdfinfo", pdf=pdf).splitlines() if line.startswith("Pages:"))
    return int(line.split()[1])


def page_text(pdf: bytes, page: int) -> str:
    return _run("pdftotext", "-layout", "-f", str(page), "-l", str(page), pdf=pdf)


def page_size_mm(pdf: bytes) -> tuple[float, float]:
    line = next(line for line in _run("pdfinfo", pdf=pdf).splitlines() if line.startswith("Page size:"))
    w, h = float(line.split()[2]), float(line.split()[4])
    return round(w * 25.4 / 72), round(h * 25.4 / 72)


def fonts(pdf: bytes) -> list[tuple[str, bool]]:
    """(name, embedded) of every font the PDF uses."""
    rows = _run("pdffonts", pdf=pdf).splitlines()[2:]
    out = []
    for row in rows:
        parts = row.split()
        yes_no = [p for p in parts if p in ("yes", "no")]
        out.append((parts[0], yes_no[0] == "yes"))
    return out


def render(pdf: bytes, folder: Path, prefix: str, dpi: int = 110) -> list[Path]:
    """The pages as PNG (pdftoppm), to look at."""
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"{prefix}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(source), str(folder / prefix)], check=True)
    return sorted(folder.glob(f"{prefix}-*.png"))
