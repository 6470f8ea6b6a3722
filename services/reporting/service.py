"""The reporting service: its store, its projector, and the queries the API and the CLI ask."""

from __future__ import annotations

from datetime import datetime

from shared.clock import Clock, today
from shared.settings import Settings
from shared.workcalendar import WorkCalendar
from services.reporting.caseview import case_view
from services.reporting.events import history_entry, sort_key
from services.reporting.figures import Basis
from services.reporting.monthly import monthly_report
from services.reporting.projector import CASES, Projector
from services.reporting.store import ReadStore

WRITERS = ("intake", "coordination", "evaluation")  # upstream first


class ReportingService:
    service_name = "reporting"

    def __init__(self, store: ReadStore, clock: Clock, calendar: WorkCalendar, settings: Settings) -> None:
        self.store = store
        self.projector = Projector(store)
        self.clock = clock
        self.calendar = calendar
        self.settings = settings

    def basis(self) -> Basis:
        return Basis(today=today(self.clock), calendar=self.calendar,
                     warning_workdays=self.settings.deadline_warning_workdays,
                     good_includes_basic=self.settings.good_rating_includes_basic,
                     weights=dict(self.settings.assessment_weights))

    # -- queries ---------------------------------------------------------------------------
    def case(self, case_id: str) -> dict | None:
        return self.store.get(CASES, case_id)

    def cases(self) -> list[dict]:
        return [c for c in self.store.find(CASES) if c.get("status")]

    def history(self, case_id: str, as_of: datetime | None = None) -> tuple[dict | None, list[dict]]:
        """The case's events in order (up to ``as_of``), and the case folded from exactly those."""
        until = sort_key(as_of, "~", 10**11) if as_of else None  # after every event at that instant
        rows = self.store.events_for_case(case_id, until)
        return case_view(rows), [history_entry(r) for r in rows]

    def monthly(self, year: int, month: int, department: str | None = None, cases: list[dict] | None = None) -> dict:
        return monthly_report(self.cases() if cases is None else cases, self.basis(), year, month, department)

    def export(self) -> dict:
        """Everything the read side holds (tests compare a live store with a rebuilt one)."""
        return {"events": list(self.store.all_events()), "cases": self.store.find(CASES)}

    def close(self) -> None:
        self.store.close()
