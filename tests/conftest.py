"""Shared fixtures: an embedded app on real SQLite files in a temp folder, driven over HTTP."""

from __future__ import annotations

from datetime import datetime
import inspect
import os
from pathlib import Path

import pytest

from shared.clock import CHINA, ManualClock
from shared.settings import Settings
from tests.support import ApiClient, start_app

REQUIRE_SERVERS = os.environ.get("BANGNIN_REQUIRE_SERVERS") == "1"

pytest_plugins = ["tests.read_stores"]  # read_store / read_store_factory: SQLite and MongoDB


def pytest_configure(config):
    config.addinivalue_line("markers", "distributed_servers: needs the distributed extras and their test servers "
                            "(SecantusDB, Tansu); make test deselects it, make test-distributed runs it")


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


# BANGNIN_TEST_RUNTIME=distributed: the same e2e tests against the launcher's processes (tests/distributed).
DISTRIBUTED = os.environ.get("BANGNIN_TEST_RUNTIME") == "distributed"


# Modules the distributed run does not repeat: the HTTP edge of one service (its validation, bounds, refusals,
# idempotency keys, the intake rules, masking), what is computed or rendered from a case document once it is read
# (the monthly figures, the printed report, the pages of the office and the admin), and adapters that
# tests/distributed and the MongoDB runs of tests/unit check directly (the hash chain on PostgreSQL, the case
# index on MongoDB).  The same code answers in both runtimes; a fresh deployment of seven processes per test
# costs about 12 s, so the distributed run keeps every flow that crosses processes, stores or the broker.
EDGE_ONLY = ("test_intake.py", "test_input_bounds.py", "test_edge_http.py", "test_login_security.py",
             "test_evaluation_keyed_ratings.py", "test_field_visibility.py", "test_signed_texts.py", "test_version.py",
             "test_materials_list.py", "test_reporting_month.py", "test_upward_report.py", "test_web_office_pages.py",
             "test_web_supervision.py", "test_record.py", "test_case_search.py")


def pytest_collection_modifyitems(config, items):
    """Distributed: tests that read the embedded SQLite files directly (``data_dir``) do not apply;
    tests/distributed/test_store_at_rest.py checks the same on PostgreSQL.  The :data:`EDGE_ONLY` modules run
    embedded only."""
    if not DISTRIBUTED:
        return
    for item in items:
        direct = inspect.signature(item.function).parameters if hasattr(item, "function") else {}
        if "data_dir" in direct and "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.skip(reason="reads the embedded SQLite files; see tests/distributed"))
        elif "tests/e2e/" in str(item.fspath) and item.fspath.basename in EDGE_ONLY:
            item.add_marker(pytest.mark.skip(reason="the HTTP edge of one service: the same code in both runtimes; "
                                                    "run embedded (tests/conftest.py EDGE_ONLY)"))


@pytest.fixture(scope="session")
def cluster(tmp_path_factory):
    """Broker and document store for the distributed runtime, shared by a session."""
    from tests.distributed.harness import start_cluster

    yield from start_cluster(tmp_path_factory.mktemp("cluster"))


@pytest.fixture
def deployment(request, settings: Settings, clock: ManualClock):
    """A fresh distributed deployment (database, topics, read-model database); processes not started."""
    from tests.distributed.harness import new_deployment, settings_env

    deployment = new_deployment(request.getfixturevalue("cluster"), clock, **settings_env(settings))
    yield deployment
    deployment.stop(drop=True)


@pytest.fixture
def api(request, settings: Settings, clock: ManualClock):
    if DISTRIBUTED:
        from tests.distributed.harness import running

        with running(request.getfixturevalue("deployment"), clock) as client:
            yield client
        return
    with start_app(settings, clock) as client:
        yield client


@pytest.fixture
def api_factory(request, settings: Settings, clock: ManualClock):
    """Start (and restart) apps on the same data folder."""

    def factory() -> "ApiClient":
        if DISTRIBUTED:
            from tests.distributed.harness import running

            return running(request.getfixturevalue("deployment"), clock)
        return start_app(settings, clock)

    return factory
