"""The MongoDB adapter of the reporting read store (distributed runtime), on PyMongo's async API.

``pymongo.AsyncMongoClient`` runs on its own event-loop thread; the store's
methods are synchronous (the projector and the plain ``def`` endpoints call
them from worker threads) and wait for the loop.  A unit of work is a MongoDB
multi-document transaction: the event rows (which are the tracking records,
unique on ``(service, position)``) and the documents they changed commit
together or not at all.  Production MongoDB therefore runs as a replica set
(a single-node one in docker-compose.yml), which transactions require.
"""

from __future__ import annotations

from contextlib import contextmanager
import threading
from typing import Any, Iterator

from pymongo import ASCENDING, DESCENDING, AsyncMongoClient

from shared.messaging.loop import LoopThread
from shared.settings import Settings

EVENTS = "events"
_DOC_PREFIX = "doc_"  # document collections: doc_<name>, so they never meet "events"


def _plain(doc: dict | None) -> dict | None:
    if doc is not None:
        doc.pop("_id", None)
    return doc


class MongoUnit:
    def __init__(self, store: "MongoReadStore", session: Any) -> None:
        self.store = store
        self.session = session
        self._docs: dict[tuple[str, str], dict] = {}

    def _run(self, coro):  # noqa: ANN001, ANN202
        return self.store.loop.run(coro, timeout=60)

    def seen(self, service: str, position: int) -> bool:
        found = self._run(self.store.events.find_one({"service": service, "position": position},
                                                     {"_id": 1}, session=self.session))
        return found is not None

    def add_event(self, row: dict) -> None:
        self._run(self.store.events.insert_one({**row, "_id": row["event_id"]}, session=self.session))

    def events_for_case(self, case_id: str) -> list[dict]:
        return self._run(self.store._events({"subject": case_id}, self.session))

    def get(self, collection: str, key: str) -> dict | None:
        if (collection, key) in self._docs:
            return self._docs[(collection, key)]
        return _plain(self._run(self.store.docs(collection).find_one({"_id": key}, session=self.session)))

    def put(self, collection: str, key: str, doc: dict) -> None:
        self._docs[(collection, key)] = doc

    async def flush(self) -> None:
        for (collection, key), doc in self._docs.items():
            await self.store.docs(collection).replace_one({"_id": key}, {**doc, "_id": key}, upsert=True,
                                                          session=self.session)


class MongoReadStore:
    def __init__(self, settings: Settings) -> None:
        self.loop = LoopThread("mongo")
        self._lock = threading.Lock()
        self.client: AsyncMongoClient = self.loop.run(self._connect(settings.mongo_url), timeout=30)
        self.db = self.client[settings.mongo_database]
        self.events = self.db[EVENTS]
        self.loop.run(self._indexes(), timeout=60)

    @staticmethod
    async def _connect(url: str) -> AsyncMongoClient:
        client = AsyncMongoClient(url, tz_aware=True)
        await client.admin.command("ping")
        return client

    async def _indexes(self) -> None:
        await self.events.create_index("event_id", unique=True)
        await self.events.create_index([("service", ASCENDING), ("position", ASCENDING)], unique=True)
        await self.events.create_index([("subject", ASCENDING), ("sort_key", ASCENDING)])
        await self.events.create_index([("type", ASCENDING), ("sort_key", ASCENDING)])

    def docs(self, collection: str):  # noqa: ANN201
        if not collection.isidentifier():
            raise ValueError(f"bad collection name {collection!r}")
        return self.db[_DOC_PREFIX + collection]

    async def _events(self, query: dict, session: Any = None, sort: list | None = None) -> list[dict]:
        cursor = self.events.find(query, session=session).sort(sort or [("sort_key", ASCENDING)])
        return [_plain(row) async for row in cursor]

    async def _begin(self) -> Any:
        session = self.client.start_session()
        await session.start_transaction()
        return session

    @contextmanager
    def transaction(self) -> Iterator[MongoUnit]:
        with self._lock:
            session = self.loop.run(self._begin(), timeout=30)
            try:
                unit = MongoUnit(self, session)
                try:
                    yield unit
                    self.loop.run(unit.flush(), timeout=60)
                except BaseException:
                    self.loop.run(session.abort_transaction(), timeout=30)
                    raise
                self.loop.run(session.commit_transaction(), timeout=60)
            finally:
                self.loop.run(session.end_session(), timeout=30)

    # -- reads ---------------------------------------------------------------------------
    def get(self, collection: str, key: str) -> dict | None:
        return _plain(self.loop.run(self.docs(collection).find_one({"_id": key}), timeout=30))

    def find(self, collection: str, **equals: object) -> list[dict]:
        for name in equals:
            if not name.isidentifier():
                raise ValueError(f"bad field name {name!r}")

        async def find() -> list[dict]:
            return [_plain(d) async for d in self.docs(collection).find(dict(equals)).sort("_id", ASCENDING)]

        return self.loop.run(find(), timeout=60)

    def events_for_case(self, case_id: str, until_sort_key: str | None = None) -> list[dict]:
        query: dict[str, Any] = {"subject": case_id}
        if until_sort_key is not None:
            query["sort_key"] = {"$lte": until_sort_key}
        return self.loop.run(self._events(query), timeout=60)

    def events_of_type(self, event_type: str) -> list[dict]:
        return self.loop.run(self._events({"type": event_type}), timeout=60)

    def last_position(self, service: str) -> int:
        found = self.loop.run(self.events.find_one({"service": service}, {"position": 1},
                                                   sort=[("position", DESCENDING)]), timeout=30)
        return found["position"] if found else 0

    def all_events(self) -> list[dict]:
        return self.loop.run(self._events({}, sort=[("service", ASCENDING), ("position", ASCENDING)]), timeout=120)

    def drop(self) -> None:
        async def drop() -> None:
            for name in await self.db.list_collection_names():
                if name == EVENTS or name.startswith(_DOC_PREFIX):
                    await self.db[name].delete_many({})

        with self._lock:
            self.loop.run(drop(), timeout=120)

    def close(self) -> None:
        try:
            self.loop.run(self.client.close(), timeout=15)
        finally:
            self.loop.stop()
