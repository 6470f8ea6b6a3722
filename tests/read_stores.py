"""The reporting read stores under test: the SQLite adapter (embedded) and the MongoDB adapter
(distributed) on SecantusDB, started the way deploy/servers.py starts it for the launcher.

``read_store_factory`` is parametrised over both, as the ``eventsourcing`` examples run one test
case over several recorders: a test written against the port (services/reporting/store.py) runs
once per adapter.  The MongoDB runs are marked ``distributed_servers``: ``make test`` deselects
them (it installs no test servers), ``make test-distributed`` runs them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator
import uuid

import pytest

from services.reporting.sqlite_store import SQLiteReadStore
from services.reporting.store import ReadStore

STORES = ["sqlite", pytest.param("mongo", marks=pytest.mark.distributed_servers)]


@pytest.fixture(scope="session")
def secantus(tmp_path_factory) -> Iterator[str]:
    """One SecantusDB server for the session (in memory); yields its URL."""
    from tests.conftest import server_missing

    try:
        from deploy.servers import SecantusMongo, ServerUnavailable
    except ImportError as exc:  # pragma: no cover — deploy/ is part of the repository
        server_missing("secantusdb", str(exc))
    server = SecantusMongo(tmp_path_factory.mktemp("secantus"))
    try:
        server.start(timeout=60)
    except ServerUnavailable as exc:
        server_missing("secantusdb", str(exc))
    try:
        yield server.url
    finally:
        server.stop()


def _mongo_store(url: str, folder: Path, database: str) -> ReadStore:
    try:
        from services.reporting.mongo_store import MongoReadStore
    except ImportError as exc:
        from tests.conftest import server_missing

        server_missing("pymongo", f"{exc} (pip install -e '.[test,test-distributed]')")
    from shared.settings import Settings

    return MongoReadStore(Settings(data_dir=folder, mongo_url=url, mongo_database=database))


def _drop_database(url: str, database: str) -> None:
    from pymongo import MongoClient

    with MongoClient(url) as client:
        client.drop_database(database)


@pytest.fixture(params=STORES)
def read_store_factory(request, tmp_path: Path) -> Iterator[Callable[[str], ReadStore]]:
    """``make(name)``: a new, empty read store of the parametrised kind; all closed (and dropped) afterwards."""
    kind = request.param
    made: list[tuple[ReadStore, str]] = []
    url = request.getfixturevalue("secantus") if kind == "mongo" else None
    prefix = f"t{uuid.uuid4().hex[:12]}"

    def make(name: str = "reporting") -> ReadStore:
        if kind == "sqlite":
            store: ReadStore = SQLiteReadStore(tmp_path / f"{name}.sqlite")
        else:
            store = _mongo_store(url, tmp_path, f"{prefix}_{name}")
        made.append((store, name))
        return store

    yield make
    for store, name in made:
        store.close()
        if kind == "mongo":
            _drop_database(url, f"{prefix}_{name}")


@pytest.fixture
def read_store(read_store_factory) -> ReadStore:
    return read_store_factory("reporting")
