"""Every domain event has a published contract, and the exported docs are current."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import json
from pathlib import Path

from eventsourcing.domain import Aggregate, CanMutateAggregate

from shared.contracts import PUBLISHERS, all_contracts
from services.schemas import contract_document, markdown_index

WRITERS = list(PUBLISHERS)
DOCS = Path(__file__).resolve().parents[2] / "docs"


def service_modules(service: str):
    package = importlib.import_module(f"services.{service}")
    for info in pkgutil.iter_modules(package.__path__):
        yield importlib.import_module(f"services.{service}.{info.name}")


def domain_event_types() -> dict[str, type]:
    """Every event class of every aggregate defined anywhere in a writing service's package."""
    found = {}
    for service in WRITERS:
        for module in service_modules(service):
            for _, aggregate in inspect.getmembers(module, inspect.isclass):
                if not (issubclass(aggregate, Aggregate) and aggregate.__module__ == module.__name__):
                    continue
                for _, event in inspect.getmembers(aggregate, inspect.isclass):
                    if (issubclass(event, CanMutateAggregate)
                            and event.__qualname__.startswith(aggregate.__name__ + ".")
                            and "meta" in getattr(event, "__dataclass_fields__", {})):
                        found[f"{service}.{event.__name__}"] = event
    return found


def test_every_domain_event_has_a_contract_whose_fields_match():
    contracts = all_contracts()
    events = domain_event_types()
    assert events, "no domain events found"
    for name, event in events.items():
        assert name in contracts, f"{name} has no contract in shared/contracts"
        fields = set(event.__dataclass_fields__) - {
            "originator_id", "originator_version", "timestamp", "originator_topic", "meta"}
        assert fields == set(contracts[name].model_fields), name


def test_exported_schema_in_docs_is_current():
    """`make schemas` regenerates docs/events.schema.json and docs/events.md; they must match the code."""
    assert json.loads((DOCS / "events.schema.json").read_text(encoding="utf-8")) == json.loads(
        json.dumps(contract_document(), ensure_ascii=False))
    assert (DOCS / "events.md").read_text(encoding="utf-8") == markdown_index()
