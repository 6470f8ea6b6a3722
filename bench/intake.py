"""intake: commands per second over HTTP against the embedded default, beside the bare library save rate."""

from __future__ import annotations

from pathlib import Path
import tempfile
import time

import httpx

from bench import FULL, Report, Sizes, embedded_server, expect, login, rate
from shared.application import CommandContext
from shared.clock import SystemClock
from shared.contracts import Actor, Role
from shared.eventstore import store_env
from shared.settings import Settings
from services.intake.domain import Application
from tests.support import application_body, delegation_body


def bare_save_seconds(settings: Settings, saves: int, cipher: bool = True) -> float:
    """The same aggregate, the same SQLite file and recorder (with or without the cipher): eventsourcing alone."""
    from shared.application import ServiceApplication

    class Bare(ServiceApplication):
        service_name = "intake"

    env = store_env(settings, "intake")
    if not cipher:
        env = {k: v for k, v in env.items() if not k.startswith("CIPHER_")}
    app = Bare(env=env, clock=SystemClock())
    ctx = CommandContext(actor=Actor(username="bench", role=Role.window_agent))
    body = application_body()
    started = time.perf_counter()
    for n in range(saves):
        case_id = f"BARE{n:08d}"
        app.save(Application.submit(case_id=case_id, channel="window", unit=body["unit"], project=body["project"],
                             items=body["items"], applicant={"name": "x", "credit_code": None}, service_point="park",
                             routing_reason="bench", catalog_version=2, meta=app.meta(ctx, case_id)))
    seconds = time.perf_counter() - started
    last = f"BARE{saves - 1:08d}"
    expect(app.repository.get(Application.create_id(last)).case_id == last, "the last bare save is not readable")
    app.close()
    return seconds


def bare_save_rate(settings: Settings, saves: int) -> float:
    return rate(saves, bare_save_seconds(settings, saves))


def http_command_rate(data_dir: Path, cases: int) -> tuple[float, float]:
    """(submissions/s, full intake flow commands/s: submit, delegation, commitment, acceptance)."""
    with embedded_server(data_dir) as base, httpx.Client(base_url=base, timeout=30) as client:
        applicant, agent = login(client, "applicant"), login(client, "park_agent")
        started = time.perf_counter()
        ids = []
        for _ in range(cases):
            r = client.post("/intake/applications", json=application_body(), headers=applicant)
            r.raise_for_status()
            ids.append(r.json()["case_id"])
        submit_seconds = time.perf_counter() - started
        started = time.perf_counter()
        for case_id in ids:
            client.post(f"/intake/applications/{case_id}/delegation", json=delegation_body(), headers=applicant).raise_for_status()
            client.post(f"/intake/applications/{case_id}/commitment", json={"signed_by": "李晓明"}, headers=applicant).raise_for_status()
            client.post(f"/intake/applications/{case_id}/acceptance", headers=agent).raise_for_status()
        flow_seconds = time.perf_counter() - started
        accepted = client.get(f"/intake/applications/{ids[-1]}", headers=agent).raise_for_status().json()
        expect(accepted["status"] == "accepted", f"the last application is {accepted['status']}, not accepted")
    return rate(cases, submit_seconds), rate(3 * cases, flow_seconds)


def run(report: Report, sizes: Sizes = FULL) -> None:
    report.section(f"intake: {sizes.intake_http_cases} applications over HTTP vs {sizes.intake_bare_saves} bare saves, "
                   "SQLite + AES cipher")
    with tempfile.TemporaryDirectory() as tmp:
        bare = bare_save_rate(Settings(data_dir=Path(tmp) / "bare"), sizes.intake_bare_saves)
        submits, flow = http_command_rate(Path(tmp) / "http", sizes.intake_http_cases)
    report.figure("bare eventsourcing save (Application created)", bare, "saves/s")
    report.figure("HTTP POST /intake/applications", submits, "commands/s")
    report.figure("HTTP delegation + commitment + acceptance", flow, "commands/s")
    report.ratio("submission over HTTP / bare save", submits, bare)
    report.ratio("later commands over HTTP / bare save", flow, bare)
