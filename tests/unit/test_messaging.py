"""The outbox relay, the in-process bus and exactly-once consumption, on real SQLite files."""

from __future__ import annotations

from datetime import datetime

import pytest
from eventsourcing.application import ProcessingEvent
from eventsourcing.domain import Aggregate, event

from shared.application import CommandContext, ServiceApplication, stable_id
from shared.clock import CHINA, ManualClock
from shared.contracts import Actor, IntegrationEvent, Role
from shared.eventstore import store_env
from shared.messaging.bus import InProcessBus
from shared.messaging.relay import OutboxRelay, SQLitePositionStore
from shared.settings import Settings
from services.intake.application import IntakeService
from services.intake.schemas import ApplicationCreate
from tests.support import application_body

CTX = CommandContext(actor=Actor(username="window_agent", role=Role.window_agent))


class Echo(Aggregate):
    """A downstream aggregate counting what it saw (a stand-in consumer, defined in the test)."""

    @staticmethod
    def create_id(case_id: str, **_):
        return stable_id("echo", case_id)

    @event("Seen")
    def __init__(self, case_id: str, meta: dict) -> None:
        self.case_id = case_id


class Downstream(ServiceApplication):
    service_name = "downstream"

    def policy(self, event: IntegrationEvent, processing: ProcessingEvent) -> None:
        if event.type == "intake.ApplicationSubmitted":
            processing.collect_events(Echo(case_id=event.case_id, meta={"case_id": event.case_id}))


@pytest.fixture
def parts(tmp_path):
    settings = Settings(data_dir=tmp_path)
    clock = ManualClock(datetime(2026, 11, 2, 9, tzinfo=CHINA))
    intake = IntakeService(env=store_env(settings, "intake"), clock=clock)
    downstream = Downstream(env=store_env(settings, "downstream"), clock=clock)
    bus = InProcessBus()
    seen: list[IntegrationEvent] = []
    bus.subscribe("intake", "downstream", downstream.consume)
    bus.subscribe("intake", "spy", seen.append)
    relay = OutboxRelay(intake, bus, SQLitePositionStore(tmp_path / "relay.sqlite"))
    yield intake, downstream, relay, seen
    intake.close()
    downstream.close()


def submit(intake: IntakeService) -> str:
    body = ApplicationCreate.model_validate(application_body())
    return intake.submit(CTX, channel="window", unit=body.unit, project=body.project, items=body.items,
                         applicant={"name": body.unit.name, "credit_code": body.unit.credit_code}).case_id


def test_relay_publishes_in_log_order_and_remembers_its_position(parts):
    intake, _, relay, seen = parts
    ids = [submit(intake) for _ in range(3)]
    assert relay.pending() and relay.drain() == 3
    assert [e.case_id for e in seen] == ids
    assert [e.position for e in seen] == [1, 2, 3]
    assert relay.drain() == 0 and not relay.pending()
    assert relay.wakeup.is_set()  # saves nudge the relay


def test_envelope_carries_actor_time_and_a_stable_id(parts):
    intake, _, relay, seen = parts
    submit(intake)
    relay.drain()
    [e] = seen
    assert e.type == "intake.ApplicationSubmitted" and e.schema_version == 1
    assert e.actor.username == "window_agent" and e.occurred_at == datetime(2026, 11, 2, 9, tzinfo=CHINA)
    relay.positions.set(relay.name, 0)  # republish: the same event keeps its id
    relay.drain()
    assert seen[1].event_id == e.event_id


def test_redelivery_changes_nothing_downstream(parts):
    intake, downstream, relay, _ = parts
    submit(intake)
    submit(intake)
    relay.drain()
    assert downstream.head() == 2 and downstream.last_processed("intake") == 2
    relay.positions.set(relay.name, 0)  # as if the relay crashed before recording its position
    relay.drain()
    assert downstream.head() == 2


def test_a_failing_consumer_keeps_the_relay_position_for_a_retry(parts):
    intake, downstream, relay, _ = parts
    failures = []

    def flaky(event: IntegrationEvent) -> None:
        if not failures:
            failures.append(event)
            raise RuntimeError("consumer down")

    relay.bus.subscribe("intake", "flaky", flaky)
    submit(intake)
    with pytest.raises(RuntimeError):
        relay.drain()
    assert relay.position == 0
    assert relay.drain() == 1 and relay.position == 1
    assert downstream.head() == 1  # processed once although delivered twice
