"""Turn a service's stored domain events into published integration events."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, uuid5

from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from shared.contracts import Actor, IntegrationEvent, payload_model

_ENVELOPE_FIELDS = {"originator_id", "originator_version", "timestamp", "originator_topic", "meta"}


def event_id(originator_id: Any, version: int) -> str:
    """The integration event id of a stored event: the same stored event, the same id."""
    return str(uuid5(NAMESPACE_URL, f"bangnin:{originator_id}:{version}"))


def to_integration_event(service: str, position: int, domain_event: Any) -> IntegrationEvent:
    event_type = f"{service}.{type(domain_event).__name__}"
    model = payload_model(event_type)
    raw = {k: v for k, v in domain_event.__dict__.items() if k not in _ENVELOPE_FIELDS}
    payload = model.model_validate(raw).model_dump(mode="json")
    meta = domain_event.meta
    return IntegrationEvent(
        event_id=event_id(domain_event.originator_id, domain_event.originator_version),
        type=event_type,
        schema_version=model.schema_version,
        case_id=meta["case_id"],
        service=service,
        position=position,
        occurred_at=meta["occurred_at"],
        actor=Actor.model_validate(meta["actor"]),
        on_behalf_of=meta.get("on_behalf_of"),
        channel=meta.get("channel"),
        payload=payload,
    )


def read_log(app: Application, service: str, after: int, limit: int) -> list[IntegrationEvent]:
    """The integration events of ``app``'s notification log after position ``after``."""
    notifications: list[Notification] = list(
        app.recorder.select_notifications(start=after + 1, limit=limit)
    )
    return [
        to_integration_event(service, n.id, app.mapper.to_domain_event(n)) for n in notifications
    ]
