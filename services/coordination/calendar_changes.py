"""Overrides of the working-day calendar (调休表), as recorded events: each change is one aggregate.

An administrator enters a year's holidays and make-up days (``PUT /coordination/calendar/overrides/{year}``);
the change replaces that year's entries over the shipped base table.  Changes are numbered across all
years in the order recorded (``change_no``, which is also the aggregate's key, so two concurrent changes
cannot take the same number).  Their events use ``case_id = "calendar:<year>"``.  Coordination applies a
change to the process's :class:`shared.workcalendar.CalendarSource` once it is saved, and folds every
change from its own log on start; other services apply the published ``coordination.CalendarOverridden``.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate

from shared.application import stable_id
from shared.contracts import calendar as calendar_contracts
from shared.domain_events import FromContract, fields_of
from shared.workcalendar import CalendarChange


class CalendarOverride(Aggregate):
    @staticmethod
    def create_id(change_no: int, **_: Any):  # noqa: ANN205
        return stable_id("calendar-change", str(change_no))

    class CalendarOverridden(FromContract, Aggregate.Created):
        contract = calendar_contracts.CalendarOverridden

        def apply(self, change: "CalendarOverride") -> None:
            for name, value in fields_of(self).items():
                setattr(change, name, value)
            change.changed_by, change.changed_at = self.meta["actor"], self.meta["occurred_at"]

    @classmethod
    def record(cls, **fields: Any) -> "CalendarOverride":
        """One change: the fields of ``coordination.CalendarOverridden`` and ``meta``."""
        return cls._create(cls.CalendarOverridden, **fields)

def change_of(e) -> CalendarChange:  # noqa: ANN001
    """The change a stored ``CalendarOverridden`` event records."""
    return CalendarChange.from_payload(vars(e))


def history_entry(e) -> dict:  # noqa: ANN001
    """One recorded change as the calendar's history shows it (from the stored domain event)."""
    return {"change_no": e.change_no, "year": e.year, "overrides": dict(sorted(e.overrides.items())),
            "announced": e.announced, "reason": e.reason, "changed_by": e.meta["actor"],
            "changed_at": e.meta["occurred_at"]}
