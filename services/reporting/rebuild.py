"""Drop the read models and replay them from the writing services' event stores (upstream first).

A rebuild marks itself in the read store (``rebuild/state``) before its first batch and unmarks itself after
its last.  A rebuild that was interrupted (the machine stopped, Ctrl-C) leaves the mark, and the next one
resumes it instead of starting over: every batch is one unit of work whose event rows are the tracking
records, and each service's events arrive in log order, so the store's last position of each service is
exactly where its replay stopped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import time
from typing import Callable

from shared.messaging.outbox import read_log
from services.reporting.service import WRITERS, ReportingService

BATCH = 1000
MARK = ("rebuild", "state")  # (collection, key) of the mark of a rebuild under way

Progress = Callable[[int], None]  # called with the number of events just replayed


@dataclass
class RebuildResult:
    events: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    resumed: bool = False

    @property
    def total(self) -> int:
        return sum(self.events.values())


def log_length(applications: dict) -> int:
    """How many events the writing services' logs hold (what a rebuild replays): for the progress bar."""
    return sum(app.recorder.max_notification_id() or 0 for name, app in applications.items() if name in WRITERS)


def interrupted(reporting: ReportingService) -> bool:
    """True when a rebuild was started on this read store and did not finish."""
    mark = reporting.store.get(*MARK)
    return bool(mark and mark.get("running"))


def replay(reporting: ReportingService, applications: dict, batch: int = BATCH, progress: Progress | None = None,
           from_scratch: bool = False) -> RebuildResult:
    """Project every service's log through the same projector: after dropping everything the read store holds,
    or, when a rebuild was interrupted (and not ``from_scratch``), from where it stopped."""
    started = time.perf_counter()
    store = reporting.store
    result = RebuildResult(resumed=interrupted(reporting) and not from_scratch)
    if not result.resumed:
        store.drop()
        with store.transaction() as unit:
            unit.put(*MARK, {"running": True})
    for service in WRITERS:
        app = applications.get(service)
        if app is None:
            continue
        position = store.last_position(service) if result.resumed else 0
        count = 0
        if progress and position:
            progress(position)  # what the interrupted rebuild had done
        while events := read_log(app, service, position, batch):
            count += reporting.projector.handle_many(events)
            position = events[-1].position
            if progress:
                progress(len(events))
        result.events[service] = count
    with store.transaction() as unit:
        unit.put(*MARK, {"running": False})
    result.seconds = time.perf_counter() - started
    return result


def writing_applications(runtime) -> dict:  # noqa: ANN001
    return {name: getattr(runtime.services, name) for name in WRITERS if hasattr(runtime.services, name)}


def rebuild(runtime, progress: Progress | None = None, from_scratch: bool = False) -> RebuildResult:  # noqa: ANN001
    """For a stopped embedded server: its runtime, built but not started."""
    return replay(runtime.services.reporting, writing_applications(runtime), progress=progress,
                  from_scratch=from_scratch)
