"""docs/forms/*.png: each form of the demo case (and 附件11, the register) (tests/e2e/forms_support.py) as it prints, to look at.

``make forms-pictures``: the forms fetched over HTTP as the case's agent would (DOCX), printed to PDF by
LibreOffice in one run, the first page of each rendered by poppler's pdftoppm at 80 dpi."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
import subprocess
import sys
import tempfile

from shared.clock import CHINA, ManualClock
from shared.office import to_pdf
from shared.settings import Settings
from tests.e2e.forms_support import AGENT, demo_cases
from tests.support import start_app

FORMS = ("application", "delegation", "commitment", "cross_level", "completion", "rating", "termination")


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    clock = ManualClock(datetime(2026, 9, 21, 9, 0, tzinfo=CHINA))
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data", relay_poll_seconds=0.05)
        with start_app(settings, clock) as api:
            completed, request_id, terminated = demo_cases(api, clock)
            docs = []
            for form in FORMS:
                case_id = terminated if form == "termination" else completed
                r = api.get(f"/reporting/cases/{case_id}/forms/{form}", AGENT,
                            params={"format": "docx", **({"request_id": request_id} if form == "cross_level" else {})})
                r.raise_for_status()
                docs.append(r.content)
            r = api.get("/reporting/forms/register", AGENT, params={"format": "docx"})
            r.raise_for_status()
            docs.append(r.content)
        for n, (form, pdf) in enumerate(zip((*FORMS, "register"), to_pdf(docs, "docx")), start=4):
            source = Path(tmp) / f"{form}.pdf"
            source.write_bytes(pdf)
            target = folder / f"{n:02d}-{form}"
            subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", str(source), str(target)], check=True)
            print(f"{target}.png")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/forms"))
