"""Shared fixtures: an embedded app on real SQLite files in a temp folder, driven over HTTP."""

from __future__ import annotations

from datetime import datetime
import os
from pathlib import Path

import pytest

from shared.clock import CHINA, ManualClock
from shared.settings import Settings
from tests.support import ApiClient, start_app

REQUIRE_SERVERS = os.environ.get("BANGNIN_REQUIRE_SERVERS") == "1"


def server_missing(name: str, reason: str) -> None:
    """Skip a test whose server is absent — or fail it, when CI requires every server."""
    if REQUIRE_SERVERS:
        pytest.fail(f"{name} is required (BANGNIN_REQUIRE_SERVERS=1) but not available: {reason}")
    pytest.skip(f"{name} not available: {reason}")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 9, 21, 9, 0, tzinfo=CHINA))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, relay_poll_seconds=0.05)


@pytest.fixture
def api(settings: Settings, clock: ManualClock):
    with start_app(settings, clock) as client:
        yield client


@pytest.fixture
def api_factory(settings: Settings, clock: ManualClock):
    """Start (and restart) apps on the same data folder."""

    def factory() -> "ApiClient":
        return start_app(settings, clock)

    return factory
