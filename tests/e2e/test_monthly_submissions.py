"""The departments' monthly submissions (seed 四(二): 各部门每月15日前报送工作进展情况、经验做法; API.md § The
supervision loop): on time up to the 15th of the next month, late after it, listed for the office with every
department, and summarised in the monthly report (its own sheet in the workbook)."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from shared.reference import load_catalog
from tests.e2e.coordination_support import on

BODY = {"progress": "本月受理备案3件，均按时办结", "practices": "推行容缺受理，材料一次告知",
        "typical_cases": "某新材料项目5个工作日完成备案"}


def submit(api, as_: str, month: str = "2026-11", **changes):  # noqa: ANN001, ANN201
    return api.put(f"/reporting/monthly-submissions/{month}", as_, json={**BODY, **changes})


def rows(api, month: str = "2026-11", as_: str = "supervisor") -> dict[str, dict]:  # noqa: ANN001
    r = api.get(f"/reporting/monthly-submissions/{month}", as_)
    assert r.status_code == 200, r.text
    return {row["department"]: row for row in r.json()["departments"]}


def test_submissions_on_time_and_late_around_the_15th(api, clock):
    on(clock, 2026, 12, 15, hour=17)  # the last day: on time
    r = submit(api, "dept_fgw")
    assert r.status_code == 200, r.text
    made = r.json()
    assert (made["department"], made["month"], made["version"], made["late"]) == ("fgw", "2026-11", 1, False)
    assert made["due_by"] == "2026-12-15" and made["submitted_on"] == "2026-12-15"
    again = submit(api, "dept_fgw")  # a retry records nothing
    assert again.status_code == 200 and again.json()["version"] == 1
    listed = rows(api)
    assert set(listed) == {d.code for d in load_catalog().departments}
    assert listed["fgw"]["status"] == "submitted" and listed["fgw"]["late"] is False
    assert listed["fgw"]["submitted_at"].startswith("2026-12-15")
    assert listed["zrzy"]["status"] == "not_due" and listed["zrzy"]["late"] is False  # the 15th is not over yet

    on(clock, 2026, 12, 16)  # the day after: late, and the missing ones are flagged late
    late = submit(api, "dept_zrzy", progress="本月办理用地预审2件")
    assert late.status_code == 200 and late.json()["late"] is True
    revised = submit(api, "dept_fgw", practices="推行容缺受理，材料一次告知；并联审批")  # a revision: version 2
    assert revised.json()["version"] == 2
    r = api.get("/reporting/monthly-submissions/2026-11", "supervisor").json()
    listed = {row["department"]: row for row in r["departments"]}
    assert listed["fgw"]["status"] == "submitted" and listed["fgw"]["late"] is False  # revised after, still on time
    assert listed["fgw"]["submission"]["practices"].endswith("并联审批")
    assert listed["zrzy"]["status"] == "submitted_late" and listed["zrzy"]["late"] is True
    assert listed["zjj"]["status"] == "missing" and listed["zjj"]["late"] is True and listed["zjj"]["submitted_at"] is None
    assert r["submitted"] == 2 and r["missing"] == len(listed) - 2 and r["late"] == len(listed) - 1

    # who: an agent reports for its own department only; a department agent reads its own row; future months 422
    assert api.put("/reporting/monthly-submissions/2026-11", "supervisor", json=BODY).status_code == 403
    assert list(rows(api, as_="dept_zrzy")) == ["zrzy"]
    assert submit(api, "window_agent").json()["department"] == "zwfw"
    r = submit(api, "dept_fgw", month="2027-01")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "month"
    assert submit(api, "dept_fgw", month="2026-13").status_code == 422
    assert submit(api, "dept_fgw", progress="").status_code == 422

    # the office's summary in the monthly report and its sheet
    api.settle()
    report = api.get("/reporting/monthly-reports/2026-11", "supervisor").json()
    summary = report["submissions"]
    by_dept = {row["department"]: row for row in summary["departments"]}
    assert by_dept["fgw"]["status"] == "submitted" and by_dept["fgw"]["submitted_on"] == "2026-12-15"
    assert by_dept["fgw"]["practices"].endswith("并联审批") and by_dept["zrzy"]["status"] == "submitted_late"
    assert by_dept["zjj"]["status"] == "missing" and summary["submitted"] == 3
    assert "逾期未报送" in summary["summary"] and "区住房和城乡建设局" in summary["summary"]
    x = api.get("/reporting/monthly-reports/2026-11", "supervisor", params={"format": "xlsx"})
    sheet = load_workbook(BytesIO(x.content))["部门报送"]
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    fgw = next(v for v in values if v[0] == "区发展和改革委员会")
    assert fgw[1] == "按期报送" and fgw[3] == BODY["progress"] and fgw[5] == BODY["typical_cases"]
    assert values[-1][0] == "办公室汇总" and "按期报送" in values[-1][3]
