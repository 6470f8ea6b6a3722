"""Evaluation's copy of the working-day calendar: each change coordination published, as evaluation adopted it.

Rectification deadlines (整改时限) count working days, so evaluation applies every
``coordination.CalendarOverridden``.  It records a ``CalendarOverrideAdopted`` event in the same transaction
as the tracking record of the upstream event, and folds those events from its own store on start: after a
restart it counts on exactly the calendar it counted on before, without asking anyone.  Open rectifications
whose deadline the change moves get their new due date in the same transaction.
"""

from __future__ import annotations

from typing import Any, Iterable

from eventsourcing.domain import Aggregate

from shared.application import stable_id
from shared.contracts import calendar as calendar_contracts
from shared.domain_events import FromContract, fields_of
from shared.contracts import IntegrationEvent
from shared.contracts.calendar import CalendarOverridden
from shared.workcalendar import CalendarChange, WorkCalendar
from services.evaluation.rectification import Rectification

CALENDAR_CHANGED = CalendarOverridden.event_type


class CalendarAdoption(Aggregate):
    @staticmethod
    def create_id(change_no: int, **_: Any):  # noqa: ANN205
        return stable_id("evaluation-calendar-adoption", str(change_no))

    class CalendarOverrideAdopted(FromContract, Aggregate.Created):
        contract = calendar_contracts.CalendarOverrideAdopted

        def apply(self, adoption: "CalendarAdoption") -> None:
            for name, value in fields_of(self).items():
                setattr(adoption, name, value)

    @classmethod
    def record(cls, **fields: Any) -> "CalendarAdoption":
        """One adoption: the fields of ``evaluation.CalendarOverrideAdopted`` and ``meta``."""
        return cls._create(cls.CalendarOverrideAdopted, **fields)

def policy(event: IntegrationEvent, *, adopted_before: bool, open_rectifications: Iterable[Rectification],
           calendar_after: WorkCalendar, meta: dict) -> list[Aggregate]:
    """What evaluation records for a published calendar change (pure: the application looked everything up).

    Nothing when it adopted that change before; otherwise the adoption, and the new due date of every open
    rectification the change moves (``calendar_after``: evaluation's calendar with the change applied).
    """
    if event.type != CALENDAR_CHANGED or adopted_before:
        return []
    p = event.payload
    adopted = CalendarAdoption.record(change_no=p["change_no"], year=p["year"], overrides=p["overrides"],
                               announced=p["announced"], source_position=event.position, meta=meta)
    moved = [r for r in open_rectifications
             if r.redate(calendar_after, p["change_no"], {**meta, "case_id": r.case_id})]
    return [adopted, *moved]


def change_of(e) -> CalendarChange:  # noqa: ANN001
    """The change a stored ``CalendarOverrideAdopted`` event (or a published payload) records."""
    return CalendarChange.from_payload(e if isinstance(e, dict) else vars(e))
