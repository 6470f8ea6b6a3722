"""A realistic month over HTTP: every figure checked against values computed from the script alone;
redelivery changes nothing; a rebuild reproduces the live views exactly."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

from openpyxl import load_workbook
import pytest

from shared.clock import CHINA, ManualClock
from shared.messaging.outbox import read_log
from shared.settings import Settings
from services.reporting.rebuild import replay
from tests.e2e.test_reporting_month_script import LEVELS, Month
from tests.support import start_app

WEIGHTS = {"on_time": 40, "overdue": 15, "satisfaction": 25, "rectification": 10, "follow_up": 10}
LOAD = ("open_cases", "open_items", "near_due_items", "past_due_items", "concluded_items", "concluded_on_time",
        "concluded_late")


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    clock = ManualClock(datetime(2026, 11, 2, 8, 0, tzinfo=CHINA))
    settings = Settings(data_dir=tmp_path_factory.mktemp("month") / "data", relay_poll_seconds=0.05,
                        default_rating_after_days=7)
    with start_app(settings, clock) as api:
        script = Month(api.runtime.calendar)
        script.run(api, clock)
        yield api, script


def test_the_month_is_realistic(month):
    api, script = month
    cases = script.cases
    assert len(cases) >= 30
    assert {i.dept for c in cases for i in c.items} == {i.department for i in script.catalog.items}
    assert {c.park for c in cases} == {True, False}
    outcomes = {i.outcome for c in cases for i in c.items}
    assert {"on_time", "late", "open", "refuse", "withdraw"} <= outcomes
    assert {c.end for c in cases} >= {"completed", "terminated", None}
    plans = {r.rect_plan for c in cases for r in c.ratings}
    assert {"rectify", "invalid", "open"} <= plans
    assert any(r.defaulted for c in cases for r in c.ratings) and any(r.follow_up for c in cases for r in c.ratings)


def test_satisfaction_figures(month):
    api, script = month
    r = api.get("/reporting/satisfaction", "supervisor", params={"period": "2026-11"})
    assert r.status_code == 200, r.text
    got, want = r.json(), script.expected_satisfaction()
    assert {k: got[k] for k in want} == want
    assert got["good_levels"] == ["very_satisfied", "satisfied"]
    assert set(got["by_level"]) == set(LEVELS)


def test_satisfaction_filters_by_department_and_channel(month):
    api, script = month
    dept = "zjj"
    got = api.get("/reporting/satisfaction", "supervisor", params={"period": "2026-11", "department": dept}).json()
    firsts = [r for c in script.cases if dept in c.depts for r in script.first_ratings(c)]
    assert got["ratings"] == len(firsts)
    assert got["by_department"] == ({dept: len(firsts)} if firsts else {})
    got = api.get("/reporting/satisfaction", "supervisor", params={"channel": "portal"}).json()
    assert got["ratings"] == sum(r.channel == "portal" for c in script.cases for r in script.first_ratings(c))
    # 基本满意 counts as 好评 only by setting
    got = api.get("/reporting/satisfaction", "supervisor").json()
    basic = got["by_level"]["basically_satisfied"]
    assert got["good_rate"]["numerator"] == got["by_level"]["very_satisfied"] + got["by_level"]["satisfied"]
    api.runtime.settings.good_rating_includes_basic = True
    try:
        wider = api.get("/reporting/satisfaction", "supervisor").json()
    finally:
        api.runtime.settings.good_rating_includes_basic = False
    assert wider["good_rate"]["numerator"] == got["good_rate"]["numerator"] + basic


def test_workloads(month):
    api, script = month
    got = api.get("/reporting/workloads", "supervisor").json()
    want = script.expected_workloads()
    assert {d["department"]: {k: d[k] for k in LOAD} for d in got["departments"]} == want["departments"]
    assert {(a["department"], a["agent"]): {k: a[k] for k in LOAD} for a in got["agents"]} == want["agents"]
    assert {a["username"]: {k: a[k] for k in ("open_cases", "concluded_cases")} for a in got["case_agents"]} \
        == want["case_agents"]
    # a department agent sees its own department only
    mine = api.get("/reporting/workloads", "dept_zrzy").json()
    assert [d["department"] for d in mine["departments"]] == ["zrzy"]
    assert mine["case_agents"] == []


def test_assessment_scorecard(month):
    api, script = month
    got = api.get("/reporting/assessment", "supervisor").json()
    want = script.expected_scorecard(WEIGHTS)
    assert {row["department"]: {"values": {k: v["value"] for k, v in row["indicators"].items()},
                                "score": row["score"], "overdue_items": row["overdue_items"]}
            for row in got["departments"]} == want
    assert "得分" in got["formula"]["score"] and got["formula"]["weights"] == WEIGHTS
    ranked = sorted((r for r in got["departments"] if r["score"] is not None), key=lambda r: r["rank"])
    assert [r["score"] for r in ranked] == sorted((r["score"] for r in ranked), reverse=True)


def test_monthly_report_json_and_xlsx(month):
    api, script = month
    r = api.get("/reporting/monthly-reports/2026-11", "supervisor")
    assert r.status_code == 200, r.text
    report = r.json()
    assert (report["status"], report["ready_from"], report["due_by"]) == ("final", "2026-12-01", "2026-12-15")
    want = script.expected_monthly()
    got = {row["department"]: {k: row[k] for k in want[row["department"]]} for row in report["departments"]}
    assert got == want
    assert report["totals"]["cases_opened"] == len(script.cases)
    x = api.get("/reporting/monthly-reports/2026-11", "supervisor", params={"format": "xlsx"})
    assert x.status_code == 200 and x.headers["content-type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(BytesIO(x.content))
    assert wb.sheetnames == ["说明", "部门月报", "好差评", "考核评分"]
    sheet = wb["部门月报"]
    header = [c.value for c in sheet[1]]
    rows = {row[0]: dict(zip(header, row)) for row in sheet.iter_rows(min_row=2, values_only=True)}
    for code, expected in want.items():
        name = script.catalog.department(code).name
        assert rows[name]["办结事项"] == expected["items_concluded"]
        assert rows[name]["超期办结"] == expected["deadlines_missed"]


def test_redelivery_changes_nothing_and_rebuild_is_identical(month):
    api, script = month
    reporting = api.runtime.services.reporting
    before = reporting.export()
    views = {c.case_id: api.get(f"/reporting/cases/{c.case_id}", "supervisor").json() for c in script.cases[:5]}
    apps = {name: getattr(api.runtime.services, name) for name in ("intake", "coordination", "evaluation")}
    for name, app in apps.items():  # every event delivered a second time
        events = read_log(app, name, 0, 100_000)
        assert events and not any(reporting.projector.handle(e) for e in events)
    assert reporting.export() == before
    result = replay(reporting, apps)
    assert result.total == len(before["events"])
    assert reporting.export() == before
    assert {cid: api.get(f"/reporting/cases/{cid}", "supervisor").json() for cid in views} == views
