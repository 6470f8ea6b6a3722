"""The office's report upward (seed 四(二); README "The monthly report on paper"): 海南区“蒙速办·帮您办”工作
YYYY年M月情况报告 to 市行政审批和政务服务局, as DOCX and as PDF, over a November of four cases (one item concluded
late, one 差评 and its rectification, one termination) and three departments' submissions (two on time, one
late): the figures read back from both files are the monthly report API's, the departments' words are theirs,
the late ones named.  (The realistic month's figures themselves are checked in test_reporting_month.py.)"""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
import re
from urllib.parse import quote

from docx import Document
from docx.oxml.ns import qn
import pytest

from shared.clock import CHINA, ManualClock
from shared.settings import Settings
from tests.conftest import DISTRIBUTED
from tests.e2e.coordination_support import act, on
from tests.e2e.evaluation_support import conclude_case, rate, terminate_case
from tests.printing import fonts, need_office, page_count
from tests.support import confirm_closure, open_case, start_app

pytestmark = pytest.mark.skipif(DISTRIBUTED, reason="prints from the in-process app; the processes serve the same router")

TITLE = "海南区“蒙速办·帮您办”工作2026年11月情况报告"
ON_TIME = {"dept_fgw": {"progress": "本月完成企业投资项目备案9件，均在承诺时限内办结",
                        "practices": "备案材料一次告知、容缺受理", "typical_cases": "某碳材料项目3个工作日完成备案"},
           "dept_zjj": {"progress": "施工许可并联审批，月内办结5件", "practices": "联合验收一次到场"}}
LATE = {"dept_zrzy": {"progress": "用地预审与选址意见书办理4件", "practices": "提前介入选址论证"}}


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def docx_text(docx: bytes) -> str:
    body = Document(BytesIO(docx)).element.body
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p")))


def pdf_text(pdf: bytes) -> str:
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        return subprocess.run(["pdftotext", "-raw", f.name, "-"], capture_output=True, check=True, text=True).stdout


def november(api, clock) -> None:  # noqa: ANN001
    on(clock, 2026, 11, 3)
    good = [conclude_case(api, items=[2]), conclude_case(api, items=[2, 7], in_park=False)]
    late = open_case(api, in_park=False, items=[7])  # 区自然资源局 promises 10 working days
    act(api, late, 7, "file", "window_agent")
    act(api, late, 7, "accept", "window_agent")
    on(clock, 2026, 11, 25)
    act(api, late, 7, "approve", "window_agent")  # after its due date: concluded late
    assert api.post(f"/coordination/cases/{late}/completion", "window_agent",
                    json={"materials_returned": True}).status_code == 200
    confirm_closure(api, late)
    terminate_case(api)
    api.settle()
    for case_id, level in zip([*good, late], ("very_satisfied", "satisfied", "very_dissatisfied")):
        assert rate(api, case_id, level).status_code == 201
    api.settle()


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    clock = ManualClock(datetime(2026, 11, 2, 8, 0, tzinfo=CHINA))
    settings = Settings(data_dir=tmp_path_factory.mktemp("upward") / "data", relay_poll_seconds=0.05)
    with start_app(settings, clock) as api:
        november(api, clock)
        on(clock, 2026, 12, 2)
        for who, body in ON_TIME.items():
            assert api.put("/reporting/monthly-submissions/2026-11", who, json=body).status_code == 200
        clock.set(datetime(2026, 12, 16, 10, 0, tzinfo=CHINA))
        for who, body in LATE.items():
            assert api.put("/reporting/monthly-submissions/2026-11", who, json=body).status_code == 200
        api.runtime.run_scheduled()
        api.settle()
        report = api.get("/reporting/monthly-reports/2026-11", "supervisor").json()
        r = api.get("/reporting/monthly-reports/2026-11/upward", "supervisor", params={"format": "docx"})
        assert r.status_code == 200, r.text
        yield api, report, r


def percent(rate: dict) -> str:
    return f"{rate['value'] * 100:.1f}%"


def expected_phrases(report: dict) -> list[str]:
    """What the report must say, every figure taken from the monthly report's JSON."""
    t, s = report["totals"], report["satisfaction"]
    names = {r["department"]: r["department_name"] for r in report["submissions"]["departments"]}
    missing = [r["department_name"] for r in report["submissions"]["departments"] if r["status"] == "missing"]
    assert s["on_time_rate"]["value"] == 3 / 4 and s["good_rate"]["value"] == round(2 / 3, 4)  # figures to print
    assert t["bad_ratings"] == 1 and t["rectifications_opened"] == 1 and t["cases_terminated"] == 1
    return [
        TITLE, "市行政审批和政务服务局：",
        f"本月新开代办帮办案件{t['cases_opened']}件，办结{t['cases_completed']}件，终止{t['cases_terminated']}件",
        f"按时办结率{percent(s['on_time_rate'])}", f"好评率{percent(s['good_rate'])}",
        f"差评{t['bad_ratings']}条，差评整改开立{t['rectifications_opened']}件、完成{t['rectifications_completed']}件",
        f"按时办结的事项{s['on_time_rate']['numerator']}项÷办结的事项{s['on_time_rate']['denominator']}项",
        "一、总体情况", "二、各部门工作进展情况", "三、经验做法", "四、典型案例", "五、各部门报送情况",
        f"（一）{names['fgw']}：{ON_TIME['dept_fgw']['progress']}", f"{names['zjj']}：{ON_TIME['dept_zjj']['practices']}",
        f"{names['zrzy']}：{LATE['dept_zrzy']['progress']}", f"（一）{names['fgw']}：{ON_TIME['dept_fgw']['typical_cases']}",
        f"逾期报送的部门：{names['zrzy']}", "逾期未报送：" + "、".join(missing),
        report["submissions"]["summary"], "海南区政务服务局", "2026年12月16日",
    ]


def test_the_docx_says_the_monthly_reports_figures_and_the_departments_words(month):
    _, report, r = month
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "filename*=UTF-8''" + quote(f"{TITLE}.docx") in r.headers["content-disposition"]
    text = flat(docx_text(r.content))
    missing = [p for p in expected_phrases(report) if flat(p) not in text]
    assert not missing, missing
    assert text.index(flat(TITLE)) < text.index("市行政审批和政务服务局") < text.index("海南区政务服务局2026年12月16日")
    assert "临时数据" not in text  # December: the month is over, the report final


@pytest.fixture(scope="module")
def printed(month):
    need_office()
    api, _, _ = month
    pdf = api.get("/reporting/monthly-reports/2026-11/upward", "supervisor")  # PDF by default
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    return pdf.content


def test_the_pdf_prints_the_same_document_with_its_fonts_embedded(printed, month):
    _, report, _ = month
    pdf = printed
    text = flat(pdf_text(pdf))
    missing = [p for p in expected_phrases(report) if flat(p) not in text]
    assert not missing, missing
    assert 2 <= page_count(pdf) <= 4
    used = fonts(pdf)
    assert used and all(embedded for _, embedded in used), used


def test_only_the_office_fetches_it_and_a_month_not_begun_is_refused(month):
    api, _, _ = month
    for who in ("dept_fgw", "window_agent", "applicant"):
        assert api.get("/reporting/monthly-reports/2026-11/upward", who, params={"format": "docx"}).status_code == 403
    r = api.get("/reporting/monthly-reports/2027-01/upward", "supervisor", params={"format": "docx"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "month"
    r = api.get("/reporting/monthly-reports/2026-12/upward", "admin", params={"format": "docx"})
    assert r.status_code == 200 and "临时数据" in docx_text(r.content)  # the running month: marked provisional


def test_the_report_page_links_to_the_document_and_fetches_it_as_the_user(month):
    from tests.e2e.test_web import logged_in

    api, report, _ = month
    client = logged_in(api, "supervisor")
    try:
        page = client.get("/reports/2026-11").text
        assert "/reports/2026-11/download?document=upward&amp;format=docx" in page
        r = client.get("/reports/2026-11/download", params={"document": "upward", "format": "docx"})
        assert r.status_code == 200 and flat(TITLE) in flat(docx_text(r.content))
        assert client.get("/reports/2026-11/download", params={"document": "upward", "format": "xlsx"}).status_code == 422
    finally:
        client.cookies.clear()
