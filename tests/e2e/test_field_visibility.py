"""Who sees what (issue 10): the other service point's applications, internal notes, raters' phones, the
department's scope, phones written into notes."""

from __future__ import annotations

from tests.e2e.evaluation_support import act, conclude_case, rate
from tests.support import application_body, open_case

PAPER = {"name": "赵志刚", "phone": "13904731234"}


def test_a_service_point_does_not_read_the_other_points_applications(api):
    park = api.post("/intake/applications", "applicant", json=application_body()).json()["case_id"]
    district = api.post("/intake/applications", "applicant",
                        json=application_body(project__in_industrial_park=False)).json()["case_id"]
    r = api.get(f"/intake/applications/{park}", "window_agent")
    assert r.status_code == 403 and "另一服务点" in r.json()["detail"]
    assert api.get(f"/intake/applications/{district}", "park_agent").status_code == 403
    assert api.get(f"/intake/applications/{park}", "park_agent").json()["unit"]["phone"] == "15714730770"
    assert api.get(f"/intake/applications/{district}", "window_agent").status_code == 200


def test_applicants_do_not_read_internal_notes(api):
    case_id = conclude_case(api)
    rect_id = rate(api, case_id, "very_dissatisfied", comment="与本项目无关的投诉").json()["rectification_id"]
    act(api, rect_id, "record_follow_up_call", reached=True, note="内部：经办人称系误评")
    act(api, rect_id, "verify", note="内部：来电内容与本案无关")
    act(api, rect_id, "request_invalidation", note="内部：评价内容与代办帮办服务无关，属无效差评")
    act(api, rect_id, "approve_review", as_="supervisor", note="内部：认定为无效差评")
    act(api, rect_id, "give_feedback", note="经核实，已认定为无效差评")
    api.settle()
    own = api.get(f"/reporting/cases/{case_id}", "applicant").json()
    steps = own["rectifications"][0]["actions"]
    assert [s["action"] for s in steps] == ["record_follow_up_call", "verify", "request_invalidation", "approve_review"]
    assert {s["note"] for s in steps} == {None} and {s["by"] for s in steps} == {None}
    assert own["rectifications"][0]["state"] == "invalid"
    history = api.get(f"/reporting/cases/{case_id}/history", "applicant").json()
    changed = [e for e in history["events"] if e["type"] == "evaluation.RectificationStateChanged"]
    assert changed and {e["data"]["note"] for e in changed} == {None}
    assert "内部" not in str(history) and "内部" not in str(own)
    # agents and supervisors read them
    staff = api.get(f"/reporting/cases/{case_id}", "supervisor").json()["rectifications"][0]["actions"]
    assert staff[2]["note"] == "内部：评价内容与代办帮办服务无关，属无效差评" and staff[3]["by"] == "supervisor"
    notes = [e["data"]["note"] for e in api.get(f"/reporting/cases/{case_id}/history", "park_agent").json()["events"]
             if e["type"] == "evaluation.RectificationStateChanged"]
    assert "内部：认定为无效差评" in notes


def test_department_agents_see_raters_phones_masked_and_only_their_cases(api):
    case_id = conclude_case(api, items=[2, 7])  # fgw and zrzy; at the park point
    district = conclude_case(api, items=[2], in_park=False)  # fgw only, at the district window (zwfw's point)
    for case in (case_id, district):
        r = rate(api, case, "dissatisfied", as_="supervisor", channel="phone", rater=PAPER, signed_on="2026-09-21")
        assert r.status_code == 201, r.text
    api.settle()
    seen = api.get(f"/evaluation/cases/{case_id}", "dept_zrzy").json()["ratings"][0]["rater"]
    assert seen["phone"] == "139****1234"
    assert api.get(f"/evaluation/cases/{case_id}", "park_agent").json()["ratings"][0]["rater"]["phone"] == PAPER["phone"]
    assert api.get(f"/evaluation/cases/{district}", "dept_zwfw").status_code == 404  # no zwfw item in it
    assert api.get(f"/evaluation/cases/{district}", "dept_fgw").status_code == 200


def test_phones_in_notes_are_masked_for_roles_that_see_phones_masked(api):
    case_id = open_case(api, items=[2])
    r = api.post(f"/coordination/cases/{case_id}/items/2/actions", "park_agent",
                 json={"action": "file", "note": "已电话联系经办人 13612345678，身份证 150303198506121235"})
    assert r.status_code == 200, r.text
    api.settle()
    for reader in ("supervisor", "dept_fgw"):
        history = api.get(f"/reporting/cases/{case_id}/history", reader).json()
        (filed,) = [e for e in history["events"] if e["type"] == "coordination.ItemStateChanged"]
        assert filed["data"]["note"] == "已电话联系经办人 136****5678，身份证 150303********1235", reader
        assert "13612345678" not in str(history) and "150303198506121235" not in str(history)
        assert "13612345678" not in api.get(f"/coordination/cases/{case_id}", reader).text
    history = api.get(f"/reporting/cases/{case_id}/history", "park_agent").json()
    (filed,) = [e for e in history["events"] if e["type"] == "coordination.ItemStateChanged"]
    assert filed["data"]["note"].startswith("已电话联系经办人 13612345678")
