"""The demo case of the printable forms (附件4–10): one district case taken through every paper it has.

Used by tests/e2e/test_forms.py and by ``make forms-pictures`` (docs/forms/*.png): a case on the
window's books (区政务服务局), four items, a 跨层级协办单 sent and answered, every item approved, the
case completed on 2026-09-30 and rated 满意 with a comment; beside it a case terminated."""

from __future__ import annotations

from tests.e2e.evaluation_support import rate
from tests.support import ApiClient, confirm_closure, open_case

DEMO_ITEMS = [2, 7, 9, 24]
AGENT = "window_agent"


def demo_cases(api: ApiClient, clock) -> tuple[str, str, str]:  # noqa: ANN001
    """(completed case, its 协办单's request_id, terminated case), on the clock's 2026-09 days."""
    from tests.e2e.coordination_support import on

    on(clock, 2026, 9, 21)
    case_id = open_case(api, in_park=False, items=DEMO_ITEMS)
    r = api.post(f"/coordination/cases/{case_id}/cross-level-requests", AGENT, json={
        "items": [2], "reason": "项目总投资超出区级备案权限，需市发展和改革委员会出具备案意见",
        "required_documents": ["项目备案申请表", "企业营业执照复印件", "项目选址意见"],
        "requested_unit": "乌海市发展和改革委员会", "project_contact": {"name": "王建国", "phone": "15714730770"},
        "agent_phone": "0473-3961234", "remark": "请于十个工作日内反馈"})
    assert r.status_code == 201, r.text
    request_id = r.json()["request_id"]
    on(clock, 2026, 9, 25)
    r = api.post(f"/coordination/cases/{case_id}/cross-level-requests/{request_id}/result", AGENT, json={
        "result": "已出具备案意见，同意按程序办理", "assisted_by": {"name": "赵敏", "phone": "0473-3125678"},
        "assisting_center": "乌海市“帮您办”代办帮办中心"})
    assert r.status_code in (200, 201), r.text
    for no in DEMO_ITEMS:
        for action in ("file", "accept", "approve"):
            r = api.post(f"/coordination/cases/{case_id}/items/{no}/actions", AGENT, json={"action": action})
            assert r.status_code == 200, r.text
    on(clock, 2026, 9, 30)
    r = api.post(f"/coordination/cases/{case_id}/completion", AGENT, json={
        "materials_returned": ["投资项目备案证明", "建设项目用地预审与选址意见书", "建设用地规划许可证", "环境影响评价批复"],
        "note": "批文已交申请单位"})
    assert r.status_code == 200, r.text
    confirm_closure(api, case_id)
    api.settle()
    r = rate(api, case_id, "satisfied", comment="代办员全程跟进，跑了一次就办完了")
    assert r.status_code == 201, r.text
    terminated = open_case(api, in_park=False, items=[2])
    r = api.post(f"/coordination/cases/{terminated}/termination", AGENT,
                 json={"reason": "项目用地条件发生变化，暂不具备办理条件", "reason_code": "conditions_not_met"})
    assert r.status_code == 200, r.text
    confirm_closure(api, terminated)
    api.settle()
    return case_id, request_id, terminated
