"""Accounts as stored data: the admin creates, disables, re-roles and resets; a new password is changed at first
login; the password policy; ``accounts.yaml`` still imported; ``bangnin accounts …``."""

from __future__ import annotations

import pytest
import yaml

from services.cli import main
from shared.auth.accounts import hash_password
from tests.support import start_app

GOOD = "Wuhai-2026-park"


def login(api, username: str, password: str):  # noqa: ANN001
    return api.client.post("/auth/token", data={"username": username, "password": password})


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def create(api, **body):  # noqa: ANN001
    return api.post("/auth/accounts", "admin", json={"name": "张三", "role": "window_agent", **body})


def first_login(api, username: str, initial: str, new: str = GOOD) -> str:  # noqa: ANN001
    r = login(api, username, initial)
    assert r.status_code == 200 and r.json()["must_change_password"] is True
    r = api.client.post("/auth/password", headers=bearer(r.json()["access_token"]),
                        json={"current_password": initial, "new_password": new})
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


def test_a_new_account_must_change_its_password_before_anything_else(api):
    r = create(api, username="zhangsan")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["must_change_password"] is True and body["department"] == "zwfw" and body["service_point"] == "district"
    initial = body["password"]
    token = login(api, "zhangsan", initial).json()["access_token"]
    for method, path in (("get", "/auth/me"), ("get", "/coordination/cases"), ("get", "/reporting/cases")):
        r = api.client.request(method, path, headers=bearer(token))
        assert r.status_code == 403 and "须先修改初始密码" in r.json()["detail"], (path, r.text)
    r = api.client.post("/auth/password", headers=bearer(token), json={"current_password": initial, "new_password": "zhangsan-Pw1"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "new_password" and "用户名" in r.json()["message"]
    new_token = first_login(api, "zhangsan", initial)
    assert api.client.get("/auth/me", headers=bearer(new_token)).json()["username"] == "zhangsan"
    assert api.client.get("/auth/me", headers=bearer(token)).status_code == 401  # the old token ended with the change
    assert login(api, "zhangsan", initial).status_code == 401
    assert login(api, "zhangsan", GOOD).json()["must_change_password"] is False


@pytest.mark.parametrize("password, reason", [
    ("Short-1a", "至少 10 个字符"),
    ("alllowercaseletters", "至少三类"),
    ("P@ssw0rd123", "过于常见"),
    ("Aa1-" + "x" * 70, "72 字节"),
    ("Zhangsan-2026", "用户名"),
    ("Tab\tin-Password1", "控制字符"),
])
def test_the_password_policy_says_why_in_chinese(api, password, reason):
    r = create(api, username="zhangsan", password=password)
    assert r.status_code == 422 and reason in r.json()["message"] and r.json()["detail"][0]["field"] == "password"


def test_a_disabled_account_cannot_log_in_and_its_tokens_stop(api):
    initial = create(api, username="lisi").json()["password"]
    token = first_login(api, "lisi", initial)
    assert api.client.get("/coordination/cases", headers=bearer(token)).status_code == 200
    r = api.post("/auth/accounts/lisi/disable", "admin")
    assert r.status_code == 200 and r.json()["disabled"] is True
    assert api.client.get("/coordination/cases", headers=bearer(token)).status_code == 401
    assert login(api, "lisi", GOOD).status_code == 401
    assert api.post("/auth/accounts/lisi/enable", "admin").json()["disabled"] is False
    assert login(api, "lisi", GOOD).status_code == 200
    assert api.client.get("/coordination/cases", headers=bearer(token)).status_code == 401  # a disabled token stays dead


def test_re_role_and_reset(api):
    initial = create(api, username="wangwu").json()["password"]
    token = first_login(api, "wangwu", initial)
    r = api.put("/auth/accounts/wangwu/role", "admin", json={"role": "department_agent", "department": "fgw"})
    assert r.status_code == 200 and r.json()["role"] == "department_agent" and r.json()["department"] == "fgw"
    assert api.client.get("/auth/me", headers=bearer(token)).status_code == 401
    me = api.client.get("/auth/me", headers=bearer(login(api, "wangwu", GOOD).json()["access_token"])).json()
    assert me["role"] == "department_agent" and me["department"] == "fgw"
    r = api.put("/auth/accounts/wangwu/role", "admin", json={"role": "department_agent", "department": "nope"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "department"
    r = api.post("/auth/accounts/wangwu/password-reset", "admin")
    assert r.status_code == 200 and r.json()["must_change_password"] is True
    assert login(api, "wangwu", GOOD).status_code == 401
    first_login(api, "wangwu", r.json()["password"], new="Another-Pw-2026")


def test_refusals(api):
    assert create(api, username="zhaoliu").status_code == 201
    assert create(api, username="zhaoliu").status_code == 409
    assert create(api, username="Bad Name").status_code == 422
    assert create(api, username="window_agent").status_code == 409  # a demo account's name
    assert api.post("/auth/accounts/admin/disable", "admin").status_code == 409  # demo accounts are not changed
    assert api.post("/auth/accounts/nobody/disable", "admin").status_code == 404
    assert create(api, username="qiye", role="applicant").json()["detail"][0]["field"] == "enterprise"
    r = create(api, username="qiye", role="applicant", enterprise={"name": "某公司", "credit_code": "91150303MA0N123400"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "enterprise.credit_code" and "校验码" in r.json()["message"]
    r = create(api, username="qiye", role="applicant", enterprise={"name": "某公司", "credit_code": "91150303MA0N123401"})
    assert r.status_code == 201 and r.json()["enterprise"]["credit_code"] == "91150303MA0N123401"
    for role in ("applicant", "window_agent", "supervisor", "dept_fgw"):
        assert api.get("/auth/accounts", role).status_code == 403
        assert api.client.post("/auth/accounts", headers=api.headers(role), json={"username": "x1x", "name": "x", "role": "admin"}).status_code == 403
    r = api.post("/auth/password", "applicant", json={"current_password": "demo", "new_password": GOOD})
    assert r.status_code == 409
    listed = {a["username"]: a for a in api.get("/auth/accounts", "admin").json()}
    assert listed["zhaoliu"]["demo"] is False and listed["admin"]["demo"] is True
    assert "password_hash" not in listed["zhaoliu"]


def test_accounts_yaml_is_imported_once_and_the_store_keeps_the_admins_changes(settings, clock, data_dir):
    data_dir.mkdir(parents=True)
    (data_dir / "accounts.yaml").write_text(yaml.safe_dump([{
        "username": "zhou", "password_hash": hash_password(GOOD), "role": "supervisor", "name": "周督查"}]), encoding="utf-8")
    settings = settings.model_copy(update={"demo_accounts": True})  # with accounts.yaml, demo accounts only when asked
    with start_app(settings, clock) as api:
        assert login(api, "zhou", GOOD).json()["must_change_password"] is False
        assert api.post("/auth/accounts/zhou/disable", "admin").status_code == 200
    with start_app(settings, clock) as api:  # the file is not imported over the stored, disabled account
        assert login(api, "zhou", GOOD).status_code == 401


def test_the_accounts_command(settings, data_dir, capsys):
    args = ["--data-dir", str(data_dir)]
    assert main(["accounts", "add", "sunqi", "--role", "department_agent", "--department", "fgw", "--name", "孙七", *args]) == 0
    out = capsys.readouterr().out
    assert "初始密码" in out
    assert main(["accounts", "list", *args]) == 0
    assert "sunqi" in capsys.readouterr().out
    assert main(["accounts", "role", "sunqi", "supervisor", *args]) == 0
    assert main(["accounts", "disable", "sunqi", *args]) == 0
    assert "已停用" in capsys.readouterr().out
    assert main(["accounts", "enable", "sunqi", *args]) == 0
    assert main(["accounts", "reset-password", "sunqi", *args]) == 0
    assert "临时密码" in capsys.readouterr().out
    assert main(["accounts", "disable", "nobody", *args]) == 1
    assert "不存在" in capsys.readouterr().err
    assert main(["accounts", "add", "sunqi", "--role", "admin", "--name", "x", *args]) == 1
    with start_app(settings, None) as api:
        listed = {a["username"]: a for a in api.get("/auth/accounts", "admin").json()}
        assert listed["sunqi"]["role"] == "supervisor" and listed["sunqi"]["must_change_password"] is True


def test_the_park_point_takes_agents_of_both_its_departments(api):
    """Seed 一(二)4: 工业园区管委会和区贸易促进会承担园区内的投资项目代办帮办职责 — a park agent belongs to either."""
    r = create(api, username="maocu1", role="park_agent", department="cpit")
    assert r.status_code == 201 and (r.json()["department"], r.json()["service_point"]) == ("cpit", "park"), r.text
    assert create(api, username="yuanqu1", role="park_agent").json()["department"] == "gyyq"
    r = create(api, username="maocu2", role="window_agent", department="cpit")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "department"
