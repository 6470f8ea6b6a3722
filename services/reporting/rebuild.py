"""Drop the read models and replay them from the writing services' event stores (upstream first)."""

from __future__ import annotations

from dataclasses import dataclass, field
import time

from shared.messaging.outbox import read_log
from services.reporting.service import WRITERS, ReportingService

BATCH = 1000


@dataclass
class RebuildResult:
    events: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.events.values())


def replay(reporting: ReportingService, applications: dict, batch: int = BATCH) -> RebuildResult:
    """Drop everything the read store holds, then project every service's log through the same projector."""
    started = time.perf_counter()
    reporting.store.drop()
    result = RebuildResult()
    for service in WRITERS:
        app = applications.get(service)
        if app is None:
            continue
        position, count = 0, 0
        while events := read_log(app, service, position, batch):
            count += reporting.projector.handle_many(events)
            position = events[-1].position
        result.events[service] = count
    result.seconds = time.perf_counter() - started
    return result


def rebuild(runtime) -> RebuildResult:  # noqa: ANN001
    """For a stopped embedded server: its runtime, built but not started."""
    apps = {name: getattr(runtime.services, name) for name in WRITERS if hasattr(runtime.services, name)}
    return replay(runtime.services.reporting, apps)
