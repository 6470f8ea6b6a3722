"""Follow-up draws and visits, the code-list export, and default ratings (setting on) over HTTP."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook
import pytest

from shared.office import workbook_to_pdf
from shared.settings import Settings
from tests.e2e.evaluation_support import conclude_case, rate, terminate_case
from tests.printing import need_office, page_count, page_text

LEVELS = ["very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied"]


@pytest.fixture
def settings(data_dir):
    return Settings(data_dir=data_dir, relay_poll_seconds=0.05, default_rating_after_days=7)


def test_follow_up_draw_is_reproducible_with_its_recorded_seed(api, clock):
    cases = [conclude_case(api, items=[2]) for _ in range(4)] + [terminate_case(api)]
    period = {"period_start": "2026-09-01", "period_end": "2026-09-30"}
    assert api.post("/evaluation/follow-ups/draws", "park_agent", json=period).status_code == 403
    first = api.post("/evaluation/follow-ups/draws", "supervisor", json={**period, "ratio": 0.4})
    assert first.status_code == 201, first.text
    d1 = first.json()
    assert d1["inputs"] == sorted(cases) and len(d1["sample"]) == 2 and d1["reproducible"] is True
    again = api.post("/evaluation/follow-ups/draws", "supervisor", json={**period, "ratio": 0.4, "seed": d1["seed"]}).json()
    assert again["draw_id"] != d1["draw_id"] and again["sample"] == d1["sample"] and again["seed"] == d1["seed"]
    samples = {tuple(api.post("/evaluation/follow-ups/draws", "supervisor", json={**period, "ratio": 0.4, "seed": s})
                     .json()["sample"]) for s in range(1, 7)}
    assert len(samples) > 1  # the seed matters
    bad = api.post("/evaluation/follow-ups/draws", "supervisor", json={**period, "period_end": "2026-08-01"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "period_end"
    assert api.post("/evaluation/follow-ups/draws", "supervisor", json={**period, "ratio": 1.5}).status_code == 422

    picked, skipped = d1["sample"][0], next(c for c in cases if c not in d1["sample"])
    url = f"/evaluation/follow-ups/{d1['draw_id']}/visits"
    visit = {"case_id": picked, "outcome": "reached", "level": "satisfied", "note": "企业表示满意", "visited_on": "2026-09-21"}
    r = api.post(url, "supervisor", json=visit)
    assert r.status_code == 201 and r.json()["visits"][0]["case_id"] == picked
    assert len(api.post(url, "supervisor", json=visit).json()["visits"]) == 1  # a retry records nothing
    r = api.post(url, "supervisor", json={**visit, "case_id": skipped})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "case_id"
    r = api.post(url, "supervisor", json={**visit, "visited_on": "2026-12-01"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "visited_on"
    assert api.get(f"/evaluation/follow-ups/draws/{d1['draw_id']}", "supervisor").json()["visits"][0]["note"] == "企业表示满意"


def test_export_in_both_code_lists_for_all_five_levels(api):
    by_level = {}
    for level in LEVELS:
        case_id = conclude_case(api, items=[2])
        assert rate(api, case_id, level, comment=f"评价：{level}").status_code == 201
        by_level[case_id] = level
    expected = {"gbt39046": {"very_satisfied": 1, "satisfied": 2, "basically_satisfied": 3, "dissatisfied": 4,
                             "very_dissatisfied": 5},
                "haochaping": {"very_satisfied": 5, "satisfied": 4, "basically_satisfied": 3, "dissatisfied": 2,
                               "very_dissatisfied": 1}}
    for code_list, codes in expected.items():
        r = api.get(f"/evaluation/ratings/export?code_list={code_list}", "supervisor")
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["count"] == 5 and body["code_list"]["id"] == code_list
        for record in body["records"]:
            assert record["level"] == by_level[record["case_id"]]
            assert record["code"] == codes[record["level"]]
            assert record["code_list"]["id"] == code_list and record["code_list"]["name"] == body["code_list"]["name"]
        labels = {x["level"]: (x["level_label"], x["level_label_form"]) for x in body["records"]}
        assert labels["basically_satisfied"] == ("基本满意", "一般")
    assert "GB/T 39046—2020" in api.get("/evaluation/ratings/export?code_list=gbt39046", "supervisor").json()["code_list"]["name"]
    r = api.get("/evaluation/ratings/export?code_list=iso", "supervisor")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "code_list"
    assert api.get("/evaluation/ratings/export?code_list=gbt39046", "applicant").status_code == 403


def test_export_as_a_workbook_formatted_and_printed_on_one_page(api, tmp_path):
    for n, level in enumerate(LEVELS):
        case_id = conclude_case(api, items=[2])
        assert rate(api, case_id, level, comment="办事人员态度很好，材料一次讲清" * (3 if n == 0 else 1)).status_code == 201
    r = api.get("/evaluation/ratings/export", "supervisor",
                params={"code_list": "haochaping", "format": "xlsx", "period_start": "2026-09-01"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert 'filename="bangnin-ratings-haochaping-2026-09-01-all.xlsx"' in r.headers["content-disposition"]
    wb = load_workbook(BytesIO(r.content))
    assert wb.sheetnames == ["说明", "评价明细"]
    notes = {row[0]: row[1] for row in wb["说明"].iter_rows(min_row=2, values_only=True)}
    assert notes["评价日期起"].date().isoformat() == "2026-09-01" and notes["评价日期止"] == "不限"
    assert notes["代码 1"] == "非常不满意" and "好差评" in notes["代码表"]
    sheet = wb["评价明细"]
    assert sheet.freeze_panes == "B3" and sheet.print_title_rows == "$1:$2"
    assert (sheet.page_setup.orientation, sheet.page_setup.fitToWidth) == ("landscape", 1)
    header = {c.value.replace("\n", ""): c.column_letter for c in sheet[2]}
    rows = list(range(3, sheet.max_row + 1))
    assert len(rows) == 5
    for row in rows:
        assert sheet[f"{header['评价日期']}{row}"].is_date and sheet[f"{header['评价日期']}{row}"].number_format == "yyyy-mm-dd"
        assert sheet[f"{header['等级代码']}{row}"].number_format == "0"
    codes = {sheet[f"{header['满意度']}{row}"].value: sheet[f"{header['等级代码']}{row}"].value for row in rows}
    assert codes == {"非常满意": 5, "满意": 4, "基本满意": 3, "不满意": 2, "非常不满意": 1}
    comment = next(row for row in rows if len(sheet[f"{header['意见及建议']}{row}"].value) > 40)
    assert sheet[f"{header['意见及建议']}{comment}"].alignment.wrap_text
    assert sheet.row_dimensions[comment].height >= 30  # tall enough for the wrapped comment

    need_office()
    pdf = workbook_to_pdf(r.content)
    (tmp_path / "ratings.pdf").write_bytes(pdf)  # to look at: pdftoppm -png …/ratings.pdf
    assert page_count(pdf) == 2  # 说明 and 评价明细, one page each
    table = page_text(pdf, 2)
    assert "好差评评价明细" in table and "非常不满意" in table and "第 2 页，共 2 页" in table


def test_export_period_in_another_format_is_a_422_naming_it_in_chinese(api):
    r = api.get("/evaluation/ratings/export?code_list=gbt39046&period_start=2026-9-1", "supervisor")
    assert r.status_code == 422, r.text
    [entry] = r.json()["detail"]
    assert entry["field"] == "period_start" and "YYYY-MM-DD" in entry["msg"] and "日期" in entry["msg"]


def test_unrated_case_gets_a_marked_default_after_seven_natural_days(api, clock):
    case_id = conclude_case(api)
    rated_id = conclude_case(api)
    rate(api, rated_id, "satisfied")
    clock.advance(days=6)
    api.runtime.run_scheduled()
    assert api.get(f"/evaluation/cases/{case_id}", "applicant").json()["ratings"] == []
    clock.advance(days=1)
    api.runtime.run_scheduled()
    api.runtime.run_scheduled()
    view = api.get(f"/evaluation/cases/{case_id}", "applicant").json()
    assert [(r["level"], r["defaulted"], r["real_name"]) for r in view["ratings"]] == [("basically_satisfied", True, False)]
    assert view["status"] == "invited"  # still waiting for the applicant's own rating
    assert len(api.get(f"/evaluation/cases/{rated_id}", "applicant").json()["ratings"]) == 1
    own = rate(api, case_id, "very_satisfied").json()
    assert own["defaulted"] is False and own["follow_up"] is False and own["rating_no"] == 2
    exported = api.get("/evaluation/ratings/export?code_list=haochaping", "supervisor").json()["records"]
    assert sorted((x["case_id"] == case_id, x["defaulted"]) for x in exported) == [(False, False), (True, False), (True, True)]
