"""reporting: projection rebuild rate over a generated history (≥ 200,000 events) beside bare SQLite inserts
of the same rows, and the time to read the full history of a case with 500 events.

``python -m bench reporting`` (or ``python bench/reporting.py``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
import sqlite3
import statistics
import sys
import tempfile
import time
from typing import Iterator

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import FULL, Report, Sizes, expect, published, rate
from shared.clock import CHINA, ManualClock
from shared.contracts import Actor, IntegrationEvent, Role
from shared.settings import Settings
from services.reporting.events import event_row
from services.reporting.service import WRITERS
from services.reporting.sqlite_store import COLUMNS, SQLiteReadStore
from services.reporting.projector import Projector
from shared.reference.commitment import COMMITMENT_OBLIGATIONS
from tests.support import application_body, delegation_body

ITEMS = (2, 7, 10, 24, 27)
DEPTS = {2: "fgw", 7: "zrzy", 10: "zjj", 24: "sthj", 27: "scjg"}
EVENTS_PER_CASE = 24
BATCH = 1000
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=CHINA)
AGENT = Actor(username="park_agent", role=Role.park_agent, name="园区代办员", department="gyyq")
CASE_AGENT = {"username": "park_agent", "name": "园区代办员", "department": "gyyq"}
APPLICANT = {"name": "乌海市海南区示范新材料有限公司", "credit_code": "91150303MA0N123401"}
STEPS = (("file", "pending", "received"), ("accept", "received", "accepted"), ("approve", "accepted", "approved"))


def _case_events(service: str, n: int, positions: dict) -> Iterator[IntegrationEvent]:
    """One case's events from ``service``, as that service publishes them (every payload through its contract)."""
    case_id = f"BN{n:012d}"
    at = T0 + timedelta(minutes=n)
    body = application_body()
    project = {**body["project"], "name": f"项目{n}"}
    project_ref = {"name": project["name"], "code": project["code"]}
    summary = {**project_ref, "is_key_project": project["is_key_project"],
               "in_industrial_park": project["in_industrial_park"], "total_investment": project["total_investment"]}

    def make(type_: str, payload: dict, minutes: int) -> IntegrationEvent:
        positions[service] += 1
        return IntegrationEvent(event_id=f"{service}-{positions[service]}", type=type_, schema_version=1, case_id=case_id,
                                service=service, position=positions[service], occurred_at=at + timedelta(minutes=minutes),
                                actor=AGENT, payload=published(type_, payload))

    if service == "intake":
        delegation = delegation_body(list(ITEMS))
        yield make("intake.ApplicationSubmitted", {
            "case_id": case_id, "channel": "portal", "service_point": "park", "routing_reason": "园区",
            "applicant": APPLICANT, "unit": body["unit"], "project": project, "items": list(ITEMS),
            "catalog_version": 2}, 0)
        yield make("intake.DelegationSigned", {**delegation, "delegation_no": 1, "item_count": len(ITEMS)}, 1)
        yield make("intake.CommitmentSigned", {"signed_by": "李晓明", "obligations": list(COMMITMENT_OBLIGATIONS)}, 2)
        yield make("intake.ApplicationAccepted", {
            "case_id": case_id, "service_point": "park", "case_agent": CASE_AGENT, "items": list(ITEMS),
            "delegation_no": 1, "delegated_agent": delegation["agent"]["name"], "unit": body["unit"],
            "project": project, "applicant": APPLICANT, "channel": "portal"}, 3)
    elif service == "coordination":
        yield make("coordination.CaseOpened", {
            "case_id": case_id, "service_point": "park", "opened_on": "2026-01-05", "case_agent": CASE_AGENT,
            "applicant": APPLICANT, "project": summary, "unit_name": body["unit"]["name"], "channel": "portal",
            "delegation_no": 1,
            "items": [{"item_no": i, "name": f"事项{i}", "department": DEPTS[i], "stage": 1, "promised_days": 10,
                       "statutory_days": 20, "assignees": [{"name": "陈起"}], "assignee_gap": False} for i in ITEMS]}, 4)
        for k, (action, before, after) in enumerate(STEPS):
            for i in ITEMS:
                yield make("coordination.ItemStateChanged", {
                    "case_id": case_id, "item_no": i, "department": DEPTS[i], "action": action, "from_status": before,
                    "to_status": after, "on_date": "2026-01-09", "accepted_on": "2026-01-05" if k else None,
                    "due_date": "2026-01-19" if k else None}, 5 + k)
        yield make("coordination.CaseCompleted", {
            "case_id": case_id, "completed_on": "2026-01-09", "materials_returned": True, "service_point": "park",
            "case_agent": CASE_AGENT, "applicant": APPLICANT, "project": project_ref,
            "items": [{"item_no": i, "department": DEPTS[i], "outcome": "approved", "accepted_on": "2026-01-05",
                       "concluded_on": "2026-01-09", "due_date": "2026-01-19", "on_time": True} for i in ITEMS]}, 9)
    elif service == "evaluation":
        registered = {"case_id": case_id, "applicant": APPLICANT, "service_point": "park", "case_agent": CASE_AGENT,
                      "project": project_ref}
        yield make("evaluation.CaseRegistered", registered, 10)
        yield make("evaluation.RatingInvited", {
            **registered, "outcome": "completed", "concluded_on": "2026-01-09",
            "items": [{"item_no": i, "department": DEPTS[i]} for i in ITEMS]}, 11)
        yield make("evaluation.RatingGiven", {
            "case_id": case_id, "rating_no": 1, "level": "satisfied", "channel": "mobile", "real_name": True,
            "follow_up": False, "defaulted": False, "rated_on": "2026-01-12", "bad": False,
            "rater": {"kind": "applicant_account", "username": "applicant", "enterprise": APPLICANT["credit_code"]}}, 12)


def history_batches(cases: int) -> Iterator[list[IntegrationEvent]]:
    """Upstream first, as a rebuild reads the logs (a publisher the generator does not know adds nothing)."""
    positions = dict.fromkeys(WRITERS, 0)
    batch: list[IntegrationEvent] = []
    for service in WRITERS:
        for n in range(cases):
            batch.extend(_case_events(service, n, positions))
            if len(batch) >= BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def projection_rate(folder: Path, cases: int) -> tuple[int, float]:
    projector = Projector(SQLiteReadStore(folder / "projected.sqlite"))
    count, seconds = 0, 0.0
    for batch in history_batches(cases):
        started = time.perf_counter()
        count += projector.handle_many(batch)
        seconds += time.perf_counter() - started
    projector.store.close()
    expect(count == cases * EVENTS_PER_CASE, f"projected {count} events, generated {cases * EVENTS_PER_CASE}")
    return count, seconds


def bare_table(path: Path) -> tuple[sqlite3.Connection, str]:
    """The read store's kind of events table, alone (no index, no document), and its INSERT."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(f"CREATE TABLE events ({', '.join(COLUMNS)})")
    return db, f"INSERT INTO events VALUES ({', '.join('?' * len(COLUMNS))})"


def bare_rows(batch: list[IntegrationEvent]) -> list[tuple]:
    """The rows the read store would write for these events, as plain SQLite values."""
    import json

    return [tuple(json.dumps(r[c], ensure_ascii=False) if c in ("actor", "payload") else r[c] for c in COLUMNS)
            for r in map(event_row, batch)]


def bare_insert_rate(folder: Path, cases: int) -> tuple[int, float]:
    """The same rows into the same kind of table, one transaction per batch: SQLite alone."""
    db, sql = bare_table(folder / "bare.sqlite")
    count, seconds = 0, 0.0
    for batch in history_batches(cases):
        rows = bare_rows(batch)
        started = time.perf_counter()
        db.execute("BEGIN")
        db.executemany(sql, rows)
        db.execute("COMMIT")
        seconds += time.perf_counter() - started
        count += len(rows)
    db.close()
    return count, seconds


def long_case(events: int) -> list[IntegrationEvent]:
    """Case 0 of the generated history, kept going by coordination (a correction and back, again and again)."""
    positions = dict.fromkeys(WRITERS, 0)
    rows = [e for s in WRITERS for e in _case_events(s, 0, positions)]
    last = rows[-1]
    steps = (("request_correction", "accepted", "correction", True), ("correction_done", "correction", "accepted", False))
    while len(rows) < events:
        positions["coordination"] += 1
        action, before, after, paused = steps[len(rows) % 2]
        type_ = "coordination.ItemStateChanged"
        rows.append(last.model_copy(update={
            "event_id": f"coordination-{positions['coordination']}", "service": "coordination",
            "position": positions["coordination"], "type": type_,
            "occurred_at": last.occurred_at + timedelta(minutes=len(rows)),
            "payload": published(type_, {"case_id": last.case_id, "item_no": 2, "department": DEPTS[2], "action": action,
                                         "from_status": before, "to_status": after, "on_date": "2026-02-02",
                                         "paused": paused})}))
    return rows


def long_case_read(folder: Path, report: Report, events: int, runs: int) -> None:
    from tests.support import start_app

    settings = Settings(data_dir=folder / "app", relay_poll_seconds=0.05)
    with start_app(settings, ManualClock(T0 + timedelta(days=400))) as api:
        reporting = api.runtime.services.reporting
        rows = long_case(events)
        reporting.projector.handle_many(rows)
        case_id = rows[0].case_id
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            view, history = reporting.history(case_id)
            timings.append(time.perf_counter() - started)
        expect(len(history) == events and view["event_count"] == events,
               f"history of {len(history)} events, view of {view['event_count']}, expected {events}")
        report.figure(f"history of a {events}-event case: store read + fold (median)", statistics.median(timings) * 1000, "ms")
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            r = api.get(f"/reporting/cases/{case_id}/history", "supervisor")
            timings.append(time.perf_counter() - started)
            expect(r.status_code == 200, f"GET history answered {r.status_code}: {r.text[:500]}")
            expect(len(r.json()["events"]) == events, f"GET history gave {len(r.json()['events'])} events, expected {events}")
        report.figure(f"history of a {events}-event case: GET over HTTP (median)", statistics.median(timings) * 1000, "ms")


def run(report: Report, sizes: Sizes = FULL) -> None:
    from services.reporting.figures import Basis
    from services.reporting.monthly import monthly_report
    from shared.workcalendar import load_calendar

    cases = sizes.reporting_cases
    report.section("reporting: projection rebuild vs bare SQLite inserts of the same rows")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        projected, p_seconds = projection_rate(folder, cases)
        bare, b_seconds = bare_insert_rate(folder, cases)
        report.figure(f"projection rebuild ({projected:,} events, {cases:,} cases)", rate(projected, p_seconds), "events/s")
        report.figure(f"bare SQLite inserts of the same {bare:,} rows", rate(bare, b_seconds), "rows/s")
        report.ratio("projection / bare", rate(projected, p_seconds), rate(bare, b_seconds))
        started = time.perf_counter()
        store = SQLiteReadStore(folder / "projected.sqlite")
        views = store.find("cases")
        loaded = time.perf_counter()
        monthly = monthly_report(views, Basis(today=datetime(2026, 2, 2).date(), calendar=load_calendar(),
                                              weights=Settings().assessment_weights), 2026, 1)
        done = time.perf_counter()
        store.close()
        totals = monthly["totals"]
        expect((len(views), totals["cases_completed"], totals["items_concluded"], totals["ratings"])
               == (cases, cases, cases * len(ITEMS), cases),
               f"{len(views)} views; monthly totals {totals}")
        report.figure(f"load {len(views):,} case documents", (loaded - started) * 1000, "ms")
        report.figure(f"monthly report over {len(views):,} cases", (done - loaded) * 1000, "ms")
        long_case_read(folder, report, sizes.long_case_events, sizes.long_case_runs)


if __name__ == "__main__":
    run(Report())
