"""A few realistic cases through every service, over HTTP, on a manual clock: what an old store holds.

Run by ``python -m tests.upgrade.generate`` with the code of the release that writes the store; never by
the tests (they read the store it wrote).  Every step must succeed: a refusal stops the generator.
"""

from __future__ import annotations

from datetime import datetime

from shared.clock import CHINA, ManualClock
from tests.e2e.evaluation_support import terminate_case
from tests.support import ApiClient, application_body, confirm_closure, delegation_body, open_case

# The moment the scenario ends: the clock the views are exported (and later rebuilt) at.
ENDS_AT = datetime(2026, 11, 20, 17, 0, tzinfo=CHINA)


def _ok(r, *codes: int):  # noqa: ANN001, ANN202
    assert r.status_code in (codes or (200, 201)), f"{r.request.method} {r.request.url}: {r.status_code} {r.text}"
    return r.json()


def _on(clock: ManualClock, month: int, day: int, hour: int = 9) -> None:
    clock.set(datetime(2026, month, day, hour, 0, tzinfo=CHINA))


def _act(api: ApiClient, case_id: str, no: int, action: str, as_: str, **fields) -> dict:
    return _ok(api.post(f"/coordination/cases/{case_id}/items/{no}/actions", as_, json={"action": action, **fields}))


def run(api: ApiClient, clock: ManualClock) -> None:
    window_case(api, clock)
    park_case_rated_well(api, clock)
    terminated_case_with_invalid_complaint(api, clock)
    applications_not_accepted(api, clock)
    overdue_case(api, clock)
    follow_up_draw(api, clock)
    clock.set(ENDS_AT)
    api.runtime.run_scheduled()
    api.settle()


def window_case(api: ApiClient, clock: ManualClock) -> None:
    """The district window: plan, notice, 容缺, 补正 over National Day, special procedure, cross-level request,
    joint review, combined service, an item withdrawn, completion; a 差评 rectified and closed; a 追评."""
    _on(clock, 9, 21)
    items = [2, 7, 10, 22, 24]
    case_id = open_case(api, in_park=False, items=items)
    steps = [{"item_no": 2, "planned_start": "2026-09-21", "planned_finish": "2026-10-09"},
             {"item_no": 7, "planned_start": "2026-09-21", "planned_finish": "2026-10-20"},
             {"item_no": 10, "planned_start": "2026-10-21", "planned_finish": "2026-11-06", "after": [7]}]
    _ok(api.put(f"/coordination/cases/{case_id}/plan", "window_agent", json={"steps": steps[:2]}))
    _ok(api.put(f"/coordination/cases/{case_id}/plan", "window_agent", json={"steps": steps}))
    _ok(api.post(f"/coordination/cases/{case_id}/notifications", "window_agent", json={"items": [
        {"item_no": 7, "requirements": ["用地预审申请表", "项目选址红线图"]},
        {"item_no": 24, "requirements": ["环境影响登记表"]}]}))
    for no, agent in [(2, "dept_fgw"), (7, "dept_zrzy"), (10, "dept_zjj"), (24, "dept_sthj")]:
        _act(api, case_id, no, "file", agent)
    _act(api, case_id, 7, "accept", "dept_zrzy")
    _act(api, case_id, 2, "accept", "dept_fgw")
    _act(api, case_id, 10, "accept", "dept_zjj")
    _act(api, case_id, 24, "accept_with_deficiency", "dept_sthj", missing_materials=["排污许可证复印件"], until="2026-10-16")
    _on(clock, 9, 28)
    _act(api, case_id, 7, "request_correction", "dept_zrzy", missing_materials=["项目选址红线图（盖章）"])
    _act(api, case_id, 10, "start_special_procedure", "dept_zjj", note="专家评审")
    _on(clock, 10, 9)
    _act(api, case_id, 10, "end_special_procedure", "dept_zjj")
    _act(api, case_id, 24, "approve", "dept_sthj")
    _on(clock, 10, 12)
    _act(api, case_id, 7, "correction_done", "dept_zrzy")
    request = _ok(api.post(f"/coordination/cases/{case_id}/cross-level-requests", "window_agent", json={
        "items": [2], "reason": "需市发改委出具意见", "required_documents": ["项目申请报告"],
        "requested_unit": "乌海市代办帮办中心", "project_contact": {"name": "王建国", "phone": "15714730770"},
        "agent_phone": "0473-1234567"}))
    _ok(api.post(f"/coordination/cases/{case_id}/cross-level-requests/{request['request_id']}/result", "window_agent",
                 json={"result": "市发改委已出具意见", "assisted_by": {"name": "赵敏", "phone": "13947300000"}}))
    _ok(api.post(f"/coordination/cases/{case_id}/joint-reviews", "window_agent", json={
        "date": "2026-10-12", "departments": ["zrzy", "zjj", "sthj"], "items": [7, 10, 24], "conclusion": "同意并联办理"}))
    _ok(api.post(f"/coordination/cases/{case_id}/combined-services", "window_agent",
                 json={"kind": "multi_drawing_review", "items": [10, 22]}))
    _on(clock, 10, 14)
    for no, agent in [(2, "dept_fgw"), (7, "dept_zrzy"), (10, "dept_zjj")]:
        _act(api, case_id, no, "approve", agent)
    _act(api, case_id, 22, "withdraw", "window_agent", note="申请人自行办理")
    _ok(api.post(f"/coordination/cases/{case_id}/completion", "window_agent", json={"materials_returned": True, "note": "资料已移交"}))
    confirm_closure(api, case_id)
    api.settle()

    _on(clock, 10, 15)
    rating = _ok(api.post(f"/evaluation/cases/{case_id}/rating", "applicant",
                          json={"level": "dissatisfied", "channel": "portal", "comment": "用地预审环节来回跑了三次"}))
    rect = f"/evaluation/rectifications/{rating['rectification_id']}/actions"
    _ok(api.post(rect, "window_agent", json={"action": "start"}))
    _ok(api.post(rect, "window_agent", json={"action": "record_follow_up_call", "note": "电话联系经办人李晓明，已接通", "reached": True}))
    _ok(api.post(rect, "window_agent", json={"action": "verify", "note": "属实：用地预审一次性告知不完整", "items": [7]}))
    _on(clock, 10, 19)
    _ok(api.post(rect, "dept_zrzy", json={"action": "rectify", "note": "修订用地预审一次性告知清单"}))
    _ok(api.post(rect, "window_agent", json={"action": "give_feedback", "note": "已修订告知清单，并电话向您反馈，感谢监督"}))
    _ok(api.post(rect, "window_agent", json={"action": "close"}))
    _on(clock, 10, 26)
    _ok(api.post(f"/evaluation/cases/{case_id}/rating", "applicant",
                 json={"level": "satisfied", "channel": "portal", "comment": "整改后告知清单清楚了"}))
    api.settle()


def park_case_rated_well(api: ApiClient, clock: ManualClock) -> None:
    """The park point, the second enterprise, the mobile app: two items concluded, 非常满意."""
    _on(clock, 9, 22)
    case_id = open_case(api, applicant="applicant2", in_park=True, items=[2, 7], channel="mobile")
    for no, agent in [(2, "dept_fgw"), (7, "dept_zrzy")]:
        for action in ("file", "accept", "approve"):
            _act(api, case_id, no, action, agent)
    _ok(api.post(f"/coordination/cases/{case_id}/completion", "park_agent", json={"materials_returned": True, "note": "办结"}))
    confirm_closure(api, case_id, "applicant2")
    api.settle()
    _ok(api.post(f"/evaluation/cases/{case_id}/rating", "applicant2", json={"level": "very_satisfied", "channel": "mobile"}))


def terminated_case_with_invalid_complaint(api: ApiClient, clock: ManualClock) -> None:
    """Terminated at the park point; an anonymous 12345 差评 found unrelated: invalidation refused once, then approved."""
    _on(clock, 9, 23)
    case_id = terminate_case(api, in_park=True)
    _on(clock, 9, 24)
    rating = _ok(api.post(f"/evaluation/cases/{case_id}/rating", "supervisor",  # keyed in: not by the case agent
                          json={"level": "very_dissatisfied", "channel": "phone", "comment": "没人管",
                                "signed_on": "2026-09-24"}))
    rect = f"/evaluation/rectifications/{rating['rectification_id']}/actions"
    _ok(api.post(rect, "park_agent", json={"action": "verify", "note": "来电内容与本案无关"}))
    _ok(api.post(rect, "park_agent", json={"action": "request_invalidation", "note": "评价内容与代办帮办服务无关，属无效差评"}))
    _ok(api.post(rect, "supervisor", json={"action": "reject_review", "note": "请补充通话记录"}))
    _ok(api.post(rect, "park_agent", json={"action": "request_invalidation", "note": "已补充通话记录，来电与本案无关"}))
    _ok(api.post(rect, "supervisor", json={"action": "approve_review", "note": "认定为无效差评"}))
    _ok(api.post(rect, "park_agent", json={"action": "give_feedback", "note": "经核实，该评价与本项目无关，已认定为无效差评"}))
    _ok(api.post(rect, "park_agent", json={"action": "close"}))
    api.settle()


def applications_not_accepted(api: ApiClient, clock: ManualClock) -> None:
    """Recorded at the window from a 12345 call and refused; filed online and withdrawn; a superseded 委托书."""
    _on(clock, 9, 25)
    body = application_body(channel="hotline", project__in_industrial_park=False, items=[9])
    refused = _ok(api.post("/intake/applications", "window_agent", json=body))["case_id"]
    _ok(api.post(f"/intake/applications/{refused}/rejection", "window_agent", json={"reason": "项目不属于代办帮办范围"}))
    body = application_body(channel="portal", items=[2, 9])
    withdrawn = _ok(api.post("/intake/applications", "applicant", json=body))["case_id"]
    _ok(api.post(f"/intake/applications/{withdrawn}/delegation", "applicant", json=delegation_body([2])))
    _ok(api.post(f"/intake/applications/{withdrawn}/delegation", "applicant", json=delegation_body([2, 9])))
    _ok(api.post(f"/intake/applications/{withdrawn}/withdrawal", "applicant", json={"reason": "项目暂缓"}))
    api.settle()


def overdue_case(api: ApiClient, clock: ManualClock) -> None:
    """Still open at the end: reassigned, one item warned and then overdue, one never accepted; 2027's calendar entered."""
    _on(clock, 10, 19)
    case_id = open_case(api, in_park=False, items=[7, 32])
    _ok(api.post(f"/coordination/cases/{case_id}/reassignment", "supervisor", json={"username": "park_agent", "reason": "工作调整"}))
    _act(api, case_id, 7, "file", "dept_zrzy")
    _act(api, case_id, 7, "accept", "dept_zrzy")
    _act(api, case_id, 32, "file", "dept_rsj")
    _ok(api.put("/coordination/calendar/overrides/2027", "admin",
                json={"overrides": {"2027-01-01": "holiday"}, "announced": True}))
    _on(clock, 10, 30)
    api.runtime.run_scheduled()
    _on(clock, 11, 4)
    api.runtime.run_scheduled()
    api.settle()


def follow_up_draw(api: ApiClient, clock: ManualClock) -> None:
    """October's follow-up draw (seeded) and one visit."""
    _on(clock, 11, 2)
    draw = _ok(api.post("/evaluation/follow-ups/draws", "supervisor",
                        json={"period_start": "2026-10-01", "period_end": "2026-10-31", "ratio": 1.0, "seed": 20261102}))
    if draw["sample"]:
        _ok(api.post(f"/evaluation/follow-ups/{draw['draw_id']}/visits", "supervisor", json={
            "case_id": draw["sample"][0], "outcome": "reached", "level": "satisfied", "note": "企业表示满意",
            "visited_on": "2026-11-02"}))
    api.settle()
