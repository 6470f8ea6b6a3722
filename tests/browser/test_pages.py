"""The pages in a real browser: login and its errors, CSRF, a whole case, a park case to 终止."""

from __future__ import annotations

import httpx

from tests.browser.conftest import axe_check, fits, login
from tests.browser.flow import park_case_terminated, whole_case


def test_login_logout_and_the_front_door(open_page, server):
    page = open_page(width=390, height=844)
    page.goto("/")
    assert page.url.endswith("/login")
    axe_check(page)
    fits(page)
    page.get_by_label("用户名").fill("applicant")
    page.get_by_label("密码").fill("wrong")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").inner_text() == "用户名或密码不正确"
    assert page.get_by_label("用户名").input_value() == "applicant"
    login(page, "applicant")
    assert page.get_by_role("heading", name="我的待办").is_visible()
    cookie = next(c for c in page.context.cookies() if c["name"] == "bangnin_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/login")


def test_a_form_without_the_csrf_token_is_refused(server):
    with httpx.Client(base_url=server.url, follow_redirects=False) as client:
        page = client.get("/login")
        token = page.text.split('name="csrf" value="')[1].split('"')[0]
        assert client.post("/login", data={"username": "applicant", "password": "demo"}).status_code == 403
        assert client.post("/login", data={"username": "applicant", "password": "demo", "csrf": token}).status_code == 303
        # logged in: a form posted without the session's token changes nothing
        r = client.post("/applications/new", data={"project.name": "跨站提交"})
        assert r.status_code == 403 and "安全校验未通过" in r.text


def test_a_whole_case_and_a_park_case_to_termination(open_page):
    whole_case(open_page)
    park_case_terminated(open_page)
