"""Who may read what on the read side, and how a stored view is shown to them."""

from __future__ import annotations

import copy
from datetime import date

from shared.auth import Principal
from shared.contracts import Role
from shared.contracts.evaluation import case_rating
from shared.errors import Forbidden
from shared.masking import SEES_PERSONAL_DATA, mask_value
from shared.reference import load_catalog
from services.reporting.figures import Basis, item_near_due, item_open_at, item_past_due

EVERYTHING = (Role.supervisor, Role.admin)
FIGURE_READERS = (Role.supervisor, Role.admin, Role.department_agent, Role.window_agent, Role.park_agent)
CASE_READERS = (*FIGURE_READERS, Role.applicant)
# The figures a third-party assessor reads (satisfaction, the scorecard, the monthly report): over every case
ASSESSMENT_READERS = (*FIGURE_READERS, Role.third_party)
STAFF = FIGURE_READERS  # agents and supervisors: internal notes are theirs

# Who may see which field of a case, in the case view and in its history; a field not listed here every
# reader of the case sees (personal data then masked as ``shared.masking`` says).  Internal notes — how
# a 差评 was verified, a request to find it invalid or impossible, the supervisor's review, follow-up
# visits, why the case agent changed — are for agents and supervisors; the applicant sees the states,
# dates and the feedback given to it (``evaluation.FeedbackGiven``).
#   view: (list in the case view, field of its entries)    history: (event type, payload field)
VIEW_FIELDS: dict[tuple[str, str], tuple[Role, ...]] = {
    ("rectifications.actions", "note"): STAFF,
    ("rectifications.actions", "by"): STAFF,
    ("follow_up_visits", "note"): STAFF,
    ("agent_changes", "reason"): STAFF,
}
HISTORY_FIELDS: dict[tuple[str, str], tuple[Role, ...]] = {
    ("evaluation.RectificationStateChanged", "note"): STAFF,
    ("evaluation.FollowUpVisited", "note"): STAFF,
    ("coordination.CaseAgentReassigned", "reason"): STAFF,
}


def _entries(view: dict, path: str) -> list[dict]:
    parts = path.split(".")
    found = [view]
    for part in parts:
        found = [e for parent in found for e in (parent.get(part) or []) if isinstance(e, dict)]
    return found


def redact_view(view: dict, role: Role) -> dict:
    """The case view without the fields this role may not see (set to null): ``view`` is a copy it may change."""
    for (path, name), readers in VIEW_FIELDS.items():
        if role not in readers:
            for entry in _entries(view, path):
                if name in entry:
                    entry[name] = None
    return view


def redact_history(events: list[dict], role: Role) -> list[dict]:
    hidden = {(t, f) for (t, f), readers in HISTORY_FIELDS.items() if role not in readers}
    if not hidden:
        return events
    return [{**e, "data": {k: (None if (e["type"], k) in hidden else v) for k, v in e["data"].items()}}
            if any(t == e["type"] for t, _ in hidden) else e for e in events]


MATERIAL_EVENTS = ("intake.MaterialUploaded", "intake.MaterialDownloaded", "intake.MaterialWithdrawn")
MATERIAL_DETAILS = ("title", "file_name", "sha256", "reason")


def redact_materials(events: list[dict], principal: Principal) -> list[dict]:
    """A department reads the materials of its own items and the case's own (intake's rule): of another item's
    material the history keeps that it was added or read, by whom and when, not what it is."""
    if principal.role != Role.department_agent:
        return events
    catalog = load_catalog()

    def others(event: dict) -> bool:
        no = event["data"].get("item_no")
        return no is not None and catalog.has_item(no) and catalog.item(no).department != principal.account.department

    return [{**e, "data": {k: (None if k in MATERIAL_DETAILS else v) for k, v in e["data"].items()}}
            if e["type"] in MATERIAL_EVENTS and others(e) else e for e in events]


def case_scope(principal: Principal) -> dict:
    """Which cases this reader may read, as conditions on a case (those of :class:`CaseQuery`): supervisors and
    admin every case; department agents cases with an item of their department; service-point agents their
    service point's cases; applicants their own enterprise's cases; anyone else none."""
    account = principal.account
    if principal.role in EVERYTHING:
        return {}
    if principal.role == Role.department_agent and account.department:
        return {"scope_department": account.department}
    if principal.role in (Role.window_agent, Role.park_agent) and account.service_point:
        return {"scope_service_point": account.service_point}
    if principal.role == Role.applicant and account.enterprise is not None:
        return {"scope_enterprise": account.enterprise.credit_code}
    return {"nothing": True}


def may_see(principal: Principal, case: dict) -> bool:
    """Whether this reader may read the case (:func:`case_scope`, applied to one case)."""
    scope = case_scope(principal)
    if scope.get("nothing"):
        return False
    department, point, enterprise = (scope.get(k) for k in ("scope_department", "scope_service_point", "scope_enterprise"))
    return ((department is None or department in case.get("departments", []))
            and (point is None or case.get("service_point") == point)
            and (enterprise is None or case.get("enterprise") == enterprise))


def figure_scope(principal: Principal, cases: list[dict], department: str | None) -> tuple[list[dict], str | None]:
    """The cases figures may count for this reader, and the department they are limited to."""
    if principal.role == Role.department_agent:
        own = principal.account.department
        if department and department != own:
            raise Forbidden("部门代办帮办人员只能查看本部门的统计")
        department = own
    if principal.role == Role.third_party:  # figures of the whole district, never a case of it (its sample aside)
        return list(cases), department
    return [c for c in cases if may_see(principal, c)], department


def show(principal: Principal, case: dict, ref: date, basis: Basis) -> dict:
    """The stored view as this reader sees it: items flagged near/past due at ``ref``, personal data masked."""
    view = {k: v for k, v in case.items() if k != "last_key"}
    view["items"] = [{**i, "overdue": item_past_due(case, i, ref), "near_due": item_near_due(case, i, ref, basis),
                      "workdays_left": workdays_left(case, i, ref, basis),
                      "acceptance_overdue": acceptance_overdue(i, ref)} for i in case["items"]]
    view["overdue_items"] = sum(i["overdue"] for i in view["items"])
    owner = principal.role == Role.applicant
    view = redact_view(copy.deepcopy(view), principal.role)
    return view if owner or principal.role in SEES_PERSONAL_DATA else mask_value(view)


def acceptance_overdue(item: dict, ref: date) -> bool:
    """Received and past its 受理时限 with neither acceptance nor a one-time notice (《行政许可法》第三十二条)."""
    return item["status"] == "received" and bool(item.get("acceptance_due")) and ref.isoformat() > item["acceptance_due"]


def workdays_left(case: dict, item: dict, ref: date, basis: Basis) -> int | None:
    """Working days from ``ref`` to the item's due date (negative: working days past it), for a running item."""
    if not item_open_at(case, item, ref) or item["paused"] or item["due_date"] is None:
        return None
    return basis.calendar.workdays_between(ref, date.fromisoformat(item["due_date"]))


def summary(view: dict) -> dict:
    """One row of the case list."""
    rating = case_rating(view["ratings"])
    return {
        "case_id": view["case_id"], "status": view["status"], "status_label": view["status_label"],
        "channel": view["channel"], "service_point": view["service_point"],
        "applicant": (view["applicant"] or {}).get("name"), "project": (view["project"] or {}).get("name"),
        "case_agent": view["case_agent"], "departments": view["departments"], "submitted_at": view["submitted_at"],
        "opened_on": view["opened_on"], "concluded_on": view["concluded_on"], "items": len(view["items"]),
        "items_concluded": sum(i["concluded_on"] is not None for i in view["items"]),
        "overdue_items": view["overdue_items"], "rating": rating["level"] if rating else None,
        "open_rectifications": sum(r["finished_on"] is None for r in view["rectifications"]),
    }
