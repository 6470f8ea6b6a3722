"""The evaluation service consuming hand-built coordination IntegrationEvents (real SQLite store, no HTTP):
the application's lookups around the pure consumer, and exactly-once over redelivery."""

from __future__ import annotations

from datetime import datetime

import pytest

from shared.clock import CHINA, ManualClock
from shared.contracts import Actor, IntegrationEvent, Role
from shared.errors import Conflict
from shared.workcalendar import CalendarSource
from services.evaluation.application import EvaluationService

AGENT = {"username": "park_agent", "name": "园区代办员", "department": "gyyq"}
APPLICANT = {"name": "乌海市海南区示范新材料有限公司", "credit_code": "91150303MA0N123401"}


@pytest.fixture
def service(tmp_path):
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "evaluation.sqlite")}
    app = EvaluationService(env=env, clock=ManualClock(datetime(2026, 11, 2, 9, 0, tzinfo=CHINA)),
                            calendar=CalendarSource.load())
    yield app
    app.close()


def event(kind: str, position: int, **payload) -> IntegrationEvent:
    return IntegrationEvent(
        event_id=f"e-{position}", type=f"coordination.{kind}", schema_version=1, case_id=payload["case_id"],
        service="coordination", position=position, occurred_at=datetime(2026, 11, 2, 9, 0, tzinfo=CHINA),
        actor=Actor(username="park_agent", role=Role.park_agent), payload=payload)


def completed(case_id: str, position: int) -> IntegrationEvent:
    return event("CaseCompleted", position, case_id=case_id, completed_on="2026-11-02", note=None,
                 materials_returned=True, service_point="park", case_agent=AGENT, applicant=APPLICANT,
                 project={"name": "碳材料项目", "code": None},
                 items=[{"item_no": 7, "department": "zrzy", "outcome": "approved", "accepted_on": "2026-10-20",
                         "concluded_on": "2026-10-30", "due_date": "2026-11-10", "on_time": True}])


def test_opened_case_cannot_be_rated_until_it_is_completed(service):
    opened = event("CaseOpened", 1, case_id="BN1", service_point="park", case_agent=AGENT, applicant=APPLICANT,
                   project={"name": "碳材料项目"}, unit_name=APPLICANT["name"], channel="portal", items=[],
                   opened_on="2026-10-01")
    assert service.consume(opened) is True
    case = service.case("BN1")
    assert not case.concluded and case.applicant["credit_code"] == APPLICANT["credit_code"]
    with pytest.raises(Conflict):
        case.rate(level="satisfied", channel="portal", comment=None, rater={}, real_name=True,
                  today=service.today(), request_key=None, meta={})
    assert service.consume(completed("BN1", 2)) is True
    assert service.case("BN1").outcome == "completed" and service.case("BN1").items == [{"item_no": 7, "department": "zrzy"}]


def test_duplicated_completion_opens_one_invitation(service):
    assert service.consume(completed("BN2", 5)) is True  # no CaseOpened seen: registered and invited at once
    assert service.consume(completed("BN2", 5)) is False  # same position: skipped by the tracking record
    assert service.consume(completed("BN2", 9)) is True  # same case published again: processed, nothing new
    terminated = event("CaseTerminated", 10, case_id="BN2", terminated_on="2026-11-03", reason="x",
                       reason_code="other", service_point="park", case_agent=AGENT, applicant=APPLICANT,
                       project={"name": "碳材料项目"})
    assert service.consume(terminated) is True
    index = service.catch_up(service.index)
    assert list(index.cases) == ["BN2"] and index.cases["BN2"].outcome == "completed"
    types = [type(service.mapper.to_domain_event(n)).__name__
             for n in service.recorder.select_notifications(start=1, limit=100)]
    assert types == ["CaseRegistered", "RatingInvited"]


def calendar_overridden(change_no: int, position: int, overrides: dict[str, str]) -> IntegrationEvent:
    return event("CalendarOverridden", position, case_id="calendar:2026", change_no=change_no, year=2026,
                 overrides=overrides, announced=True, reason="测试")


def test_a_calendar_change_is_adopted_once_and_counted_on_after_a_restart(tmp_path):
    from datetime import date

    from services.evaluation.calendar_adoption import CalendarAdoption

    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "evaluation.sqlite")}
    clock = ManualClock(datetime(2026, 11, 30, 9, 0, tzinfo=CHINA))
    source = CalendarSource.load()
    app = EvaluationService(env=env, clock=clock, calendar=source)
    assert app.calendar.is_workday(date(2026, 12, 1))
    assert app.consume(calendar_overridden(1, 3, {"2026-12-01": "holiday"})) is True
    assert source.current is app.calendar and not app.calendar.is_workday(date(2026, 12, 1))
    assert app.consume(calendar_overridden(1, 3, {"2026-12-01": "holiday"})) is False  # redelivered: skipped
    assert app.consume(calendar_overridden(1, 7, {"2026-12-01": "holiday"})) is True  # republished elsewhere: nothing new
    assert len(app.stored_events(CalendarAdoption.CalendarOverrideAdopted)) == 1
    app.close()

    again = EvaluationService(env=env, clock=clock, calendar=CalendarSource.load())  # a fresh process
    assert not again.calendar.is_workday(date(2026, 12, 1))
    assert again.calendar.add_workdays(date(2026, 11, 30), 1).date == date(2026, 12, 2)
    again.close()
