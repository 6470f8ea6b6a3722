"""Wire reporting into a runtime: a read store, a projector subscribed to every writing service, the API."""

from __future__ import annotations

from services.reporting.api import router
from services.reporting.service import WRITERS, ReportingService


def make_store(runtime):  # noqa: ANN001, ANN201
    """SQLite under the data folder (embedded); the MongoDB adapter in the distributed runtime."""
    if runtime.settings.runtime == "distributed":
        from services.reporting.mongo_store import MongoReadStore  # written against services/reporting/store.py

        return MongoReadStore(runtime.settings)
    from services.reporting.sqlite_store import SQLiteReadStore

    return SQLiteReadStore(runtime.settings.ensure_data_dir() / "reporting.sqlite")


def wire(runtime) -> None:  # noqa: ANN001
    service = ReportingService(make_store(runtime), runtime.clock, runtime.calendar, runtime.settings)
    runtime.services.reporting = service
    for upstream in WRITERS:
        runtime.bus.subscribe(upstream, "reporting", service.projector.handle)
    runtime.closers.append(service.close)
    runtime.routers.append(router)
