"""A calendar override is an event every service applies (both runtimes): coordination's item due dates,
evaluation's rectification deadlines and reporting's dates move at once, the change is in the history
(who, when, why), and it holds after a restart."""

from __future__ import annotations

import pytest

from tests.e2e.coordination_support import act, on
from tests.e2e.evaluation_support import conclude_case, rate
from tests.support import open_case

# Mon 30 Nov 2026: the next seven weekdays (Tue 1 – Wed 9 Dec) become holidays.
HOLIDAYS = ["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-07", "2026-12-08", "2026-12-09"]
REASON = "临时停电检修，全区政务服务暂停（测试）"


def _override(api):  # noqa: ANN001, ANN202
    """The override; its ``X-Bangnin-Position`` is what a later command names to see the change applied."""
    body = {"overrides": dict.fromkeys(HOLIDAYS, "holiday"), "announced": True, "reason": REASON}
    r = api.put("/coordination/calendar/overrides/2026", "admin", json=body)
    assert r.status_code == 200, r.text
    return r.json() | {"position": r.headers["X-Bangnin-Position"]}


def _item(view: dict, no: int) -> dict:
    return next(i for i in view["items"] if i["item_no"] == no)


def _rectification_due(api, case_id: str, as_: str = "applicant", after: str | None = None) -> tuple[str, str]:  # noqa: ANN001
    """A 差评 and its rectification's due date; ``after``: the calendar change evaluation must have applied
    first (in the distributed runtime it reaches evaluation through the broker)."""
    if after is None:
        r = rate(api, case_id, "dissatisfied", as_=as_, comment="材料来回跑了三次")
    else:
        r = api.post(f"/evaluation/cases/{case_id}/rating", as_, headers={"X-Bangnin-After": after},
                     json={"level": "dissatisfied", "channel": "portal", "comment": "材料来回跑了三次"})
    assert r.status_code == 201, r.text
    rect_id = r.json()["rectification_id"]
    return rect_id, api.get(f"/evaluation/rectifications/{rect_id}", "supervisor").json()["due_date"]


@pytest.mark.timeout(900)  # distributed: two deployments start (four processes each) on shared cores
def test_an_override_moves_every_services_deadlines_is_in_the_history_and_holds_after_a_restart(api_factory, clock):
    with api_factory() as api:
        on(clock, 2026, 11, 17)  # Tue: item 7 accepted today is due on the 10th working day
        case_id = open_case(api, in_park=False, items=[7])
        act(api, case_id, 7, "file", "dept_zrzy")
        assert act(api, case_id, 7, "accept", "dept_zrzy")["item"]["due_date"] == "2026-12-01"
        rated_before = conclude_case(api, items=[2])
        rated_now = conclude_case(api, items=[2])
        rated_after_restart = conclude_case(api, items=[2], applicant="applicant2")

        on(clock, 2026, 11, 30)  # Mon
        open_rect, due = _rectification_due(api, rated_before)
        assert due == "2026-12-07"  # 1, 2, 3, 4, 7 Dec
        view = _override(api)
        assert view["holidays_on_weekdays"][-len(HOLIDAYS):] == HOLIDAYS
        [change] = view["changes"]
        assert change["reason"] == REASON and change["year"] == 2026 and change["change_no"] == 1
        assert change["changed_by"]["username"] == "admin" and change["changed_at"].startswith("2026-11-30T09:00")

        # coordination: the running item's due date skips the holidays (9 working days done by 30 Nov)
        item = _item(api.get(f"/coordination/cases/{case_id}", "window_agent").json(), 7)
        assert item["due_date"] == "2026-12-10"
        # evaluation: a 差评 today is due 5 working days on, after the holidays (10, 11, 14, 15, 16 Dec)
        rect_id, due = _rectification_due(api, rated_now, after=view["position"])
        assert due == "2026-12-16"
        api.settle()  # and the rectification opened before the change is due then too
        assert api.get(f"/evaluation/rectifications/{open_rect}", "supervisor").json()["due_date"] == "2026-12-16"
        # reporting: the same dates, and its own calendar says the item is near due (1 working day left)
        shown = api.get(f"/reporting/cases/{case_id}", "supervisor").json()
        assert _item(shown, 7)["due_date"] == "2026-12-10" and _item(shown, 7)["near_due"] is True
        for rated in (rated_now, rated_before):
            assert api.get(f"/reporting/cases/{rated}", "supervisor").json()["rectifications"][0]["due_date"] == "2026-12-16"
        rect_history = api.get(f"/reporting/cases/{rated_before}/history", "supervisor").json()["events"]
        assert [(e["data"]["previous_due_date"], e["data"]["due_date"]) for e in rect_history
                if e["type"] == "evaluation.RectificationDueDateMoved"] == [("2026-12-07", "2026-12-16")]

        # the history: the case says why its due date moved; the reference history says who changed what, why
        history = api.get(f"/reporting/cases/{case_id}/history", "supervisor").json()["events"]
        moved = [e for e in history if e["type"] == "coordination.ItemDueDateMoved"]
        assert [(e["data"]["previous_due_date"], e["data"]["due_date"], e["actor"]["username"]) for e in moved] == [
            ("2026-12-01", "2026-12-10", "admin")]
        changes = api.get("/reporting/reference-history", "supervisor").json()["events"]
        calendar = [e for e in changes if e["type"] == "coordination.CalendarOverridden"]
        assert [(e["case_id"], e["actor"]["username"], e["data"]["reason"], e["data"]["overrides"]) for e in calendar] == [
            ("calendar:2026", "admin", REASON, dict.fromkeys(HOLIDAYS, "holiday"))]
        assert calendar[0]["occurred_at"].startswith("2026-11-30T09:00")
        assert any(e["type"] == "evaluation.CalendarOverrideAdopted" for e in changes)
        assert api.get("/reporting/reference-history", "applicant").status_code == 403

        # the same table again records nothing
        assert _override(api)["changes"] == [change]

    with api_factory() as api:  # a restart on the same data: every service rebuilds its calendar from its own data
        assert _item(api.get(f"/coordination/cases/{case_id}", "window_agent").json(), 7)["due_date"] == "2026-12-10"
        assert _rectification_due(api, rated_after_restart, "applicant2")[1] == "2026-12-16"
        api.settle()
        assert _item(api.get(f"/reporting/cases/{case_id}", "supervisor").json(), 7)["near_due"] is True
        assert api.get("/coordination/calendar/2026", "applicant").json()["changes"] == [change]
        assert api.get(f"/evaluation/rectifications/{rect_id}", "supervisor").json()["due_date"] == "2026-12-16"


def test_an_override_does_not_move_concluded_items_nor_what_is_not_in_its_year(api, clock):
    on(clock, 2026, 11, 17)
    case_id = open_case(api, in_park=False, items=[7, 9])
    for no in (7, 9):
        act(api, case_id, no, "file", "dept_zrzy")
        act(api, case_id, no, "accept", "dept_zrzy")
    act(api, case_id, 9, "approve", "dept_zrzy")
    on(clock, 2026, 11, 30)
    body = {"overrides": {"2027-01-04": "holiday"}, "announced": False, "reason": "2027年预排"}
    assert api.put("/coordination/calendar/overrides/2027", "admin", json=body).status_code == 200
    _override(api)
    api.settle()
    history = api.get(f"/reporting/cases/{case_id}/history", "supervisor").json()["events"]
    moved = [e["data"] for e in history if e["type"] == "coordination.ItemDueDateMoved"]
    assert [(m["item_no"], m["calendar_change_no"]) for m in moved] == [(7, 2)]  # not the concluded item 9
    assert api.get("/coordination/calendar/2027", "admin").json()["estimated"] is True  # not announced
    assert [c["change_no"] for c in api.get("/coordination/calendar/2027", "admin").json()["changes"]] == [1]
