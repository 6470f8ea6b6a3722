"""The Kafka adapter of the bus (distributed runtime), through aiokafka.

* One topic per writing service, ``<prefix>.<service>``, with **one partition**:
  consumers track what they processed per upstream service by the highest
  position (the library's single-row tracking), which is only sound when each
  upstream's events arrive in log order.  One partition keeps that order across
  cases; messages are still keyed by case id so that per-case order survives if
  the topics are ever widened (which would then need exact tracking).
* Producer: ``acks="all"``; idempotence per the ``kafka_idempotence`` setting
  (on for Apache Kafka, off for Tansu, which refuses it).
* :meth:`KafkaBus.publish` is synchronous (the relay threads call it) and
  returns only once every event is acknowledged.
* Consumers: :mod:`shared.messaging.kafka_consumer`, one group per consuming service.
* Every client authenticates as :mod:`shared.messaging.kafka_security` says (SASL/SCRAM, TLS).
* Personal data and free text are sealed in every message (``shared.sealing``): the broker's log
  segments hold tokens; consumers open them as they read.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from shared.contracts import IntegrationEvent
from shared.messaging.bus import Handler
from shared.messaging.kafka_consumer import ConsumerWorker
from shared.messaging.kafka_security import client_security
from shared.messaging.loop import LoopThread
from shared.sealing import Sealer, sealer_for
from shared.settings import Settings

log = logging.getLogger(__name__)


class KafkaBus:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.sealer: Sealer = sealer_for(settings.resolved_cipher_key)
        self.bootstrap = settings.kafka_bootstrap
        # every client's security_protocol, SASL credentials and TLS context (checked here, before any connects)
        self.security = client_security(settings)
        self.loop = LoopThread("kafka")
        self._producer: AIOKafkaProducer | None = None
        self._probe: AIOKafkaConsumer | None = None
        self._subscriptions: dict[str, dict[str, Handler]] = {}
        self._upstreams: dict[str, set[str]] = {}
        self.workers: list[ConsumerWorker] = []

    def topic(self, service: str) -> str:
        return f"{self.settings.kafka_topic_prefix}.{service}"

    # -- publishing ------------------------------------------------------------------------
    def publish(self, events: Sequence[IntegrationEvent]) -> None:
        if events:
            self.loop.run(self._publish(events), timeout=60)

    async def _publish(self, events: Sequence[IntegrationEvent]) -> None:
        try:
            producer = await self._ensure_producer(events[0].service)
            copies = 2 if self.settings.test_publish_twice else 1
            pending = []
            for event in events:
                value = self.sealer.seal_event(event).model_dump_json().encode()
                for _ in range(copies):
                    pending.append(await producer.send(self.topic(event.service), value, key=event.case_id.encode()))
            await asyncio.gather(*pending)
        except Exception:
            await self._reset_producer()  # a fresh connection on the next try (broker restarts)
            raise

    async def _ensure_producer(self, service: str) -> AIOKafkaProducer:
        if self._producer is None:
            await self.ensure_topics([self.topic(service)])
            producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, **self.security, acks="all",
                                        enable_idempotence=self.settings.kafka_idempotence,
                                        max_batch_size=self.settings.kafka_max_batch_bytes,
                                        request_timeout_ms=15000)
            await producer.start()
            self._producer = producer
        return self._producer

    async def _reset_producer(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            try:
                await producer.stop()
            except Exception:
                log.debug("closing a broken producer", exc_info=True)

    async def ensure_topics(self, topics: list[str]) -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap, **self.security)
        await admin.start()
        try:
            existing = set(await admin.list_topics())
            new = [NewTopic(t, num_partitions=1, replication_factor=self.settings.kafka_replication_factor)
                   for t in topics if t not in existing]
            if new:
                try:
                    await admin.create_topics(new)
                except TopicAlreadyExistsError:
                    pass
        finally:
            await admin.close()

    def end_offset(self, service: str) -> int:
        """How many messages the service's topic holds (its high-water mark)."""
        return self.loop.run(self._end_offset(self.topic(service)), timeout=30)

    async def _end_offset(self, topic: str) -> int:
        try:
            if self._probe is None:
                self._probe = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, **self.security,
                                               request_timeout_ms=10000)
                await self._probe.start()
            await self.ensure_topics([topic])
            tp = TopicPartition(topic, 0)
            return (await self._probe.end_offsets([tp]))[tp]
        except Exception:
            probe, self._probe = self._probe, None
            if probe is not None:
                await probe.stop()
            raise

    # -- consuming -------------------------------------------------------------------------
    def subscribe(self, service: str, consumer: str, handler: Handler) -> None:
        self._subscriptions.setdefault(consumer, {})[self.topic(service)] = handler
        self._upstreams.setdefault(consumer, set()).add(service)

    def subscribed(self, consumer: str) -> set[str]:
        return set(self._upstreams.get(consumer, ()))

    def start(self) -> None:
        for consumer, handlers in self._subscriptions.items():
            worker = ConsumerWorker(self, f"{self.settings.kafka_topic_prefix}.{consumer}", handlers)
            self.workers.append(worker)
            worker.task = self.loop.submit(worker.run())

    def lag(self) -> dict[str, int | None]:
        """Per consumer group: messages not yet processed and committed (None: not assigned or not answering yet)."""
        return {w.group: self._lag(w) for w in self.workers}

    def _lag(self, worker: ConsumerWorker) -> int | None:
        try:
            return self.loop.run(worker.lag(), timeout=30)
        except Exception:  # a group joining, a consumer restarting after a failure, the broker away: not known now
            log.debug("consumer group %s: lag unknown", worker.group, exc_info=True)
            return None

    def stop(self) -> None:
        for worker in self.workers:
            worker.stopping = True
        for worker in self.workers:
            try:
                worker.task.result(timeout=15)
            except Exception:
                log.exception("consumer %s did not stop cleanly", worker.group)

        async def close() -> None:
            await self._reset_producer()
            if self._probe is not None:
                await self._probe.stop()

        self.loop.run(close(), timeout=15)
        self.loop.stop()
