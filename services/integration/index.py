"""A small in-process index of integration's own log: the subscriptions and each delivery's state and due time.

A pure fold (``app.catch_up(index)`` before each use, from the start of the log on start), so a new process —
a restart — knows every pending delivery from the store alone.
"""

from __future__ import annotations


class DeliveryIndex:
    wanted = frozenset({"Created", "Disabled", "Attempted", "RedeliveryRequested"})

    def __init__(self) -> None:
        self.position = 0
        self.subscriptions: dict[str, dict] = {}
        self.deliveries: dict[str, dict] = {}  # delivery_id → subscription, event's service and position, status, due
        self.by_subscription: dict[str, list[str]] = {}

    def apply(self, e) -> None:  # noqa: ANN001
        name, kind = type(e).__name__, type(e).__qualname__.split(".")[0]
        if kind == "Subscription":
            if name == "Created":
                self.subscriptions[e.subscription_id] = {
                    "subscription_id": e.subscription_id, "url": e.url, "events": list(e.events),
                    "case_filter": e.case_filter, "created_at": e.meta["occurred_at"],
                    "created_by": e.meta["actor"]["username"], "disabled_at": None}
                self.by_subscription.setdefault(e.subscription_id, [])
            elif name == "Disabled":
                self.subscriptions[e.subscription_id]["disabled_at"] = e.meta["occurred_at"]
            return
        if kind != "Delivery":  # UpwardCase: the facts of a case's upward records, no delivery state
            return
        if name == "Created":
            self.deliveries[e.delivery_id] = {"delivery_id": e.delivery_id, "subscription_id": e.subscription_id,
                                              "service": e.service, "position": e.position, "status": "pending",
                                              "due_at": e.due_at, "order": e.meta["occurred_at"]}
            self.by_subscription.setdefault(e.subscription_id, []).append(e.delivery_id)
        elif name == "Attempted":
            self.deliveries[e.delivery_id] |= {"status": e.outcome, "due_at": e.next_attempt_at}
        elif name == "RedeliveryRequested":
            self.deliveries[e.delivery_id] |= {"status": "pending", "due_at": e.due_at}

    def due(self, now_iso: str, limit: int) -> list[str]:
        """Pending deliveries whose next attempt is due, oldest first."""
        found = [d for d in self.deliveries.values() if d["status"] == "pending" and d["due_at"] <= now_iso]
        return [d["delivery_id"] for d in sorted(found, key=lambda d: (d["due_at"], d["order"]))[:limit]]
