"""The supervisory office's and the admin's pages over HTTP (no browser): the dashboard's figures are the
API's and each links to the cases it counts (as many as the number), the case list and its pages, the case's
history across moments, 差评 rectification to closure, the monthly report, the working-day calendar."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

from tests.conftest import DISTRIBUTED
from tests.e2e.evaluation_support import conclude_case, rate
from tests.e2e.test_web import csrf_of, logged_in
from tests.support import open_case

pytestmark = pytest.mark.skipif(DISTRIBUTED, reason="the pages are served by the embedded app here; "
                                "the distributed web process is started by deploy/launcher.py")


def links(html: str, css_class: str = "fig") -> list[tuple[str, str]]:
    return [(unquote(h).replace("&amp;", "&"), t) for h, t in
            re.findall(rf'<a href="([^"]+)" class="{css_class}"[^>]*>(\d+)</a>', html)]


def test_the_dashboard_shows_the_apis_figures_and_each_links_to_as_many_cases(api):
    good = conclude_case(api, items=[2, 7])
    bad = conclude_case(api, items=[2])
    assert rate(api, good, "very_satisfied").status_code == 201
    assert rate(api, bad, "dissatisfied", comment="来回跑").status_code == 201
    open_case(api, items=[7], in_park=False)
    api.settle()
    client = logged_in(api, "supervisor")
    page = client.get("/")
    assert page.status_code == 200 and "督查统计" in page.text
    s = api.get("/reporting/satisfaction?period=2026-09", "supervisor").json()
    assert s["ratings"] == 2
    for key, label in (("good_rate", "好评率"), ("bad_rate", "差评率"), ("rectification_rate", "差评整改率"),
                       ("real_name_follow_up_rate", "实名差评回访率"), ("rating_rate", "评价率"),
                       ("active_rating_rate", "主动评价率"), ("on_time_rate", "按时办结率")):
        row = re.search(rf'<tr data-rate="{key}">(.*?)</tr>', page.text, re.S).group(1)
        assert label in row
        value = s[key]["value"]
        assert (f"{value * 100:.1f}%" if value is not None else "不适用") in row
    assert page.text.count('<svg class="chart"') >= 7 and page.text.count("<title id=") >= 7
    found = links(page.text)
    assert len(found) > 20
    for href, number in found:
        assert href.startswith("/figures?figure=")
        listed = client.get(href)
        assert listed.status_code == 200, href
        assert re.search(r"<span class=\"count\" data-count>(\d+)</span>", listed.text).group(1) == number, href
        assert listed.text.count('<tr class="member">') == int(number), href
    filtered = client.get("/?period=2026-09&service_point=district")
    assert filtered.status_code == 200
    assert api.get("/reporting/satisfaction?period=2026-09&service_point=district", "supervisor").json()["ratings"] == 0


def test_the_case_list_searches_filters_and_pages_by_keyset(api):
    ids = [open_case(api, items=[2], in_park=True) for _ in range(3)]
    api.settle()
    client = logged_in(api, "supervisor")
    page = client.get("/cases")
    assert page.status_code == 200 and page.text.count('<tr class="case-row">') == 3
    found = client.get(f"/cases?q={ids[1]}")
    assert found.text.count('<tr class="case-row">') == 1 and ids[1] in found.text
    assert client.get("/cases?service_point=district").text.count('<tr class="case-row">') == 0


def test_the_case_page_shows_the_case_at_a_moment_and_what_changed_between_two(api, clock):
    case_id = open_case(api, items=[2], in_park=True)
    api.settle()
    before = clock.now().isoformat()
    clock.advance(hours=1)
    for action in ("file", "accept", "approve"):
        assert api.post(f"/coordination/cases/{case_id}/items/2/actions", "park_agent", json={"action": action}).status_code == 200
    api.settle()
    client = logged_in(api, "supervisor")
    now = client.get(f"/cases/{case_id}")
    assert now.status_code == 200 and "按时刻查看与比较" in now.text and "防篡改哈希链核对一致" in now.text
    assert '<span class="svc">协调办理</span>' in now.text and "与现在比较" in now.text
    then = client.get(f"/cases/{case_id}", params={"as_of": before})
    assert "这是案件在" in then.text
    compared = client.get(f"/cases/{case_id}", params={"compare": before})
    assert compared.status_code == 200 and "的变化" in compared.text
    assert re.search(r"事项 2 状态</th><td class=\"old\">[^<]+</td><td class=\"new\">[^<]+</td>", compared.text)
    assert "其间的" in compared.text
    assert "按时刻查看与比较" not in logged_in(api, "park_agent").get(f"/cases/{case_id}").text


def test_a_rectification_through_the_pages_from_verification_to_closure(api):
    case_id = conclude_case(api, items=[2, 7])
    rect_id = rate(api, case_id, "dissatisfied", comment="来回跑").json()["rectification_id"]
    api.settle()
    agent = logged_in(api, "park_agent")
    listed = agent.get("/rectifications")
    assert listed.status_code == 200 and rect_id in listed.text

    def act(client, action, **fields):  # noqa: ANN001, ANN202
        page = client.get(f"/rectifications/{rect_id}")
        r = client.post(f"/rectifications/{rect_id}/actions", data={"csrf": csrf_of(page.text), "action": action, **fields},
                        follow_redirects=True)
        return r

    assert "待整改" in act(agent, "start").text
    refused = act(agent, "verify", note="属实")
    assert refused.status_code == 409 and "回访电话" in refused.text and ">属实</textarea>" in refused.text  # kept as typed
    act(agent, "record_follow_up_call", note="电话联系，已接通", reached="true")
    act(agent, "verify", note="属实：告知不完整", items="2")
    asked = act(agent, "request_impossible", note="项目已不具备条件，无法整改")
    assert "待审核" in asked.text and "审核通过" not in asked.text  # the review is the supervisor's
    office = logged_in(api, "supervisor")
    reviewed = act(office, "approve_review", note="同意认定无法整改")
    assert "无法整改" in reviewed.text
    agent = logged_in(api, "park_agent")
    act(agent, "give_feedback", note="已电话向您说明情况")
    closed = act(agent, "close")
    assert "已办结" in closed.text
    assert api.get(f"/evaluation/rectifications/{rect_id}", "supervisor").json()["state"] == "closed"


def test_the_monthly_report_page_and_its_workbook(api, clock):
    case_id = conclude_case(api)
    rate(api, case_id, "satisfied")
    api.settle()
    client = logged_in(api, "supervisor")
    page = client.get("/reports/2026-09")
    assert page.status_code == 200 and "部门月报" in page.text and "临时" in page.text
    xlsx = client.get("/reports/2026-09/download?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert "bangnin-monthly-2026-09.xlsx" in xlsx.headers["content-disposition"]
    assert client.get("/reports/2027-01").status_code == 422
    assert client.get("/reports", follow_redirects=False).headers["location"] == "/reports/2026-08"
    assert logged_in(api, "applicant").get("/reports/2026-09").status_code == 403


def test_a_calendar_change_through_the_admin_page_moves_a_deadline(api, clock):
    from tests.e2e.coordination_support import act, on

    on(clock, 2026, 11, 17)
    case_id = open_case(api, in_park=False, items=[7])
    act(api, case_id, 7, "file", "dept_zrzy")
    assert act(api, case_id, 7, "accept", "dept_zrzy")["item"]["due_date"] == "2026-12-01"
    client = logged_in(api, "admin")
    page = client.get("/admin/calendar/2026")
    assert page.status_code == 200 and 'data-date="2026-10-01" title="2026-10-01 放假"' in page.text
    future = client.get("/admin/calendar/2031")
    assert 'id="estimated"' in future.text
    empty_reason = client.post("/admin/calendar/2026", data={"csrf": csrf_of(page.text), "holidays": "2026-11-30"})
    assert empty_reason.status_code == 422 and 'id="err-reason"' in empty_reason.text
    holidays = "\n".join(re.search(r'name="holidays"[^>]*>([^<]*)<', page.text).group(1).split("\n") + ["2026-11-30"])
    r = client.post("/admin/calendar/2026", data={"csrf": csrf_of(page.text), "holidays": holidays.strip(),
                                                  "workdays": re.search(r'name="workdays"[^>]*>([^<]*)<', page.text).group(1),
                                                  "announced": "true", "reason": "临时停电检修（测试）"})
    assert r.status_code == 200 and "已保存" in r.text and 'data-date="2026-11-30" title="2026-11-30 放假"' in r.text
    api.settle()
    item = next(i for i in api.get(f"/coordination/cases/{case_id}", "supervisor").json()["items"] if i["item_no"] == 7)
    assert item["due_date"] == "2026-12-02"
    assert "临时停电检修" in r.text
    assert client.get("/admin/register").status_code == 200
    assert logged_in(api, "supervisor").get("/admin/calendar/2026").status_code == 403
