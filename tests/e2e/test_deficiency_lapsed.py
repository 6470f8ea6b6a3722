"""容缺受理 whose materials are not supplied by the promised date (`until`): recorded once (an event, a flag on
the item, a figure in the scorecard), and approving such an item needs a recorded reason.  The seed (三(七))
says "推行容缺受理和告知承诺制" and no more; what happens when the applicant's promise is not kept is our
choice (README, "How a case runs")."""

from __future__ import annotations

from tests.e2e.coordination_support import act, case, item, on
from tests.support import open_case

DEPT = "dept_zrzy"


def accepted_with_deficiency(api, clock) -> str:  # noqa: ANN001
    on(clock, 2026, 11, 17)
    case_id = open_case(api, in_park=False, items=[7])
    act(api, case_id, 7, "file", DEPT)
    act(api, case_id, 7, "accept_with_deficiency", DEPT, missing_materials=["宗地图"], until="2026-11-20")
    return case_id


def test_a_lapsed_promise_is_recorded_once_flagged_and_counted(api, clock):
    case_id = accepted_with_deficiency(api, clock)
    api.runtime.run_scheduled()
    assert item(case(api, case_id), 7)["deficiency_overdue_flags"] == []  # not yet due
    on(clock, 2026, 11, 23)
    api.runtime.run_scheduled()
    api.runtime.run_scheduled()  # the second run records nothing new
    shown = item(case(api, case_id), 7)
    assert shown["deficiency_overdue"] is True and shown["deficiency_overdue_flags"] == ["2026-11-20"]
    api.settle()
    history = api.get(f"/reporting/cases/{case_id}/history", "supervisor").json()["events"]
    lapsed = [e["data"] for e in history if e["type"] == "coordination.ItemDeficiencyOverdue"]
    assert [(d["until"], d["missing_materials"], d["checked_on"]) for d in lapsed] == [("2026-11-20", ["宗地图"], "2026-11-23")]
    reported = item(api.get(f"/reporting/cases/{case_id}", "supervisor").json(), 7)
    assert reported["deficiency_overdue_on"] == "2026-11-23"
    rows = api.get("/reporting/assessment", "supervisor", params={"period": "2026-11"}).json()["departments"]
    assert {r["department"]: r["deficiency_overdue"] for r in rows}["zrzy"] == 1


def test_approving_with_the_promise_lapsed_needs_a_reason(api, clock):
    case_id = accepted_with_deficiency(api, clock)
    on(clock, 2026, 11, 24)
    r = api.post(f"/coordination/cases/{case_id}/items/7/actions", DEPT, json={"action": "approve"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "note" and "宗地图" in r.text
    done = act(api, case_id, 7, "approve", DEPT, note="宗地图已由不动产登记中心内部调取，不影响审批结论")["item"]
    assert done["status"] == "concluded_with_deficiency"


def test_materials_supplied_in_time_are_nothing_to_record(api, clock):
    case_id = accepted_with_deficiency(api, clock)
    on(clock, 2026, 11, 19)
    act(api, case_id, 7, "correction_done", DEPT)  # 容缺材料补齐
    on(clock, 2026, 11, 24)
    api.runtime.run_scheduled()
    assert item(case(api, case_id), 7)["deficiency_overdue_flags"] == []
    assert act(api, case_id, 7, "approve", DEPT)["item"]["status"] == "approved"
