"""Logins (issue 10): never a 5xx for a long password, throttled per account and per client (429 with
Retry-After), every attempt in the security log the admin reads; demo accounts off once real ones exist."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from shared.auth.accounts import hash_password
from shared.settings import Settings
from tests.conftest import DISTRIBUTED
from tests.support import start_app

PER_ACCOUNT, PER_CLIENT = 3, 6


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, relay_poll_seconds=0.05,
                    login_failures_per_account=PER_ACCOUNT, login_failures_per_client=PER_CLIENT)


def login(api, username: str, password: str):  # noqa: ANN001, ANN201
    return api.client.post("/auth/token", data={"username": username, "password": password})


@pytest.mark.parametrize("username", ["applicant", "nobody-at-all"])
@pytest.mark.parametrize("password", ["x" * 73, "密" * 25, "demo" + "d" * 200])
def test_a_password_over_72_bytes_is_a_wrong_password_not_a_500(api, username, password):
    r = login(api, username, password)
    assert r.status_code == 401, r.text
    assert r.json()["detail"] == "用户名或密码错误"


def test_a_password_over_72_bytes_cannot_be_set():
    with pytest.raises(ValueError, match="72"):
        hash_password("密" * 25)


def test_failed_logins_for_one_account_are_throttled_with_retry_after(api):
    for _ in range(PER_ACCOUNT):
        assert login(api, "window_agent", "wrong").status_code == 401
    r = login(api, "window_agent", "demo")  # even the right password: the account is locked for now
    assert r.status_code == 429, r.text
    assert 0 < int(r.headers["retry-after"]) <= 15 * 60
    assert "秒后再试" in r.json()["detail"]
    assert login(api, "park_agent", "demo").status_code == 200  # other accounts are not affected


def test_failed_logins_from_one_client_are_throttled_across_accounts(api):
    for i in range(PER_CLIENT):
        assert login(api, f"guess{i}", "wrong").status_code == 401
    r = login(api, "guess-next", "wrong")
    assert r.status_code == 429, r.text
    assert int(r.headers["retry-after"]) > 0


def test_the_throttle_window_passes():
    from shared.auth.throttle import LoginThrottle

    now = [1000.0]
    throttle = LoginThrottle(per_account=2, per_client=100, window_seconds=60, now=lambda: now[0])
    throttle.failed("a", "1.2.3.4")
    now[0] += 30
    throttle.failed("a", "1.2.3.4")
    refusal = throttle.check("A", "5.6.7.8")  # names are compared case-insensitively
    assert refusal is not None and refusal.retry_after == 30 and refusal.key == "account:a"
    now[0] += 30
    assert throttle.check("a", "1.2.3.4") is None  # the first failure left the window
    throttle.failed("a", "1.2.3.4")
    throttle.succeeded("a", "1.2.3.4")
    assert throttle.check("a", "1.2.3.4") is None


def test_logins_are_in_the_security_log_that_only_the_admin_reads(api):
    assert login(api, "applicant", "wrong").status_code == 401
    assert login(api, "15714730770", "demo").status_code == 401  # a phone typed as the username
    assert login(api, "applicant", "demo").status_code == 200
    r = api.get("/auth/security-log", "admin")
    assert r.status_code == 200, r.text
    rows = r.json()["items"]
    mine = [row for row in rows if row["username"] == "applicant"]
    assert [row["outcome"] for row in mine[:2]] == ["success", "failure"]
    assert all(row["client"] and row["at"] for row in rows)
    assert mine[0]["outcome_label"] == "登录成功" and mine[1]["outcome_label"] == "登录失败"
    unknown = [row for row in rows if not row["known_account"]]
    assert unknown and "15714730770" not in r.text, "an attempted name that is no account is kept masked"
    assert unknown[0]["username"].startswith("15***")
    failures = api.get("/auth/security-log?outcome=failure&username=applicant", "admin").json()
    assert failures["total"] == 1
    for role in ("applicant", "window_agent", "supervisor", "dept_zrzy"):
        assert api.get("/auth/security-log", role).status_code == 403
    assert api.client.get("/auth/security-log").status_code == 401


@pytest.mark.skipif(DISTRIBUTED, reason="reads the embedded data folder")
def test_the_security_log_is_kept_in_the_data_folder(settings, clock, data_dir):
    with start_app(settings, clock) as api:
        assert login(api, "applicant", "wrong").status_code == 401
        assert login(api, "applicant", "wrong").status_code == 401
    path = data_dir / "security.sqlite"
    assert path.exists() and (path.stat().st_mode & 0o077) == 0
    with start_app(settings, clock) as api:  # after a restart
        log = api.get("/auth/security-log", "admin").json()
        assert [row["outcome"] for row in log["items"] if row["username"] == "applicant"][:2] == ["failure", "failure"]


@pytest.mark.skipif(DISTRIBUTED, reason="the embedded default's demo accounts")
def test_demo_accounts_are_off_once_real_accounts_exist(data_dir, clock):
    data_dir.mkdir(parents=True)
    (data_dir / "accounts.yaml").write_text(yaml.safe_dump([
        {"username": "wang.admin", "password_hash": hash_password("a-long-real-password"), "role": "admin",
         "name": "王管理员"},
    ]), encoding="utf-8")
    with start_app(Settings(data_dir=data_dir), clock) as api:
        assert login(api, "admin", "demo").status_code == 401
        assert login(api, "wang.admin", "a-long-real-password").status_code == 200
    with start_app(Settings(data_dir=data_dir, demo_accounts=True), clock) as api:  # unless asked for
        assert login(api, "admin", "demo").status_code == 200
    (data_dir / "accounts.yaml").unlink()
    with start_app(Settings(data_dir=data_dir), clock) as api:  # no file: demo on again, the imported account stays
        assert login(api, "admin", "demo").status_code == 200
        assert login(api, "wang.admin", "a-long-real-password").status_code == 200
