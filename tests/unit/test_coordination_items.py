"""The item state machine and the Case aggregate without any infrastructure."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.errors import Conflict, Forbidden, Invalid
from shared.workcalendar import WorkCalendar
from services.coordination import items as sm
from services.coordination.domain import Case

META = {"actor": {"username": "window_agent"}, "occurred_at": "2026-09-21T09:00:00+08:00"}
CAL = WorkCalendar()


def new_case() -> Case:
    item = {"item_no": 7, "name": "用地预审", "department": "zrzy", "stage": 1, "promised_days": 10,
            "statutory_days": 20, "assignees": [], "assignee_gap": True, "assignee_gap_reason": "x"}
    return Case.open(case_id="BN1", service_point="district", case_agent={"username": "window_agent"},
                applicant={"name": "A", "credit_code": None}, project={"name": "P", "code": None}, unit_name="A",
                channel="portal", items=[item], opened_on="2026-09-21", delegation_no=1, meta=META)


def run(case: Case, action: str, day: dt.date, **kw) -> None:
    case.act(7, action, note=kw.get("note"), missing_materials=kw.get("missing", []), until=kw.get("until"),
             today=day, calendar=CAL, acceptance_workdays=5, meta=META)


@pytest.mark.parametrize("action", ["accept", "approve", "correction_done", "end_special_procedure"])
def test_pending_item_refuses_with_a_chinese_reason(action):
    with pytest.raises(Conflict) as e:
        sm.plan_transition(action, sm.PENDING, None, False)
    assert "待申报" in e.value.message and "请先申报" in e.value.message


def test_concluded_items_accept_nothing():
    for status in sm.CONCLUDED:
        for action in sm.ACTIONS:
            with pytest.raises(Conflict):
                sm.plan_transition(action, status, None, True)


def test_deficiency_then_conclusion():
    assert sm.plan_transition("approve", sm.DEFICIENT, None, True).to_status == sm.CONCLUDED_DEFICIENT
    assert sm.plan_transition("correction_done", sm.DEFICIENT, None, True).to_status == sm.ACCEPTED
    t = sm.plan_transition("end_special_procedure", sm.SPECIAL, sm.DEFICIENT, True)
    assert t.to_status == sm.DEFICIENT and t.resumes


def test_correction_before_acceptance_does_not_pause_a_clock():
    t = sm.plan_transition("request_correction", sm.RECEIVED, None, False)
    assert t.to_status == sm.CORRECTION and not t.pauses


def test_case_item_clock_pauses_and_resumes():
    c = new_case()
    run(c, "file", dt.date(2026, 9, 21))
    run(c, "accept_with_deficiency", dt.date(2026, 9, 21), missing=["营业执照副本"], until="2026-10-16")
    run(c, "request_correction", dt.date(2026, 9, 28), missing=["红线图"])
    assert c.items[7]["status"] == sm.CORRECTION and c.items[7]["missing_materials"] == ["红线图"]
    run(c, "correction_done", dt.date(2026, 10, 12))
    i = c.items[7]
    assert i["status"] == sm.DEFICIENT and i["missing_materials"] == ["营业执照副本"] and i["until"] == "2026-10-16"
    assert i["pauses"] == [["2026-09-28", "2026-10-12"]]
    assert c.due(7, CAL, dt.date(2026, 10, 13)).due_date == dt.date(2026, 10, 20)
    run(c, "correction_done", dt.date(2026, 10, 13), note="容缺材料已补齐")
    assert c.items[7]["status"] == sm.ACCEPTED and c.items[7]["deficiency"] is None
    run(c, "approve", dt.date(2026, 10, 14))
    assert c.items[7]["status"] == sm.APPROVED and c.unfinished() == []


def test_retry_records_nothing_new_and_deficiency_needs_materials():
    c = new_case()
    run(c, "file", dt.date(2026, 9, 21))
    version = c.version
    run(c, "file", dt.date(2026, 9, 21))
    assert c.version == version
    with pytest.raises(Invalid) as e:
        run(c, "accept_with_deficiency", dt.date(2026, 9, 21))
    assert e.value.field == "missing_materials"
    with pytest.raises(Invalid) as e:
        run(c, "accept_with_deficiency", dt.date(2026, 9, 21), missing=["x"], until="2026-09-01")
    assert e.value.field == "until"


def test_completion_lists_unfinished_items_and_termination_needs_both_sides():
    c, day = new_case(), dt.date(2026, 9, 22)
    with pytest.raises(Conflict) as e:
        c.propose_closure("completion", "agent", today=day, meta=META)
    assert "7（用地预审，待申报）" in e.value.message
    assert c.propose_closure("termination", "agent", reason="不具备办理条件", reason_code="conditions_not_met", today=day, meta=META)
    assert c.status == "awaiting_confirmation"
    assert not c.propose_closure("termination", "agent", reason="不具备办理条件", reason_code="conditions_not_met",
                                 today=day, meta=META)  # a retry
    with pytest.raises(Conflict):  # a different proposal while one waits
        c.propose_closure("termination", "agent", reason="again", reason_code="other", today=day, meta=META)
    with pytest.raises(Conflict):  # the items wait too
        run(c, "file", dt.date(2026, 9, 23))
    with pytest.raises(Forbidden):  # 经双方认可: not the side that signed
        c.confirm_closure("agent", "online", today=day, calendar=CAL, meta=META)
    assert c.confirm_closure("applicant", "online", today=day, calendar=CAL, meta=META)
    assert c.status == "terminated" and c.closure["confirmation"]["side"] == "applicant"
    assert c.confirm_closure("applicant", "online", today=day, calendar=CAL, meta=META) is False
