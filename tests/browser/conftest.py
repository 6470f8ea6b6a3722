"""Browser tests: Playwright drives Debian's chromium (headless) against a real uvicorn server on a free port.

Chromium is the system's (``apt-get install chromium``; Playwright's own browser download cannot reach the
internet here).  Without it the tests skip, and fail when BANGNIN_REQUIRE_SERVERS=1 (CI).  Every request
the page makes is checked: one to any host but the server's own 127.0.0.1 port fails the test.
"""

from __future__ import annotations

from datetime import datetime
import shutil
import threading
import time
from urllib.parse import urlparse

import pytest

from shared.clock import CHINA, ManualClock
from shared.settings import Settings
from deploy.servers import free_port
from tests.conftest import DISTRIBUTED, server_missing

CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser")) if p), None)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath) and DISTRIBUTED:
            item.add_marker(pytest.mark.skip(reason="the browser tests run against the embedded server"))


class Server:
    def __init__(self, app, port: int) -> None:  # noqa: ANN001
        import uvicorn

        self.app, self.port = app, port
        self.url = f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                                    server_header=False))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "Server":
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline:
                raise TimeoutError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:  # noqa: ANN002
        self.server.should_exit = True
        self.thread.join(timeout=10)

    @property
    def runtime(self):  # noqa: ANN201
        return self.app.state.runtime


@pytest.fixture(scope="module")
def web_clock() -> ManualClock:
    return ManualClock(datetime(2026, 9, 21, 9, 0, tzinfo=CHINA))


@pytest.fixture(scope="module")
def server(tmp_path_factory, web_clock):
    from services.app import create_app

    settings = Settings(data_dir=tmp_path_factory.mktemp("web") / "data", relay_poll_seconds=0.05)
    with Server(create_app(settings, web_clock), free_port()) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        server_missing("chromium", "no chromium on PATH (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield launched
        launched.close()


class Offsite:
    """Every request the pages make; any to another host than the server's is refused and remembered."""

    def __init__(self, origin: str) -> None:
        self.origin, self.refused = urlparse(origin), []

    def __call__(self, route) -> None:  # noqa: ANN001
        url = urlparse(route.request.url)
        if url.scheme in ("data", "blob") or (url.hostname == "127.0.0.1" and url.port == self.origin.port):
            route.continue_()
        else:
            self.refused.append(route.request.url)
            route.abort()


@pytest.fixture
def open_page(browser, server):
    """``open_page(width=1280)`` → a fresh context's page (its own cookies); checked for off-site requests."""
    contexts, guards = [], []

    def make(width: int = 1280, height: int = 900):  # noqa: ANN202
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                      base_url=server.url, service_workers="block")
        guard = Offsite(server.url)
        context.route("**/*", guard)
        contexts.append(context)
        guards.append(guard)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()
    refused = [u for g in guards for u in g.refused]
    assert not refused, f"requests left the machine: {refused}"


def login(page, username: str, password: str = "demo") -> None:  # noqa: ANN001
    page.goto("/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")


def axe_check(page) -> None:  # noqa: ANN001
    """axe-core (the package's bundled copy): no serious or critical violation on the page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not bad, "\n".join(f"{v['id']} ({v['impact']}): {v['help']} — " +
                              "; ".join(n["target"][0] if n.get("target") else "" for n in v["nodes"][:5]) for v in bad)


def fits(page, width: int = 390) -> None:  # noqa: ANN001
    """Nothing wider than the phone's screen (no sideways scrolling of the page)."""
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url}: the page is {scroll} px wide on a {width} px screen"
