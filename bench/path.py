"""path: where one command's time goes, end to end — ``POST /intake/applications`` peeled layer by layer.

Each layer is measured on its own in the same run, the same number of submissions each, and the breakdown is
the difference between neighbours (milliseconds a command):

* **HTTP** (uvicorn, the socket, the client): real HTTP to ``bangnin serve`` minus the same request through the
  ASGI app in-process;
* **FastAPI** (routing, auth — the bearer token and the account —, the response model): the in-process request
  minus the body's validation and the service's command;
* **validation**: ``ApplicationCreate`` from the request's JSON;
* **service** (routing rules, the catalog, the case number, idempotency): the service's ``submit`` minus a bare
  ``eventsourcing`` save of the same aggregate;
* **cipher**: a bare save with the event store's AES cipher minus one without it;
* **store**: the bare save without the cipher (SQLite, the hash-chained recorder).

The relay is not on the command's path (it publishes from the notification log in the background) but shares
the cores: its cost shows in every layer above.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
import tempfile
import time

import httpx

from bench import FULL, Report, Sizes, embedded_server, expect, login
from bench.intake import bare_save_seconds
from shared.application import CommandContext
from shared.clock import CHINA, ManualClock
from shared.contracts import Actor, Role
from shared.settings import Settings
from tests.support import application_body


def _http_seconds(folder: Path, commands: int) -> float:
    with embedded_server(folder) as base, httpx.Client(base_url=base, timeout=30) as client:
        headers = login(client, "applicant")
        client.post("/intake/applications", json=application_body(), headers=headers).raise_for_status()  # warm
        started = time.perf_counter()
        for _ in range(commands):
            client.post("/intake/applications", json=application_body(), headers=headers).raise_for_status()
        return time.perf_counter() - started


def _in_process_seconds(folder: Path, commands: int) -> tuple[float, float, float]:
    """(the request through the ASGI app on this thread's event loop — no socket, no server —, the body's
    validation, the service's command), each for ``commands`` submissions."""
    import asyncio

    from services.app import create_app
    from services.intake.schemas import ApplicationCreate

    settings = Settings(data_dir=folder, relay_poll_seconds=0.05)
    app = create_app(settings, ManualClock(dt.datetime(2026, 11, 2, 9, 0, tzinfo=CHINA)))

    async def requests() -> float:
        async with app.router.lifespan_context(app), httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
            r = await client.post("/auth/token", data={"username": "applicant", "password": "demo"})
            headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
            await client.post("/intake/applications", json=application_body(), headers=headers)  # warm
            started = time.perf_counter()
            for _ in range(commands):
                r = await client.post("/intake/applications", json=application_body(), headers=headers)
                expect(r.status_code == 201, f"POST answered {r.status_code}: {r.text[:300]}")
            seconds = time.perf_counter() - started
            service = _service_seconds(app.state.services.intake, commands, ApplicationCreate)
            return seconds, service

    asgi, service = asyncio.run(requests())
    raw = json.dumps(application_body(), ensure_ascii=False)
    started = time.perf_counter()
    for _ in range(commands):
        ApplicationCreate.model_validate_json(raw)
    return asgi, time.perf_counter() - started, service


def _service_seconds(intake, commands: int, model) -> float:  # noqa: ANN001
    body = model.model_validate(application_body())
    ctx = CommandContext(actor=Actor(username="applicant", role=Role.applicant), channel="portal")
    started = time.perf_counter()
    for _ in range(commands):
        intake.submit(ctx, channel="portal", unit=body.unit, project=body.project, items=body.items,
                      applicant={"name": body.unit.name, "credit_code": body.unit.credit_code})
    return time.perf_counter() - started


def breakdown(commands: int) -> dict[str, float]:
    """Milliseconds a command in each layer (see the module's docstring), and the whole."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        http = _http_seconds(root / "http", commands)
        asgi, validation, service = _in_process_seconds(root / "asgi", commands)
        ciphered = bare_save_seconds(Settings(data_dir=root / "bare-cipher"), commands, cipher=True)
        plain = bare_save_seconds(Settings(data_dir=root / "bare-plain"), commands, cipher=False)
    per = {name: seconds * 1000 / commands for name, seconds in
           {"http": http, "asgi": asgi, "validation": validation, "service": service, "ciphered": ciphered,
            "plain": plain}.items()}
    return {"HTTP (uvicorn, socket, client)": per["http"] - per["asgi"],
            "FastAPI: routing, auth, response": per["asgi"] - per["service"] - per["validation"],
            "validation (ApplicationCreate)": per["validation"],
            "service: rules, catalog, case number": per["service"] - per["ciphered"],
            "cipher (AES, eventsourcing)": per["ciphered"] - per["plain"],
            "store (SQLite, hash chain)": per["plain"],
            "whole command over HTTP": per["http"]}


def run(report: Report, sizes: Sizes = FULL) -> None:
    report.section(f"path: one POST /intake/applications, layer by layer ({sizes.path_commands} each, ms a command)")
    layers = breakdown(sizes.path_commands)
    whole = layers["whole command over HTTP"]
    for name, ms in layers.items():
        report.figure(name, ms, f"ms ({ms / whole:.0%})" if name != "whole command over HTTP" else "ms")


if __name__ == "__main__":
    run(Report())
