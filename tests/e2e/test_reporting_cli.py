"""``bangnin rebuild`` and ``bangnin report monthly`` on the data folder of a stopped embedded server."""

from __future__ import annotations

from pathlib import Path
import re

from openpyxl import load_workbook

from services.cli import main
from services.reporting.projector import CASES
from services.reporting.sqlite_store import SQLiteReadStore
from tests.printing import need_office, page_count, page_text
from tests.support import confirm_closure, open_case


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
        confirm_closure(api, case_id)
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


def test_an_interrupted_rebuild_resumes_where_it_stopped(api_factory, data_dir, clock, capsys, monkeypatch):
    from services.reporting import rebuild as rebuilding

    with api_factory() as api:
        case_id = open_case(api, items=[2, 24])
        for action in ("file", "accept", "approve"):
            assert api.post(f"/coordination/cases/{case_id}/items/2/actions", "dept_fgw", json={"action": action}).status_code == 200
        api.settle()
    live = dump(data_dir)
    read_log, calls = rebuilding.read_log, []

    def interrupted_read_log(app, service, after, limit):  # noqa: ANN001, ANN202 - Ctrl-C in coordination's log
        calls.append((service, after))
        if service == "coordination" and after > 0:
            raise KeyboardInterrupt
        return read_log(app, service, after, 2)

    monkeypatch.setattr(rebuilding, "read_log", interrupted_read_log)
    assert main(["rebuild", "--data-dir", str(data_dir)]) == 130
    assert "将从中断处继续" in capsys.readouterr().err
    partial = dump(data_dir)
    assert 0 < len(partial["events"]) < len(live["events"])

    calls.clear()
    monkeypatch.setattr(rebuilding, "read_log", lambda app, service, after, limit: calls.append((service, after))
                        or read_log(app, service, after, limit))
    assert main(["rebuild", "--data-dir", str(data_dir)]) == 0
    captured = capsys.readouterr()
    assert "从中断处继续" in captured.out and "读模型已重建（续建）" in captured.out
    assert "重建读模型" in captured.err and "事件/s" in captured.err  # the progress bar: its rate
    intake_end = max(e["position"] for e in live["events"] if e["service"] == "intake")
    assert calls[0] == ("intake", intake_end) and calls[1][0] == "coordination" and calls[1][1] > 0  # not from 0
    assert dump(data_dir) == live

    assert main(["rebuild", "--data-dir", str(data_dir)]) == 0  # finished: the next rebuild starts over
    assert "续建" not in capsys.readouterr().out and dump(data_dir) == live


def test_report_monthly_writes_the_workbook_and_says_where(api_factory, data_dir, capsys):
    with api_factory() as api:
        open_case(api, items=[2])
    assert main(["report", "monthly", "2026-09", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    path = re.search(r"已写入：(\S+\.xlsx)", out).group(1)
    wb = load_workbook(path)
    assert wb.sheetnames == ["说明", "部门月报", "工作进展", "部门报送", "好差评", "考核评分", "图表"]
    assert "2026-09" in wb["说明"]["A1"].value
    assert main(["report", "monthly", "2026-9", "--data-dir", str(data_dir)]) == 2
    assert "YYYY-MM" in capsys.readouterr().err


def test_report_monthly_as_pdf_prints_the_workbook(api_factory, data_dir, capsys):
    need_office()
    with api_factory() as api:
        open_case(api, items=[2])
    assert main(["report", "monthly", "2026-09", "--format", "pdf", "--data-dir", str(data_dir)]) == 0
    path = Path(re.search(r"已写入：(\S+\.pdf)", capsys.readouterr().out).group(1))
    assert path.name == "bangnin-monthly-2026-09.pdf"
    pdf = path.read_bytes()
    assert page_count(pdf) == 7
    first = page_text(pdf, 1)  # the command reads the real date: September is over, the report is final
    assert "正式月报：应于 2026-10-15 前报送" in first and "第 1 页，共 7 页" in first


def test_report_monthly_as_pdf_without_libreoffice_says_so(api_factory, data_dir, capsys, monkeypatch):
    with api_factory() as api:
        open_case(api, items=[2])
    monkeypatch.setattr("shared.office.soffice", lambda: None)
    assert main(["report", "monthly", "2026-09", "--format", "pdf", "--data-dir", str(data_dir)]) == 1
    assert "LibreOffice" in capsys.readouterr().err
