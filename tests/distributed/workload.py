"""A stream of commands for the distributed fault tests and the lag benchmark, and the views it leaves."""

from __future__ import annotations

import time
from typing import Callable

import httpx

from tests.support import application_body, delegation_body

ITEMS = [2, 7, 9, 10, 24]


def retrying(call: Callable[[], httpx.Response], ok: tuple[int, ...], seconds: float = 60.0) -> httpx.Response:
    """Retry a command while its service is down (a killed process): every command here is idempotent."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            response = call()
            if response.status_code in ok:
                return response
            if response.status_code < 500 or time.monotonic() > deadline:
                raise AssertionError(f"{response.status_code}: {response.text}")
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.2)


def open_case_steps(api, i: int) -> list[Callable[[], httpx.Response]]:  # noqa: ANN001
    """The four intake commands that open case ``i`` (idempotent: the submission carries a key)."""
    park = i % 2 == 0
    body = application_body(items=ITEMS, project__in_industrial_park=park)
    key = {"Idempotency-Key": f"fault-stream-{i}"}
    state: dict[str, str] = {}

    def submit() -> httpx.Response:
        r = api.post("/intake/applications", "applicant", json=body, headers=key)
        if r.status_code in (200, 201):
            state["case_id"] = r.json()["case_id"]
        return r

    def delegation() -> httpx.Response:
        return api.post(f"/intake/applications/{state['case_id']}/delegation", "applicant", json=delegation_body(ITEMS))

    def commitment() -> httpx.Response:
        return api.post(f"/intake/applications/{state['case_id']}/commitment", "applicant", json={"signed_by": "李晓明"})

    def acceptance() -> httpx.Response:
        return api.post(f"/intake/applications/{state['case_id']}/acceptance", "park_agent" if park else "window_agent")

    return [submit, delegation, commitment, acceptance]


def run_stream(api, cases: int, at: dict[int, Callable[[], None]] | None = None) -> None:  # noqa: ANN001
    """Open ``cases`` cases, one command after another; ``at[n]`` runs before command number n (a fault)."""
    n = 0
    for i in range(cases):
        for step in open_case_steps(api, i):
            if at and n in at:
                at[n]()
            retrying(step, ok=(200, 201))
            n += 1


def views(api) -> dict:  # noqa: ANN001
    """Everything the read side and coordination show, for comparing runs."""
    api.settle()
    export = api.runtime.services.reporting.export()
    cases = sorted(c["case_id"] for c in export["cases"])
    return {
        "reporting": export,
        "reporting_api": {c: api.get(f"/reporting/cases/{c}", "supervisor").json() for c in cases},
        "coordination": {c: api.get(f"/coordination/cases/{c}", "supervisor").json() for c in cases},
    }


def assert_exactly_once(view: dict, heads: dict[str, int]) -> None:
    """Reporting holds every event of every log exactly once."""
    seen: dict[str, list[int]] = {}
    for row in view["reporting"]["events"]:
        seen.setdefault(row["service"], []).append(row["position"])
    for service, head in heads.items():
        assert sorted(seen.get(service, [])) == list(range(1, head + 1)), service
