"""A Kafka consumer group for one consuming service.

Each message is handed to the service's handler (which records the effect and
its tracking record in one transaction) on a worker thread, never on the event
loop; its offset is committed only after the handler returned.  On a rebalance
the offsets processed so far are committed before the partitions go.  Any
failure (handler error, broker gone) closes the consumer and starts again from
the last committed offset after a pause: what was already processed is skipped
by the handler's tracking, so nothing is lost or doubled.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition

from shared.contracts import IntegrationEvent
from shared.messaging.bus import Handler

if TYPE_CHECKING:
    from shared.messaging.kafka import KafkaBus

log = logging.getLogger(__name__)


class _CommitOnRevoke(ConsumerRebalanceListener):
    def __init__(self, worker: "ConsumerWorker") -> None:
        self.worker = worker

    async def on_partitions_revoked(self, revoked) -> None:  # noqa: ANN001
        await self.worker.commit_done([tp for tp in revoked])

    async def on_partitions_assigned(self, assigned) -> None:  # noqa: ANN001
        pass


class ConsumerWorker:
    def __init__(self, bus: "KafkaBus", group: str, handlers: dict[str, Handler]) -> None:
        self.bus = bus
        self.group = group
        self.handlers = handlers
        self.stopping = False
        self.consumer: AIOKafkaConsumer | None = None
        self._done: dict[TopicPartition, int] = {}  # processed, not yet committed: next offset
        self.task = None

    async def run(self) -> None:
        while not self.stopping:
            try:
                await self._consume()
            except Exception:
                log.exception("consumer group %s failed; restarting from the committed offsets", self.group)
                await self._close()
                await asyncio.sleep(1.0)
        await self._close()

    async def _consume(self) -> None:
        await self.bus.ensure_topics(list(self.handlers))
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bus.bootstrap, **self.bus.security, group_id=self.group, enable_auto_commit=False,
            auto_offset_reset="earliest", request_timeout_ms=15000,
            fetch_max_wait_ms=50,  # views follow commands: do not let the broker hold an empty fetch long
            session_timeout_ms=self.bus.settings.kafka_session_timeout_ms,
            heartbeat_interval_ms=max(100, self.bus.settings.kafka_session_timeout_ms // 10),
        )
        self.consumer.subscribe(topics=list(self.handlers), listener=_CommitOnRevoke(self))
        await self.consumer.start()
        while not self.stopping:
            batches = await self.consumer.getmany(timeout_ms=100, max_records=200)
            for tp, messages in batches.items():
                handler = self.handlers[tp.topic]
                for message in messages:
                    event = self.bus.sealer.open_event(IntegrationEvent.model_validate_json(message.value))
                    await asyncio.to_thread(handler, event)  # tracked with its effect
                    self._done[tp] = message.offset + 1
                await self.commit_done([tp])

    async def commit_done(self, partitions: list[TopicPartition]) -> None:
        offsets = {tp: self._done.pop(tp) for tp in partitions if tp in self._done}
        if offsets and self.consumer is not None:
            await self.consumer.commit(offsets)

    async def _close(self) -> None:
        consumer, self.consumer = self.consumer, None
        self._done.clear()
        if consumer is not None:
            try:
                await consumer.stop()
            except Exception:
                log.debug("closing consumer %s", self.group, exc_info=True)

    async def lag(self) -> int | None:
        consumer = self.consumer
        if consumer is None:
            return None
        assigned = consumer.assignment()
        if {tp.topic for tp in assigned} != set(self.handlers):
            return None
        ends = await consumer.end_offsets(list(assigned))
        total = 0
        for tp in assigned:
            total += ends[tp] - (await consumer.committed(tp) or 0)
        return total
