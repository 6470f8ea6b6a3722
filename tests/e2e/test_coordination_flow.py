"""The case end to end over HTTP: four departments in parallel, 容缺受理, 补正 across the 2026
National Day holiday, a cross-level request, a joint review, completion; a second case terminated."""

from __future__ import annotations

from tests.e2e.coordination_support import act, case, events, item, on
from tests.support import confirm_closure, open_case

ITEMS = [2, 7, 10, 22, 24]  # fgw, zrzy, zjj, yjgl (no agent in 附件11), sthj


def test_a_case_from_acceptance_to_completion(api, clock):
    on(clock, 2026, 9, 21)  # Monday
    case_id = open_case(api, in_park=False, items=ITEMS)
    body = case(api, case_id, "window_agent")
    assert body["status"] == "open" and body["case_agent"]["username"] == "window_agent"
    assert {i["department"]["code"] for i in body["items"]} == {"fgw", "zrzy", "zjj", "yjgl", "sthj"}
    assert item(body, 7)["assignee"]["name"] == "肖健" and item(body, 7)["status"] == "pending"
    gap = item(body, 22)
    assert gap["assignee_gap"] is True and "区应急管理局" in gap["assignee_gap_reason"] and gap["assignee"] is None
    opened = events(api, case_id=case_id, type_="coordination.CaseOpened")
    assert len(opened) == 1 and [i["assignee_gap"] for i in opened[0].payload["items"] if i["item_no"] == 22] == [True]

    # the declaration plan: refused when it names an undelegated item or has a cycle; versions kept
    steps = [{"item_no": 2, "planned_start": "2026-09-21", "planned_finish": "2026-10-09"},
             {"item_no": 7, "planned_start": "2026-09-21", "planned_finish": "2026-10-20"},
             {"item_no": 10, "planned_start": "2026-10-21", "planned_finish": "2026-11-06", "after": [7]}]
    bad = api.put(f"/coordination/cases/{case_id}/plan", "window_agent", json={"steps": [*steps, {"item_no": 3}]})
    assert bad.status_code == 422 and "不是本案件的委托事项" in bad.text
    cycle = [{**steps[0], "after": [10]}, steps[1], {**steps[2], "after": [2], "planned_start": None}]
    bad = api.put(f"/coordination/cases/{case_id}/plan", "window_agent", json={"steps": cycle})
    assert bad.status_code == 422 and "循环" in bad.text
    assert api.put(f"/coordination/cases/{case_id}/plan", "dept_zjj", json={"steps": steps}).status_code == 403
    assert api.put(f"/coordination/cases/{case_id}/plan", "window_agent", json={"steps": steps[:2]}).status_code == 200
    r = api.put(f"/coordination/cases/{case_id}/plan", "window_agent", json={"steps": steps})
    assert r.status_code == 200 and r.json()["plan"]["version"] == 2 and len(r.json()["plan_versions"]) == 2

    r = api.post(f"/coordination/cases/{case_id}/notifications", "window_agent", json={"items": [
        {"item_no": 7, "requirements": ["用地预审申请表", "项目选址红线图"]},
        {"item_no": 24, "requirements": ["环境影响登记表"]}]})
    assert r.status_code == 201

    # four departments in parallel
    for no, agent in [(2, "dept_fgw"), (7, "dept_zrzy"), (10, "dept_zjj"), (24, "dept_sthj")]:
        act(api, case_id, no, "file", agent)
    act(api, case_id, 2, "approve", "dept_fgw", expect=409)  # received, not yet accepted
    act(api, case_id, 7, "accept", "dept_zjj", expect=403)  # not its department
    act(api, case_id, 7, "accept", "dept_zrzy")
    act(api, case_id, 7, "accept", "dept_zrzy")  # a retry: no second event
    assert len(events(api, case_id=case_id, type_="coordination.ItemStateChanged")) == 5
    act(api, case_id, 2, "accept", "dept_fgw")
    act(api, case_id, 10, "accept", "dept_zjj")
    r = act(api, case_id, 24, "accept_with_deficiency", "dept_sthj", missing_materials=["排污许可证复印件"], until="2026-10-16")
    assert r["item"]["status"] == "accepted_with_deficiency" and r["item"]["missing_materials"] == ["排污许可证复印件"]
    assert r["item"]["until"] == "2026-10-16" and r["item"]["due_date"] == "2026-10-12"
    wrong = act(api, case_id, 7, "correction_done", "dept_zrzy", expect=409)
    assert "不能补正完成" in wrong["detail"]

    on(clock, 2026, 9, 28)  # 补正 across the National Day holiday (10-01..10-07; 10-10 a make-up working day)
    r = act(api, case_id, 7, "request_correction", "dept_zrzy", missing_materials=["项目选址红线图（盖章）"])
    assert r["item"]["paused"] is True
    act(api, case_id, 10, "start_special_procedure", "dept_zjj", note="专家评审")
    act(api, case_id, 7, "approve", "dept_zrzy", expect=409)
    on(clock, 2026, 10, 9)
    assert item(case(api, case_id), 7)["paused"] is True
    act(api, case_id, 10, "end_special_procedure", "dept_zjj")
    act(api, case_id, 24, "approve", "dept_sthj")  # materials still missing: 办结（容缺通过）
    on(clock, 2026, 10, 12)
    r = act(api, case_id, 7, "correction_done", "dept_zrzy")
    # accepted 09-21, 10 promised working days + 6 paused (09-29, 09-30, 10-08, 10-09, 10-10, 10-12)
    assert r["item"]["due_date"] == "2026-10-20" and r["item"]["paused"] is False
    assert r["item"]["paused_workdays"] == 6 and r["item"]["due_date_estimated"] is False

    # cross-level request (附件7) and its result
    r = api.post(f"/coordination/cases/{case_id}/cross-level-requests", "window_agent", json={
        "items": [2], "reason": "需市发改委出具意见", "required_documents": ["项目申请报告"],
        "requested_unit": "乌海市代办帮办中心", "project_contact": {"name": "王建国", "phone": "15714730770"},
        "agent_phone": "0473-1234567"})
    assert r.status_code == 201, r.text
    request_id = r.json()["request_id"]
    assert r.json()["region"] == "海南区（150303）" and r.json()["helper"]["phone"] == "0473-1234567"
    r = api.post(f"/coordination/cases/{case_id}/cross-level-requests/{request_id}/result", "window_agent",
                 json={"result": "市发改委已出具意见", "assisted_by": {"name": "赵敏", "phone": "13947300000"}})
    assert r.status_code == 200 and r.json()["answer"]["on_time"] is True

    r = api.post(f"/coordination/cases/{case_id}/joint-reviews", "window_agent", json={
        "date": "2026-10-12", "departments": ["zrzy", "zjj", "sthj"], "items": [7, 10, 24], "conclusion": "同意并联办理"})
    assert r.status_code == 201
    r = api.post(f"/coordination/cases/{case_id}/combined-services", "window_agent",
                 json={"kind": "multi_drawing_review", "items": [10, 22]})
    assert r.status_code == 201

    r = api.post(f"/coordination/cases/{case_id}/completion", "window_agent", json={"materials_returned": True})
    assert r.status_code == 409 and "尚有事项未办结" in r.json()["detail"]

    on(clock, 2026, 10, 14)
    for no, agent in [(2, "dept_fgw"), (7, "dept_zrzy"), (10, "dept_zjj")]:
        act(api, case_id, no, "approve", agent)
    assert item(case(api, case_id), 24)["status"] == "concluded_with_deficiency"
    act(api, case_id, 22, "withdraw", "window_agent", note="申请人自行办理")

    r = api.post(f"/coordination/cases/{case_id}/completion", "window_agent", json={"materials_returned": False})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "materials_returned"
    returned = ["投资项目备案证明", "建设用地规划许可证", "建设工程规划许可证"]
    r = api.post(f"/coordination/cases/{case_id}/completion", "window_agent", json={"materials_returned": returned, "note": "资料已移交"})
    assert r.status_code == 200 and r.json()["status"] == "awaiting_confirmation", r.text
    assert r.json()["closure_proposal"]["returned_materials"] == returned
    assert not events(api, case_id=case_id, type_="coordination.CaseCompleted")  # 经双方认可: not yet
    assert confirm_closure(api, case_id)["closure"]["returned_materials"] == returned
    done = events(api, case_id=case_id, type_="coordination.CaseCompleted")
    assert len(done) == 1 and done[0].payload["completed_on"] == "2026-10-14"
    outcomes = {i["item_no"]: (i["outcome"], i["on_time"]) for i in done[0].payload["items"]}
    assert outcomes[24] == ("concluded_with_deficiency", True) and outcomes[7] == ("approved", True)
    act(api, case_id, 2, "refuse", "dept_fgw", expect=409)
    assert api.get(f"/coordination/cases/{case_id}", "applicant").status_code == 200
    assert api.get(f"/coordination/cases/{case_id}", "applicant2").status_code == 404


def test_a_case_terminated(api, clock):
    case_id = open_case(api, applicant="applicant2", in_park=True, items=[7, 9])
    assert case(api, case_id, "park_agent")["case_agent"]["username"] == "park_agent"
    act(api, case_id, 7, "file", "dept_zrzy")
    r = api.post(f"/coordination/cases/{case_id}/termination", "window_agent", json={"reason": "材料不实"})
    assert r.status_code == 403
    r = api.post(f"/coordination/cases/{case_id}/termination", "park_agent",
                 json={"reason": "申报材料弄虚作假", "reason_code": "falsified_materials"})
    assert r.status_code == 200 and r.json()["status"] == "awaiting_confirmation"
    assert confirm_closure(api, case_id, "applicant2")["status"] == "terminated"
    assert api.post(f"/coordination/cases/{case_id}/termination", "park_agent",
                    json={"reason": "x", "reason_code": "nonsense"}).status_code == 422
    act(api, case_id, 7, "accept", "dept_zrzy", expect=409)
    (ended,) = events(api, case_id=case_id, type_="coordination.CaseTerminated")
    assert ended.payload["reason_code"] == "falsified_materials" and ended.payload["applicant"]["credit_code"]
    assert api.get(f"/coordination/cases/{case_id}", "applicant").status_code == 404


def test_the_acceptance_event_delivered_twice_opens_one_case(api):
    case_id = open_case(api, in_park=False, items=[2, 7])
    (accepted,) = events(api, "intake", case_id=case_id, type_="intake.ApplicationAccepted")
    coordination = api.runtime.services.coordination
    assert coordination.consume(accepted) is False  # the relay delivered it already
    assert coordination.consume(accepted) is False
    republished = accepted.model_copy(update={"position": accepted.position + 10_000})
    assert coordination.consume(republished) is True  # a new position is processed … but opens nothing
    assert coordination.consume(republished) is False
    assert len(events(api, case_id=case_id, type_="coordination.CaseOpened")) == 1
    assert [c["case_id"] for c in coordination.case_summaries()].count(case_id) == 1


def test_case_agent_reassignment_stays_within_the_service_point_and_visibility(api):
    """属地服务 (seed 三(一)) and 代办人无转委托权 (附件5): a case moves only to another agent of its own service
    point; at the park that includes 区贸易促进会 (seed 一(二)4: 工业园区管委会和区贸易促进会承担园区内的投资项目代办帮办职责)."""
    case_id = open_case(api, in_park=True, items=[2, 24])
    r = api.post(f"/coordination/cases/{case_id}/reassignment", "supervisor", json={"username": "cpit_agent", "reason": "工作调整"})
    assert r.status_code == 200 and r.json()["case_agent"]["username"] == "cpit_agent", r.text
    assert r.json()["case_agent"]["department"] == "cpit"
    r = api.post(f"/coordination/cases/{case_id}/reassignment", "supervisor", json={"username": "window_agent", "reason": "x"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "username" and "属地服务" in r.text, r.text
    assert api.post(f"/coordination/cases/{case_id}/reassignment", "supervisor",
                    json={"username": "dept_fgw", "reason": "x"}).status_code == 422
    r = api.post(f"/coordination/cases/{case_id}/notifications", "park_agent", json={"items": [{"item_no": 2, "requirements": ["a"]}]})
    assert r.status_code == 403
    assert len(events(api, case_id=case_id, type_="coordination.CaseAgentReassigned")) == 1
    assert api.get(f"/coordination/cases/{case_id}", "dept_zjj").status_code == 403
    assert [c["case_id"] for c in api.get("/coordination/cases", "dept_sthj").json()] == [case_id]
    assert api.get("/coordination/cases", "applicant2").json() == []
