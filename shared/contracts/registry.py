"""Registry of integration-event payload models, keyed by event type.

Each service declares its payload models in ``shared/contracts/<service>.py``
with :func:`contract`; the outbox refuses to publish an event whose type has no
model, so the published contract and the code cannot drift apart.
"""

from __future__ import annotations

from typing import Any, Callable, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict

_REGISTRY: dict[str, type["EventPayload"]] = {}


class EventPayload(BaseModel):
    # Read models are built from these (shared/read_models.py): there a default is a value always
    # answered, so the response schema lists every field as present.
    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_serialization_defaults_required=True)

    event_type: ClassVar[str]
    schema_version: ClassVar[int]
    description: ClassVar[str]


P = TypeVar("P", bound=type[EventPayload])


def contract(event_type: str, version: int = 1, description: str = "") -> Callable[[P], P]:
    def register(model: P) -> P:
        if event_type in _REGISTRY:
            raise ValueError(f"integration event type {event_type!r} registered twice")
        model.event_type = event_type
        model.schema_version = version
        model.description = description or (model.__doc__ or "").strip()
        _REGISTRY[event_type] = model
        return model

    return register


def payload_model(event_type: str) -> type[EventPayload]:
    _load_all()
    try:
        return _REGISTRY[event_type]
    except KeyError:
        raise LookupError(f"no integration contract for event type {event_type!r}") from None


def all_contracts() -> dict[str, type[EventPayload]]:
    _load_all()
    return dict(sorted(_REGISTRY.items()))


def json_schemas() -> dict[str, Any]:
    """JSON Schema of every payload, for docs and for other departments' systems."""
    return {
        name: {"schema_version": model.schema_version, "description": model.description,
               "payload": model.model_json_schema()}
        for name, model in all_contracts().items()
    }


def _load_all() -> None:
    """Import every contract module beside this one (found by path: importing the package from here would be
    an import cycle, the package imports this module)."""
    import importlib
    from pathlib import Path
    import pkgutil

    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if info.name not in {"envelope", "registry"}:
            importlib.import_module(f"{__package__}.{info.name}")
