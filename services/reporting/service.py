"""The reporting service: its store, its projector, and the queries the API and the CLI ask."""

from __future__ import annotations

from datetime import datetime

from shared.clock import Clock, today
from shared.contracts import PUBLISHERS
from shared.settings import Settings
from shared.contracts import IntegrationEvent
from shared.contracts.calendar import CalendarOverridden, CalendarOverrideAdopted
from shared.contracts.coordination import AgentRegisterChanged
from shared.sealing import Sealer, sealer_for
from shared.workcalendar import CalendarChange, CalendarSource, WorkCalendar
from services.reporting.caseview import case_view
from services.reporting.events import history_entry, sort_key
from services.reporting.figures import Basis
from services.reporting.monthly import monthly_report
from services.reporting.projector import CASES, Projector
from services.reporting.store import ReadStore
from services.reporting.supervision import COMPLAINT_TYPES, SUBMISSION_TYPE, complaints, submissions
from services.reporting import third_party

WRITERS = PUBLISHERS  # upstream first
CALENDAR_CHANGED = CalendarOverridden.event_type
# reference data: who changed the calendar or the agent register, and when evaluation adopted a calendar change
REFERENCE_TYPES = (CALENDAR_CHANGED, CalendarOverrideAdopted.event_type, AgentRegisterChanged.event_type)


def calendar_change(event_type: str, payload: dict) -> CalendarChange | None:
    """The calendar change an event records, if it records one (pure)."""
    return CalendarChange.from_payload(payload) if event_type == CALENDAR_CHANGED else None


class ReportingService:
    service_name = "reporting"

    def __init__(self, store: ReadStore, clock: Clock, calendar: CalendarSource, settings: Settings) -> None:
        self.store = store
        # personal data and free text are sealed in the read store, opened here for whoever reads
        self.sealer: Sealer = sealer_for(settings.resolved_cipher_key)
        self.projector = Projector(store, self.sealer)
        self.clock = clock
        self.calendar_source = calendar
        self.settings = settings
        # The calendar changes are in the audit log like every event: fold them again on start.
        calendar.apply(*(calendar_change(row["type"], row["payload"]) for row in store.events_of_type(CALENDAR_CHANGED)))

    @property
    def calendar(self) -> WorkCalendar:
        return self.calendar_source.current

    def consume(self, event: IntegrationEvent) -> bool:
        """Project one event (exactly once); a calendar change is then applied to the process's calendar."""
        new = self.projector.handle(event)
        if change := calendar_change(event.type, event.payload):
            self.calendar_source.apply(change)
        return new

    def basis(self) -> Basis:
        return Basis(today=today(self.clock), calendar=self.calendar,
                     warning_workdays=self.settings.deadline_warning_workdays,
                     good_includes_basic=self.settings.good_rating_includes_basic,
                     weights=dict(self.settings.assessment_weights))

    # -- queries ---------------------------------------------------------------------------
    def open(self, data):  # noqa: ANN001, ANN201
        """``data`` (a document, an answer built from documents) with every sealed value opened."""
        return self.sealer.open_all(data)

    def case(self, case_id: str) -> dict | None:
        return self.open(self.store.get(CASES, case_id))

    def cases(self) -> list[dict]:
        """Every case document, sealed as stored (figures need none of what is sealed; open what is shown)."""
        return [c for c in self.store.find(CASES) if c.get("status")]

    def history(self, case_id: str, as_of: datetime | None = None) -> tuple[dict | None, list[dict]]:
        """The case's events in order (up to ``as_of``), and the case folded from exactly those."""
        until = sort_key(as_of, "~", 10**11) if as_of else None  # after every event at that instant
        rows = self.store.events_for_case(case_id, until)
        return self.open(case_view(rows)), [history_entry(r) for r in self.open(rows)]

    def verify(self, events: list[dict]) -> list:
        """Where the events shown break the writers' hash chains (``shared.record``); empty when they verify."""
        from shared.record.verify import verify_shown

        return verify_shown(self.settings, events)

    def complaints(self) -> list[dict]:
        """Every complaint (投诉建议), folded from evaluation's events; sealed as stored."""
        return complaints([row for t in COMPLAINT_TYPES for row in self.store.events_of_type(t)])

    def third_party_reports(self) -> list[dict]:
        """The third-party assessors' imported reports, in the order imported; sealed as stored."""
        return third_party.reports(self.store.events_of_type(third_party.REPORT_TYPE))

    def submissions(self, month: str) -> dict[str, dict]:
        """The departments' submissions for the month (YYYY-MM), by department; sealed as stored."""
        return submissions(self.store.events_of_type(SUBMISSION_TYPE), month)

    def monthly(self, year: int, month: int, department: str | None = None, cases: list[dict] | None = None) -> dict:
        return self.open(monthly_report(self.cases() if cases is None else cases, self.basis(), year, month, department,
                                        complaints=self.complaints(), submissions=self.submissions(f"{year:04d}-{month:02d}")))

    def reference_history(self) -> list[dict]:
        """Every change of reference data (the working-day calendar, the agent register), oldest first."""
        rows = [row for event_type in REFERENCE_TYPES for row in self.store.events_of_type(event_type)]
        return [history_entry(r) | {"case_id": r["case_id"]} for r in sorted(self.open(rows), key=lambda r: r["sort_key"])]

    def processed(self, service: str) -> int:
        """How far the read store has got in ``service``'s log (``X-Bangnin-After``)."""
        return self.store.last_position(service)

    def export(self) -> dict:
        """Everything the read side holds (tests compare a live store with a rebuilt one)."""
        return {"events": list(self.store.all_events()), "cases": self.store.find(CASES)}

    def close(self) -> None:
        self.store.close()
