"""Published integration contracts: the envelope and every payload model."""

from shared.contracts.envelope import Actor, Channel, IntegrationEvent, Role, SYSTEM_ACTOR
from shared.contracts.registry import EventPayload, all_contracts, contract, json_schemas, payload_model

__all__ = [
    "Actor", "Channel", "IntegrationEvent", "Role", "SYSTEM_ACTOR",
    "EventPayload", "all_contracts", "contract", "json_schemas", "payload_model",
]
