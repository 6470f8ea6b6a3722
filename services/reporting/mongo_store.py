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
import datetime as dt
import re
import threading
from typing import Any, Iterator

from pymongo import ASCENDING, DESCENDING, AsyncMongoClient

from shared.messaging.loop import LoopThread
from shared.settings import Settings
from services.reporting.case_index import CASES, UNKNOWN, CaseQuery, index_row

EVENTS = "events"
CASE_INDEX = "case_index"
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
            if collection == CASES:
                await self.store.index_case(doc, self.session)


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
        index = self.db[CASE_INDEX]
        await index.create_index([("submitted_at", DESCENDING), ("_id", DESCENDING)])
        for field in ("departments", "service_point", "enterprise"):
            await index.create_index(field)
        if await index.find_one({}, {"_id": 1}) is None:  # a store written before the index existed
            async for doc in self.docs(CASES).find({}):
                await self.index_case(_plain(doc))

    async def index_case(self, doc: dict, session: Any = None) -> None:
        row = index_row(doc)
        if row is not None:
            await self.db[CASE_INDEX].replace_one({"_id": row["case_id"]}, {**row, "_id": row["case_id"]},
                                                  upsert=True, session=session)

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

    def list_cases(self, query: CaseQuery) -> tuple[int, list[dict]]:
        where = _case_filter(query)

        async def page() -> tuple[int, list[dict]]:
            index = self.db[CASE_INDEX]
            total = await index.count_documents(where)
            keyed = where
            if query.after is not None:
                at, key = query.after
                keyed = {"$and": [where, {"$or": [{"submitted_at": {"$lt": at}}, {"submitted_at": at, "_id": {"$lt": key}}]}]}
            cursor = index.find(keyed, {"_id": 1}).sort([("submitted_at", DESCENDING), ("_id", DESCENDING)])
            keys = [row["_id"] async for row in cursor.skip(query.offset).limit(query.limit)]
            docs = {d["_id"]: _plain(d) async for d in self.docs(CASES).find({"_id": {"$in": keys}})}
            return total, [docs[k] for k in keys]

        return self.loop.run(page(), timeout=60)

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
                if name in (EVENTS, CASE_INDEX) or name.startswith(_DOC_PREFIX):
                    await self.db[name].delete_many({})

        with self._lock:
            self.loop.run(drop(), timeout=120)

    def close(self) -> None:
        try:
            self.loop.run(self.client.close(), timeout=15)
        finally:
            self.loop.stop()


def _case_filter(query: CaseQuery) -> dict:
    """The MongoDB filter of a case-list query (every condition of :class:`CaseQuery`)."""
    if query.nothing:
        return {"_id": {"$in": []}}
    where: list[dict] = []
    for field, value in (("status", query.status), ("service_point", query.service_point),
                         ("service_point", query.scope_service_point), ("enterprise", query.scope_enterprise)):
        if value is not None:
            where.append({field: value})
    where += [{"departments": d} for d in query.departments]
    where += [{"search": {"$regex": re.escape(term)}} for term in query.terms]
    if query.submitted_from or query.submitted_to:
        where.append({"submitted_at": {"$ne": UNKNOWN}})
    if query.submitted_from:
        where.append({"submitted_at": {"$gte": query.submitted_from.isoformat()}})
    if query.submitted_to:  # every instant of that day: its ISO text starts with the date
        where.append({"submitted_at": {"$lt": (query.submitted_to + dt.timedelta(days=1)).isoformat()}})
    if query.overdue is not None:
        day = query.today.isoformat()
        overdue = {"earliest_due": {"$ne": None, "$lt": day}, "opened_on": {"$ne": None, "$lte": day}}
        where.append(overdue if query.overdue else {"$nor": [overdue]})
    return {"$and": where} if where else {}
