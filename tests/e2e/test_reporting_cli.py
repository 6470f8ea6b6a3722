"""``bangnin rebuild`` and ``bangnin report monthly`` on the data folder of a stopped embedded server."""

from __future__ import annotations

import re

from openpyxl import load_workbook

from services.cli import main
from services.reporting.projector import CASES
from services.reporting.sqlite_store import SQLiteReadStore
from tests.support import open_case


def dump(data_dir) -> dict:
    store = SQLiteReadStore(data_dir / "reporting.sqlite")
    try:
        return {"events": list(store.all_events()), "cases": store.find(CASES)}
    finally:
        store.close()


def test_rebuild_reproduces_the_live_read_models(api_factory, data_dir, clock, capsys):
    with api_factory() as api:
        case_id = open_case(api, items=[2, 24])
        clock.advance(days=1)
        for action in ("file", "accept", "approve"):
            assert api.post(f"/coordination/cases/{case_id}/items/2/actions", "dept_fgw", json={"action": action}).status_code == 200
        assert api.post(f"/coordination/cases/{case_id}/termination", "park_agent",
                        json={"reason": "项目调整", "reason_code": "applicant_request"}).status_code == 200
        api.settle()
        assert api.post(f"/evaluation/cases/{case_id}/rating", "applicant",
                        json={"level": "dissatisfied", "channel": "mobile", "comment": "太慢"}).status_code == 201
        api.settle()
        view = api.get(f"/reporting/cases/{case_id}", "supervisor").json()
    live = dump(data_dir)
    assert view["status"] == "terminated" and view["rectifications"][0]["state"] == "pending"

    assert main(["rebuild", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert f"共重放事件 {len(live['events'])} 条" in out
    assert dump(data_dir) == live

    with api_factory() as api:  # the server starts on the rebuilt read models and answers the same
        assert api.get(f"/reporting/cases/{case_id}", "supervisor").json() == view


def test_report_monthly_writes_the_workbook_and_says_where(api_factory, data_dir, capsys):
    with api_factory() as api:
        open_case(api, items=[2])
    assert main(["report", "monthly", "2026-09", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    path = re.search(r"已写入：(\S+\.xlsx)", out).group(1)
    wb = load_workbook(path)
    assert wb.sheetnames == ["说明", "部门月报", "好差评", "考核评分"]
    assert "2026-09" in wb["说明"]["A1"].value
    assert main(["report", "monthly", "2026-9", "--data-dir", str(data_dir)]) == 2
    assert "YYYY-MM" in capsys.readouterr().err
