"""Working-day deadlines: warning one working day ahead, overdue after, each once; 2027 estimated
until an administrator enters its arrangement."""

from __future__ import annotations

from tests.e2e.coordination_support import act, case, events, item, on
from tests.support import open_case


def test_warning_and_overdue_are_emitted_once(api, clock):
    on(clock, 2026, 9, 21)
    case_id = open_case(api, in_park=False, items=[7, 32])
    act(api, case_id, 7, "file", "dept_zrzy")
    act(api, case_id, 7, "accept", "dept_zrzy")  # due 2026-10-12
    act(api, case_id, 32, "file", "dept_rsj")  # not accepted: no clock, no warning

    on(clock, 2026, 10, 8)  # two working days before: nothing yet
    api.runtime.run_scheduled()
    assert events(api, case_id=case_id, type_="coordination.ItemDeadlineWarned") == []

    on(clock, 2026, 10, 10)  # a Saturday make-up working day, one working day before the due date
    api.runtime.run_scheduled()
    api.runtime.run_scheduled()
    (warned,) = events(api, case_id=case_id, type_="coordination.ItemDeadlineWarned")
    assert warned.payload["item_no"] == 7 and warned.payload["due_date"] == "2026-10-12"
    assert item(case(api, case_id), 7)["due_soon"] is True

    on(clock, 2026, 10, 13)
    api.runtime.run_scheduled()
    api.runtime.run_scheduled()
    (overdue,) = events(api, case_id=case_id, type_="coordination.ItemOverdue")
    assert overdue.payload == {**overdue.payload, "item_no": 7, "department": "zrzy", "due_date": "2026-10-12"}
    assert len(events(api, case_id=case_id, type_="coordination.ItemDeadlineWarned")) == 1
    view = item(case(api, case_id), 7)
    assert view["overdue"] is True and view["overdue_flags"] == ["2026-10-12"]


def test_paused_items_are_not_warned(api, clock):
    on(clock, 2026, 9, 21)
    case_id = open_case(api, in_park=False, items=[7])
    act(api, case_id, 7, "file", "dept_zrzy")
    act(api, case_id, 7, "accept", "dept_zrzy")
    on(clock, 2026, 9, 22)
    act(api, case_id, 7, "start_special_procedure", "dept_zrzy", note="听证")
    on(clock, 2026, 10, 20)
    api.runtime.run_scheduled()
    assert events(api, case_id=case_id, type_="coordination.ItemOverdue") == []
    assert item(case(api, case_id), 7)["overdue"] is False


def test_2027_is_estimated_until_an_administrator_enters_it(api, clock):
    r = api.get("/coordination/calendar/2027", "window_agent")
    assert r.status_code == 200 and r.json()["estimated"] is True and r.json()["source"] == "weekdays_guess"
    assert api.get("/coordination/calendar/2026", "window_agent").json()["estimated"] is False

    on(clock, 2026, 12, 24)  # Thursday
    case_id = open_case(api, in_park=False, items=[7])
    act(api, case_id, 7, "file", "dept_zrzy")
    r = act(api, case_id, 7, "accept", "dept_zrzy")
    # 12-25, 28, 29, 30, 31, then 2027 guessed Monday–Friday: 01-01, 04, 05, 06, 07
    assert r["item"]["due_date"] == "2027-01-07" and r["item"]["due_date_estimated"] is True

    body = {"overrides": {"2027-01-01": "holiday"}, "announced": True, "reason": "国务院办公厅2027年节假日安排"}
    assert api.put("/coordination/calendar/overrides/2027", "window_agent", json=body).status_code == 403
    bad = api.put("/coordination/calendar/overrides/2027", "admin", json={**body, "overrides": {"2027-01-01": "rest"}})
    assert bad.status_code == 422 and "overrides" in bad.text
    bad = api.put("/coordination/calendar/overrides/2027", "admin", json={**body, "overrides": {"2028-01-03": "holiday"}})
    assert bad.status_code == 422
    bad = api.put("/coordination/calendar/overrides/2027", "admin", json={"overrides": {"2027-01-01": "holiday"}})
    assert bad.status_code == 422 and "reason" in bad.text
    r = api.put("/coordination/calendar/overrides/2027", "admin", json=body)
    assert r.status_code == 200 and r.json()["estimated"] is False and r.json()["holidays_on_weekdays"] == ["2027-01-01"]
    assert [c["reason"] for c in r.json()["changes"]] == ["国务院办公厅2027年节假日安排"]

    view = item(case(api, case_id), 7)
    assert view["due_date"] == "2027-01-08" and view["due_date_estimated"] is False
    assert api.get("/coordination/calendar/2027", "applicant").json()["source"] == "override"
