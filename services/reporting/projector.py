"""The projector: every integration event into the audit log and the case documents, exactly once.

The event row is the tracking record: it is inserted in the same transaction as the document it
changes, and an event already stored (same service and position) is skipped, so redelivery
changes nothing.  Relay threads call :meth:`Projector.handle` concurrently: writes are serialised.
With a :class:`~shared.sealing.Sealer`, the personal and free-text fields of every event are sealed
before they are stored, so the audit log and the documents folded from it hold tokens only.
"""

from __future__ import annotations

import logging
import threading
from typing import Iterable

from shared.contracts import IntegrationEvent
from shared.sealing import Sealer
from services.reporting.case_index import CASES
from services.reporting.caseview import apply, case_view
from services.reporting.events import event_row, is_case
from services.reporting.store import ReadStore, Unit

log = logging.getLogger(__name__)


class Projector:
    def __init__(self, store: ReadStore, sealer: Sealer | None = None) -> None:
        self.store = store
        self.sealer = sealer
        self._lock = threading.Lock()

    def handle(self, event: IntegrationEvent) -> bool:
        """Project one event; False when it was projected before."""
        return self.handle_many([event]) == 1

    def handle_many(self, events: Iterable[IntegrationEvent]) -> int:
        """Project a batch in one transaction (a rebuild); returns how many were new."""
        with self._lock, self.store.transaction() as unit:
            return sum(self._project(unit, event) for event in events)

    def _project(self, unit: Unit, event: IntegrationEvent) -> bool:
        if unit.seen(event.service, event.position):
            return False
        row = event_row(event)
        if self.sealer is not None:
            row = self.sealer.seal_row(row)
        unit.add_event(row)
        case_id = row["subject"]
        if not is_case(case_id):
            return True
        doc = unit.get(CASES, case_id)
        if doc is None or row["sort_key"] > doc["last_key"]:
            doc = apply(doc, row, in_place=True)
        else:  # arrived out of order (another service's relay was ahead): fold the case again
            doc = case_view(unit.events_for_case(case_id))
        unit.put(CASES, case_id, doc)
        return True
