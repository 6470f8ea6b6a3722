"""The integration service: webhook subscriptions, and the delivery of every integration event to them.

It consumes every publisher (like reporting).  Consuming an event records, in one transaction with the tracking
record, one ``Delivery`` per active subscription that wants it — so no event is lost or doubled, whatever
restarts — and nothing else: the HTTP call is made by the scheduled check :meth:`deliver_due` (and right away by
a nudge after the event is recorded), never on the bus's thread, so a slow receiver holds up no other consumer.
Each attempt is recorded on its delivery; a failed one is retried with backoff and jitter, and after
``webhook_max_attempts`` the delivery is dead-lettered, to be redelivered by hand.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from fnmatch import fnmatchcase
import json
import logging
import secrets
import threading
from typing import Any

from eventsourcing.application import AggregateNotFoundError
import httpx

from shared.application import CommandContext, ServiceApplication
from shared.contracts import IntegrationEvent, all_contracts
from shared import haochaping
from shared.errors import Invalid, NotFound
from shared.reference import load_catalog
from shared.sealing import Sealer
from shared.settings import Settings
from services.integration import webhooks
from services.integration.domain import DEAD, DELIVERED, PENDING, UPWARD, Delivery, Subscription, UpwardCase, delivery_key
from services.integration.index import DeliveryIndex

log = logging.getLogger(__name__)
_STARTING = threading.Lock()
ALL_EVENTS = "*"
INVITED, RATED = "evaluation.RatingInvited", "evaluation.RatingGiven"
UPWARD_EVENTS = (INVITED, RATED)
UPWARD_RECORD_TYPE = "haochaping.rating"  # X-Bangnin-Event-Type of an upward push (its body: shared/haochaping.py)


def utc(moment: datetime) -> str:
    """Times the index compares as strings: always UTC."""
    return moment.astimezone(timezone.utc).isoformat()


def wants(subscription: dict, event_type: str, case_id: str) -> bool:
    """Whether an active subscription takes this event (pure)."""
    if subscription.get("disabled_at"):
        return False
    if ALL_EVENTS not in subscription["events"] and event_type not in subscription["events"]:
        return False
    pattern = subscription.get("case_filter")
    return pattern is None or fnmatchcase(case_id, pattern)


class IntegrationService(ServiceApplication):
    service_name = "integration"

    def __init__(self, env: dict[str, str] | None = None, clock=None, *, settings: Settings,  # noqa: ANN001
                 sealer: Sealer, transport: httpx.BaseTransport | None = None) -> None:
        super().__init__(env, clock)
        self.settings, self.sealer = settings, sealer
        self.index = DeliveryIndex()
        self._deliver_lock = threading.Lock()
        self._transport = transport
        self._client: httpx.Client | None = None
        self._wakeup, self._closed = threading.Event(), False
        self._worker: threading.Thread | None = None
        self.catch_up(self.index)

    # -- subscriptions ------------------------------------------------------------------------
    def subscribe(self, ctx: CommandContext, *, url: str, events: list[str], case_filter: str | None) -> tuple[Subscription, str]:
        webhooks.check_target(url, self.settings.webhook_allowed_hosts)
        known = set(all_contracts())
        unknown = [e for e in events if e != ALL_EVENTS and e not in known]
        if unknown:
            raise Invalid(f"events 含未知的事件类型：{'、'.join(unknown)}（见 docs/events.md；* 表示全部）", field="events")
        subscription_id = f"SUB-{secrets.token_hex(6).upper()}"
        secret = secrets.token_urlsafe(32)

        def attempt(processing):  # noqa: ANN001, ANN202
            s = Subscription.create(subscription_id=subscription_id, url=url, events=sorted(set(events)),
                                    case_filter=case_filter, secret=secret, meta=self.meta(ctx, f"subscription:{subscription_id}"))
            processing.collect_events(s)
            return s
        return self.execute(attempt), secret

    def subscription(self, subscription_id: str) -> Subscription:
        try:
            return self.repository.get(Subscription.create_id(subscription_id))
        except AggregateNotFoundError:
            raise NotFound(f"订阅 {subscription_id} 不存在") from None

    def subscriptions(self) -> list[dict]:
        self.catch_up(self.index)
        return [self.summary(s) for s in self.index.subscriptions.values()]

    def summary(self, s: dict) -> dict:
        ids = self.index.by_subscription.get(s["subscription_id"], [])
        counts = {k: 0 for k in (PENDING, DELIVERED, DEAD)}
        for i in ids:
            counts[self.index.deliveries[i]["status"]] += 1
        return {**s, "active": not s["disabled_at"], "deliveries": counts}

    def disable(self, ctx: CommandContext, subscription_id: str) -> dict:
        self.update(lambda: self.subscription(subscription_id),
                    lambda s: s.disable(self.meta(ctx, f"subscription:{subscription_id}")))
        self.catch_up(self.index)
        return self.summary(self.index.subscriptions[subscription_id])

    # -- deliveries -----------------------------------------------------------------------------
    def delivery(self, delivery_id: str, subscription_id: str | None = None) -> Delivery:
        try:
            d = self.repository.get(Delivery.create_id(delivery_id))
        except AggregateNotFoundError:
            d = None
        if d is None or (subscription_id and d.subscription_id != subscription_id):
            raise NotFound(f"投递 {delivery_id} 不存在" + (f"（订阅 {subscription_id}）" if subscription_id else ""))
        return d

    def deliveries(self, subscription_id: str, status: str | None = None) -> list[Delivery]:
        if subscription_id != UPWARD:
            self.subscription(subscription_id)
        self.catch_up(self.index)
        ids = [i for i in self.index.by_subscription.get(subscription_id, [])
               if status in (None, self.index.deliveries[i]["status"])]
        return [self.delivery(i) for i in ids]

    def redeliver(self, ctx: CommandContext, subscription_id: str, delivery_id: str, reason: str | None) -> Delivery:
        """A dead letter sent again now (a pending one is already on its way); its attempts go on counting."""
        self.delivery(delivery_id, subscription_id)
        now = utc(self.clock.now())

        d, _ = self.update(lambda: self.delivery(delivery_id),
                           lambda d: d.redeliver(now, reason, self.meta(ctx, d.case_id)))
        self.nudge()
        return d

    def replay(self, ctx: CommandContext, subscription_id: str, service: str, from_position: int,
               reason: str | None) -> list[str]:
        """Send again every delivery of the subscription from ``from_position`` of ``service``'s event stream
        on (delivered and dead ones alike; pending ones are on their way)."""
        self.subscription(subscription_id)
        self.catch_up(self.index)
        chosen = sorted((d for d in self.index.deliveries.values() if d["subscription_id"] == subscription_id
                         and d["service"] == service and d["position"] >= from_position and d["status"] != PENDING),
                        key=lambda d: d["position"])
        now = utc(self.clock.now())
        for row in chosen:
            self.update(lambda i=row["delivery_id"]: self.delivery(i),
                        lambda d: d.redeliver(now, reason, self.meta(ctx, d.case_id), delivered_too=True))
        self.nudge()
        return [row["delivery_id"] for row in chosen]

    # -- consuming: one delivery per subscription that wants the event --------------------------------
    def policy(self, event: IntegrationEvent, processing) -> None:  # noqa: ANN001
        if self.settings.upward_url and event.type in UPWARD_EVENTS:
            self._upward(event, processing)
        self.catch_up(self.index)
        targets = [s for s in self.index.subscriptions.values() if wants(s, event.type, event.case_id)]
        if not targets:
            return
        body = self.sealer.seal_event(event).model_dump_json()  # exactly the message on the Kafka topic
        meta = self.meta(CommandContext.system("webhook"), event.case_id)
        due = utc(self.clock.now())
        for s in targets:
            delivery_id = delivery_key(s["subscription_id"], event.event_id)
            processing.collect_events(Delivery.create(
                delivery_id=delivery_id, subscription_id=s["subscription_id"], event_id=event.event_id,
                event_type=event.type, case_id=event.case_id, service=event.service, position=event.position,
                body=body, due_at=due, meta=meta))

    # -- 好差评 upward: one delivery per rating, its body the national interface's record -------------------
    def _upward(self, event: IntegrationEvent, processing) -> None:  # noqa: ANN001
        case_id, p = event.case_id, event.payload
        if event.type == INVITED:
            if not self._exists(UpwardCase.create_id(case_id)):
                facts = {k: p.get(k) for k in ("service_point", "project", "items", "outcome", "concluded_on")}
                processing.collect_events(UpwardCase.create(case_id=case_id, facts=facts,
                                                            meta=self.meta(CommandContext.system("upward"), case_id)))
            return
        evaluate_id = haochaping.evaluate_id(case_id, p["rating_no"])
        delivery_id = delivery_key(UPWARD, evaluate_id)  # one per rating, whatever position it is published at
        if self._exists(Delivery.create_id(delivery_id)):
            return
        try:
            facts = self.repository.get(UpwardCase.create_id(case_id)).facts
        except AggregateNotFoundError:  # invited before upward was configured: the rating's own facts only
            facts = {}
        record = haochaping.record({**facts, "case_id": case_id}, {**p, "rated_at": event.occurred_at},
                                   catalog=load_catalog(), options=haochaping.Options.of(self.settings))
        processing.collect_events(Delivery.create(
            delivery_id=delivery_id, subscription_id=UPWARD, event_id=evaluate_id, event_type=UPWARD_RECORD_TYPE,
            case_id=case_id, service=event.service, position=event.position,
            body=json.dumps(record, ensure_ascii=False, separators=(",", ":")), due_at=utc(self.clock.now()),
            meta=self.meta(CommandContext.system("upward"), case_id)))

    def _exists(self, aggregate_id) -> bool:  # noqa: ANN001
        try:
            self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return False
        return True

    def consume(self, event: IntegrationEvent) -> bool:
        new = super().consume(event)
        if new:
            self.nudge()
        return new

    # -- delivering (the scheduled check) ------------------------------------------------------------
    def nudge(self) -> None:
        """Have the service's delivery thread deliver what is due now (the scheduled check retries the rest)."""
        if self._closed:
            return
        self._wakeup.set()
        with _STARTING:
            if self._worker is None:
                self._worker = threading.Thread(target=self._deliver_on_nudge, name="webhooks", daemon=True)
                self._worker.start()

    def _deliver_on_nudge(self) -> None:
        while not self._closed:
            self._wakeup.wait()
            self._wakeup.clear()
            if self._closed:
                return
            try:
                self.deliver_due()
            except Exception:
                log.exception("webhook delivery failed; the scheduled check tries again")

    def http(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(transport=self._transport, follow_redirects=False, trust_env=False,
                                        timeout=self.settings.webhook_timeout_seconds)
        return self._client

    def deliver_due(self) -> int:
        """Attempt every delivery that is due (one run at a time); returns how many attempts were made."""
        made = 0
        with self._deliver_lock:
            while True:
                self.catch_up(self.index)
                due = self.index.due(utc(self.clock.now()), self.settings.webhook_batch_size)
                if not due:
                    return made
                for delivery_id in due:
                    self._attempt(delivery_id)
                    made += 1

    def _attempt(self, delivery_id: str) -> None:
        d = self.delivery(delivery_id)
        if d.status != PENDING:
            return
        url, secret, disabled = self._target(d.subscription_id)
        started = self.clock.now()
        try:
            if disabled:
                raise Invalid(disabled)
            webhooks.check_target(url, self.settings.webhook_allowed_hosts)
            outcome = webhooks.post(self.http(), url, d.body, secret=secret, event_id=d.event_id,
                                    event_type=d.event_type, delivery_id=d.delivery_id)
        except Invalid as exc:  # disabled, or the allowed hosts changed since it subscribed: no call is made
            outcome = webhooks.Outcome(None, exc.args[0], 0)
        settings = self.settings
        delay = webhooks.retry_delay(d.attempt_count + 1, settings.webhook_retry_base_seconds,
                                     settings.webhook_retry_max_seconds, settings.webhook_retry_jitter)
        retry_at = utc(started + timedelta(seconds=delay))
        max_attempts = 1 if disabled else settings.webhook_max_attempts
        meta = self.meta(CommandContext.system("webhook"), d.case_id)
        self.update(lambda: self.delivery(delivery_id),
                    lambda fresh: fresh.record_attempt(at=utc(started), status_code=outcome.status_code,
                                                       error=outcome.error, delivered=outcome.delivered,
                                                       retry_at=retry_at, max_attempts=max_attempts,
                                                       duration_ms=outcome.duration_ms, meta=meta))

    def _target(self, subscription_id: str) -> tuple[str, str, str | None]:
        """(url, secret, why it is off or None): a subscription's, or the upward target's from the settings."""
        if subscription_id == UPWARD:
            url = self.settings.upward_url
            return url or "", self.settings.upward_secret or "", None if url else "未配置好差评上报地址（BANGNIN_UPWARD_URL）：转入死信"
        s = self.subscription(subscription_id)
        return s.url, s.secret, "订阅已停用：不再推送，转入死信（重新启用请新建订阅）" if s.disabled_at else None

    def close(self) -> None:
        self._closed = True
        self._wakeup.set()
        if self._worker is not None:
            self._worker.join(timeout=self.settings.webhook_timeout_seconds + 5)
        if self._client is not None:
            self._client.close()
        super().close()


def attempts_view(d: Delivery) -> dict[str, Any]:
    return {"delivery_id": d.delivery_id, "subscription_id": d.subscription_id, "event_id": d.event_id,
            "event_type": d.event_type, "case_id": d.case_id, "service": d.service, "position": d.position,
            "status": d.status, "next_attempt_at": d.next_attempt_at, "created_at": d.created_at,
            "attempts": list(d.attempts), "redeliveries": list(d.redeliveries)}

