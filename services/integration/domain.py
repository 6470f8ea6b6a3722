"""The integration service's aggregates: a webhook ``Subscription`` and each ``Delivery`` of one event to one.

Pure: no HTTP, no clock, no settings.  The application decides when an attempt is due and makes it; a
``Delivery`` records each attempt (HTTP status, error, when the next is due) and its state:
``pending`` (waiting for its next attempt) → ``delivered`` | ``dead`` (dead-lettered after the last
attempt allowed); a redelivery puts a delivered or dead one back to ``pending``.

Neither is published (integration is no publisher): their events stay in the service's own store, encrypted at
rest like every store's (the secret included: it is needed to sign).
"""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate

from shared.application import stable_id
from shared.errors import Conflict

PENDING, DELIVERED, DEAD = "pending", "delivered", "dead"
UPWARD = "upward"  # the provincial 好差评 system: a target the settings name (BANGNIN_UPWARD_URL), not a subscription
DELIVERY_STATUS_LABELS = {PENDING: "待投递", DELIVERED: "已投递", DEAD: "已转入死信"}


class Subscription(Aggregate):
    @staticmethod
    def create_id(subscription_id: str, **_: Any):  # noqa: ANN205
        return stable_id("subscription", subscription_id)

    class Created(Aggregate.Created):
        subscription_id: str
        url: str
        events: list[str]
        case_filter: str | None
        secret: str
        meta: dict

        def apply(self, s: "Subscription") -> None:
            s.subscription_id, s.url, s.events, s.case_filter = self.subscription_id, self.url, self.events, self.case_filter
            s.secret, s.created_at, s.created_by = self.secret, self.meta["occurred_at"], self.meta["actor"]["username"]
            s.disabled_at = None

    class Disabled(Aggregate.Event):
        subscription_id: str
        meta: dict

        def apply(self, s: "Subscription") -> None:
            s.disabled_at = self.meta["occurred_at"]

    @classmethod
    def create(cls, **fields: Any) -> "Subscription":
        return cls._create(cls.Created, **fields)

    def disable(self, meta: dict) -> bool:
        if self.disabled_at:
            return False
        self.trigger_event(self.Disabled, subscription_id=self.subscription_id, meta=meta)
        return True


def delivery_key(subscription_id: str, event_id: str) -> str:
    """A delivery's id: one per subscription and event, so a redelivered upstream event is one delivery."""
    return str(stable_id("delivery", f"{subscription_id}:{event_id}"))


class Delivery(Aggregate):
    @staticmethod
    def create_id(delivery_id: str, **_: Any):  # noqa: ANN205
        return stable_id("delivery-aggregate", delivery_id)

    class Created(Aggregate.Created):
        delivery_id: str
        subscription_id: str
        event_id: str
        event_type: str
        case_id: str
        service: str
        position: int
        body: str  # the integration event's JSON exactly as POSTed (and signed)
        due_at: str
        meta: dict

        def apply(self, d: "Delivery") -> None:
            for name in ("delivery_id", "subscription_id", "event_id", "event_type", "case_id", "service", "position", "body"):
                setattr(d, name, getattr(self, name))
            d.status, d.next_attempt_at, d.attempts, d.created_at = PENDING, self.due_at, [], self.meta["occurred_at"]
            d.redeliveries = []

    class Attempted(Aggregate.Event):
        delivery_id: str
        attempt: int
        at: str
        status_code: int | None
        error: str | None
        outcome: str  # delivered, pending (retry at next_attempt_at), dead
        next_attempt_at: str | None
        duration_ms: int
        meta: dict

        def apply(self, d: "Delivery") -> None:
            d.attempts.append({"attempt": self.attempt, "at": self.at, "status_code": self.status_code,
                               "error": self.error, "outcome": self.outcome, "next_attempt_at": self.next_attempt_at,
                               "duration_ms": self.duration_ms})
            d.status, d.next_attempt_at = self.outcome, self.next_attempt_at

    class RedeliveryRequested(Aggregate.Event):
        delivery_id: str
        due_at: str
        reason: str | None
        meta: dict

        def apply(self, d: "Delivery") -> None:
            d.status, d.next_attempt_at = PENDING, self.due_at
            d.redeliveries.append({"at": self.meta["occurred_at"], "by": self.meta["actor"]["username"],
                                   "reason": self.reason, "after_attempt": len(d.attempts)})

    @classmethod
    def create(cls, **fields: Any) -> "Delivery":
        return cls._create(cls.Created, **fields)

    @property
    def attempt_count(self) -> int:
        return len(self.attempts)

    def record_attempt(self, *, at: str, status_code: int | None, error: str | None, delivered: bool,
                       retry_at: str | None, max_attempts: int, duration_ms: int, meta: dict) -> str:
        """One attempt made: delivered, or retried at ``retry_at``, or dead-lettered once ``max_attempts``
        attempts (since the last redelivery) have failed.  Returns the outcome."""
        if self.status != PENDING:
            raise Conflict(f"投递 {self.delivery_id} 不在待投递状态（{DELIVERY_STATUS_LABELS[self.status]}）")
        since = self.attempt_count - (self.redeliveries[-1]["after_attempt"] if self.redeliveries else 0) + 1
        outcome = DELIVERED if delivered else DEAD if since >= max_attempts else PENDING
        self.trigger_event(self.Attempted, delivery_id=self.delivery_id, attempt=self.attempt_count + 1, at=at,
                           status_code=status_code, error=error, outcome=outcome,
                           next_attempt_at=retry_at if outcome == PENDING else None, duration_ms=duration_ms, meta=meta)
        return outcome

    def redeliver(self, due_at: str, reason: str | None, meta: dict, *, delivered_too: bool = False) -> bool:
        """Back to ``pending`` (attempts go on counting): a dead letter, or with ``delivered_too`` a delivered one
        (a replay).  A pending one is already waiting: nothing to do."""
        if self.status == PENDING:
            return False
        if self.status == DELIVERED and not delivered_too:
            raise Conflict(f"投递 {self.delivery_id} 已成功投递；重放已投递的事件请用 replay（从事件流的某一位置起）",
                           code="already_delivered")
        self.trigger_event(self.RedeliveryRequested, delivery_id=self.delivery_id, due_at=due_at, reason=reason, meta=meta)
        return True


class UpwardCase(Aggregate):
    """What the 好差评 record of a case's ratings needs from the case: ``evaluation.RatingInvited``'s facts (service
    point, project, items, outcome), kept when integration is told of the invitation while upward is configured."""

    @staticmethod
    def create_id(case_id: str, **_: Any):  # noqa: ANN205
        return stable_id("upward-case", case_id)

    class Created(Aggregate.Created):
        case_id: str
        facts: dict
        meta: dict

        def apply(self, u: "UpwardCase") -> None:
            u.case_id, u.facts = self.case_id, dict(self.facts)

    @classmethod
    def create(cls, **fields: Any) -> "UpwardCase":
        return cls._create(cls.Created, **fields)
