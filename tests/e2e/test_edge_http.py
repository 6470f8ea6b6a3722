"""The HTTP edge (issue 10): body limits before parsing, security headers, offline docs, strict query
and path parameters."""

from __future__ import annotations

import re

from fastapi import Request
import pytest

from shared.settings import Settings
from tests.conftest import DISTRIBUTED
from tests.support import application_body, start_app

LIMIT = 1024 * 1024


def test_a_body_over_the_limit_is_413_before_the_token_is_checked(api):
    big = b'{"channel": "portal", "x": "' + b"a" * (LIMIT + 10) + b'"}'
    # No token at all: without the limit this would be 401 after the body was read and parsed.
    r = api.client.post("/intake/applications", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413, r.text
    assert "请求体过大" in r.json()["detail"] and "1 MB" in r.json()["detail"]


def test_a_chunked_body_is_counted_while_it_streams(api):
    def chunks():
        for _ in range(40):
            yield b"a" * 65536  # 2.5 MB, no Content-Length

    r = api.client.post("/intake/applications", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413, r.text


def test_a_body_under_the_limit_is_parsed_as_before(api):
    r = api.client.post("/intake/applications", json=application_body())
    assert r.status_code == 401  # reached the token check
    r = api.post("/intake/applications", "applicant", json=application_body())
    assert r.status_code == 201, r.text


@pytest.mark.skipif(DISTRIBUTED, reason="a route's own limit is set in code (embedded app)")
def test_a_route_can_have_its_own_limit(settings, clock):
    from shared.body_limit import body_limit

    with start_app(settings, clock) as api:
        @api.app.post("/upload-test")
        @body_limit(4 * LIMIT)
        async def upload(request: Request) -> dict:
            return {"size": len(await request.body())}

        r = api.client.post("/upload-test", content=b"x" * (2 * LIMIT))
        assert r.status_code == 200 and r.json() == {"size": 2 * LIMIT}
        assert api.client.post("/upload-test", content=b"x" * (4 * LIMIT + 1)).status_code == 413
        assert api.client.post("/intake/applications", content=b"x" * (2 * LIMIT)).status_code == 413


def test_authenticated_answers_are_not_cached_and_every_answer_has_security_headers(api):
    r = api.get("/auth/me", "applicant")
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store"
    for response in (r, api.client.get("/healthz"), api.client.get("/no-such-path")):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert "server" not in response.headers
    token = api.client.post("/auth/token", data={"username": "applicant", "password": "demo"})
    assert token.headers["cache-control"] == "no-store"  # the token itself must not be cached
    assert "cache-control" not in api.client.get("/healthz").headers


def test_docs_load_their_assets_from_this_server(api):
    page = api.client.get("/docs")
    assert page.status_code == 200
    scripts = re.findall(r"""(?:src|href)=['"]([^'"]+)['"]""", page.text)
    assert scripts, page.text
    for url in scripts:
        assert url.startswith("/"), f"the docs load {url} from elsewhere (blank without internet)"
        asset = api.client.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 1000, url
    assert "'self'" in page.headers["content-security-policy"]
    redoc = api.client.get("/redoc")
    assert redoc.status_code == 200 and "cdn" not in redoc.text.lower()


@pytest.mark.skipif(DISTRIBUTED, reason="an embedded app with its own settings")
def test_production_can_turn_the_docs_off(data_dir, clock):
    with start_app(Settings(data_dir=data_dir, docs=False), clock) as api:
        assert api.client.get("/docs").status_code == 404
        assert api.client.get("/redoc").status_code == 404
        assert api.client.get("/openapi.json").status_code == 200  # the contract stays readable


def test_an_unknown_query_parameter_is_a_422_naming_it(api):
    r = api.get("/reporting/cases?stauts=open", "supervisor")
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["field"] == "stauts"
    assert "不支持的查询参数" in r.json()["detail"][0]["msg"]
    r = api.get("/reporting/cases?=1", "supervisor")  # even a parameter without a name
    assert r.status_code == 422 and r.json()["detail"][0]["field"]
    assert api.get("/reporting/cases?status=in_progress&limit=5", "supervisor").status_code == 200


def test_an_unknown_filter_value_is_a_422(api):
    r = api.get("/coordination/cases?status=opne", "supervisor")
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["field"] == "status"


def test_period_with_from_or_to_is_a_422_naming_period(api):
    for query in ("period=2026-09&from=2026-01-01", "period=2026-09&to=2026-12-31"):
        r = api.get(f"/reporting/cases?{query}", "supervisor")
        assert r.status_code == 422, r.text
        assert r.json()["detail"][0]["field"] == "period"
        assert r.json()["detail"][0]["loc"] == ["query", "period"]


def test_months_take_ascii_digits_only(api):
    for month in ("२०२६-०९", "２０２６-０９", "2026-9", " 2026-09"):
        r = api.get("/reporting/workloads", "supervisor", params={"period": month})
        assert r.status_code == 422, (month, r.text)
        assert r.json()["detail"][0]["field"] == "period"
        r = api.get(f"/reporting/monthly/{month}", "supervisor")
        assert r.status_code in (404, 422), (month, r.text)
    assert api.get("/reporting/workloads", "supervisor", params={"period": "2026-09"}).status_code == 200


def test_path_numbers_are_ascii_digits_only(api):
    from tests.support import open_case

    case_id = open_case(api, in_park=False)
    for item in ("%202", "2%20", "+2", "２", "२", "2.0"):
        r = api.post(f"/coordination/cases/{case_id}/items/{item}/actions", "window_agent", json={"action": "file"})
        assert r.status_code == 422, (item, r.text)
        assert r.json()["detail"][0]["field"] == "item_no"
    for year in ("%202026", "２０２６"):
        r = api.get(f"/coordination/calendar/{year}", "supervisor")
        assert r.status_code == 422, (year, r.text)
    r = api.post(f"/coordination/cases/{case_id}/items/2/actions", "window_agent", json={"action": "file"})
    assert r.status_code == 200, r.text


@pytest.mark.skipif(DISTRIBUTED, reason="the distributed run serves every test through `bangnin serve` already")
def test_the_served_app_does_not_name_its_server(tmp_path):
    """``bangnin serve`` (uvicorn) sends no ``server: uvicorn`` header."""
    import os
    import subprocess
    import sys
    import time

    import httpx

    from deploy.servers import free_port

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "services.cli", "serve", "--port", str(port),
                                "--data-dir", str(tmp_path / "data")],
                               env={**os.environ, "BANGNIN_LOG_LEVEL": "warning"},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                if r.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and process.poll() is None, "bangnin serve did not start"
            time.sleep(0.2)
        assert "server" not in r.headers, r.headers
        assert r.headers["x-content-type-options"] == "nosniff"
    finally:
        process.terminate()
        process.wait(timeout=30)
