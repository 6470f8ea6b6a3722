"""The concurrency policy (ServiceApplication.execute) and the read-your-writes positions, without HTTP."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from eventsourcing.domain import Aggregate, event
import pytest

from shared import positions
from shared.application import CONFLICT_ATTEMPTS, ServiceApplication, stable_id
from shared.clock import CHINA, ManualClock
from shared.errors import ConcurrentUpdate
from shared.eventstore import store_env
from shared.messaging.bus import InProcessBus
from shared.settings import Settings


class Counter(Aggregate):
    @staticmethod
    def create_id(name: str, **_):  # noqa: ANN205
        return stable_id("counter", name)

    @event("Created")
    def __init__(self, name: str, meta: dict) -> None:
        self.name, self.n = name, 0

    @event("Incremented")
    def increment(self, meta: dict) -> None:
        self.n += 1


class Counting(ServiceApplication):
    service_name = "counting"


@pytest.fixture
def app(tmp_path):
    app = Counting(env=store_env(Settings(data_dir=tmp_path), "counting"),
                   clock=ManualClock(datetime(2026, 11, 2, 9, tzinfo=CHINA)))
    app.save(Counter(name="c", meta={}))
    yield app
    app.close()


def get(app: Counting) -> Counter:
    return app.repository.get(Counter.create_id("c"))


def test_a_conflicting_save_runs_the_command_again_on_fresh_state(app):
    runs = []

    def command(counter: Counter) -> int:
        runs.append(counter.version)
        if len(runs) == 1:  # meanwhile another writer increments the same counter
            rival = get(app)
            rival.increment(meta={})
            app.save(rival)
        counter.increment(meta={})
        return counter.n

    counter, n = app.update(lambda: get(app), command)
    assert runs == [1, 2] and n == 2 and get(app).n == 2 and counter.version == 3


def test_a_command_that_changes_nothing_records_nothing(app):
    head = app.head()
    counter, changed = app.update(lambda: get(app), lambda counter: False)
    assert changed is False and counter.version == 1 and app.head() == head


def test_conflicts_without_end_are_a_409_after_the_bounded_attempts(app):
    attempts = []

    def command(counter: Counter) -> None:
        attempts.append(1)
        rival = get(app)
        rival.increment(meta={})
        app.save(rival)
        counter.increment(meta={})

    with pytest.raises(ConcurrentUpdate) as refused:
        app.update(lambda: get(app), command)
    assert len(attempts) == CONFLICT_ATTEMPTS and refused.value.status_code == 409
    assert "同时修改" in refused.value.message and refused.value.code == "concurrent_update"


def test_a_save_notes_its_position_for_the_request_being_served(app):
    written: dict[str, int] = {}
    token = positions._written.set(written)
    try:
        app.update(lambda: get(app), lambda counter: counter.increment(meta={}))
    finally:
        positions._written.reset(token)
    assert written == {"counting": app.head()} and app.head() == 2
    app.update(lambda: get(app), lambda counter: counter.increment(meta={}))  # no request: nothing noted
    assert written == {"counting": 2}


def test_the_after_header_parses_several_positions():
    assert positions.parse_after("intake:12") == {"intake": 12}
    assert positions.parse_after(" intake:3 , coordination:40,intake:7") == {"intake": 7, "coordination": 40}
    for bad in ("", "intake", "intake:", ":3", "intake:-1", "INTAKE:1", "intake:1;x:2", "intake:1,", "intake:1.5"):
        with pytest.raises(ValueError):
            positions.parse_after(bad)
    assert positions.format_positions({"intake": 3, "coordination": 1}) == "coordination:1, intake:3"


def test_progress_counts_only_what_the_answering_side_consumes(app):
    class Reporting:
        def processed(self, service: str) -> int:
            return {"counting": 5}.get(service, 0)

    bus = InProcessBus()
    bus.subscribe("counting", "reporting", lambda e: None)
    progress = positions.ServicesProgress(SimpleNamespace(counting=app, reporting=Reporting()), bus)
    assert progress.reached("counting", "counting") == app.head()  # its own log
    assert progress.reached("reporting", "counting") == 5  # consumed
    assert progress.reached("reporting", "intake") is None  # not consumed here: no reason to wait
    assert progress.reached("reporting", "reporting") is None  # reporting writes no log
    assert progress.reached("counting", "reporting") is None
    assert progress.reached("auth", "counting") is None  # not a service
    assert progress.head("counting") == app.head() and progress.head("reporting") is None
    assert progress.writers() == ["counting"] and progress.served() == ["counting", "reporting"]
