"""Base for each writing service's eventsourcing application.

* Its recorder is a *process* recorder, so consuming another service's event
  and recording the effect happen in one transaction with the tracking record:
  redelivery never doubles anything.
* Every domain event carries ``meta``: case id, actor, on whose behalf, channel
  and time from the injected clock (:class:`CommandContext`).
* After each save it nudges whoever relays its notification log, and notes the
  position for the response of the request being served (``X-Bangnin-Position``,
  :mod:`shared.positions`).
* **One concurrency policy** for every command and every consumed event
  (:meth:`ServiceApplication.execute`): a write that conflicts with a concurrent
  write to the same aggregate (the store's ``IntegrityError``) is not an error; the
  command is run again on freshly loaded state, up to :data:`CONFLICT_ATTEMPTS`
  times, then answered 409 (:class:`shared.errors.ConcurrentUpdate`).  A command that
  changes nothing records nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
import threading
import random
import time
from typing import Any, Callable, ClassVar, Protocol, TypeVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.persistence import IntegrityError, ProcessRecorder, Tracking
from eventsourcing.utils import get_topic

from shared.clock import Clock, SystemClock
from shared.contracts import Actor, IntegrationEvent, SYSTEM_ACTOR
from shared.errors import ConcurrentUpdate
from shared.positions import note_recorded

A = TypeVar("A")
R = TypeVar("R")
CONFLICT_ATTEMPTS = 12  # then 409; each retry waits a little longer (random, up to ~3 ms × attempt)


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


def event_meta(ctx: CommandContext, case_id: str, now: datetime) -> dict[str, Any]:
    """The ``meta`` of a domain event: case id, actor, on whose behalf, channel, when (pure)."""
    return {
        "case_id": case_id,
        "actor": ctx.actor.model_dump(mode="json"),
        "on_behalf_of": ctx.on_behalf_of,
        "channel": ctx.channel,
        "occurred_at": now.isoformat(),
        **({"extra": ctx.extra} if ctx.extra else {}),
    }


class LogFold(Protocol):
    """A pure fold over a service's own notification log (an index): the application feeds it."""

    position: int  # the last notification folded in
    wanted: frozenset[str] | None  # event class names it folds (None: all); the others are skipped unread

    def apply(self, domain_event: Any) -> None: ...


F = TypeVar("F", bound=LogFold)


class ServiceApplication(Application):
    """An eventsourcing application that is one of the four services."""

    service_name: ClassVar[str]

    def __init__(self, env: dict[str, str] | None = None, clock: Clock | None = None) -> None:
        super().__init__(env)
        self.clock: Clock = clock or SystemClock()
        self._listeners: list[Callable[[], None]] = []
        self._processing_lock = threading.Lock()
        self._fold_lock = threading.Lock()

    def construct_recorder(self) -> ProcessRecorder:  # type: ignore[override]
        return self.factory.process_recorder()

    # -- meta -----------------------------------------------------------------
    def meta(self, ctx: CommandContext, case_id: str) -> dict[str, Any]:
        return event_meta(ctx, case_id, self.clock.now())

    # -- the service's own indexes -------------------------------------------------
    def catch_up(self, fold: F, batch: int = 500) -> F:
        """Feed ``fold`` the events of this service's log after its position; returns it, current."""
        with self._fold_lock:
            while notifications := list(self.recorder.select_notifications(start=fold.position + 1, limit=batch)):
                for n in notifications:
                    if fold.wanted is None or n.topic.rsplit(".", 1)[-1] in fold.wanted:
                        fold.apply(self.mapper.to_domain_event(n))
                    fold.position = n.id
        return fold

    # -- outbox nudging ----------------------------------------------------------
    def add_save_listener(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def _notify(self, recordings):  # type: ignore[no-untyped-def]
        super()._notify(recordings)
        if recordings:
            note_recorded(self.service_name, max(r.notification.id for r in recordings))
            for listener in self._listeners:
                listener()

    # -- the concurrency policy ------------------------------------------------------------
    def execute(self, attempt: Callable[[ProcessingEvent], R], tracking: Tracking | None = None) -> R:
        """Run ``attempt`` (it loads what it needs, decides, and collects the aggregates it changed
        into the processing event), then record what it collected in one transaction.

        On a concurrent write to one of those aggregates, run it again on fresh state; after
        :data:`CONFLICT_ATTEMPTS` conflicts, 409.  Nothing collected (and no tracking record to
        write): nothing is written.
        """
        for attempts in range(1, CONFLICT_ATTEMPTS + 1):
            processing: ProcessingEvent = ProcessingEvent(tracking=tracking)
            result = attempt(processing)
            if not processing.events and processing.tracking is None:
                return result
            try:
                recordings = self._record(processing)
            except IntegrityError:
                if attempts < CONFLICT_ATTEMPTS:
                    time.sleep(random.uniform(0, 0.003 * attempts))
                continue
            self._take_snapshots(processing)
            self._notify(recordings)
            return result
        raise ConcurrentUpdate(CONFLICT_ATTEMPTS)

    def update(self, load: Callable[[], A], command: Callable[[A], R]) -> tuple[A, R]:
        """Load one aggregate, run the command on it, save it: under :meth:`execute`'s policy."""
        def attempt(processing: ProcessingEvent) -> tuple[A, R]:
            aggregate = load()
            result = command(aggregate)
            processing.collect_events(aggregate)
            return aggregate, result
        return self.execute(attempt)

    # -- consuming other services' events -------------------------------------------
    def consume(self, event: IntegrationEvent) -> bool:
        """Process one upstream event exactly once; False when it was processed before.

        The effect (new domain events) and the tracking record are written in
        one transaction, so a crash between them cannot happen.  A concurrent
        command on the same aggregate is the same conflict as between two
        commands: the policy runs again on fresh state (:meth:`execute`).
        """
        with self._processing_lock:
            def attempt(processing: ProcessingEvent) -> bool:
                if self.recorder.has_tracking_id(event.service, event.position):
                    processing.tracking = None  # processed before (or meanwhile by another process)
                    return False
                self.policy(event, processing)
                return True

            return self.execute(attempt, tracking=Tracking(event.service, event.position))

    def policy(self, event: IntegrationEvent, processing: ProcessingEvent) -> None:
        """Override: look up what the service's consumer needs for ``event`` (aggregates, indexes,
        reference data, the time), call its pure ``consumers.policy`` and collect what it returns."""

    def stored_events(self, *event_classes: type) -> list:
        """This service's stored domain events of the given classes, in log order (a topic-filtered read)."""
        topics = [get_topic(cls) for cls in event_classes]
        found, position = [], 0
        while batch := list(self.recorder.select_notifications(start=position + 1, limit=500, topics=topics)):
            found += [self.mapper.to_domain_event(n) for n in batch]
            position = batch[-1].id
        return found

    def last_processed(self, upstream: str) -> int:
        return self.recorder.max_tracking_id(upstream) or 0

    def head(self) -> int:
        return self.recorder.max_notification_id() or 0

    def processed(self, service: str) -> int:
        """How far this service has processed ``service``'s log: its own head, or its tracking of an upstream."""
        return self.head() if service == self.service_name else self.last_processed(service)
