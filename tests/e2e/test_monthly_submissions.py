"""The departments' monthly submissions (seed 四(二): 各部门每月15日前报送工作进展情况、经验做法; API.md § The
supervision loop): on time up to the 15th of the next month, late after it, listed for the office with every
department, and summarised in the monthly report (its own sheet in the workbook)."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook
import pytest

from shared.reference import load_catalog
from tests.conftest import DISTRIBUTED
from tests.e2e.coordination_support import events, on

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


# -- reminders from the 10th, late flags after the 15th (issue 15; README "Reaching people") ------------------
# April 2026's submissions are due on 15 May. 10 May 2026 is a Sunday (9 May, a Saturday, is a make-up working day
# of the 劳动节 holiday): the reminder goes on Monday 11 May. 区住建局 (zjj)'s agents in 附件11 include 白芳 (13604738371).
APRIL = "2026-04"


def chase(api, clock, y: int, m: int, d: int, hour: int = 9) -> None:  # noqa: ANN001
    on(clock, y, m, d, hour)
    api.runtime.run_scheduled()
    api.settle()


def chased(api, type_: str) -> list[str]:  # noqa: ANN001
    return sorted(e.payload["department"] for e in events(api, "evaluation", type_=f"evaluation.{type_}"))


def inbox_of(api, as_: str) -> dict:  # noqa: ANN001
    r = api.get("/inbox", as_)
    assert r.status_code == 200, r.text
    return r.json()


def told(api, as_: str, kind: str) -> list[dict]:  # noqa: ANN001
    return [m for m in inbox_of(api, as_)["messages"] if m["kind"] == kind]


def to_submit(api, as_: str) -> list[dict]:  # noqa: ANN001
    return [t for t in inbox_of(api, as_)["todos"] if t["kind"] == "report_to_submit"]


def test_missing_submissions_are_reminded_from_the_10th_once_and_flagged_late_after_the_15th_once(api, clock):
    everyone = sorted(d.code for d in load_catalog().departments)
    on(clock, 2026, 5, 6)
    assert to_submit(api, "dept_zjj")[0]["what"] == "报送2026年4月工作进展情况、经验做法和典型案例"  # waits from 1 May
    assert to_submit(api, "dept_zjj")[0]["due_date"] == "2026-05-15" and not to_submit(api, "dept_zjj")[0]["overdue"]
    assert submit(api, "dept_fgw", month=APRIL).status_code == 200  # early, on time
    api.settle()
    assert to_submit(api, "dept_fgw") == [] and to_submit(api, "supervisor") == []

    chase(api, clock, 2026, 5, 9)  # a make-up working day, before the 10th
    chase(api, clock, 2026, 5, 10)  # the 10th, a Sunday: the reminder waits for the next working day
    assert chased(api, "MonthlySubmissionReminded") == []
    chase(api, clock, 2026, 5, 11)
    reminded = [c for c in everyone if c != "fgw"]
    assert chased(api, "MonthlySubmissionReminded") == reminded
    chase(api, clock, 2026, 5, 11, hour=15)
    chase(api, clock, 2026, 5, 12)  # again and again: once per department and month
    assert chased(api, "MonthlySubmissionReminded") == reminded
    (message,) = told(api, "dept_zjj", "submission_due")
    assert message["text"] == "月度报送提醒：请于2026-05-15前报送本部门2026年4月工作进展情况、经验做法和典型案例"
    assert message["link"] == "/submissions/2026-04" and message["due_date"] == "2026-05-15"
    assert message["kind_label"] == "月度报送提醒"
    assert told(api, "dept_fgw", "submission_due") == []  # it had submitted
    assert told(api, "baifang", "submission_due")  # a person of the department's register reads it too
    texts = [s for s in api.get("/notifications/sms", "admin").json()["items"] if s["kind"] == "submission_due"]
    assert "136****8371" in [s["recipient"] for s in texts]  # 白芳's phone (附件11), masked in the listing
    assert len([s for s in texts if s["recipient"] == "136****8371"]) == 1

    on(clock, 2026, 5, 14)
    assert submit(api, "dept_zrzy", month=APRIL).status_code == 200  # on time, after the reminder
    api.settle()
    assert to_submit(api, "dept_zrzy") == [] and to_submit(api, "dept_zjj")  # the to-do is gone once submitted
    chase(api, clock, 2026, 5, 15, hour=23)  # the 15th is not over yet
    assert chased(api, "MonthlySubmissionOverdue") == []

    chase(api, clock, 2026, 5, 16)  # after the due date: every department still missing is flagged late, once
    late = [c for c in everyone if c not in ("fgw", "zrzy")]
    assert chased(api, "MonthlySubmissionOverdue") == late
    chase(api, clock, 2026, 5, 18)
    assert chased(api, "MonthlySubmissionOverdue") == late
    assert chased(api, "MonthlySubmissionReminded") == reminded  # no reminder after the due date
    (flag,) = told(api, "dept_zjj", "submission_late")
    assert flag["text"].startswith("逾期未报送：报送期限2026-05-15已过，本部门尚未报送2026年4月")
    office = [m["text"] for m in told(api, "supervisor", "submission_late")]
    assert len(office) == len(late) and "逾期未报送：区住房和城乡建设局未在2026-05-15前报送2026年4月工作进展情况、经验做法和典型案例" in office
    assert told(api, "dept_fgw", "submission_late") == [] and told(api, "dept_zrzy", "submission_late") == []
    listed = rows(api, month=APRIL)
    assert (listed["zjj"]["reminded_on"], listed["zjj"]["flagged_late_on"]) == ("2026-05-11", "2026-05-16")
    assert (listed["zrzy"]["reminded_on"], listed["zrzy"]["flagged_late_on"]) == ("2026-05-11", None)
    assert (listed["fgw"]["reminded_on"], listed["fgw"]["flagged_late_on"]) == (None, None)

    (waiting,) = to_submit(api, "dept_zjj")
    assert waiting["overdue"] is True  # still to do, now late
    assert submit(api, "dept_zjj", month=APRIL).json()["late"] is True
    api.settle()
    assert to_submit(api, "dept_zjj") == []
    assert rows(api, month=APRIL)["zjj"]["status"] == "submitted_late"


@pytest.mark.skipif(DISTRIBUTED, reason="the pages' own process in the distributed runtime: tests/e2e/test_web.py's way")
def test_the_submission_page_the_reminder_links_to(api, clock):
    """/submissions/{YYYY-MM}: the home page's to-do leads there; the agent writes its department's submission
    (a 422 shows each message beside its field), and the office sees every department's state."""
    from tests.e2e.test_web import csrf_of, logged_in

    on(clock, 2026, 5, 11)
    client = logged_in(api, "dept_zjj")
    try:
        assert 'href="/submissions/2026-04"' in client.get("/").text  # the to-do on the home page
        page = client.get("/submissions/2026-04")
        assert page.status_code == 200 and "工作进展情况" in page.text and "区住房和城乡建设局" in page.text
        r = client.post("/submissions/2026-04", data={"csrf": csrf_of(page.text), "progress": "", "practices": "并联审批"},
                        follow_redirects=False)
        assert r.status_code == 422 and "并联审批" in r.text and 'id="err-progress"' in r.text
        r = client.post("/submissions/2026-04", data={"csrf": csrf_of(page.text), **BODY}, follow_redirects=False)
        assert r.status_code == 303, r.text
        shown = client.get(r.headers["location"]).text
        assert "已报送" in shown and "按期报送" in shown and BODY["typical_cases"] in shown
        assert 'href="/submissions/2026-04"' not in client.get("/").text  # done: the to-do is gone
        client = logged_in(api, "supervisor")
        listing = client.get("/submissions/2026-04").text
        assert "区住房和城乡建设局" in listing and "区发展和改革委员会" in listing and "<textarea" not in listing
    finally:
        client.cookies.clear()
    assert rows(api, month="2026-04")["zjj"]["submission"]["progress"] == BODY["progress"]
