"""The bus port, and the in-process adapter the embedded runtime uses."""

from __future__ import annotations

import logging
from typing import Callable, Protocol, Sequence

from shared.contracts import IntegrationEvent

Handler = Callable[[IntegrationEvent], None]
log = logging.getLogger(__name__)


class Bus(Protocol):
    def publish(self, events: Sequence[IntegrationEvent]) -> None:
        """Deliver events of one service, in log order. Raises if any delivery failed."""

    def subscribe(self, service: str, consumer: str, handler: Handler) -> None:
        """Have ``handler`` called with every event ``service`` publishes."""

    def subscribed(self, consumer: str) -> set[str]:
        """The services whose events ``consumer`` receives here."""


class InProcessBus:
    """Synchronous delivery to subscribers in the same process.

    ``publish`` returns only after every subscriber has processed (and
    tracked) each event, so the relay may then record its position.  A
    subscriber that fails stops the batch; the relay retries later, and
    subscribers already done skip what they tracked.
    """

    def __init__(self) -> None:
        self._subscribers: dict[str, list[tuple[str, Handler]]] = {}

    def subscribe(self, service: str, consumer: str, handler: Handler) -> None:
        self._subscribers.setdefault(service, []).append((consumer, handler))

    def subscribed(self, consumer: str) -> set[str]:
        return {service for service, subscribers in self._subscribers.items() if any(c == consumer for c, _ in subscribers)}

    def publish(self, events: Sequence[IntegrationEvent]) -> None:
        for event in events:
            for consumer, handler in self._subscribers.get(event.service, []):
                try:
                    handler(event)
                except Exception:
                    log.exception("consumer %s failed on %s #%s", consumer, event.type, event.position)
                    raise
