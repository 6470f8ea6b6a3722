"""The case list's index: one row per case, written beside its document in the same unit of work.

``GET /reporting/cases`` pages through the cases newest first.  Folding every case document for each page
made the page cost grow with the history (1.3 s at 2,000 cases, ``python -m bench scale``); the index keeps
what the list filters and orders by, so a read store answers a page with an indexed, keyset-paginated query
and only the page's documents are read and shown.

A row (:func:`index_row`): ``case_id``, ``submitted_at`` (the order; :data:`UNKNOWN` when not known: before
every date, so such cases come last, as the list always put them), ``status``,
``service_point``, ``enterprise`` (统一社会信用代码, for the applicant's own cases), ``departments``,
``search`` (the searchable fields folded: :mod:`services.reporting.search`), ``opened_on`` and
``earliest_due`` (the earliest due date of a running, unpaused item: the case has an overdue item on a day
after it — for the case as it stands, which is what the list shows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from services.reporting.caseview import CLOSED_ITEM
from services.reporting.search import searchable_text

CASES = "cases"  # the read store's collection of case documents, the one the index follows
UNKNOWN = "0000-00-00"  # submitted_at of a case whose application was not seen (sorts before every ISO date)
INDEXED = ("case_id", "submitted_at", "status", "service_point", "enterprise", "departments", "search",
           "opened_on", "earliest_due")


def index_row(doc: dict) -> dict | None:
    """The case's index row; ``None`` for a document the list does not show (no application seen yet)."""
    if not doc.get("status"):
        return None
    running = [] if doc.get("concluded_on") else [
        i["due_date"] for i in doc.get("items", [])
        if i["status"] not in CLOSED_ITEM and not i.get("paused") and i.get("due_date")]
    return {"case_id": doc["case_id"], "submitted_at": doc.get("submitted_at") or UNKNOWN, "status": doc["status"],
            "service_point": doc.get("service_point"), "enterprise": doc.get("enterprise"),
            "departments": list(doc.get("departments") or []), "search": searchable_text(doc),
            "opened_on": doc.get("opened_on"), "earliest_due": min(running) if running else None}


@dataclass(frozen=True)
class CaseQuery:
    """A page of the case list: every condition must hold (``None``: no condition).

    ``scope_*`` is who may read (``access.case_scope``); the rest is what the reader asked for.  ``overdue``
    compares ``earliest_due`` with ``today``.  ``after`` is the keyset cursor ``(submitted_at, case_id)``
    (``""`` for an unknown submission): the page starts after it, in the list's order (newest first).
    """

    today: date
    limit: int = 100
    offset: int = 0
    after: tuple[str, str] | None = None
    status: str | None = None
    department: str | None = None
    service_point: str | None = None
    terms: tuple[str, ...] = ()
    submitted_from: date | None = None
    submitted_to: date | None = None
    overdue: bool | None = None
    scope_department: str | None = None
    scope_service_point: str | None = None
    scope_enterprise: str | None = None
    nothing: bool = False  # the reader may see no case at all
    departments: tuple[str, ...] = field(init=False, default=())

    def __post_init__(self) -> None:
        wanted = tuple(d for d in (self.department, self.scope_department) if d)
        object.__setattr__(self, "departments", wanted)
        if self.after is not None and not self.after[0]:
            object.__setattr__(self, "after", (UNKNOWN, self.after[1]))
