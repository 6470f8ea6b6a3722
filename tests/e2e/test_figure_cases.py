"""The cases behind a figure (GET /reporting/figure-cases: as many as the figure counts, by the figure's own code)
and the case list's keyset pages (both runtimes)."""

from __future__ import annotations

from tests.e2e.evaluation_support import conclude_case, rate
from tests.support import open_case


def test_figure_cases_counts_what_the_figure_counts_and_names_a_wrong_figure(api):
    case_id = conclude_case(api)
    rate(api, case_id, "very_dissatisfied", comment="没人管")
    api.settle()
    s = api.get("/reporting/satisfaction", "supervisor").json()
    assert s["by_department"]
    for figure, number in (("ratings", s["ratings"]), ("bad", s["bad_rate"]["numerator"]),
                           ("rectifications", s["rectifications"]), ("items_concluded", s["on_time_rate"]["denominator"]),
                           *((f"department.{k}", v) for k, v in s["by_department"].items())):
        r = api.get(f"/reporting/figure-cases?figure={figure}", "supervisor")
        assert r.status_code == 200 and r.json()["count"] == number == len(r.json()["items"]), figure
    w = api.get("/reporting/workloads", "supervisor").json()
    r = api.get("/reporting/figure-cases?figure=workload.concluded_items", "supervisor").json()
    assert r["count"] == sum(d["concluded_items"] for d in w["departments"])
    wrong = api.get("/reporting/figure-cases?figure=nonsense", "supervisor")
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["field"] == "figure"
    assert api.get("/reporting/figure-cases?figure=ratings", "applicant").status_code == 403
    mine = api.get("/reporting/figure-cases?figure=ratings&department=zwfw", "dept_zrzy")
    assert mine.status_code == 403


def test_the_case_list_pages_by_key(api):
    ids = [open_case(api, items=[2], in_park=True) for _ in range(3)]
    api.settle()
    listed = api.get("/reporting/cases?limit=2", "supervisor").json()
    assert len(listed["items"]) == 2 and listed["next_cursor"]
    rest = api.get("/reporting/cases", "supervisor", params={"limit": 2, "cursor": listed["next_cursor"]}).json()
    paged = [r["case_id"] for r in listed["items"] + rest["items"]]
    assert sorted(paged) == sorted(ids)  # each case once, across the two pages
    assert rest["next_cursor"] is None and rest["total"] == 3
    bad = api.get("/reporting/cases?cursor=nonsense", "supervisor")
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "cursor"
    district = api.get("/reporting/satisfaction?service_point=district", "supervisor")
    assert district.status_code == 200 and district.json()["ratings"] == 0
