"""Domain event classes whose fields are their published contract's: one field list per event.

An aggregate declares each event as a nested class naming its contract, and says in ``apply`` what
the event does to it::

    class Case(Aggregate):
        class PlanSet(FromContract, Aggregate.Event):
            contract = coordination.PlanSet

            def apply(self, case: "Case") -> None:
                case.plans.append(...)

        def set_plan(self, ...):
            self.trigger_event(self.PlanSet, case_id=..., version=..., steps=..., note=..., meta=meta)

The event's dataclass fields are the contract's fields, in the contract's order, then ``meta``;
triggering it without one of them is a ``TypeError``.  The stored topic stays
``<module>:<Aggregate>.<EventName>``.  An event stored before a field with a default was added
to the contract reads that field as the contract's default (no upcaster needed for that case).
"""

from __future__ import annotations

from typing import Any, ClassVar

from shared.contracts.registry import EventPayload


class FromContract:
    """Mixin for an aggregate's event class: ``contract = <EventPayload subclass>`` in its body."""

    contract: ClassVar[type[EventPayload] | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        contract = cls.__dict__.get("contract")
        if contract is not None:  # before eventsourcing makes the class a dataclass
            cls.__annotations__ = {**{name: Any for name in contract.model_fields}, "meta": dict}
        super().__init_subclass__(**kwargs)

    def __getattr__(self, name: str) -> Any:
        contract = type(self).contract
        field = contract.model_fields.get(name) if contract is not None else None
        if field is None or field.is_required():
            raise AttributeError(f"{type(self).__qualname__!s} has no attribute {name!r}")
        return field.get_default(call_default_factory=True)


def fields_of(event: FromContract, without: tuple[str, ...] = (), only: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The event's contract fields as a plain dict (contract order): ``only`` those, or all but ``without``."""
    assert event.contract is not None
    return {name: getattr(event, name) for name in event.contract.model_fields
            if name not in without and (only is None or name in only)}
