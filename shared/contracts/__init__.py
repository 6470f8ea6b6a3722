"""Published integration contracts: the envelope and every payload model."""

from shared.contracts.envelope import (
    PUBLISHERS, Actor, CHANNEL_LABELS, Channel, IntegrationEvent, Role, SERVICE_POINT_ROLE, SYSTEM_ACTOR, ServicePoint,
)
from shared.contracts.registry import EventPayload, all_contracts, contract, json_schemas, payload_model

__all__ = [
    "PUBLISHERS", "Actor", "CHANNEL_LABELS", "Channel", "IntegrationEvent", "Role", "SERVICE_POINT_ROLE", "SYSTEM_ACTOR",
    "ServicePoint",
    "EventPayload", "all_contracts", "contract", "json_schemas", "payload_model",
]
