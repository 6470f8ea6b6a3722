"""Command-to-view lag under a sustained load: distributed beside embedded, in the same run.

A steady stream of applications (``POST /intake/applications``, ``Sizes.lag_rate`` a second for
``Sizes.lag_seconds``) while a poller reads ``GET /reporting/cases/{id}``: the lag of a command
is the time from its acknowledgement to the first read that shows the case in
the reporting view (intake's relay → bus → reporting's projection → read).
Embedded: ``bangnin serve`` (SQLite, in-process bus).  Distributed: the local
launcher's processes (PostgreSQL, Tansu, SecantusDB).  ``python -m bench lag``.
"""

from __future__ import annotations

import os
from pathlib import Path
import statistics
import sys
import tempfile
import threading
import time

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from bench import FULL, Report, Sizes, embedded_server, expect, login


def measure(route: dict[str, str], rate: float, seconds: float) -> list[float]:
    """Lags in milliseconds; ``route`` maps a path prefix (intake, reporting, auth) to a base URL."""
    intake = httpx.Client(base_url=route["intake"], timeout=30)
    reporting = httpx.Client(base_url=route["reporting"], timeout=30)
    applicant, supervisor = login(intake, "applicant"), login(reporting, "supervisor")
    from tests.support import application_body

    pending: dict[str, float] = {}
    lags: list[float] = []
    lock = threading.Lock()
    done = threading.Event()

    def poll() -> None:
        while not done.is_set() or pending:
            with lock:
                waiting = list(pending.items())
            for case_id, acked in waiting:
                if reporting.get(f"/reporting/cases/{case_id}", headers=supervisor).status_code == 200:
                    seen = time.perf_counter()
                    with lock:
                        lags.append((seen - acked) * 1000)
                        del pending[case_id]
            time.sleep(0.002)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    start = time.perf_counter()
    commands = max(2, int(rate * seconds))
    for i in range(commands):
        time.sleep(max(0.0, start + i / rate - time.perf_counter()))
        r = intake.post("/intake/applications", headers=applicant, json=application_body())
        r.raise_for_status()
        with lock:
            pending[r.json()["case_id"]] = time.perf_counter()
    done.set()
    poller.join(timeout=120)
    intake.close()
    reporting.close()
    expect(len(lags) == commands, f"{commands - len(lags)} of {commands} applications never showed in the reporting view")
    return lags


def summarise(report: Report, name: str, lags: list[float]) -> tuple[float, float]:
    median = statistics.median(lags)
    p99 = statistics.quantiles(lags, n=100, method="inclusive")[98]
    report.figure(f"{name}: median command-to-view lag ({len(lags)} commands)", median, "ms")
    report.figure(f"{name}: 99th percentile command-to-view lag", p99, "ms")
    return median, p99


def run(report: Report, sizes: Sizes = FULL) -> None:
    rate, seconds = sizes.lag_rate, sizes.lag_seconds
    report.section(f"command-to-view lag, {rate:g} applications/s for {seconds:g} s")
    with tempfile.TemporaryDirectory() as tmp:
        with embedded_server(Path(tmp) / "data") as base:
            embedded = summarise(report, "embedded", measure({"intake": base, "reporting": base}, rate, seconds))
        if not sizes.lag_distributed:
            print("  distributed: not measured at this size (make test-distributed runs that runtime)")
            return
        from deploy.launcher import Cluster, Deployment
        from deploy.servers import ServerUnavailable

        cluster = Cluster(Path(tmp) / "cluster")
        try:
            try:
                deployment = Deployment(cluster.start())
            except ServerUnavailable as exc:
                if os.environ.get("BANGNIN_REQUIRE_SERVERS") == "1":
                    raise
                print(f"  distributed: not measured, {exc} (pip install -e '.[test-distributed]', PostgreSQL on :5432)")
                return
            try:
                deployment.start()
                route = {"intake": deployment.url("intake"), "reporting": deployment.url("reporting")}
                distributed = summarise(report, "distributed", measure(route, rate, seconds))
            finally:
                deployment.stop(drop=True)
        finally:
            cluster.stop()
    report.ratio("distributed / embedded, median lag", distributed[0], embedded[0])
    report.ratio("distributed / embedded, 99th percentile lag", distributed[1], embedded[1])


if __name__ == "__main__":
    run(Report())
