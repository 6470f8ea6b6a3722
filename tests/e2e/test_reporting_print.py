"""The running month's report on paper: marked provisional on its first page, with its due date."""

from __future__ import annotations

from tests.printing import need_office, page_count, page_text
from tests.support import open_case


def test_running_month_pdf_says_provisional_and_its_due_date_on_page_one(api):
    need_office()
    open_case(api, items=[2])  # the clock stands on 2026-09-21: September is still running
    r = api.get("/reporting/monthly-reports/2026-09", "supervisor", params={"format": "pdf"})
    assert r.status_code == 200, r.text
    pdf = r.content
    assert page_count(pdf) == 7
    first = page_text(pdf, 1)
    assert "临时月报" in first and "月份尚未结束" in first
    assert "报送截止" in first and "2026-10-15" in first and "生成日期" in first and "2026-09-21" in first
    table = page_text(pdf, 2)
    assert "区发展和改革委员会" in table and "合计（按案件去重）" in table
