"""Reading your own writes: ``X-Bangnin-Position`` on every command, ``X-Bangnin-After`` on a read.

No ``api.settle()`` here: the header alone must make the read see the write, in both runtimes.
"""

from __future__ import annotations

import time

from tests.e2e.test_concurrency import submitted
from tests.support import ApiClient

AFTER = "X-Bangnin-After"


def read(api: ApiClient, path: str, as_: str, after: str | None):  # noqa: ANN201
    headers = api.headers(as_, **({AFTER: after} if after else {}))
    return api.client.get(path, headers=headers)


def accept(api: ApiClient) -> tuple[str, str]:
    case_id = submitted(api)
    r = api.post(f"/intake/applications/{case_id}/acceptance", "park_agent")
    assert r.status_code == 200, r.text
    return case_id, r.headers["X-Bangnin-Position"]


def test_a_read_after_acceptance_always_finds_the_case(api):
    for _ in range(30):
        case_id, written = accept(api)
        assert written.startswith("intake:")
        r = read(api, f"/coordination/cases/{case_id}", "park_agent", written)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "open"
        r = read(api, f"/reporting/cases/{case_id}", "supervisor", written)
        assert r.status_code == 200, r.text
        assert r.json()["accepted_at"] and r.json()["status"] in ("accepted", "in_progress")


def test_a_command_position_carries_on_downstream(api):
    """A coordination command right after acceptance (it waits too), then evaluation and reporting after it."""
    case_id, written = accept(api)
    r = api.post(f"/coordination/cases/{case_id}/items/2/actions", "park_agent", json={"action": "file"},
                 headers={AFTER: written})
    assert r.status_code == 200, r.text
    filed = r.headers["X-Bangnin-Position"]
    assert filed.startswith("coordination:")
    r = read(api, f"/reporting/cases/{case_id}", "supervisor", f"{written}, {filed}")
    assert r.status_code == 200 and {i["item_no"]: i["status"] for i in r.json()["items"]}[2] == "received", r.text
    r = read(api, f"/evaluation/cases/{case_id}", "park_agent", filed)
    assert r.status_code == 200, r.text


def test_a_command_that_changes_nothing_carries_the_head(api):
    case_id, written = accept(api)
    again = api.post(f"/intake/applications/{case_id}/acceptance", "park_agent")
    assert again.status_code == 200
    assert again.headers["X-Bangnin-Position"] == f"intake:{api.runtime.services.intake.head()}" == written


def test_a_position_never_reached_times_out_cleanly(api):
    api.runtime.settings.read_after_timeout_seconds = 0.5
    case_id, written = accept(api)
    far = f"intake:{int(written.split(':')[1]) + 1000}"
    started = time.monotonic()
    r = read(api, f"/coordination/cases/{case_id}", "park_agent", far)
    waited = time.monotonic() - started
    assert r.status_code == 504 and r.headers["Retry-After"] == "1"
    assert far in r.json()["detail"] and "尚未处理到" in r.json()["detail"]
    assert 0.5 <= waited < 5
    r = read(api, f"/reporting/cases/{case_id}", "supervisor", far)
    assert r.status_code == 504 and r.json()["position"] == int(far.split(":")[1])


def test_a_service_not_consumed_is_no_reason_to_wait(api):
    api.runtime.settings.read_after_timeout_seconds = 10
    case_id, written = accept(api)
    started = time.monotonic()
    assert read(api, f"/intake/applications/{case_id}", "park_agent", "coordination:99999").status_code == 200
    assert read(api, f"/coordination/cases/{case_id}", "park_agent", f"{written}, evaluation:99999, unknown:5").status_code == 200
    assert read(api, f"/intake/applications/{case_id}", "park_agent", written).status_code == 200  # its own write
    assert time.monotonic() - started < 5


def test_a_malformed_header_is_a_422_naming_it(api):
    case_id, _ = accept(api)
    for bad in ("intake", "intake:", "intake:-1", "intake:1;coordination:2", "Intake:1", "intake:1,", "intake:abc"):
        r = read(api, f"/coordination/cases/{case_id}", "park_agent", bad)
        assert r.status_code == 422, (bad, r.text)
        (entry,) = r.json()["detail"]
        assert entry["field"] == AFTER and entry["loc"] == ["header", AFTER] and "服务:位置" in entry["msg"]


def test_both_headers_are_in_the_openapi_schema(api):
    spec = api.client.get("/openapi.json").json()
    commands = reads = 0
    for path, operations in spec["paths"].items():
        if path.split("/")[1] not in ("intake", "coordination", "evaluation", "reporting"):
            continue
        for method, operation in operations.items():
            after = [p for p in operation.get("parameters", []) if p["name"] == AFTER]
            assert after and after[0]["in"] == "header", (method, path)
            assert "504" in operation["responses"]
            if method in ("post", "put", "delete") and not path.startswith("/reporting"):
                ok = [r for status, r in operation["responses"].items() if status.startswith("2")]
                assert ok and all("X-Bangnin-Position" in r.get("headers", {}) for r in ok), (method, path)
                commands += 1
            else:
                reads += 1
    assert commands and reads
    assert "X-Bangnin-After" in spec["info"]["description"]
