"""The read-store port (services/reporting/store.py), the same tests over both adapters: SQLite and MongoDB."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from shared.clock import CHINA
from services.reporting.events import sort_key

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=CHINA)


def row(service: str, position: int, subject: str = "BN1", minutes: int = 0, **payload) -> dict:
    at = T0 + timedelta(minutes=minutes)
    return {"event_id": f"{service}-{position}", "service": service, "position": position, "case_id": subject,
            "subject": subject, "type": f"{service}.Something", "schema_version": 1, "occurred_at": at.isoformat(),
            "sort_key": sort_key(at, service, position), "actor": {"username": "park_agent", "role": "park_agent"},
            "on_behalf_of": None, "channel": None, "payload": {"case_id": subject, **payload}}


def test_a_unit_commits_everything_or_nothing(read_store):
    with pytest.raises(RuntimeError):
        with read_store.transaction() as unit:
            unit.add_event(row("intake", 1))
            unit.put("cases", "BN1", {"case_id": "BN1", "status": "submitted"})
            raise RuntimeError("the projection failed half-way")
    assert read_store.get("cases", "BN1") is None
    assert list(read_store.all_events()) == []
    with read_store.transaction() as unit:
        assert not unit.seen("intake", 1)
        unit.add_event(row("intake", 1))
        unit.put("cases", "BN1", {"case_id": "BN1", "status": "submitted"})
    assert read_store.get("cases", "BN1") == {"case_id": "BN1", "status": "submitted"}
    assert [r["event_id"] for r in read_store.all_events()] == ["intake-1"]


def test_a_unit_sees_its_own_writes_and_a_later_unit_sees_them_committed(read_store):
    with read_store.transaction() as unit:
        unit.add_event(row("intake", 1))
        unit.add_event(row("coordination", 1, minutes=-1))
        assert unit.seen("intake", 1) and unit.seen("coordination", 1) and not unit.seen("evaluation", 1)
        assert [r["event_id"] for r in unit.events_for_case("BN1")] == ["coordination-1", "intake-1"]
        unit.put("cases", "BN1", {"n": 1})
        assert unit.get("cases", "BN1") == {"n": 1}
        unit.put("cases", "BN1", {"n": 2})  # written back once, the last version
    with read_store.transaction() as unit:
        assert unit.seen("intake", 1)
        assert unit.get("cases", "BN1") == {"n": 2}
        unit.put("cases", "BN1", {"n": 3})
    assert read_store.get("cases", "BN1") == {"n": 3}


def test_service_and_position_are_unique_and_a_refused_unit_leaves_the_last_commit(read_store):
    with read_store.transaction() as unit:
        unit.add_event(row("intake", 1, note="first"))
        unit.put("cases", "BN1", {"v": "first"})
    with pytest.raises(Exception):  # sqlite3.IntegrityError / pymongo DuplicateKeyError
        with read_store.transaction() as unit:
            unit.put("cases", "BN1", {"v": "second"})
            unit.add_event({**row("intake", 1, note="second"), "event_id": "another-id"})
    assert read_store.get("cases", "BN1") == {"v": "first"}
    [stored] = read_store.all_events()
    assert stored["payload"]["note"] == "first"


def test_rows_and_documents_come_back_as_they_were_written(read_store):
    doc = {"case_id": "BN1", "name": "乌海市海南区示范新材料有限公司", "items": [{"item_no": 2, "on_time": None}],
           "paused": False, "delegations": 0, "total": 1234567890123, "rate": 0.875, "empty": {}, "none": None}
    written = row("evaluation", 7, note="满意 ✓", nested={"list": [1, "二", None, True]})
    with read_store.transaction() as unit:
        unit.add_event(written)
        unit.put("cases", "BN1", doc)
    assert read_store.get("cases", "BN1") == doc
    assert read_store.events_for_case("BN1") == [written]
    assert list(read_store.all_events()) == [written]


def test_find_filters_on_top_level_fields_in_key_order(read_store):
    with read_store.transaction() as unit:
        for key, status, count in [("BN3", "completed", 6), ("BN1", "in_progress", 6), ("BN2", "completed", 9)]:
            unit.put("cases", key, {"case_id": key, "status": status, "event_count": count})
        unit.put("other", "BN9", {"case_id": "BN9", "status": "completed", "event_count": 6})
    assert [d["case_id"] for d in read_store.find("cases")] == ["BN1", "BN2", "BN3"]
    assert [d["case_id"] for d in read_store.find("cases", status="completed")] == ["BN2", "BN3"]
    assert [d["case_id"] for d in read_store.find("cases", status="completed", event_count=6)] == ["BN3"]
    assert read_store.find("cases", status="terminated") == []
    with pytest.raises(ValueError):
        read_store.find("cases", **{"status') OR 1=1 --": "x"})


def test_a_case_history_is_in_sort_key_order_up_to_and_including_a_key(read_store):
    rows = [row("evaluation", 1, minutes=5), row("intake", 2, minutes=5), row("coordination", 10, minutes=1),
            row("intake", 1), row("intake", 3, subject="BN2", minutes=2)]
    with read_store.transaction() as unit:
        for r in rows:
            unit.add_event(r)
    ordered = ["intake-1", "coordination-10", "intake-2", "evaluation-1"]
    assert [r["event_id"] for r in read_store.events_for_case("BN1")] == ordered
    assert [r["event_id"] for r in read_store.events_for_case("BN1", rows[1]["sort_key"])] == ordered[:3]
    assert [r["event_id"] for r in read_store.events_for_case("BN1", sort_key(T0, "~", 10**11))] == ordered[:1]
    assert read_store.events_for_case("BN404") == []


def test_all_events_are_in_service_then_numeric_position_order(read_store):
    with read_store.transaction() as unit:
        for service, position in [("intake", 10), ("coordination", 2), ("intake", 9), ("intake", 100), ("evaluation", 1)]:
            unit.add_event(row(service, position))
    assert [(r["service"], r["position"]) for r in read_store.all_events()] == [
        ("coordination", 2), ("evaluation", 1), ("intake", 9), ("intake", 10), ("intake", 100)]


def test_drop_leaves_an_empty_store_that_takes_writes_again(read_store):
    with read_store.transaction() as unit:
        unit.add_event(row("intake", 1))
        unit.put("cases", "BN1", {"v": 1})
    read_store.drop()
    assert (list(read_store.all_events()), read_store.find("cases"), read_store.get("cases", "BN1")) == ([], [], None)
    with read_store.transaction() as unit:
        assert not unit.seen("intake", 1)
        unit.add_event(row("intake", 1))
    assert len(list(read_store.all_events())) == 1


def test_last_position_is_how_far_each_service_got(read_store):
    """What X-Bangnin-After waits for on reporting: the highest position stored, per service."""
    assert read_store.last_position("intake") == 0
    with read_store.transaction() as unit:
        for service, position in [("intake", 1), ("intake", 2), ("intake", 10), ("coordination", 3)]:
            unit.add_event(row(service, position))
    assert read_store.last_position("intake") == 10
    assert read_store.last_position("coordination") == 3
    assert read_store.last_position("evaluation") == 0
