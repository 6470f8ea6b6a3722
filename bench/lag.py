"""Command-to-view lag under a sustained load: distributed beside embedded, in the same run.

A steady stream of applications (``POST /intake/applications``, RATE a second for
SECONDS) while a poller reads ``GET /reporting/cases/{id}``: the lag of a command
is the time from its acknowledgement to the first read that shows the case in
the reporting view (intake's relay → bus → reporting's projection → read).
Embedded: ``bangnin serve`` (SQLite, in-process bus).  Distributed: the local
launcher's processes (PostgreSQL, Tansu, SecantusDB).  ``python -m bench lag``.
"""

from __future__ import annotations

from pathlib import Path
import statistics
import sys
import tempfile
import threading
import time

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from bench import Report, embedded_server, login

RATE = 5.0  # commands a second
SECONDS = 30.0


def measure(route: dict[str, str]) -> list[float]:
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
    for i in range(int(RATE * SECONDS)):
        time.sleep(max(0.0, start + i / RATE - time.perf_counter()))
        r = intake.post("/intake/applications", headers=applicant, json=application_body())
        r.raise_for_status()
        with lock:
            pending[r.json()["case_id"]] = time.perf_counter()
    done.set()
    poller.join(timeout=120)
    return lags


def summarise(report: Report, name: str, lags: list[float]) -> tuple[float, float]:
    median = statistics.median(lags)
    p99 = statistics.quantiles(lags, n=100)[98]
    report.figure(f"{name}: median command-to-view lag ({len(lags)} commands)", median, "ms")
    report.figure(f"{name}: 99th percentile command-to-view lag", p99, "ms")
    return median, p99


def run(report: Report) -> None:
    report.section(f"command-to-view lag, {RATE:g} applications/s for {SECONDS:g} s")
    with tempfile.TemporaryDirectory() as tmp:
        with embedded_server(Path(tmp) / "data") as base:
            embedded = summarise(report, "embedded", measure({"intake": base, "reporting": base}))
        from deploy.launcher import Cluster, Deployment
        from deploy.servers import ServerUnavailable

        try:
            cluster = Cluster(Path(tmp) / "cluster").start()
        except ServerUnavailable as exc:
            print(f"  distributed: not measured, {exc} (pip install -e '.[test-distributed]')")
            return
        try:
            deployment = Deployment(cluster).start()
            try:
                route = {"intake": deployment.url("intake"), "reporting": deployment.url("reporting")}
                distributed = summarise(report, "distributed", measure(route))
            finally:
                deployment.stop()
        finally:
            cluster.stop()
    report.ratio("distributed / embedded, median lag", distributed[0], embedded[0])
    report.ratio("distributed / embedded, 99th percentile lag", distributed[1], embedded[1])


if __name__ == "__main__":
    run(Report())
