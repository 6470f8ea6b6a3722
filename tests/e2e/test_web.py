"""The pages over HTTP (no browser): the front door, login, CSRF, forms validated by the API's models,
roles and masking as the API's, and GET /inbox."""

from __future__ import annotations

import re

import pytest

from tests.conftest import DISTRIBUTED
from tests.support import application_body, open_case

pytestmark = pytest.mark.skipif(DISTRIBUTED, reason="the pages are served by the embedded app here; "
                                "the distributed web process is started by deploy/launcher.py")


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def logged_in(api, username: str):  # noqa: ANN001, ANN201
    client = api.client
    client.cookies.clear()
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"username": username, "password": "demo", "csrf": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    return client


def test_the_front_door_is_the_login_page_then_the_role_home(api):
    client = api.client
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    page = client.get("/login")
    assert page.status_code == 200 and "用户名" in page.text and "密码" in page.text and "登录" in page.text
    assert "default-src 'none'; script-src 'self'" in page.headers["content-security-policy"]
    wrong = client.post("/login", data={"username": "applicant", "password": "nope", "csrf": csrf_of(page.text)})
    assert wrong.status_code == 401 and "用户名或密码不正确" in wrong.text and 'value="applicant"' in wrong.text
    client = logged_in(api, "window_agent")
    cookie = next(c for c in client.cookies.jar if c.name == "bangnin_session")
    assert cookie.has_nonstandard_attr("HttpOnly") and cookie.get_nonstandard_attr("SameSite").lower() == "lax"
    home = client.get("/")
    assert home.status_code == 200 and "我的待办" in home.text and home.headers["cache-control"] == "no-store"


def test_state_changing_forms_need_the_sessions_csrf_token(api):
    client = logged_in(api, "applicant")
    r = client.post("/applications/new", data={"project.name": "跨站"})
    assert r.status_code == 403
    r = client.post("/applications/new", data={"project.name": "跨站", "csrf": "forged"})
    assert r.status_code == 403
    assert api.get("/reporting/cases", "applicant").json()["total"] == 0  # nothing was submitted
    forged = client.cookies.get("bangnin_session")[:-4] + "AAAA"
    client.cookies.clear()
    client.cookies.set("bangnin_session", forged)
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"


def test_a_form_is_validated_by_the_apis_models_and_keeps_what_was_typed(api):
    client = logged_in(api, "applicant")
    token = csrf_of(client.get("/applications/new").text)
    r = client.post("/applications/new", data={"csrf": token, "project.name": "年产5万吨高性能碳材料项目",
                                               "unit.postcode": "01600X", "items": ["2", "7"]})
    assert r.status_code == 422
    assert 'value="年产5万吨高性能碳材料项目"' in r.text and 'value="01600X"' in r.text
    assert re.search(r'id="it-2"[^>]*checked', r.text) and re.search(r'id="it-7"[^>]*checked', r.text)
    assert '<p class="error" id="err-unit-head">必填项缺失</p>' in r.text
    assert 'id="err-unit-postcode"' in r.text
    body = application_body(project__in_industrial_park=False)
    form = {"csrf": token, "items": ["2", "24"]}
    for section in ("unit", "project"):
        for key, value in body[section].items():
            form[f"{section}.{key}"] = str(value).lower() if isinstance(value, bool) else value
    r = client.post("/applications/new", data=form, follow_redirects=False)
    assert r.status_code == 303
    case_page = client.get(r.headers["location"])  # ?after=: the page shows the new case at once
    assert case_page.status_code == 200 and "年产5万吨高性能碳材料项目" in case_page.text and "尚未签署" in case_page.text


def test_the_case_page_shows_what_the_api_shows_that_account(api):
    case_id = open_case(api, in_park=False)
    assert logged_in(api, "applicant2").get(f"/cases/{case_id}").status_code == 404
    window = logged_in(api, "window_agent").get(f"/cases/{case_id}")
    assert window.status_code == 200 and "150303198506121235" not in window.text
    fgw = logged_in(api, "dept_fgw").get(f"/cases/{case_id}")
    assert fgw.status_code == 200 and "办理此事项" in fgw.text
    assert "2026年9月21日" in fgw.text  # dates as people write them


def test_inbox_lists_what_waits_for_each_account(api):
    body = application_body(project__in_industrial_park=False)
    case_id = api.post("/intake/applications", "applicant", json=body).json()["case_id"]
    api.settle()
    todos = api.get("/inbox", "applicant").json()["todos"]
    assert {t["what"] for t in todos if t["case_id"] == case_id} == {"签署授权委托书", "签署承诺书"}
    window = api.get("/inbox", "window_agent").json()["todos"]
    assert any(t["kind"] == "application_to_accept" and t["case_id"] == case_id and "尚缺" in t["what"] for t in window)
    assert not [t for t in api.get("/inbox", "park_agent").json()["todos"] if t["case_id"] == case_id]
    opened = open_case(api, in_park=False, items=[2])
    api.post(f"/coordination/cases/{opened}/items/2/actions", "window_agent", json={"action": "file"})
    api.settle()
    fgw = api.get("/inbox", "dept_fgw").json()["todos"]
    assert [t["item_no"] for t in fgw if t["case_id"] == opened] == [2]
    assert fgw[0]["project"] == body["project"]["name"] and fgw[0]["link"] == f"/cases/{opened}"
    assert api.client.get("/inbox").status_code == 401


def test_both_sides_close_the_case_on_its_page(api):
    """经双方认可 (附件8, 附件10): the agent signs the 办结单 on the case page, the applicant's to-do list asks
    for its confirmation, and its button concludes the case; the applicant may itself ask to end (自愿委托)."""
    from tests.e2e.coordination_support import act

    case_id = open_case(api, items=[2])
    for action in ("file", "accept", "approve"):
        act(api, case_id, 2, action, "park_agent")
    agent = logged_in(api, "park_agent")
    page = agent.get(f"/cases/{case_id}").text
    r = agent.post(f"/cases/{case_id}/completion", data={"csrf": csrf_of(page), "materials_returned": ""})
    assert r.status_code == 422 and "资料移交清单" in r.text  # said next to the field
    r = agent.post(f"/cases/{case_id}/completion", data={"csrf": csrf_of(page), "materials_returned": "备案证明原件\n规划许可证"},
                   follow_redirects=True)
    assert r.status_code == 200 and "待申请人确认" in r.text and "规划许可证" in r.text
    applicant = logged_in(api, "applicant")
    assert "确认办结（办结单，资料已移交）" in applicant.get("/").text
    page = applicant.get(f"/cases/{case_id}").text
    r = applicant.post(f"/cases/{case_id}/closure/confirmation", data={"csrf": csrf_of(page)}, follow_redirects=True)
    assert r.status_code == 200 and "已办结" in r.text and "评价本次服务" in r.text

    other = open_case(api, items=[2])
    applicant = logged_in(api, "applicant")
    page = applicant.get(f"/cases/{other}").text
    assert "申请终止代办帮办" in page
    r = applicant.post(f"/cases/{other}/termination", data={"csrf": csrf_of(page), "reason": "企业决定暂缓建设"},
                       follow_redirects=True)
    assert r.status_code == 200 and "待代办帮办员确认" in r.text
    agent = logged_in(api, "park_agent")
    assert "申请人申请终止代办帮办：确认终止" in agent.get("/").text
    page = agent.get(f"/cases/{other}").text
    r = agent.post(f"/cases/{other}/closure/confirmation", data={"csrf": csrf_of(page)}, follow_redirects=True)
    assert r.status_code == 200 and "已终止" in r.text


def test_the_case_page_corrects_the_application_and_marks_combined_services(api):
    """更正 (a 项目编码 that arrives later) and 合并办理 from the case page: errors next to the field, what was typed
    kept; the change shows with its reason."""
    case_id = open_case(api, items=[2, 7, 9])
    applicant = logged_in(api, "applicant")
    page = applicant.get(f"/cases/{case_id}").text
    r = applicant.post(f"/cases/{case_id}/amendment", data={"csrf": csrf_of(page), "project.code": "不是编码", "reason": "备案后赋码"})
    assert r.status_code == 422 and "不是编码" in r.text and 'id="err-project-code"' in r.text
    r = applicant.post(f"/cases/{case_id}/amendment", data={"csrf": csrf_of(page), "project.code": "2026-150303-30-03-054321",
                                                            "reason": "备案后赋码"}, follow_redirects=True)
    assert r.status_code == 200, r.text
    api.settle()
    view = api.get(f"/reporting/cases/{case_id}", "supervisor").json()
    assert view["project"]["code"] == "2026-150303-30-03-054321" and view["amendments"][0]["reason"] == "备案后赋码"

    agent = logged_in(api, "park_agent")
    page = agent.get(f"/cases/{case_id}").text
    assert "合并办理" in page
    r = agent.post(f"/cases/{case_id}/combined-service", data={"csrf": csrf_of(page), "kind": "multi_assessment", "items": "2"})
    assert r.status_code == 422 and 'id="err-items"' in r.text
    r = agent.post(f"/cases/{case_id}/combined-service", data={"csrf": csrf_of(page), "kind": "multi_assessment",
                                                              "items": ["7", "9"]}, follow_redirects=True)
    assert r.status_code == 200, r.text
    api.settle()
    coordination = api.get(f"/coordination/cases/{case_id}", "supervisor").json()
    assert [(c["kind"], c["items"]) for c in coordination["combined_services"]] == [("multi_assessment", [7, 9])]
