"""The Kafka adapter of the bus against Tansu, as async tests (pytest-asyncio).

shared/messaging/kafka.py publishes; kafka_consumer.py's ConsumerWorker runs here on the test's own
event loop, handing each message to a handler on a worker thread and committing after it returned;
kafka_relay.py republishes a log the broker lost.  What a test reads back it reads with its own
aiokafka client, not through the code under test.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
import threading
import time
from typing import Callable
import uuid

from aiokafka import AIOKafkaConsumer, TopicPartition
import pytest

from shared.clock import CHINA
from shared.contracts import Actor, IntegrationEvent, Role
from shared.messaging.kafka import KafkaBus
from shared.messaging.kafka_consumer import ConsumerWorker
from shared.settings import Settings

T0 = datetime(2026, 9, 21, 9, 0, tzinfo=CHINA)
ACTOR = Actor(username="park_agent", role=Role.park_agent)
CASES = ("BN1", "BN2", "BN3")


def bus_settings(bootstrap: str, tmp_path: Path) -> Settings:
    """As deploy/launcher.py runs Tansu: no idempotent producer, one record per batch, short sessions."""
    return Settings(data_dir=tmp_path, kafka_bootstrap=bootstrap, kafka_topic_prefix=f"t{uuid.uuid4().hex[:10]}",
                    kafka_idempotence=False, kafka_max_batch_bytes=1, kafka_session_timeout_ms=3000)


def events(first: int, last: int, service: str = "intake") -> list[IntegrationEvent]:
    """Positions ``first``..``last`` of one service's log, round-robin over three cases."""
    return [IntegrationEvent(event_id=f"{service}-{n}", type=f"{service}.Something", schema_version=1,
                             case_id=CASES[n % len(CASES)], service=service, position=n,
                             occurred_at=T0 + timedelta(seconds=n), actor=ACTOR, payload={"n": n})
            for n in range(first, last + 1)]


async def read_topic(bootstrap: str, topic: str) -> list:
    """Every message the topic holds, from the start, by a reader outside any group."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, request_timeout_ms=10000)
    await consumer.start()
    try:
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        end = (await consumer.end_offsets([tp]))[tp]
        await consumer.seek_to_beginning(tp)
        messages: list = []
        deadline = time.monotonic() + 20
        while len(messages) < end and time.monotonic() < deadline:
            for batch in (await consumer.getmany(tp, timeout_ms=200)).values():
                messages.extend(batch)
        return messages
    finally:
        await consumer.stop()


async def committed(bootstrap: str, group: str, topic: str) -> int | None:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        return await consumer.committed(TopicPartition(topic, 0))
    finally:
        await consumer.stop()


async def until(condition: Callable[[], bool], timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout}s")
        await asyncio.sleep(0.05)


class Recorder:
    """A handler as the consuming services have: called on a worker thread, one event at a time."""

    def __init__(self, fail_once_at: int | None = None) -> None:
        self.deliveries: list[int] = []
        self.failed: list[int] = []
        self.fail_once_at = fail_once_at
        self._lock = threading.Lock()

    def __call__(self, event: IntegrationEvent) -> None:
        with self._lock:
            self.deliveries.append(event.position)
            if event.position == self.fail_once_at and not self.failed:
                self.failed.append(event.position)
                raise RuntimeError("the handler failed once")


@pytest.fixture
async def bus(cluster, tmp_path):
    bus = KafkaBus(bus_settings(cluster.broker.bootstrap, tmp_path))
    yield bus
    await asyncio.to_thread(bus.stop)


async def start_worker(bus: KafkaBus, group: str, handler: Recorder) -> tuple[ConsumerWorker, asyncio.Task]:
    worker = ConsumerWorker(bus, f"{bus.settings.kafka_topic_prefix}.{group}", {bus.topic("intake"): handler})
    return worker, asyncio.create_task(worker.run())


async def stop_worker(worker: ConsumerWorker, task: asyncio.Task) -> None:
    worker.stopping = True
    await asyncio.wait_for(task, timeout=30)


async def test_one_partition_per_service_in_log_order_keyed_by_case(bus, cluster):
    sent = events(1, 12)
    await asyncio.to_thread(bus.publish, sent[:5])  # the relay threads publish synchronously
    await asyncio.to_thread(bus.publish, sent[5:])
    messages = await read_topic(cluster.broker.bootstrap, bus.topic("intake"))
    assert [IntegrationEvent.model_validate_json(m.value) for m in messages] == sent
    assert [m.key.decode() for m in messages] == [e.case_id for e in sent]
    assert {m.partition for m in messages} == {0}
    for case_id in CASES:  # per key: that case's events in their log order
        positions = [e.position for e in map(lambda m: IntegrationEvent.model_validate_json(m.value), messages)
                     if e.case_id == case_id]
        assert positions == sorted(positions) and len(positions) == 4
    assert await asyncio.to_thread(bus.end_offset, "intake") == 12
    assert bus.topic("coordination") != bus.topic("intake")


async def test_publishing_nothing_sends_nothing(bus, cluster):
    await asyncio.to_thread(bus.publish, [])
    await asyncio.to_thread(bus.publish, events(1, 1))
    assert await asyncio.to_thread(bus.end_offset, "intake") == 1


async def test_a_worker_hands_each_event_over_in_order_and_commits_after_the_handler(bus, cluster):
    await asyncio.to_thread(bus.publish, events(1, 8))
    handler = Recorder()
    worker, task = await start_worker(bus, "reporting", handler)
    try:
        await until(lambda: len(handler.deliveries) >= 8, what="8 deliveries")
        await asyncio.to_thread(bus.publish, events(9, 10))  # while it runs
        await until(lambda: len(handler.deliveries) >= 10, what="10 deliveries")
        assert handler.deliveries == list(range(1, 11))
        await until(lambda: worker._done == {}, what="offsets committed")
        assert await worker.lag() == 0
    finally:
        await stop_worker(worker, task)
    assert await committed(cluster.broker.bootstrap, worker.group, bus.topic("intake")) == 10


async def test_a_failed_handler_restarts_the_worker_from_the_committed_offset(bus, cluster):
    """Nothing is lost: what was handled but not committed comes again, then everything after it, in order."""
    await asyncio.to_thread(bus.publish, events(1, 6))
    handler = Recorder(fail_once_at=4)
    worker, task = await start_worker(bus, "coordination", handler)
    try:
        await until(lambda: handler.failed and handler.deliveries[-1] == 6 and worker._done == {}, timeout=60,
                    what="delivery after the failure")
    finally:
        await stop_worker(worker, task)
    failure = handler.deliveries.index(4)
    before, after = handler.deliveries[:failure + 1], handler.deliveries[failure + 1:]
    assert before == [1, 2, 3, 4]
    restart = after[0]
    assert restart <= 4 and after == list(range(restart, 7))  # from the last committed offset, in order
    assert await committed(cluster.broker.bootstrap, worker.group, bus.topic("intake")) == 6


async def test_without_a_committed_offset_a_restarted_group_gets_everything_again(bus, cluster, monkeypatch):
    """At least once: a consumer that handled events and died before committing leaves them to the next one."""
    await asyncio.to_thread(bus.publish, events(1, 5))
    first = Recorder()
    worker, task = await start_worker(bus, "evaluation", first)

    async def crash_before_commit(partitions):  # noqa: ANN001
        worker._done.clear()

    monkeypatch.setattr(worker, "commit_done", crash_before_commit)
    try:
        await until(lambda: len(first.deliveries) >= 5, what="first worker")
    finally:
        await stop_worker(worker, task)
    assert first.deliveries == [1, 2, 3, 4, 5]
    assert await committed(cluster.broker.bootstrap, worker.group, bus.topic("intake")) is None

    second = Recorder()
    worker, task = await start_worker(bus, "evaluation", second)  # the same group
    try:
        await until(lambda: len(second.deliveries) >= 5 and worker._done == {}, what="second worker")
    finally:
        await stop_worker(worker, task)
    assert second.deliveries == [1, 2, 3, 4, 5]
    assert await committed(cluster.broker.bootstrap, worker.group, bus.topic("intake")) == 5

    await asyncio.to_thread(bus.publish, events(6, 7))
    third = Recorder()
    worker, task = await start_worker(bus, "evaluation", third)
    try:
        await until(lambda: len(third.deliveries) >= 2, what="third worker")
        await asyncio.sleep(0.5)  # nothing more comes
    finally:
        await stop_worker(worker, task)
    assert third.deliveries == [6, 7]  # committed offsets are kept: no redelivery of 1..5


async def test_two_groups_each_get_every_event(bus, cluster):
    await asyncio.to_thread(bus.publish, events(1, 4))
    a, b = Recorder(), Recorder()
    workers = [await start_worker(bus, "reporting", a), await start_worker(bus, "evaluation", b)]
    try:
        await until(lambda: len(a.deliveries) >= 4 and len(b.deliveries) >= 4, what="both groups")
    finally:
        for worker, task in workers:
            await stop_worker(worker, task)
    assert a.deliveries == b.deliveries == [1, 2, 3, 4]


# -- the relay: a broker that came back empty gets the whole log again -------------------------

@pytest.fixture
def own_broker(tmp_path):
    """A Tansu of this test's own: it is restarted (empty, memory storage) under the relay."""
    from deploy.servers import ServerUnavailable, TansuBroker
    from tests.conftest import server_missing

    broker = TansuBroker(tmp_path / "tansu")
    try:
        broker.start()
    except ServerUnavailable as exc:
        server_missing("tansu", str(exc))
    yield broker
    broker.stop()


async def test_the_relay_republishes_its_log_to_a_broker_that_came_back_empty(own_broker, tmp_path):
    from shared.application import CommandContext
    from shared.clock import SystemClock
    from shared.contracts.intake import ProjectInfo, UnitInfo
    from shared.eventstore import store_env
    from shared.messaging.kafka_relay import KafkaOutboxRelay
    from shared.messaging.relay import SQLitePositionStore
    from services.intake.application import IntakeService
    from tests.support import application_body

    settings = bus_settings(own_broker.bootstrap, tmp_path)
    app = IntakeService(env=store_env(settings, "intake"), clock=SystemClock())
    bus = KafkaBus(settings)
    relay = KafkaOutboxRelay(app, bus, SQLitePositionStore(tmp_path / "relay.sqlite"))
    relay.check_every_seconds = 0.0
    body, ctx = application_body(), CommandContext(actor=Actor(username="applicant", role=Role.applicant))

    def submit(n: int) -> None:
        for _ in range(n):
            app.submit(ctx, channel="portal", unit=UnitInfo(**body["unit"]), project=ProjectInfo(**body["project"]),
                       items=body["items"], applicant={"name": body["unit"]["name"], "credit_code": None})

    async def relay_until_published(count: int) -> None:
        deadline = time.monotonic() + 60
        while True:
            try:
                await asyncio.to_thread(relay.drain)
                if relay.position == count and await asyncio.to_thread(bus.end_offset, "intake") >= count:
                    return
            except Exception:  # the broker is coming back: the relay retries, as its serve loop does
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.2)

    try:
        await asyncio.to_thread(submit, 3)
        await relay_until_published(3)
        before = [IntegrationEvent.model_validate_json(m.value) for m in await read_topic(own_broker.bootstrap, bus.topic("intake"))]
        assert [e.position for e in before] == [1, 2, 3]

        await asyncio.to_thread(own_broker.restart)  # memory storage: the topic is gone
        await asyncio.to_thread(submit, 1)
        await relay_until_published(4)
        after = [IntegrationEvent.model_validate_json(m.value) for m in await read_topic(own_broker.bootstrap, bus.topic("intake"))]
        assert [e.position for e in after] == [1, 2, 3, 4]  # the whole log, in order, once
        assert after[:3] == before
    finally:
        await asyncio.to_thread(bus.stop)
        app.close()
