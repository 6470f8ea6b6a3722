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

from bench import Report, rate
from shared.clock import CHINA, ManualClock
from shared.contracts import Actor, IntegrationEvent, Role
from shared.settings import Settings
from services.reporting.events import event_row
from services.reporting.service import WRITERS
from services.reporting.sqlite_store import COLUMNS, SQLiteReadStore
from services.reporting.projector import Projector

CASES = 8400  # × 24 events = 201,600
ITEMS = (2, 7, 10, 24, 27)
DEPTS = {2: "fgw", 7: "zrzy", 10: "zjj", 24: "sthj", 27: "scjg"}
BATCH = 1000
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=CHINA)
AGENT = Actor(username="park_agent", role=Role.park_agent, name="园区代办员", department="gyyq")
APPLICANT = {"name": "乌海市海南区示范新材料有限公司", "credit_code": "91150303MA0N123401"}


def _case_events(service: str, n: int, positions: dict) -> Iterator[IntegrationEvent]:
    case_id = f"BN{n:012d}"
    at = T0 + timedelta(minutes=n)

    def make(type_: str, payload: dict, minutes: int) -> IntegrationEvent:
        positions[service] += 1
        return IntegrationEvent(event_id=f"{service}-{positions[service]}", type=type_, schema_version=1, case_id=case_id,
                                service=service, position=positions[service], occurred_at=at + timedelta(minutes=minutes),
                                actor=AGENT, payload={"case_id": case_id, **payload})

    if service == "intake":
        yield make("intake.ApplicationSubmitted", {
            "channel": "portal", "service_point": "park", "routing_reason": "园区", "applicant": APPLICANT,
            "unit": {"name": APPLICANT["name"], "phone": "15714730770"}, "project": {"name": f"项目{n}"},
            "items": list(ITEMS), "catalog_version": 2}, 0)
        yield make("intake.DelegationSigned", {"delegation_no": 1, "items": list(ITEMS)}, 1)
        yield make("intake.CommitmentSigned", {"signed_by": "李晓明"}, 2)
        yield make("intake.ApplicationAccepted", {"case_agent": {"username": "park_agent"}}, 3)
    elif service == "coordination":
        yield make("coordination.CaseOpened", {
            "service_point": "park", "opened_on": "2026-01-05", "case_agent": {"username": "park_agent"},
            "items": [{"item_no": i, "name": f"事项{i}", "department": DEPTS[i], "stage": 1, "promised_days": 10,
                       "statutory_days": 20, "assignees": [{"name": "陈起"}], "assignee_gap": False} for i in ITEMS]}, 4)
        for k, (action, to) in enumerate((("file", "received"), ("accept", "accepted"), ("approve", "approved"))):
            for i in ITEMS:
                yield make("coordination.ItemStateChanged", {
                    "item_no": i, "department": DEPTS[i], "action": action, "from_status": "pending", "to_status": to,
                    "on_date": "2026-01-09", "accepted_on": "2026-01-05", "due_date": "2026-01-19", "paused": False}, 5 + k)
        yield make("coordination.CaseCompleted", {
            "completed_on": "2026-01-09", "materials_returned": True,
            "items": [{"item_no": i, "department": DEPTS[i], "outcome": "approved", "on_time": True} for i in ITEMS]}, 9)
    else:
        yield make("evaluation.CaseRegistered", {"applicant": APPLICANT}, 10)
        yield make("evaluation.RatingInvited", {"outcome": "completed", "concluded_on": "2026-01-09"}, 11)
        yield make("evaluation.RatingGiven", {
            "rating_no": 1, "level": "satisfied", "channel": "mobile", "real_name": True, "follow_up": False,
            "defaulted": False, "rated_on": "2026-01-12", "bad": False, "rater": {"kind": "applicant_account"}}, 12)


def history_batches(cases: int = CASES) -> Iterator[list[IntegrationEvent]]:
    """Upstream first, as a rebuild reads the logs."""
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


def projection_rate(folder: Path) -> tuple[int, float]:
    projector = Projector(SQLiteReadStore(folder / "projected.sqlite"))
    count, seconds = 0, 0.0
    for batch in history_batches():
        started = time.perf_counter()
        count += projector.handle_many(batch)
        seconds += time.perf_counter() - started
    projector.store.close()
    return count, seconds


def bare_insert_rate(folder: Path) -> tuple[int, float]:
    """The same rows into the same kind of table, one transaction per batch: SQLite alone."""
    import json

    db = sqlite3.connect(folder / "bare.sqlite", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(f"CREATE TABLE events ({', '.join(COLUMNS)})")
    sql = f"INSERT INTO events VALUES ({', '.join('?' * len(COLUMNS))})"
    count, seconds = 0, 0.0
    for batch in history_batches():
        rows = [tuple(json.dumps(r[c], ensure_ascii=False) if c in ("actor", "payload") else r[c] for c in COLUMNS)
                for r in map(event_row, batch)]
        started = time.perf_counter()
        db.execute("BEGIN")
        db.executemany(sql, rows)
        db.execute("COMMIT")
        seconds += time.perf_counter() - started
        count += len(rows)
    db.close()
    return count, seconds


def long_case_read(folder: Path, report: Report, events: int = 500, runs: int = 30) -> None:
    from tests.support import start_app

    settings = Settings(data_dir=folder / "app", relay_poll_seconds=0.05)
    with start_app(settings, ManualClock(T0 + timedelta(days=400))) as api:
        reporting = api.runtime.services.reporting
        positions = dict.fromkeys(WRITERS, 0)
        rows = [e for s in WRITERS for e in _case_events(s, 0, positions)]
        base = rows[-1]
        while len(rows) < events:  # the case keeps going: more coordination events
            positions["coordination"] += 1
            rows.append(base.model_copy(update={
                "event_id": f"extra-{len(rows)}", "service": "coordination", "position": positions["coordination"],
                "type": "coordination.ItemStateChanged", "occurred_at": base.occurred_at + timedelta(minutes=len(rows)),
                "payload": {"case_id": base.case_id, "item_no": 2, "department": "fgw", "action": "request_correction",
                            "from_status": "accepted", "to_status": "correction", "on_date": "2026-02-02", "paused": True}}))
        reporting.projector.handle_many(rows)
        case_id = base.case_id
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            view, history = reporting.history(case_id)
            timings.append(time.perf_counter() - started)
        assert len(history) == events and view["event_count"] == events
        report.figure(f"history of a {events}-event case: store read + fold (median)", statistics.median(timings) * 1000, "ms")
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            r = api.get(f"/reporting/cases/{case_id}/history", "supervisor")
            timings.append(time.perf_counter() - started)
            assert r.status_code == 200 and len(r.json()["events"]) == events
        report.figure(f"history of a {events}-event case: GET over HTTP (median)", statistics.median(timings) * 1000, "ms")


def run(report: Report) -> None:
    report.section("reporting: projection rebuild vs bare SQLite inserts of the same rows")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        projected, p_seconds = projection_rate(folder)
        bare, b_seconds = bare_insert_rate(folder)
        report.figure(f"projection rebuild ({projected:,} events, {CASES:,} cases)", rate(projected, p_seconds), "events/s")
        report.figure(f"bare SQLite inserts of the same {bare:,} rows", rate(bare, b_seconds), "rows/s")
        report.ratio("projection / bare", rate(projected, p_seconds), rate(bare, b_seconds))
        started = time.perf_counter()
        store = SQLiteReadStore(folder / "projected.sqlite")
        cases = store.find("cases")
        from services.reporting.figures import Basis
        from services.reporting.monthly import monthly_report
        from shared.workcalendar import load_calendar

        loaded = time.perf_counter()
        monthly_report(cases, Basis(today=datetime(2026, 2, 2).date(), calendar=load_calendar(),
                                    weights=Settings().assessment_weights), 2026, 1)
        done = time.perf_counter()
        store.close()
        report.figure(f"load {len(cases):,} case documents", (loaded - started) * 1000, "ms")
        report.figure(f"monthly report over {len(cases):,} cases", (done - loaded) * 1000, "ms")
        long_case_read(folder, report)


if __name__ == "__main__":
    run(Report())
