"""Third-party evaluation (seed 三(八) 委托第三方独立开展代办帮办工作评估评价; issue 15): the read-only
``third_party`` account reads the figures and a stable, anonymised sample of cases, imports its scored report,
and the report is shown beside the system's own scorecard; it may do nothing else."""

from __future__ import annotations

import json

from shared.reference import load_catalog
from tests.e2e.evaluation_support import conclude_case, rate
from tests.support import OTHER_CREDIT_CODE, VALID_CREDIT_CODE, VALID_ID_NUMBER

TP = "third_party"
PHONE = "13912345678"
D2 = load_catalog().item(2).department  # a department the cases are scored for
PERSONAL = ("王建国", "李晓明", "陈起", "15714730770", PHONE, VALID_ID_NUMBER, VALID_CREDIT_CODE, OTHER_CREDIT_CODE,
            "乌海市海南区示范新材料有限公司", "年产5万吨高性能碳材料项目", "人民路18号", "来回跑")


def three_concluded_cases(api) -> list[str]:  # noqa: ANN001
    cases = [conclude_case(api, items=[2, 7]), conclude_case(api, applicant="applicant2", items=[2], in_park=False),
             conclude_case(api, items=[7])]
    assert rate(api, cases[0], "dissatisfied", comment=f"来回跑了三次，王建国请回电 {PHONE}").status_code == 201
    assert rate(api, cases[1], "very_satisfied", as_="applicant2").status_code == 201
    api.settle()
    return cases


def test_the_assessor_reads_the_figures_and_a_stable_anonymised_sample(api):  # noqa: ANN001
    cases = three_concluded_cases(api)
    for path in ("/reporting/satisfaction", "/reporting/assessment"):
        mine, office = api.get(path, TP, params={"period": "2026-09"}), api.get(path, "supervisor", params={"period": "2026-09"})
        assert mine.status_code == 200, mine.text
        assert {k: v for k, v in mine.json().items() if k != "third_party"} == \
            {k: v for k, v in office.json().items() if k != "third_party"}, "the district's figures, as the office's"
    assert api.get("/reporting/satisfaction", TP, params={"period": "2026-09"}).json()["ratings"] == 2
    report = api.get("/reporting/monthly-reports/2026-09", TP)
    assert report.status_code == 200 and report.json()["month"] == "2026-09"

    r = api.get("/reporting/third-party-sample", TP, params={"period": "2026-09", "size": 2})
    assert r.status_code == 200, r.text
    sample = r.json()
    assert sample["candidates"] == 3 and len(sample["cases"]) == 2 and set(c["case_id"] for c in sample["cases"]) <= set(cases)
    again = api.get("/reporting/third-party-sample", TP, params={"period": "2026-09", "size": 2}).json()
    assert again == sample, "the same period draws the same sample"
    whole = api.get("/reporting/third-party-sample", TP, params={"period": "2026-09", "size": 10, "seed": 7}).json()
    assert sorted(c["case_id"] for c in whole["cases"]) == sorted(cases) and whole["seed"] == 7
    text = json.dumps(whole, ensure_ascii=False)
    assert not [p for p in PERSONAL if p in text], "no person, phone, ID number, enterprise or comment in the sample"
    rated = next(c for c in whole["cases"] if c["case_id"] == cases[0])
    assert [(r["level"], r["channel"], r["bad"]) for r in rated["ratings"]] == [("dissatisfied", "portal", True)]
    assert [i["item_no"] for i in rated["items"]] == [2, 7] and all(i["on_time"] is True and i["due_date"] for i in rated["items"])
    assert rated["rectifications"][0]["state"] == "pending"
    assert api.get("/reporting/third-party-sample", "supervisor", params={"period": "2026-09"}).status_code == 200
    assert api.get("/reporting/third-party-sample", "window_agent", params={"period": "2026-09"}).status_code == 403

    # Nothing else: no case, no list of cases, no figure's cases, no command.
    denied = [("GET", f"/reporting/cases/{cases[0]}"), ("GET", "/reporting/cases"), ("GET", "/coordination/cases"),
              ("GET", f"/coordination/cases/{cases[0]}"), ("GET", f"/evaluation/cases/{cases[0]}"),
              ("GET", "/reporting/figure-cases"), ("GET", "/supervision/complaints"), ("GET", "/evaluation/ratings/export"),
              ("GET", "/reporting/annual-assessment/2026"), ("POST", "/intake/applications"),
              ("POST", f"/evaluation/cases/{cases[0]}/rating"), ("GET", "/coordination/catalog")]
    for method, path in denied:
        assert api.client.request(method, path, headers=api.headers(TP)).status_code == 403, (method, path)
    assert api.get("/auth/me", TP).json()["role"] == TP


def test_an_imported_report_is_shown_beside_the_systems_own_scores(api):  # noqa: ANN001
    three_concluded_cases(api)
    body = {"assessor": "内蒙古某咨询评估有限公司", "title": "2026年9月代办帮办工作第三方评估",
            "period_start": "2026-09-01", "period_end": "2026-09-30", "overall_score": 88.5,
            "scores": [{"department": D2, "score": 82, "notes": "差评整改响应较慢"}, {"department": "zwfw", "score": 95}],
            "notes": "总体规范"}
    bad = api.post("/supervision/third-party-reports", TP, json={**body, "scores": [{"department": "nope", "score": 1}]})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "scores.0.department"
    bad = api.post("/supervision/third-party-reports", TP, json={**body, "period_end": "2026-08-01"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "period_end"
    bad = api.post("/supervision/third-party-reports", TP, json={**body, "scores": [{"department": "zwfw", "score": 101}]})
    assert bad.status_code == 422 and "scores" in bad.json()["detail"][0]["field"]
    assert api.post("/supervision/third-party-reports", "window_agent", json=body).status_code == 403

    headers = {**api.headers(TP), "Idempotency-Key": "tp-2026-09"}
    r = api.client.post("/supervision/third-party-reports", headers=headers, json=body)
    assert r.status_code == 201, r.text
    report = r.json()
    assert api.client.post("/supervision/third-party-reports", headers=headers, json=body).json() == report  # a retry
    api.settle()
    listed = api.get("/supervision/third-party-reports", "supervisor").json()
    assert [x["report_id"] for x in listed] == [report["report_id"]] and listed[0]["scores"][0]["notes"] == "差评整改响应较慢"

    card = api.get("/reporting/assessment", TP, params={"period": "2026-09"}).json()
    own = {row["department"]: row["score"] for row in card["departments"]}
    [beside] = card["third_party"]
    assert beside["report_id"] == report["report_id"] and beside["overall_score"] == 88.5
    rows = {row["department"]: row for row in beside["departments"]}
    assert own[D2] is not None and rows[D2]["score"] == 82 and rows[D2]["system_score"] == own[D2]
    assert rows[D2]["difference"] == round(82 - own[D2], 1) and rows[D2]["notes"] == "差评整改响应较慢"
    assert rows["zwfw"]["system_score"] == own.get("zwfw") and rows["zwfw"]["department_name"] == "区政务服务局"
    # Another period's scorecard does not show it.
    assert api.get("/reporting/assessment", "supervisor", params={"period": "2026-08"}).json()["third_party"] == []
