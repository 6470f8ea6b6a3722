"""scale: the reporting queries over a generated year of N cases, the rebuild that made them, and memory.

``python -m bench scale --cases N [--cases M …] [--json]`` builds :class:`bench.history.History` (N cases,
every service's events) into a fresh embedded app's reporting read store, timing the projection beside bare
SQLite inserts of the same rows (same batches, same run), then asks each reporting query over HTTP as the
supervisor and prints, per N, one JSON object: ``cases``, ``events``, ``rebuild_events_per_s``,
``bare_insert_rows_per_s``, ``rss_mb`` (peak resident set of this process) and ``query_ms`` (each query's
``median`` and ``p95``).  ``--json`` prints only those objects, one per line, for tools and the chart
(``python -m bench.chart``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
import random
import resource
import statistics
import sys
import tempfile
import time
from typing import Callable

from bench import FULL, Report, Sizes, expect, rate
from bench.history import YEAR, History
from bench.reporting import bare_rows, bare_table

# Each query: how the reporting pages ask it (the supervisor's account), given a case id to look at.
QUERIES: dict[str, Callable[[str], str]] = {
    "case list page": lambda case: "/reporting/cases?limit=50",
    "case view": lambda case: f"/reporting/cases/{case}",
    "history": lambda case: f"/reporting/cases/{case}/history",
    "workloads": lambda case: "/reporting/workloads",
    "satisfaction": lambda case: "/reporting/satisfaction",
    "assessment": lambda case: "/reporting/assessment",
    "monthly report": lambda case: f"/reporting/monthly-reports/{YEAR}-06",
}
RUNS = 20            # each query at most this often …
BUDGET_SECONDS = 15  # … or until this much time went on it (at least MIN_RUNS)
MIN_RUNS = 3


def _p95(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(cases: int, folder: Path, runs: int = RUNS, budget: float = BUDGET_SECONDS) -> dict:
    """One N: build, rebuild rate beside bare inserts, then every query's timings."""
    from shared.clock import CHINA, ManualClock
    from shared.settings import Settings
    from tests.support import start_app

    history = History(cases)
    settings = Settings(data_dir=folder / "app", relay_poll_seconds=0.05)
    bare, insert = bare_table(folder / "bare.sqlite")
    projected_s = bare_s = 0.0
    with start_app(settings, ManualClock(dt.datetime(YEAR + 1, 1, 11, 9, 0, tzinfo=CHINA))) as api:
        projector = api.runtime.services.reporting.projector
        for batch in history.batches():
            started = time.perf_counter()
            projector.handle_many(batch)
            projected_s += time.perf_counter() - started
            rows = bare_rows(batch)
            started = time.perf_counter()
            bare.execute("BEGIN")
            bare.executemany(insert, rows)
            bare.execute("COMMIT")
            bare_s += time.perf_counter() - started
        bare.close()
        listed = api.get("/reporting/cases?limit=1", "supervisor").json()
        expect(listed["total"] == cases, f"the read store lists {listed['total']} cases, {cases} were generated")
        picks = random.Random(cases).sample(range(cases), k=min(cases, 50))
        query_ms = {}
        for name, path in QUERIES.items():
            timings: list[float] = []
            spent = 0.0
            while len(timings) < runs and (len(timings) < MIN_RUNS or spent < budget):
                url = path(history.case(picks[len(timings) % len(picks)]).case_id)
                started = time.perf_counter()
                r = api.get(url, "supervisor")
                took = time.perf_counter() - started
                expect(r.status_code == 200, f"GET {url} answered {r.status_code}: {r.text[:300]}")
                timings.append(took * 1000)
                spent += took
            query_ms[name] = {"median": round(statistics.median(timings), 2), "p95": round(_p95(timings), 2),
                              "runs": len(timings)}
    return {"cases": cases, "events": history.events,
            "rebuild_events_per_s": round(rate(history.events, projected_s)),
            "bare_insert_rows_per_s": round(rate(history.events, bare_s)),
            "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "query_ms": query_ms}


def measured(cases: int, runs: int = RUNS, budget: float = BUDGET_SECONDS) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        return measure(cases, Path(tmp), runs, budget)


def print_figures(report: Report, result: dict) -> None:
    n = result["cases"]
    report.section(f"scale: {n:,} cases, {result['events']:,} events (a generated year), peak RSS {result['rss_mb']} MB")
    report.figure("rebuild into the read store", result["rebuild_events_per_s"], "events/s")
    report.figure("bare SQLite inserts of the same rows", result["bare_insert_rows_per_s"], "rows/s")
    report.ratio("rebuild / bare", result["rebuild_events_per_s"], result["bare_insert_rows_per_s"])
    for name, t in result["query_ms"].items():
        report.figure(f"{name}: median / p95 ({t['runs']} runs)", t["median"], f"ms / {t['p95']:,.1f} ms")


def run(report: Report, sizes: Sizes = FULL) -> None:
    """``make bench`` and the smoke: each size in turn, and how the slowest p95 grew between the two ends."""
    from bench.chart import svg

    results = [measured(n, runs=sizes.scale_runs) for n in sizes.scale_cases]
    for result in results:
        print_figures(report, result)
    expect(svg(results).count("<polyline") == len(QUERIES), "the chart does not draw every query")
    if len(results) > 1:
        first, last = results[0], results[-1]
        report.section(f"scale: growth from {first['cases']:,} to {last['cases']:,} cases (p95 ratio; goal ≤ 2)")
        for name in QUERIES:
            report.ratio(name, last["query_ms"][name]["p95"], first["query_ms"][name]["p95"])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench scale", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, action="append", required=True, metavar="N",
                        help="cases in the generated year (repeat for several sizes)")
    parser.add_argument("--json", action="store_true", help="print only one JSON object per size")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"at most this many runs per query (default {RUNS})")
    args = parser.parse_args(argv)
    if any(n < 1 for n in args.cases):
        parser.error("--cases: at least 1")
    report = Report()
    for n in args.cases:
        result = measured(n, runs=args.runs)
        if args.json:
            print(json.dumps(result, ensure_ascii=False), flush=True)
        else:
            print_figures(report, result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
