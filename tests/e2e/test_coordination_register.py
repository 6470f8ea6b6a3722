"""登记报备: a change of a department's agents is an event of its own stream, and new cases follow it."""

from __future__ import annotations

from tests.e2e.coordination_support import case, events, item, on
from tests.support import open_case


def test_register_change_applies_to_new_cases(api, clock):
    on(clock, 2026, 9, 21)
    before = open_case(api, in_park=False, items=[10, 22])
    change = {"items": [10], "replaced": "白芳", "replacement": {"name": "刘洋", "phone": "13900001111"},
              "effective_on": "2026-09-21", "reason": "白芳调岗"}
    assert api.post("/coordination/agent-register/zjj/changes", "dept_fgw", json=change).status_code == 403
    assert api.post("/coordination/agent-register/zjj/changes", "applicant", json=change).status_code == 403
    bad = api.post("/coordination/agent-register/zjj/changes", "dept_zjj", json={**change, "items": [7]})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "items"
    r = api.post("/coordination/agent-register/zjj/changes", "dept_zjj", json=change)
    assert r.status_code == 201 and r.json()["change_no"] == 1
    assert api.post("/coordination/agent-register/zjj/changes", "dept_zjj", json=change).json()["change_no"] == 1
    (changed,) = events(api, type_="coordination.AgentRegisterChanged")
    assert changed.case_id == "register:zjj" and changed.payload["replaced"]["name"] == "白芳"

    after = open_case(api, in_park=False, items=[10, 22])
    assert item(case(api, after), 10)["assignees"] == [{"name": "刘洋", "phone": "13900001111"}]
    assert item(case(api, before), 10)["assignee"]["name"] == "白芳"  # open cases: handed over by the scheduled
    # check (tests/e2e/test_agents_as_people.py)
    register = api.get("/coordination/agent-register?department=zjj", "supervisor").json()
    assert len(register["changes"]) == 1 and register["assignees"]["10"] == [{"name": "刘洋", "phone": "13900001111"}]


def test_park_joint_review_includes_the_park(api):
    case_id = open_case(api, in_park=True, items=[7, 9])
    r = api.post(f"/coordination/cases/{case_id}/joint-reviews", "park_agent", json={
        "date": "2026-09-22", "departments": ["zrzy"], "items": [7, 9], "conclusion": "同意"})
    assert r.status_code == 201
    again = api.post(f"/coordination/cases/{case_id}/joint-reviews", "park_agent", json={
        "date": "2026-09-22", "departments": ["zrzy"], "items": [7, 9], "conclusion": "同意"})
    assert again.json()["review_no"] == r.json()["review_no"]
    (review,) = case(api, case_id)["joint_reviews"]
    assert review["park_participates"] is True and "gyyq" in review["departments"] and review["kind"] == "联审联办工作会议"
    bad = api.post(f"/coordination/cases/{case_id}/combined-services", "park_agent", json={"kind": "multi_assessment", "items": [7, 3]})
    assert bad.status_code == 422
