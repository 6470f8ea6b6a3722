"""The projector and the case-view fold: order, redelivery, out-of-order arrival, unknown types, non-case events.

Every test with a store runs over both read stores, SQLite and MongoDB (``read_store``, tests/read_stores.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
import random

import pytest

from shared.clock import CHINA
from shared.contracts import Actor, IntegrationEvent, Role
from services.reporting.caseview import case_view
from services.reporting.events import event_row, sort_key
from services.reporting.projector import CASES, Projector

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=CHINA)
AGENT = Actor(username="park_agent", role=Role.park_agent, department="gyyq")
SUBMITTED = {"case_id": "BN1", "channel": "portal", "service_point": "park", "routing_reason": "园区",
             "applicant": {"name": "某公司", "credit_code": "91150303MA0N123401"}, "unit": {"name": "某公司"},
             "project": {"name": "项目"}, "items": [2, 24], "catalog_version": 2}
OPENED = {"case_id": "BN1", "service_point": "park", "opened_on": "2026-11-02",
          "case_agent": {"username": "park_agent"}, "applicant": SUBMITTED["applicant"],
          "project": {"name": "项目"}, "unit_name": "某公司", "channel": "portal",
          "items": [{"item_no": 2, "name": "企业投资项目备案", "department": "fgw", "stage": 1, "promised_days": 10,
                     "statutory_days": 20, "assignees": [{"name": "陈起"}], "assignee_gap": False}]}


def event(service: str, position: int, type_: str, payload: dict, minutes: int = 0, case_id: str = "BN1") -> IntegrationEvent:
    return IntegrationEvent(event_id=f"{service}-{position}", type=type_, schema_version=1, case_id=case_id,
                            service=service, position=position, occurred_at=T0 + timedelta(minutes=minutes),
                            actor=AGENT, payload=payload)


def history() -> list[IntegrationEvent]:
    change = {"case_id": "BN1", "item_no": 2, "department": "fgw", "from_status": "received", "paused": False}
    return [
        event("intake", 1, "intake.ApplicationSubmitted", SUBMITTED),
        event("intake", 2, "intake.ApplicationAccepted", {"case_agent": {"username": "park_agent"}}, 5),
        event("coordination", 1, "coordination.CaseOpened", OPENED, 5),  # same instant: after intake
        event("coordination", 2, "coordination.ItemStateChanged",
              {**change, "action": "accept", "to_status": "accepted", "on_date": "2026-11-02",
               "accepted_on": "2026-11-02", "due_date": "2026-11-16"}, 60),
        event("evaluation", 1, "evaluation.SomethingNew", {"case_id": "BN1", "x": 1}, 61),
        event("coordination", 3, "coordination.ItemStateChanged",
              {**change, "from_status": "accepted", "action": "approve", "to_status": "approved", "on_date": "2026-11-20"}, 90),
        event("coordination", 4, "coordination.AgentRegisterChanged", {"department": "fgw"}, 91, case_id="register:fgw"),
    ]


@pytest.fixture
def store(read_store):
    return read_store


def test_the_fold_reads_every_service_and_keeps_unknown_types_as_history(store):
    projector = Projector(store)
    assert all(projector.handle(e) for e in history())
    view = store.get(CASES, "BN1")
    assert view == case_view(store.events_for_case("BN1"))
    assert view["status"] == "in_progress" and view["departments"] == ["fgw"]
    [item] = view["items"]
    assert (item["status"], item["concluded_on"], item["on_time"]) == ("approved", "2026-11-20", False)
    assert view["event_count"] == 6  # the unknown type counts, changes nothing else
    assert [r["type"] for r in store.events_for_case("BN1")][2:5] == [
        "coordination.CaseOpened", "coordination.ItemStateChanged", "evaluation.SomethingNew"]
    assert store.get(CASES, "register:fgw") is None  # the agent register is not a case
    assert len(list(store.all_events())) == 7


def test_redelivery_changes_nothing(store):
    projector = Projector(store)
    for e in history():
        projector.handle(e)
    before = (list(store.all_events()), store.find(CASES))
    assert not any(projector.handle(e) for e in history())
    assert projector.handle_many(history()) == 0
    assert (list(store.all_events()), store.find(CASES)) == before


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_any_arrival_order_gives_the_same_views(read_store_factory, seed):
    ordered = read_store_factory("ordered")
    shuffled = read_store_factory("shuffled")
    for e in history():
        Projector(ordered).handle(e)
    events = history()
    random.Random(seed).shuffle(events)
    for e in events:
        Projector(shuffled).handle(e)
    assert shuffled.find(CASES) == ordered.find(CASES)
    assert sorted(shuffled.all_events(), key=lambda r: r["event_id"]) == sorted(ordered.all_events(), key=lambda r: r["event_id"])


def test_as_of_is_the_fold_of_a_prefix(store):
    projector = Projector(store)
    for e in history():
        projector.handle(e)
    until = sort_key(T0 + timedelta(minutes=5), "~", 10**11)
    rows = store.events_for_case("BN1", until)
    assert [r["type"] for r in rows] == ["intake.ApplicationSubmitted", "intake.ApplicationAccepted", "coordination.CaseOpened"]
    assert case_view(rows)["items"][0]["status"] == "pending"


def test_history_order_is_time_then_service_then_position():
    same = T0
    keys = [sort_key(same, "evaluation", 1), sort_key(same, "intake", 9), sort_key(same, "coordination", 2),
            sort_key(same - timedelta(microseconds=1), "evaluation", 5)]
    assert sorted(keys) == [keys[3], keys[1], keys[2], keys[0]]
    # the same instant in another zone sorts the same
    assert sort_key(same.astimezone(datetime.now().astimezone().tzinfo), "intake", 1) == sort_key(same, "intake", 1)


def test_a_follow_up_visit_belongs_to_the_visited_case():
    visit = event("evaluation", 7, "evaluation.FollowUpVisited",
                  {"draw_id": "D1", "visited_case_id": "BN1", "visit_no": 1, "outcome": "reached", "visited_on": "2026-11-30"},
                  case_id="draw:D1")
    row = event_row(visit)
    assert (row["case_id"], row["subject"]) == ("draw:D1", "BN1")
    view = case_view([event_row(e) for e in history()[:1]] + [row])
    assert view["follow_up_visits"][0]["outcome"] == "reached"


def test_a_batch_that_repeats_events_projects_each_once(store):
    """Inside one unit the store sees its own inserts: a rebuild batch with a redelivered event stays exact."""
    events = history()
    assert Projector(store).handle_many(events + events[:3]) == len(events)
    assert len(list(store.all_events())) == len(events)
    assert store.get(CASES, "BN1") == case_view(store.events_for_case("BN1"))


def test_one_at_a_time_and_one_batch_leave_the_same_store(read_store_factory):
    live, batch = read_store_factory("live"), read_store_factory("batch")
    for e in history():
        Projector(live).handle(e)
    Projector(batch).handle_many(history())
    assert list(live.all_events()) == list(batch.all_events())
    assert live.find(CASES) == batch.find(CASES)


def test_a_failed_batch_projects_nothing_and_a_retry_projects_all(store, monkeypatch):
    import services.reporting.projector as projector_module

    events = history()
    real_apply, calls = projector_module.apply, []

    def fail_on_the_fourth(*args, **kwargs):
        calls.append(1)
        if len(calls) == 4:
            raise RuntimeError("the fold failed")
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(projector_module, "apply", fail_on_the_fourth)
    with pytest.raises(RuntimeError):
        Projector(store).handle_many(events)
    assert (list(store.all_events()), store.find(CASES)) == ([], [])
    monkeypatch.setattr(projector_module, "apply", real_apply)
    assert Projector(store).handle_many(events) == len(events)
    assert store.get(CASES, "BN1")["event_count"] == 6


@pytest.mark.distributed_servers
def test_mongodb_holds_what_sqlite_holds_for_the_bench_history(tmp_path, secantus):
    """The bench's generated history (every payload through its contract), in batches, into both stores."""
    from bench.reporting import EVENTS_PER_CASE, history_batches
    from services.reporting.sqlite_store import SQLiteReadStore
    from tests.read_stores import _drop_database, _mongo_store

    sqlite, mongo = SQLiteReadStore(tmp_path / "r.sqlite"), _mongo_store(secantus, tmp_path, "compare_stores")
    try:
        for batch in history_batches(4):
            Projector(sqlite).handle_many(batch)
            Projector(mongo).handle_many(list(reversed(batch)))  # another arrival order, too
        assert len(list(mongo.all_events())) == 4 * EVENTS_PER_CASE
        assert list(mongo.all_events()) == list(sqlite.all_events())
        assert mongo.find(CASES) == sqlite.find(CASES)
        assert {c["status"] for c in mongo.find(CASES)} == {"completed"}
    finally:
        sqlite.close()
        mongo.close()
        _drop_database(secantus, "compare_stores")


def test_calendar_changes_are_in_the_audit_log_and_folded_again_on_start(read_store_factory, tmp_path):
    from datetime import date

    from shared.settings import Settings
    from shared.workcalendar import CalendarSource
    from services.reporting.service import ReportingService

    change = {"change_no": 1, "year": 2026, "overrides": {"2026-12-01": "holiday"}, "announced": True, "reason": "测试"}
    store = read_store_factory("calendar")
    reporting = ReportingService(store, None, CalendarSource.load(), Settings(data_dir=tmp_path))
    assert reporting.consume(event("coordination", 9, "coordination.CalendarOverridden", change, case_id="calendar:2026"))
    assert not reporting.calendar.is_workday(date(2026, 12, 1))
    assert store.find(CASES) == []  # not a case
    assert [e["case_id"] for e in reporting.reference_history()] == ["calendar:2026"]

    restarted = ReportingService(read_store_factory("calendar"), None, CalendarSource.load(), Settings(data_dir=tmp_path))
    assert not restarted.calendar.is_workday(date(2026, 12, 1))  # the same store, opened again: folded on start


def test_a_row_is_sealed_as_the_event_it_was_made_from():
    """The projector seals the stored row (no model copies); the tokens are those sealing the event gives (what
    Kafka carries), for every event of a generated year: names, phones, notes, on whose behalf."""
    import os

    from bench.history import History
    from shared.sealing import PREFIX, Sealer

    sealer = Sealer(os.urandom(64))
    events = [e for batch in History(3).batches() for e in batch]
    rows = [sealer.seal_row(event_row(e)) for e in events]
    assert rows == [event_row(sealer.seal_event(e)) for e in events]
    assert any(r["actor"]["name"].startswith(PREFIX) for r in rows)
    assert any(PREFIX in str(r["payload"]) for r in rows)
