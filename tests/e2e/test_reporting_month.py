"""A realistic month over HTTP: every figure checked against values computed from the script alone;
redelivery changes nothing; a rebuild reproduces the live views exactly."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

from zipfile import ZipFile

from openpyxl import load_workbook
import pytest

from shared.clock import CHINA, ManualClock
from shared.contracts import PUBLISHERS
from shared.messaging.outbox import read_log
from services.reporting.xlsx import on_time_rate
from shared.settings import Settings
from services.reporting.rebuild import replay
from tests.e2e.test_reporting_month_script import LEVELS, Month
from tests.printing import fonts, need_office, page_count, page_size_mm, page_text
from tests.support import start_app

WEIGHTS = {"on_time": 40, "overdue": 15, "satisfaction": 25, "rectification": 10, "follow_up": 10, "complaints": 10}
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
    assert wb.sheetnames == ["说明", "部门月报", "工作进展", "部门报送", "好差评", "考核评分", "图表"]
    rows = department_rows(wb)
    for code, expected in want.items():
        name = script.catalog.department(code).name
        assert rows[name]["办结事项"] == expected["items_concluded"]
        assert rows[name]["超期办结"] == expected["deadlines_missed"]
        kept, missed = expected["deadlines_kept"], expected["deadlines_missed"]
        assert rows[name]["按时办结率"] == (round(kept / (kept + missed), 4) if kept + missed else None)


def department_rows(wb) -> dict:
    """部门月报: row 1 the title, row 2 the header, then one row a department."""
    sheet = wb["部门月报"]
    header = [c.value.replace("\n", "") for c in sheet[2]]  # headers break onto two lines where they say
    return {row[0]: dict(zip(header, row)) for row in sheet.iter_rows(min_row=3, values_only=True)}


@pytest.fixture(scope="module")
def workbook(month):
    api, _ = month
    x = api.get("/reporting/monthly-reports/2026-11", "supervisor", params={"format": "xlsx"})
    assert x.status_code == 200, x.text
    return x.content


def test_monthly_workbook_is_formatted_for_people(workbook):
    wb = load_workbook(BytesIO(workbook))
    for ws in wb.worksheets:  # A4 landscape, one page wide, page numbers, header repeated
        assert (ws.page_setup.paperSize, ws.page_setup.orientation) == (9, "landscape"), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1, ws.title
        assert ws.page_setup.fitToHeight == 0, ws.title
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    sheet = wb["部门月报"]
    assert sheet.freeze_panes == "B3" and sheet.print_title_rows == "$1:$2"
    assert "部门月报" not in sheet["A1"].value and "2026-11" in sheet["A1"].value
    assert "A1:U1" in {str(r) for r in sheet.merged_cells.ranges}  # the title spans the table: never cut
    header = {c.value.replace("\n", ""): c.column_letter for c in sheet[2]}
    assert sheet["D2"].alignment.wrap_text and sheet.row_dimensions[2].height >= 30
    for row in range(3, sheet.max_row + 1):
        assert sheet[f"{header['按时办结率']}{row}"].number_format == "0.0%"
        assert sheet[f"{header['好评率']}{row}"].number_format == "0.0%"
        assert sheet[f"{header['办结事项']}{row}"].number_format == "0"
        assert isinstance(sheet[f"{header['办结事项']}{row}"].value, int)
    name_width = sheet.column_dimensions["A"].width  # fitted: the longest name, two per CJK character
    longest = max(len(sheet[f"A{r}"].value) for r in range(3, sheet.max_row + 1))
    assert 2 * longest <= name_width <= 2 * longest + 6
    assert sheet[f"A{sheet.max_row}"].value == "合计（按案件去重）" and sheet[f"A{sheet.max_row}"].font.b

    notes = wb["说明"]
    labels = {notes[f"A{r}"].value: notes[f"B{r}"] for r in range(2, notes.max_row + 1)}
    assert labels["报送截止"].value.date().isoformat() == "2026-12-15"  # a date, not text
    assert labels["报送截止"].number_format == "yyyy-mm-dd"
    assert labels["计分公式"].alignment.wrap_text
    assert notes.column_dimensions["B"].width >= 80
    formula = labels["计分公式"]
    assert notes.row_dimensions[formula.row].height >= 30  # two lines: tall enough to read whole

    progress = wb["工作进展"]
    assert progress["B3"].alignment.wrap_text and progress.row_dimensions[3].height >= 30

    sat = wb["好差评"]
    values = {sat[f"A{r}"].value: sat[f"B{r}"] for r in range(3, sat.max_row + 1)}
    assert values["好评率"].number_format == "0.0%" and values["评价数（首次评价）"].number_format == "0"
    assert values["平均整改用时（工作日）"].number_format == "0.00"

    score = wb["考核评分"]
    header = {c.value: c.column_letter for c in score[2]}
    assert score[f"{header['超期控制率']}3"].number_format == "0.0%"
    assert score[f"{header['排名']}3"].number_format == "0"


def test_monthly_workbook_has_live_charts_over_its_tables(workbook):
    """openpyxl does not read charts back: the chart parts of the package are checked instead."""
    with ZipFile(BytesIO(workbook)) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        assert len(charts) == 2
        xml = {n: z.read(n).decode() for n in charts}
    by_department = next(x for x in xml.values() if "各部门按时办结率与好评率" in x)
    assert "'部门月报'!$J$3:$J$13" in by_department and "'部门月报'!$P$3:$P$13" in by_department  # 按时办结率, 好评率
    assert "'部门月报'!$A$3:$A$13" in by_department  # categories: the departments, without 合计
    by_level = next(x for x in xml.values() if "本月评价" in x)
    assert "'好差评'!$B$5:$B$9" in by_level and "'好差评'!$A$5:$A$9" in by_level
    wb = load_workbook(BytesIO(workbook))
    assert [wb["好差评"][f"A{r}"].value for r in range(5, 10)] == [
        "非常满意", "满意", "基本满意（评价表：一般）", "不满意", "非常不满意"]


@pytest.fixture(scope="module")
def printed(month):
    """The report as the office sends it upward: ?format=pdf (the workbook printed by LibreOffice)."""
    need_office()
    api, _ = month
    r = api.get("/reporting/monthly-reports/2026-11", "supervisor", params={"format": "pdf"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert 'filename="bangnin-monthly-2026-11.pdf"' in r.headers["content-disposition"]
    return r.content


def test_monthly_pdf_prints_each_sheet_on_one_a4_landscape_page(printed, month):
    api, script = month
    sheets = ["说明", "部门月报", "工作进展", "部门报送", "好差评", "考核评分", "图表"]
    assert page_count(printed) == len(sheets)
    assert page_size_mm(printed) == (297, 210)
    for page, sheet in enumerate(sheets, start=1):
        text = page_text(printed, page)
        assert f"第 {page} 页，共 {len(sheets)} 页" in text
        assert text.rstrip().endswith(sheet), (page, text[-200:])
        assert "“蒙速办·帮您办”代办帮办工作月报（2026-11）" in text  # the page header
    first = page_text(printed, 1)  # the status and the due date on the first page
    assert "正式月报：应于 2026-12-15 前报送区政务服务局" in first and "2026-12-15" in first
    table = page_text(printed, 2)
    report = api.get("/reporting/monthly-reports/2026-11", "supervisor").json()
    for row in report["departments"]:  # every department whole on the page, with its rates as percentages
        assert row["department_name"] in table
        line = next(line for line in table.splitlines() if line.strip().startswith(row["department_name"]))
        rate = on_time_rate(row)["value"]  # the workbook's own column (the JSON report has the counts)
        if rate is not None:
            assert f"{rate:.1%}" in line
    assert "合计（按案件去重）" in table
    charts = page_text(printed, 7)
    assert "各部门按时办结率与好评率" in charts and "本月评价（按等级，件）" in charts


def test_monthly_pdf_embeds_its_fonts(printed):
    used = fonts(printed)
    assert used and all(embedded for _, embedded in used), used
    assert any("CJK" in name for name, _ in used), used


def test_monthly_pdf_without_libreoffice_is_503_naming_it(month, monkeypatch):
    api, _ = month
    monkeypatch.setattr("shared.office.soffice", lambda: None)
    r = api.get("/reporting/monthly-reports/2026-11", "supervisor", params={"format": "pdf"})
    assert r.status_code == 503 and "LibreOffice" in r.text


def test_redelivery_changes_nothing_and_rebuild_is_identical(month):
    api, script = month
    reporting = api.runtime.services.reporting
    before = reporting.export()
    views = {c.case_id: api.get(f"/reporting/cases/{c.case_id}", "supervisor").json() for c in script.cases[:5]}
    apps = {name: getattr(api.runtime.services, name) for name in PUBLISHERS}
    for name, app in apps.items():  # every event delivered a second time
        events = read_log(app, name, 0, 100_000)
        assert events and not any(reporting.projector.handle(e) for e in events)
    assert reporting.export() == before
    result = replay(reporting, apps)
    assert result.total == len(before["events"])
    assert reporting.export() == before
    assert {cid: api.get(f"/reporting/cases/{cid}", "supervisor").json() for cid in views} == views
