"""The MongoDB read store (services/reporting/mongo_store.py, PyMongo's AsyncMongoClient) on SecantusDB,
as async tests (pytest-asyncio).

The store runs its AsyncMongoClient on a loop thread of its own and is called from worker threads
(the projector's consumers, the plain ``def`` endpoints); here many callers at once, from the test's
event loop through ``asyncio.to_thread``.  What a test checks in the database it reads with an
AsyncMongoClient of its own.  The port's contract runs over both stores in tests/unit/test_reporting_store.py.
"""

from __future__ import annotations

import asyncio
import threading
import uuid

from pymongo import AsyncMongoClient
import pytest

from shared.settings import Settings
from services.reporting.events import event_row
from services.reporting.mongo_store import MongoReadStore
from services.reporting.projector import CASES, Projector
from tests.unit.test_reporting_projection import SUBMITTED, event, history


@pytest.fixture
async def database(cluster, tmp_path):
    """(store, the same database through the test's own client)."""
    name = f"t{uuid.uuid4().hex[:12]}"
    store = await asyncio.to_thread(MongoReadStore, Settings(data_dir=tmp_path, mongo_url=cluster.mongo.url,
                                                             mongo_database=name))
    client = AsyncMongoClient(cluster.mongo.url, tz_aware=True)
    try:
        yield store, client[name]
    finally:
        await asyncio.to_thread(store.close)
        await client.drop_database(name)
        await client.close()


async def test_rows_and_views_are_stored_as_the_port_describes(database):
    store, db = database
    projector = Projector(store)
    for e in history():
        assert await asyncio.to_thread(projector.handle, e)
    assert set(await db.list_collection_names()) == {"events", "doc_cases", "case_index"}
    rows = await db["events"].find({}, {"_id": 1, "event_id": 1}).to_list()
    assert sorted(r["_id"] for r in rows) == sorted(r["event_id"] for r in rows) == sorted(e.event_id for e in history())
    indexes = await db["events"].index_information()
    keys = {tuple(spec["key"]): spec.get("unique", False) for spec in indexes.values()}
    assert keys[(("event_id", 1),)] is True
    assert keys[(("service", 1), ("position", 1))] is True
    assert (("subject", 1), ("sort_key", 1)) in keys
    [case] = await db["doc_cases"].find({}).to_list()
    assert case["_id"] == "BN1" and case["event_count"] == 6  # the agent register is not a case document
    [row] = await db["case_index"].find({}).to_list()  # the case list's row, written with the document
    assert row["_id"] == "BN1" and row["status"] == case["status"] and row["submitted_at"] == case["submitted_at"]
    index_keys = {tuple(spec["key"]) for spec in (await db["case_index"].index_information()).values()}
    assert (("submitted_at", -1), ("_id", -1)) in index_keys


async def test_readers_do_not_see_a_unit_before_it_commits(database):
    store, db = database
    inside, release = threading.Event(), threading.Event()

    def slow_unit() -> None:
        with store.transaction() as unit:
            unit.add_event(event_row(event("intake", 1, "intake.ApplicationSubmitted", SUBMITTED)))
            unit.put(CASES, "BN1", {"case_id": "BN1", "status": "submitted"})
            inside.set()
            release.wait(30)

    writer = asyncio.create_task(asyncio.to_thread(slow_unit))
    try:
        assert await asyncio.to_thread(inside.wait, 30)
        assert await asyncio.to_thread(store.get, CASES, "BN1") is None
        assert await asyncio.to_thread(store.events_for_case, "BN1") == []
        assert await db["events"].count_documents({}) == 0  # not through the store either
    finally:
        release.set()
        await writer
    assert (await asyncio.to_thread(store.get, CASES, "BN1"))["status"] == "submitted"
    assert await db["events"].count_documents({}) == 1


async def test_many_callers_at_once_project_every_event_exactly_once(database):
    store, _ = database
    projector = Projector(store)
    opened = event("intake", 1, "intake.ApplicationSubmitted", SUBMITTED)
    changes = [event("coordination", n, "coordination.Unknown", {"case_id": "BN1", "n": n}, minutes=n)
               for n in range(1, 25)]
    results = await asyncio.gather(*(asyncio.to_thread(projector.handle, e) for e in [opened, *changes]))
    assert all(results)
    again = await asyncio.gather(*(asyncio.to_thread(projector.handle, e) for e in reversed([opened, *changes])))
    assert not any(again)  # redelivered at once, from many threads: nothing twice
    view = await asyncio.to_thread(store.get, CASES, "BN1")
    assert view["event_count"] == 25 and view["status"] == "submitted"
    rows = await asyncio.to_thread(store.events_for_case, "BN1")
    assert [r["position"] for r in rows if r["service"] == "coordination"] == list(range(1, 25))


async def test_readers_beside_many_writers_see_whole_commits_that_never_go_back(database):
    """Units are serialised by the store; readers run beside them and see one committed state after another."""
    store, _ = database
    projector = Projector(store)
    writes = [event("coordination", n, "coordination.Unknown", {"case_id": f"BN{n}", "n": n},
                    minutes=n, case_id=f"BN{n}") for n in range(1, 16)]
    writing = asyncio.gather(*(asyncio.to_thread(projector.handle, e) for e in writes))
    seen: list[int] = []
    while not writing.done():
        seen.append(len(await asyncio.to_thread(store.find, CASES)))
    assert all(await writing)
    assert seen == sorted(seen) and all(0 <= n <= 15 for n in seen)  # never a view that goes back
    assert len(await asyncio.to_thread(store.find, CASES)) == 15


def test_the_store_refuses_to_wait_for_itself_on_its_own_loop(cluster, tmp_path):
    store = MongoReadStore(Settings(data_dir=tmp_path, mongo_url=cluster.mongo.url, mongo_database=f"t{uuid.uuid4().hex[:12]}"))
    try:
        async def nested():
            return store.get(CASES, "BN1")  # a synchronous call from the store's own loop would deadlock

        with pytest.raises(RuntimeError, match="own loop"):
            store.loop.run(nested(), timeout=10)
    finally:
        store.close()
