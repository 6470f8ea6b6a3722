"""coordination: item actions per second over HTTP against the embedded default, beside the bare
library save rate of the same aggregate (``Case``) on the same SQLite + cipher in the same run."""

from __future__ import annotations

from pathlib import Path
import tempfile
import time

import httpx

from bench import FULL, Report, Sizes, embedded_server, expect, login, rate
from shared.application import CommandContext
from shared.clock import SystemClock, today
from shared.contracts import Actor, Role
from shared.eventstore import store_env
from shared.settings import Settings
from shared.workcalendar import load_calendar
from services.coordination.application import CoordinationService
from services.coordination.domain import Case
from tests.support import application_body, delegation_body

ITEMS = [2, 7, 9, 10, 24]  # 5 items × file/accept/approve = 15 actions per case
ACTIONS = ("file", "accept", "approve")
AGENTS = {2: "dept_fgw", 7: "dept_zrzy", 9: "dept_zrzy", 10: "dept_zjj", 24: "dept_sthj"}


def _item(no: int) -> dict:
    return {"item_no": no, "name": f"事项{no}", "department": "zrzy", "stage": 1, "promised_days": 10,
            "statutory_days": 20, "assignees": [], "assignee_gap": True, "assignee_gap_reason": "bench"}


def bare_save_rate(settings: Settings, cases: int) -> float:
    """The same aggregate and the same item actions, saved by eventsourcing alone (no HTTP, no auth, no views)."""
    app = CoordinationService(env=store_env(settings, "coordination"), clock=SystemClock())
    calendar, ctx = load_calendar(), CommandContext(actor=Actor(username="bench", role=Role.window_agent))
    on = today(app.clock)
    saves, started = 0, time.perf_counter()
    for n in range(cases):
        case_id = f"BARE{n:06d}"
        case = Case.open(case_id=case_id, service_point="district", case_agent={"username": "bench"},
                    applicant={"name": "x", "credit_code": None}, project={"name": "p", "code": None},
                    unit_name="x", channel="window", items=[_item(i) for i in ITEMS], opened_on=on.isoformat(),
                    delegation_no=1, meta=app.meta(ctx, case_id))
        app.save(case)
        for no in ITEMS:
            for action in ACTIONS:
                case.act(no, action, note=None, missing_materials=[], until=None, today=on, calendar=calendar,
                         acceptance_workdays=settings.acceptance_workdays, meta=app.meta(ctx, case_id))
                app.save(case)
                saves += 1
    seconds = time.perf_counter() - started
    stored = app.repository.get(case.id)
    expect(stored.version == case.version, "the last bare Case save is not readable")
    app.close()
    return rate(saves, seconds)


def _open_cases(client: httpx.Client, cases: int) -> list[str]:
    applicant, agent = login(client, "applicant"), login(client, "window_agent")
    ids = []
    for _ in range(cases):
        body = application_body(items=ITEMS, project__in_industrial_park=False)
        case_id = client.post("/intake/applications", json=body, headers=applicant).raise_for_status().json()["case_id"]
        client.post(f"/intake/applications/{case_id}/delegation", json=delegation_body(ITEMS), headers=applicant).raise_for_status()
        client.post(f"/intake/applications/{case_id}/commitment", json={"signed_by": "李晓明"}, headers=applicant).raise_for_status()
        client.post(f"/intake/applications/{case_id}/acceptance", headers=agent).raise_for_status()
        ids.append(case_id)
    deadline = time.monotonic() + 60
    for case_id in ids:  # opened in coordination once the relay has delivered the acceptance
        while client.get(f"/coordination/cases/{case_id}", headers=agent).status_code != 200:
            if time.monotonic() > deadline:
                raise RuntimeError("cases did not open in coordination")
            time.sleep(0.05)
    return ids


def http_action_rate(data_dir: Path, cases: int) -> float:
    with embedded_server(data_dir) as base, httpx.Client(base_url=base, timeout=30) as client:
        ids = _open_cases(client, cases)
        headers = {u: login(client, u) for u in set(AGENTS.values())}
        count, started = 0, time.perf_counter()
        for case_id in ids:
            for no in ITEMS:
                for action in ACTIONS:
                    client.post(f"/coordination/cases/{case_id}/items/{no}/actions", json={"action": action},
                                headers=headers[AGENTS[no]]).raise_for_status()
                    count += 1
        seconds = time.perf_counter() - started
        case = client.get(f"/coordination/cases/{ids[-1]}", headers=headers[AGENTS[ITEMS[0]]]).raise_for_status().json()
        statuses = {item["item_no"]: item["status"] for item in case["items"]}
        expect(statuses == dict.fromkeys(ITEMS, "approved"), f"items of the last case are {statuses}, not all approved")
    return rate(count, seconds)


def run(report: Report, sizes: Sizes = FULL) -> None:
    n = sizes.coordination_cases * len(ITEMS) * len(ACTIONS)
    report.section(f"coordination: {n} item actions over HTTP vs {n} bare Case saves, SQLite + AES cipher")
    with tempfile.TemporaryDirectory() as tmp:
        bare = bare_save_rate(Settings(data_dir=Path(tmp) / "bare"), sizes.coordination_cases)
        http = http_action_rate(Path(tmp) / "http", sizes.coordination_cases)
    report.figure("bare eventsourcing save (Case, one item action)", bare, "saves/s")
    report.figure("HTTP POST /coordination/cases/{id}/items/{n}/actions", http, "commands/s")
    report.ratio("item action over HTTP / bare save", http, bare)


if __name__ == "__main__":
    run(Report())
