"""A stream of commands for the distributed fault tests and the lag benchmark, and the views it leaves."""

from __future__ import annotations

import time
from typing import Callable

import httpx

from shared.contracts import PUBLISHERS
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
    reporting = api.runtime.services.reporting
    export = reporting.open(reporting.export())  # sealed with each deployment's own key: compare what it says
    cases = sorted(c["case_id"] for c in export["cases"])
    return {
        "reporting": export,
        "reporting_api": {c: api.get(f"/reporting/cases/{c}", "supervisor").json() for c in cases},
        "coordination": {c: api.get(f"/coordination/cases/{c}", "supervisor").json() for c in cases},
    }


def log_positions(api, services: tuple[str, ...] = PUBLISHERS) -> dict[str, list[int]]:  # noqa: ANN001
    """The positions each writing service's log holds, read from its own store.

    Not ``range(1, head + 1)``: on PostgreSQL a rolled-back insert (a process killed mid-transaction, a
    retried conflict) still consumes its sequence numbers, so a log may have gaps; they are never filled.
    """
    stores = api.runtime.services
    return {svc: [n.id for n in getattr(stores, svc).recorder.select_notifications(start=1, limit=10**6)]
            for svc in services}


def assert_exactly_once(view: dict, logs: dict[str, list[int]]) -> None:
    """Reporting holds every event of every log exactly once: nothing missing, nothing twice."""
    seen: dict[str, list[int]] = {}
    for row in view["reporting"]["events"]:
        seen.setdefault(row["service"], []).append(row["position"])
    for service, positions in logs.items():
        held = sorted(seen.get(service, []))
        missing = sorted(set(positions) - set(held))
        twice = sorted({p for p in held if held.count(p) > 1})
        extra = sorted(set(held) - set(positions))
        assert held == positions, f"{service}: missing {missing}, twice {twice}, not in the log {extra}"


def without_positions(view: object) -> object:
    """A view with the log coordinates taken out (``position``, and ``sort_key`` which ends in it).

    Two runs of the same commands hold the same events in the same order, but a run whose log has a gap
    (see :func:`log_positions`) numbers them differently.  The order stays compared: lists keep theirs.
    """
    if isinstance(view, dict):
        return {k: without_positions(v) for k, v in view.items() if k not in ("position", "sort_key")}
    if isinstance(view, list):
        return [without_positions(v) for v in view]
    return view
