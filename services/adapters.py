"""What a runtime runs the declared services over: the adapters, chosen once and passed in at construction.

:func:`embedded_adapters` is the embedded default; :func:`services.distributed.distributed_adapters` the
distributed runtime's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from fastapi import APIRouter

from shared.messaging.bus import Bus, InProcessBus
from shared.messaging.relay import OutboxRelay, PositionStore, SQLitePositionStore
from shared.files import make_private
from shared.settings import Settings
from services.reporting.store import ReadStore


@dataclass
class Adapters:
    """What a runtime runs the services over, passed in at construction."""

    bus: Bus
    positions: PositionStore
    read_store: Callable[[], ReadStore]  # called only when reporting runs in this process
    relay_class: type[OutboxRelay] = OutboxRelay
    starters: list[Callable[[], None]] = field(default_factory=list)  # after the services are built
    closers: list[Callable[[], None]] = field(default_factory=list)  # before the services close, in order
    routers: Callable[[Any], list[APIRouter]] = lambda runtime: []  # e.g. ops endpoints over the runtime


def embedded_adapters(settings: Settings) -> Adapters:
    """The embedded default: in-process bus; relay positions and reporting's read store in SQLite files."""
    def read_store() -> ReadStore:
        from services.reporting.sqlite_store import SQLiteReadStore

        return SQLiteReadStore(settings.data_file("reporting.sqlite"))

    make_private(settings.ensure_data_dir())  # files an older version made 0644
    return Adapters(bus=InProcessBus(), positions=SQLitePositionStore(settings.data_file("relay.sqlite")),
                    read_store=read_store)
