"""The office's and the admin's further pages over HTTP (no browser): follow-up draws (draw, visit, recompute to
check), the departments' monthly submissions and who is late, the annual assessment, accounts, the catalog and
the register change form, the complaints on the dashboard."""

from __future__ import annotations

import re

import pytest

from tests.conftest import DISTRIBUTED
from tests.e2e.evaluation_support import conclude_case
from tests.e2e.test_web import csrf_of, logged_in

pytestmark = pytest.mark.skipif(DISTRIBUTED, reason="the pages are served by the embedded app here; "
                                "the distributed web process is started by deploy/launcher.py")


def test_a_follow_up_draw_and_its_visits_through_the_pages(api, clock):
    cases = [conclude_case(api, items=[2]) for _ in range(3)]
    api.settle()
    client = logged_in(api, "supervisor")
    page = client.get("/followups")
    assert page.status_code == 200 and "回访抽查" in page.text and "尚无回访抽取" in page.text
    assert '<label for="d-period_start">办结（终止）日期起</label>' in page.text
    wrong = client.post("/followups", data={"csrf": csrf_of(page.text), "period_start": "2026-09-30",
                                            "period_end": "2026-09-01", "ratio": "50"})
    assert wrong.status_code == 422 and 'id="err-period_end"' in wrong.text and 'value="50"' in wrong.text
    drawn = client.post("/followups", data={"csrf": csrf_of(page.text), "period_start": "2026-09-01",
                                            "period_end": "2026-09-30", "ratio": "50", "seed": "7"},
                        follow_redirects=True)
    assert drawn.status_code == 200 and 'data-reproducible="true"' in drawn.text
    draw_id = drawn.url.path.rsplit("/", 1)[1]
    recorded = api.get(f"/evaluation/follow-ups/draws/{draw_id}", "supervisor").json()
    assert recorded["seed"] == 7 and recorded["ratio"] == 0.5 and recorded["inputs"] == sorted(cases)
    assert len(recorded["sample"]) == 2 and all(f'id="case-{c}"' in drawn.text for c in recorded["sample"])
    assert 'data-visited>0 / 2<' in drawn.text
    picked = recorded["sample"][0]
    missing = client.post(f"/followups/{draw_id}/visits", data={"csrf": csrf_of(drawn.text), "case_id": picked,
                                                                "visited_on": "2026-09-21", "note": "电话无人接听"})
    assert missing.status_code == 422 and f'id="err-{picked}-outcome"' in missing.text and "电话无人接听" in missing.text
    visited = client.post(f"/followups/{draw_id}/visits", data={"csrf": csrf_of(drawn.text), "case_id": picked,
                                                                "outcome": "reached", "level": "satisfied",
                                                                "visited_on": "2026-09-21", "note": "企业表示满意"},
                          follow_redirects=True)
    assert visited.status_code == 200 and 'data-visited>1 / 2<' in visited.text and "企业表示满意" in visited.text
    assert api.get(f"/evaluation/follow-ups/draws/{draw_id}", "supervisor").json()["visits"][0]["outcome"] == "reached"
    listed = client.get("/followups")
    assert listed.text.count('<tr class="draw-row">') == 1 and "重算一致" in listed.text
    admin = logged_in(api, "admin").get(f"/followups/{draw_id}")
    assert admin.status_code == 200 and "记录回访" not in admin.text  # the admin reads; the supervisor visits
    assert logged_in(api, "park_agent").get("/followups").status_code == 403


def test_a_departments_monthly_submission_then_seen_by_the_office_with_who_is_late(api, clock):
    agent = logged_in(api, "dept_zrzy")
    home = agent.get("/")
    assert 'href="/submissions"' in home.text
    page = agent.get("/submissions/2026-08")
    assert page.status_code == 200 and '<label for="s-progress">工作进展情况</label>' in page.text
    assert '<label for="s-practices">经验做法</label>' in page.text and '<label for="s-typical_cases">典型案例</label>' in page.text
    assert "各部门报送情况" not in page.text  # an agent sees its own department only
    empty = agent.post("/submissions/2026-08", data={"csrf": csrf_of(page.text), "progress": "", "practices": "并联审批"})
    assert empty.status_code == 422 and 'id="err-progress"' in empty.text and ">并联审批</textarea>" in empty.text
    sent = agent.post("/submissions/2026-08", data={"csrf": csrf_of(page.text), "progress": "受理用地预审 3 件",
                                                    "practices": "提前介入、容缺受理", "typical_cases": "某光伏项目"},
                      follow_redirects=True)
    assert sent.status_code == 200 and "已报送" in sent.text and ">受理用地预审 3 件</textarea>" in sent.text
    assert "逾期报送" in sent.text  # August's were due by 15 September
    future = agent.post("/submissions/2026-12", data={"csrf": csrf_of(page.text), "progress": "x", "practices": "y"})
    assert future.status_code == 422 and "尚未开始" in future.text
    office = logged_in(api, "supervisor")
    report = office.get("/reports/2026-08")
    assert 'href="/submissions/2026-08"' in report.text
    seen = office.get("/submissions/2026-08")
    api_rows = {d["department"]: d for d in api.get("/reporting/monthly-submissions/2026-08", "supervisor").json()["departments"]}
    rows = dict(re.findall(r'<tr class="dept-row[^"]*" data-department="(\w+)">(.*?)</tr>', seen.text, re.S))
    assert rows.keys() == api_rows.keys() and len(rows) > 5
    assert "逾期报送" in rows["zrzy"] and "受理用地预审 3 件" in seen.text and "某光伏项目" in seen.text
    assert all("逾期未报送" in rows[c] and "逾期" in rows[c] for c in rows if c != "zrzy")
    assert f'data-late>{len(rows)} 个部门' in seen.text
    assert "工作进展情况" in seen.text and '<form method="post" action="/submissions' not in seen.text
    assert logged_in(api, "applicant").get("/submissions/2026-08").status_code == 403


def test_the_annual_assessment_page_is_the_apis_scorecard_and_agents(api, clock):
    conclude_case(api, items=[2, 7])
    api.settle()
    client = logged_in(api, "supervisor")
    assert client.get("/annual", follow_redirects=False).headers["location"] == "/annual/2026"
    page = client.get("/annual/2026")
    view = api.get("/reporting/annual-assessment/2026", "supervisor").json()
    assert page.status_code == 200 and "临时数据" in page.text and view["assessment"]["formula"]["score"] in page.text
    for d in view["assessment"]["departments"]:
        row = re.search(rf'<tr data-department="{d["department"]}">(.*?)</tr>', page.text, re.S).group(1)
        assert f"<strong>{d['score'] if d['score'] is not None else '不适用'}</strong>" in row
    assert "投诉建议按期答复率" in page.text
    assert page.text.count('<tr class="agent-row">') == len(view["agents"]) >= 1
    assert client.get("/annual/2031").status_code == 422
    assert logged_in(api, "dept_zrzy").get("/annual/2026").status_code == 403


def test_accounts_are_created_disabled_and_reset_on_the_admin_page(api):
    client = logged_in(api, "admin")
    page = client.get("/admin/accounts")
    assert page.status_code == 200 and page.text.count('<tr class="account-row') == len(api.get("/auth/accounts", "admin").json())
    for label in ("用户名", "姓名", "角色"):
        assert f">{label}</label>" in page.text
    bad = client.post("/admin/accounts", data={"csrf": csrf_of(page.text), "username": "Zhang", "name": "张伟",
                                               "role": "department_agent", "department": "zrzy"})
    assert bad.status_code == 422 and 'id="err-username"' in bad.text and 'value="张伟"' in bad.text
    made = client.post("/admin/accounts", data={"csrf": csrf_of(page.text), "username": "zhao.min", "name": "张伟",
                                                "role": "department_agent", "department": "zrzy"})
    assert made.status_code == 201 and 'id="issued"' in made.text, re.findall(r'class="(?:flash|error)"[^>]*>([^<]*)', made.text)
    password = re.search(r"<code data-password>([^<]+)</code>", made.text).group(1)
    assert "location" not in made.headers  # shown on the page that answers, never put in a URL
    stored = api.get("/auth/accounts/zhao.min", "admin").json()
    assert stored["department"] == "zrzy" and stored["must_change_password"] is True
    first = api.client.post("/auth/token", data={"username": "zhao.min", "password": password})
    assert first.status_code == 200
    client = logged_in(api, "admin")
    page = client.get("/admin/accounts")
    off = client.post("/admin/accounts/zhao.min/disable", data={"csrf": csrf_of(page.text)}, follow_redirects=True)
    assert off.status_code == 200 and re.search(r'id="acct-zhao\.min".*?已停用', off.text, re.S)
    assert api.get("/auth/accounts/zhao.min", "admin").json()["disabled"] is True
    on = client.post("/admin/accounts/zhao.min/enable", data={"csrf": csrf_of(page.text)}, follow_redirects=True)
    assert api.get("/auth/accounts/zhao.min", "admin").json()["disabled"] is False and on.status_code == 200
    reset = client.post("/admin/accounts/zhao.min/password-reset", data={"csrf": csrf_of(page.text)})
    assert reset.status_code == 200 and "重置密码" in reset.text
    new_password = re.search(r"<code data-password>([^<]+)</code>", reset.text).group(1)
    assert new_password != password
    assert api.client.post("/auth/token", data={"username": "zhao.min", "password": new_password}).status_code == 200
    demo = client.post("/admin/accounts/supervisor/disable", data={"csrf": csrf_of(page.text)})
    assert demo.status_code >= 400 and "账号 supervisor" in demo.text
    assert api.get("/auth/accounts/supervisor", "admin").json()["disabled"] is False
    assert client.post("/admin/accounts/zhao.min/disable", data={"csrf": "wrong"}).status_code == 403
    assert logged_in(api, "supervisor").get("/admin/accounts").status_code == 403


def test_the_catalog_page_shows_every_item_with_its_version_and_limits(api):
    client = logged_in(api, "supervisor")
    page = client.get("/admin/catalog")
    catalog = api.get("/coordination/catalog", "supervisor").json()
    assert page.status_code == 200 and page.text.count('<tr class="catalog-row"') == len(catalog)
    first = catalog[0]
    row = re.search(rf'<tr class="catalog-row" data-item="{first["item_no"]}">(.*?)</tr>', page.text, re.S).group(1)
    assert first["name"] in row and f'<td class="num">{first["promised_days"]}</td>' in row and f"第 {first['since_version']} 版" in row
    assert logged_in(api, "applicant").get("/admin/catalog").status_code == 403


def test_a_register_change_through_the_page(api, clock):
    client = logged_in(api, "admin")
    page = client.get("/admin/register")
    assert page.status_code == 200 and "尚无调整报备" in page.text and '<label for="g-replacement-name">新人员姓名</label>' in page.text
    fields = {"csrf": csrf_of(page.text), "department": "zjj", "items": "10", "replaced": "白芳",
              "replacement.name": "刘洋", "replacement.phone": "13900001111", "effective_on": "2026-09-21"}
    no_reason = client.post("/admin/register", data=fields)
    assert no_reason.status_code == 422 and 'id="err-reason"' in no_reason.text and 'value="刘洋"' in no_reason.text
    no_department = client.post("/admin/register", data={**fields, "department": "", "reason": "白芳调岗"})
    assert no_department.status_code == 404 and 'id="err-department"' in no_department.text
    saved = client.post("/admin/register", data={**fields, "reason": "白芳调岗"}, follow_redirects=True)
    assert saved.status_code == 200 and "调整已报备" in saved.text and saved.text.count('<tr class="change-row">') == 1
    assert "刘洋" in saved.text and "白芳调岗" in saved.text
    assert api.get("/coordination/agent-register", "admin").json()["changes"][0]["replacement"]["name"] == "刘洋"
    assert logged_in(api, "supervisor").get("/admin/register").status_code == 200
    assert logged_in(api, "dept_zjj").get("/admin/register").status_code == 403


def test_the_dashboard_shows_the_complaints_received_answered_and_overdue(api, clock):
    def complaint(**body):  # noqa: ANN003, ANN202
        r = api.post("/supervision/complaints", "window_agent", json={"channel": "hotline_12345", "content": "办理进度慢", **body})
        assert r.status_code == 201, r.text
        return r.json()

    answered = complaint(department="zrzy")
    complaint(department="zrzy")
    complaint(department="fgw")
    assert api.post(f"/supervision/complaints/{answered['complaint_id']}/reply", "dept_zrzy",
                    json={"reply": "已电话答复"}).status_code == 200
    clock.advance(days=14)  # past the reply due date (5 working days)
    api.settle()
    page = logged_in(api, "supervisor").get("/?period=" + answered["received_on"][:7])
    assert page.status_code == 200 and "投诉建议按期答复率" in page.text
    shown = dict(re.findall(r'<dd data-complaints="(\w+)">([^<]*)', page.text))
    assert shown["received"] == "3 件" and shown["answered"] == "1 件" and shown["open"].startswith("2 件")
    assert shown["overdue"] == "2 件" and "其中 2 件已超期" in page.text
    score = api.get("/reporting/assessment?period=" + answered["received_on"][:7], "supervisor").json()
    assert sum(d["complaints"] for d in score["departments"]) == 3
    rate = next(d for d in score["departments"] if d["department"] == "zrzy")["indicators"]["complaints"]
    assert re.search(rf'data-complaint-department="zrzy">.*?{rate["value"] * 100:.1f}%', page.text, re.S)


def test_the_commitment_is_signed_on_its_page_only_when_confirmed(api):
    from tests.support import application_body, delegation_body

    case_id = api.post("/intake/applications", "applicant", json=application_body(items=[2])).json()["case_id"]
    assert api.post(f"/intake/applications/{case_id}/delegation", "applicant", json=delegation_body([2])).status_code == 201
    client = logged_in(api, "applicant")
    page = client.get(f"/cases/{case_id}/commitment")
    unconfirmed = client.post(f"/cases/{case_id}/commitment", data={"csrf": csrf_of(page.text), "signed_by": "李晓明"})
    assert unconfirmed.status_code == 422 and "请勾选" in unconfirmed.text and 'value="李晓明"' in unconfirmed.text
    assert api.get(f"/intake/applications/{case_id}", "applicant").json().get("commitment") is None
    signed = client.post(f"/cases/{case_id}/commitment", data={"csrf": csrf_of(page.text), "signed_by": "李晓明",
                                                               "confirm": "yes"}, follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"].startswith(f"/cases/{case_id}?after=")
    assert api.get(f"/intake/applications/{case_id}", "applicant").json()["commitment"]["signed_by"] == "李晓明"
