"""Amendments (API.md "Forms keyed in later, amendments, search"): the 项目代码 often arrives later (item 2,
企业投资项目备案, issues it), and fields of the 申请表 (附件4) can be corrected with a reason; the case view shows
the current values and the history keeps both."""

from __future__ import annotations

from tests.support import application_body, open_case

CODE = "2026-150303-30-03-05678B"


def amend(api, case_id: str, as_: str, **body):  # noqa: ANN001, ANN201
    return api.post(f"/intake/applications/{case_id}/amendments", as_, json=body)


def test_the_project_code_arrives_later_and_the_history_keeps_both(api):
    body = application_body()
    del body["project"]["code"]  # not yet given: item 2 (备案) issues it
    r = api.post("/intake/applications", "applicant", json=body)
    case_id = r.json()["case_id"]
    r = amend(api, case_id, "applicant", changes={"project": {"code": CODE}}, reason="企业投资项目备案后取得项目代码")
    assert r.status_code == 200 and r.json()["project"]["code"] == CODE, r.text
    assert r.json()["amendments"][0]["changed"] == ["project.code"]
    again = amend(api, case_id, "applicant", changes={"project": {"code": CODE}}, reason="企业投资项目备案后取得项目代码")
    assert len(again.json()["amendments"]) == 1  # nothing changed: a retry
    api.settle()
    view = api.get(f"/reporting/cases/{case_id}", "supervisor").json()
    assert view["project"]["code"] == CODE and view["amendments"][0]["reason"] == "企业投资项目备案后取得项目代码"
    history = api.get(f"/reporting/cases/{case_id}/history", "supervisor").json()["events"]
    assert history[0]["data"]["project"].get("code") is None  # as submitted
    assert [e["data"]["project"]["code"] for e in history if e["type"] == "intake.ApplicationAmended"] == [CODE]


def test_the_case_agent_corrects_a_field_after_acceptance_with_the_reason(api):
    case_id = open_case(api, items=[2])
    r = amend(api, case_id, "park_agent", changes={"unit": {"phone": "13904731234"}}, reason="申请人来电更正联系电话")
    assert r.status_code == 200 and r.json()["unit"]["phone"] == "13904731234", r.text
    assert r.json()["amendments"][0]["by"]["username"] == "park_agent"


def test_bad_or_forbidden_amendments_are_refused_naming_the_field(api):
    case_id = open_case(api, items=[2])
    r = amend(api, case_id, "applicant", changes={"project": {"code": "2026-1"}}, reason="x")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "changes.project.code", r.text
    r = amend(api, case_id, "applicant", changes={"project": {"in_industrial_park": False}}, reason="园区外")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "changes.project.in_industrial_park"
    r = amend(api, case_id, "applicant", changes={}, reason="x")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "changes"
    r = amend(api, case_id, "applicant", changes={"project": {"nonsense": 1}}, reason="x")
    assert r.status_code == 422
    assert amend(api, case_id, "applicant2", changes={"project": {"name": "x"}}, reason="x").status_code == 404
    assert amend(api, case_id, "window_agent", changes={"project": {"name": "x"}}, reason="x").status_code == 403


def test_an_open_case_follows_the_corrected_project_and_only_it(api):
    """The case's project (coordination, and what evaluation invites a rating for) follows the 申请表's
    correction; a correction of the unit alone leaves the case as it is."""
    case_id = open_case(api, items=[2])
    assert amend(api, case_id, "park_agent", changes={"unit": {"phone": "13904731234"}}, reason="更正联系电话").status_code == 200
    api.settle()
    history = api.get(f"/reporting/cases/{case_id}/history", "supervisor").json()["events"]
    assert not [e for e in history if e["type"] == "coordination.CaseProjectAmended"]
    r = amend(api, case_id, "applicant", changes={"project": {"code": CODE}}, reason="备案后取得项目代码")
    assert r.status_code == 200, r.text
    api.settle()
    case = api.get(f"/coordination/cases/{case_id}", "supervisor").json()
    assert case["project"]["code"] == CODE
    history = api.get(f"/reporting/cases/{case_id}/history", "supervisor").json()["events"]
    (amended,) = [e for e in history if e["type"] == "coordination.CaseProjectAmended"]
    assert amended["data"]["amendment_no"] == 2
