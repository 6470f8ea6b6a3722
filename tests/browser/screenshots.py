"""``make screenshots``: every page of the whole case, saved as docs/screenshots/NAME.png (1280 px wide for the
service points and departments, 390 px for the applicant's phone), with the same checks as the browser test."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
import sys
import tempfile

from shared.clock import CHINA, ManualClock
from shared.settings import Settings
from deploy.servers import free_port
from tests.browser.conftest import CHROMIUM, Offsite, Server, login
from tests.browser.flow import park_case_terminated, whole_case

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def main() -> int:
    if CHROMIUM is None:
        print("chromium is needed: apt-get install chromium fonts-noto-cjk", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    from services.app import create_app

    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    clock = ManualClock(datetime(2026, 12, 2, 9, 0, tzinfo=CHINA))
    settings = Settings(data_dir=Path(tempfile.mkdtemp(prefix="bangnin-shots-")) / "data", relay_poll_seconds=0.05)
    taken: list[str] = []

    def shot(page, name: str) -> None:  # noqa: ANN001
        page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
        taken.append(name)

    with Server(create_app(settings, clock), free_port()) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-dev-shm-usage"])
        contexts, guards = [], []

        def open_page_for(base: str, width: int = 1280, height: int = 900):  # noqa: ANN202
            context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                          base_url=base, device_scale_factor=1)
            guard = Offsite(base)
            context.route("**/*", guard)
            contexts.append(context)
            guards.append(guard)
            page = context.new_page()
            page.set_default_timeout(15_000)
            return page

        def open_page(width: int = 1280, height: int = 900):  # noqa: ANN202
            return open_page_for(server.url, width, height)

        first = open_page(width=390, height=844)
        first.goto("/login")
        shot(first, "login")
        whole_case(open_page, shot)
        park_case_terminated(open_page, shot)
        window = open_page()
        login(window, "window_agent")
        shot(window, "window-home")
        office_shots(browser, open_page_for, shot)
        for context in contexts:
            context.close()
        browser.close()
        refused = [u for g in guards for u in g.refused]
        if refused:
            print(f"requests left the machine: {refused}", file=sys.stderr)
            return 1
    print("\n".join(f"docs/screenshots/{name}.png" for name in taken))
    return 0


def office_shots(browser, open_page_for, shot) -> None:  # noqa: ANN001
    """The supervisory office's and the admin's pages, on a server of their own with a generated month."""
    from services.app import create_app
    from tests.browser import supervision_flow as flow

    clock = ManualClock(datetime(2026, 11, 2, 8, 0, tzinfo=CHINA))
    settings = Settings(data_dir=Path(tempfile.mkdtemp(prefix="bangnin-office-shots-")) / "data",
                        relay_poll_seconds=0.05, default_rating_after_days=7)
    with Server(create_app(settings, clock), free_port()) as server:
        api = flow.generated_month(server, clock)
        flow.some_complaints(api)

        def open_page(width: int = 1280, height: int = 900):  # noqa: ANN202
            return open_page_for(server.url, width, height)

        flow.dashboard(open_page, api, shot)
        page = open_page()
        login(page, "supervisor")
        page.goto("/")  # this month: the complaints just filed
        page.locator("#complaints").screenshot(path=str(OUT / "supervisor-dashboard-complaints.png"))
        flow.case_before_and_after_completion(open_page, api, shot)
        flow.rectification_to_closure(open_page, api, shot)
        flow.monthly_report(open_page, api, shot)
        flow.calendar_change(open_page, api, shot)
        flow.follow_up_draw(open_page, api, shot)
        flow.monthly_submission(open_page, api, shot)
        flow.office_reference_pages(open_page, api, shot)


if __name__ == "__main__":
    sys.exit(main())
