"""The notifications service's pure parts: who is told what (rules.decide), and when a text may go (send_after)."""

from __future__ import annotations

from datetime import datetime, time

from shared.clock import CHINA
from shared.contracts import Actor, IntegrationEvent, Role
from shared.workcalendar import WorkCalendar
from services.notifications.rules import addresses, cross_level_due, decide

WINDOW = (time(8, 30), time(18, 0))
BOOK = {"case_id": "BN1", "project": "碳材料项目", "enterprise": "91150303MA0N123401", "enterprise_name": "示范公司",
        "phone": "15714730770", "service_point": "district", "case_agent": "window_agent",
        "items": {"7": {"name": "建设项目用地预审", "department": "zrzy", "phones": ["15147428699"]}},
        "rectifications": {}, "cross_level": {}}


def event(type_: str, **payload) -> IntegrationEvent:  # noqa: ANN003
    return IntegrationEvent(event_id="e-1", type=type_, schema_version=1, case_id="BN1", service="coordination",
                            position=1, occurred_at=datetime(2026, 11, 17, 9, tzinfo=CHINA),
                            actor=Actor(username="dept_zrzy", role=Role.department_agent), payload=payload)


def test_a_correction_tells_the_applicant_naming_the_materials_with_its_phone():
    d = decide(event("coordination.ItemStateChanged", case_id="BN1", item_no=7, department="zrzy",
                     action="request_correction", from_status="received", to_status="correction",
                     missing_materials=["宗地图"], on_date="2026-11-17"), BOOK)
    (notice,) = d.notices
    assert notice.recipient == "enterprise:91150303MA0N123401" and notice.phones == ("15714730770",)
    assert "宗地图" in notice.text and "碳材料项目" in notice.text and "建设项目用地预审" in notice.text


def test_overdue_tells_the_case_agent_the_department_and_the_supervisor():
    d = decide(event("coordination.ItemOverdue", case_id="BN1", item_no=7, department="zrzy", due_date="2026-10-12",
                     checked_on="2026-10-13"), BOOK)
    assert [n.recipient for n in d.notices] == ["user:window_agent", "department:zrzy", "role:supervisor"]
    assert all("2026-10-12" in n.text for n in d.notices)
    assert [n.phones for n in d.notices] == [(), ("15147428699",), ()]


def test_an_event_that_tells_nobody_only_keeps_the_book():
    d = decide(event("coordination.PlanSet", case_id="BN1", version=1, steps=[]), BOOK)
    assert d.notices == [] and d.book["project"] == "碳材料项目"


def test_an_unanswered_cross_level_request_is_due_on_its_date():
    book = {**BOOK, "cross_level": {"XL1": {"due_date": "2026-11-16", "unit": "自治区政务服务中心"}}}
    assert cross_level_due(book, "2026-11-15") == []
    ((key, notice),) = cross_level_due(book, "2026-11-16")
    assert key == "cross-level-due|XL1|2026-11-16" and notice.recipient == "user:window_agent"


def test_addresses_of_each_kind_of_account():
    assert addresses("dept_zrzy", "department_agent", "zrzy", None, None) == {"user:dept_zrzy", "department:zrzy"}
    assert addresses("park_agent", "park_agent", "gyyq", None, None) == {"user:park_agent", "point:park"}
    assert addresses("supervisor", "supervisor", None, None, None) == {"user:supervisor", "role:supervisor"}
    assert addresses("applicant", "applicant", None, None, "9115") == {"user:applicant", "enterprise:9115"}


def test_a_text_waits_for_the_next_working_morning():
    from services.notifications.sms import send_after

    calendar = WorkCalendar()
    tuesday = datetime(2026, 11, 17, 10, tzinfo=CHINA)
    assert send_after(tuesday, calendar, WINDOW) == tuesday
    assert send_after(tuesday.replace(hour=7), calendar, WINDOW) == tuesday.replace(hour=8, minute=30)
    assert send_after(tuesday.replace(hour=18), calendar, WINDOW) == datetime(2026, 11, 18, 8, 30, tzinfo=CHINA)
    friday_night = datetime(2026, 11, 20, 22, tzinfo=CHINA)
    assert send_after(friday_night, calendar, WINDOW) == datetime(2026, 11, 23, 8, 30, tzinfo=CHINA)
    saturday_make_up_day = datetime(2026, 10, 10, 9, tzinfo=CHINA)  # a working Saturday (National Day 2026)
    assert calendar.is_workday(saturday_make_up_day.date())
    assert send_after(saturday_make_up_day, calendar, WINDOW) == saturday_make_up_day


def test_the_inbox_is_answered_by_notifications():
    from shared.positions import answering_service

    assert answering_service("/inbox") == answering_service("/inbox/abc/read") == "notifications"
    assert answering_service("/notifications/sms") == "notifications"
    assert answering_service("/coordination/cases/BN1") == "coordination"


def test_a_missing_monthly_submission_is_reminded_to_the_department_and_flagged_to_the_office_too():
    phones = {"zjj": ["13604738371"]}
    reminded = decide(event("evaluation.MonthlySubmissionReminded", department="zjj", month="2026-04",
                            due_by="2026-05-15", reminded_on="2026-05-11"), None, department_phones=phones)
    (notice,) = reminded.notices
    assert (notice.kind, notice.recipient, notice.phones) == ("submission_due", "department:zjj", ("13604738371",))
    assert notice.link == "/submissions/2026-04" and "2026年4月" in notice.text and "2026-05-15" in notice.text
    late = decide(event("evaluation.MonthlySubmissionOverdue", department="zjj", month="2026-04",
                        due_by="2026-05-15", detected_on="2026-05-16"), None, department_phones=phones)
    assert [(n.kind, n.recipient, n.phones) for n in late.notices] == [
        ("submission_late", "department:zjj", ("13604738371",)), ("submission_late", "role:supervisor", ())]
    assert "区住房和城乡建设局" in late.notices[1].text and late.notices[1].link == "/reports/2026-04"


def test_the_reminder_day_is_the_10th_or_the_next_working_day():
    from shared.contracts.supervision import submission_reminder_day

    calendar = WorkCalendar()
    assert submission_reminder_day(2026, 11, calendar.is_workday).isoformat() == "2026-12-10"  # a Thursday
    assert submission_reminder_day(2026, 4, calendar.is_workday).isoformat() == "2026-05-11"  # the 10th a Sunday
    assert submission_reminder_day(2026, 9, calendar.is_workday).isoformat() == "2026-10-10"  # a make-up Saturday
