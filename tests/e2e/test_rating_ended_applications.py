"""Rejected and withdrawn applications are rated (issue 11): 好差评 covers every service given (国办发〔2019〕51号
《关于建立政务服务“好差评”制度提高政务服务水平的意见》：服务事项全覆盖), not only the cases that opened. A 不予受理 is
the service point's decision, rated like a concluded case; a withdrawal the applicant made is rated too (the
service up to it). A 差评 is rectified by the service point's department."""

from __future__ import annotations

from tests.e2e.evaluation_support import rate
from tests.support import application_body, delegation_body


def submitted(api) -> str:  # noqa: ANN001
    r = api.post("/intake/applications", "applicant", json=application_body(items=[2]))
    assert r.status_code == 201, r.text
    return r.json()["case_id"]


def test_a_rejected_application_is_invited_and_rated(api):
    case_id = submitted(api)
    r = api.post(f"/intake/applications/{case_id}/rejection", "park_agent", json={"reason": "项目不属于代办帮办服务范围"})
    assert r.status_code == 200, r.text
    api.settle()
    invited = api.get("/evaluation/invitations", "applicant").json()
    entry = next(i for i in invited if i["case_id"] == case_id)
    assert (entry["outcome"], entry["outcome_label"]) == ("rejected", "不予受理")
    r = rate(api, case_id, "dissatisfied", comment="没有说明可以去哪里办理")
    assert r.status_code == 201, r.text
    api.settle()
    shown = api.get(f"/evaluation/cases/{case_id}", "applicant").json()
    assert shown["ratings"][0]["level"] == "dissatisfied"
    rectifications = api.get("/evaluation/rectifications", "park_agent").json()
    assert any(r["case_id"] == case_id for r in rectifications)  # the service point rectifies its 差评
    assert rate(api, case_id, "satisfied", as_="park_agent", channel="written",
                rater={"name": "李晓明", "phone": "13904731234"}).status_code == 403  # not for its own decision


def test_a_withdrawn_application_is_invited_once(api):
    case_id = submitted(api)
    assert api.post(f"/intake/applications/{case_id}/delegation", "applicant", json=delegation_body([2])).status_code == 201
    r = api.post(f"/intake/applications/{case_id}/withdrawal", "applicant", json={"reason": "企业决定暂缓"})
    assert r.status_code == 200, r.text
    api.settle()
    invited = [i for i in api.get("/evaluation/invitations", "applicant").json() if i["case_id"] == case_id]
    assert [i["outcome"] for i in invited] == ["withdrawn"]
    assert rate(api, case_id, "very_satisfied").status_code == 201
    assert rate(api, case_id, "very_satisfied", as_="applicant2").status_code == 404  # not another's
