"""Benchmarks: each prints figures beside a bare baseline measured in the same run, and the ratio.

Run all with ``make bench`` (``python -m bench``), one with ``python -m bench intake``.
``python -m bench --smoke`` (``make bench-smoke``, run by CI) runs the same code at the sizes of
:data:`SMOKE`, so that a change that breaks a benchmark fails CI instead of rotting unseen.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
import os
from pathlib import Path
import subprocess
import sys
import time
from typing import Iterator

import httpx

from deploy.servers import free_port


@dataclass(frozen=True)
class Sizes:
    """How much each section does; :data:`FULL` for the figures, :data:`SMOKE` to check that it still runs."""

    intake_http_cases: int = 200
    intake_bare_saves: int = 2000
    coordination_cases: int = 40
    reporting_cases: int = 8400  # × 24 events = 201,600
    long_case_events: int = 500
    long_case_runs: int = 30
    lag_rate: float = 5.0  # commands a second
    lag_seconds: float = 30.0
    lag_distributed: bool = True
    scale_cases: tuple[int, ...] = (5000, 50000)  # the reporting queries' growth between the two
    scale_runs: int = 20
    path_commands: int = 300


FULL = Sizes()
# A distributed deployment alone takes about a minute to start on two shared cores (four processes,
# their consumer groups): the smoke measures the embedded lag only; make test-distributed covers the rest.
SMOKE = Sizes(intake_http_cases=5, intake_bare_saves=20, coordination_cases=2, reporting_cases=50,
              long_case_events=60, long_case_runs=2, lag_rate=10.0, lag_seconds=1.0, lag_distributed=False,
              scale_cases=(30,), scale_runs=2, path_commands=5)


def published(event_type: str, payload: dict) -> dict:
    """A payload as a service publishes it: checked by its contract and dumped with every default,
    the way :func:`shared.messaging.outbox.to_integration_event` does (a generated event that breaks
    its contract fails here, not as a 500 far downstream)."""
    from shared.contracts import payload_model

    return payload_model(event_type).model_validate(payload).model_dump(mode="json")


@dataclass
class Report:
    rows: list[tuple[str, str, str]] = field(default_factory=list)

    def section(self, title: str) -> None:
        print(f"\n== {title}")

    def figure(self, name: str, value: float, unit: str) -> None:
        text = f"{value:,.1f} {unit}"
        self.rows.append((name, text, ""))
        print(f"  {name:<58} {text}")

    def ratio(self, name: str, numerator: float, denominator: float) -> None:
        text = f"{numerator / denominator:.3f}" if denominator else "n/a"
        self.rows.append((name, text, "ratio"))
        print(f"  {name:<58} {text}")


class BenchFailure(RuntimeError):
    """A benchmark saw something wrong (not merely slow)."""


def expect(condition: bool, message: str) -> None:
    """Like ``assert``, but kept under ``python -O``: a benchmark that measured the wrong thing fails."""
    if not condition:
        raise BenchFailure(message)


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


@contextmanager
def embedded_server(data_dir: Path) -> Iterator[str]:
    """``bangnin serve`` in its own process on a loopback port: real HTTP, client and server not sharing a GIL."""
    port = free_port()
    env = {**os.environ, "BANGNIN_LOG_LEVEL": "warning"}
    process = subprocess.Popen(
        [sys.executable, "-m", "services.cli", "serve", "--port", str(port), "--data-dir", str(data_dir)], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("embedded server did not start")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def login(client: httpx.Client, username: str) -> dict[str, str]:
    r = client.post("/auth/token", data={"username": username, "password": "demo"})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}
