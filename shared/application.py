"""Base for each writing service's eventsourcing application.

* Its recorder is a *process* recorder, so consuming another service's event
  and recording the effect happen in one transaction with the tracking record:
  redelivery never doubles anything.
* Every domain event carries ``meta``: case id, actor, on whose behalf, channel
  and time from the injected clock (:class:`CommandContext`).
* After each save it nudges whoever relays its notification log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import threading
from typing import Any, Callable, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.persistence import ProcessRecorder, Tracking

from shared.clock import Clock, SystemClock
from shared.contracts import Actor, IntegrationEvent, SYSTEM_ACTOR


def stable_id(kind: str, key: str) -> UUID:
    """The aggregate id of a named thing (``case``, ``rating`` …): the same key, the same id."""
    return uuid5(NAMESPACE_URL, f"bangnin:{kind}:{key}")


@dataclass(frozen=True)
class CommandContext:
    """Who issues a command, for whom and through which channel."""

    actor: Actor
    on_behalf_of: str | None = None
    channel: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def system(cls, reason: str | None = None) -> "CommandContext":
        return cls(actor=SYSTEM_ACTOR, extra={"reason": reason} if reason else {})


class ServiceApplication(Application):
    """An eventsourcing application that is one of the four services."""

    service_name: ClassVar[str]

    def __init__(self, env: dict[str, str] | None = None, clock: Clock | None = None) -> None:
        super().__init__(env)
        self.clock: Clock = clock or SystemClock()
        self._listeners: list[Callable[[], None]] = []
        self._processing_lock = threading.Lock()

    def construct_recorder(self) -> ProcessRecorder:  # type: ignore[override]
        return self.factory.process_recorder()

    # -- meta -----------------------------------------------------------------
    def meta(self, ctx: CommandContext, case_id: str) -> dict[str, Any]:
        return {
            "case_id": case_id,
            "actor": ctx.actor.model_dump(mode="json"),
            "on_behalf_of": ctx.on_behalf_of,
            "channel": ctx.channel,
            "occurred_at": self.clock.now().isoformat(),
            **({"extra": ctx.extra} if ctx.extra else {}),
        }

    # -- outbox nudging ----------------------------------------------------------
    def add_save_listener(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def _notify(self, recordings):  # type: ignore[no-untyped-def]
        super()._notify(recordings)
        if recordings:
            for listener in self._listeners:
                listener()

    # -- consuming other services' events -------------------------------------------
    def consume(self, event: IntegrationEvent) -> bool:
        """Process one upstream event exactly once; False when it was processed before.

        The effect (new domain events) and the tracking record are written in
        one transaction, so a crash between them cannot happen.
        """
        with self._processing_lock:
            if self.recorder.has_tracking_id(event.service, event.position):
                return False
            processing = ProcessingEvent(tracking=Tracking(event.service, event.position))
            self.policy(event, processing)
            recordings = self._record(processing)
            self._take_snapshots(processing)
            self._notify(recordings)
            return True

    def policy(self, event: IntegrationEvent, processing: ProcessingEvent) -> None:
        """Override: react to an upstream event by collecting new aggregate events."""

    def last_processed(self, upstream: str) -> int:
        return self.recorder.max_tracking_id(upstream) or 0

    def head(self) -> int:
        return self.recorder.max_notification_id() or 0
