"""The supervision loop on the read side (pure): complaints folded from evaluation's events, the departments'
monthly submissions of a month, and the figures of both (for the scorecard, the monthly report and the annual
assessment)."""

from __future__ import annotations

from datetime import date

from shared.contracts.supervision import ComplaintOverdue, ComplaintReceived, ComplaintReplied, MonthlySubmissionMade
from services.reporting.periods import Period, rate

COMPLAINT_TYPES = (ComplaintReceived.event_type, ComplaintReplied.event_type, ComplaintOverdue.event_type)
SUBMISSION_TYPE = MonthlySubmissionMade.event_type


def complaints(rows: list[dict]) -> list[dict]:
    """One document per complaint from its events (rows of the audit log, in any order of types)."""
    found: dict[str, dict] = {}
    for row in sorted(rows, key=lambda r: r["sort_key"]):
        p = row["payload"]
        if row["type"] == ComplaintReceived.event_type:
            found[p["complaint_id"]] = {**p, "replied_on": None, "late": False, "overdue_on": None}
        elif p["complaint_id"] in found and row["type"] == ComplaintReplied.event_type:
            found[p["complaint_id"]].update(replied_on=p["replied_on"], late=p["late"])
        elif p["complaint_id"] in found and row["type"] == ComplaintOverdue.event_type:
            found[p["complaint_id"]]["overdue_on"] = p["detected_on"]
    return [found[k] for k in sorted(found)]


def complaint_overdue(complaint: dict, ref: date) -> bool:
    """Answered after its due date, or still unanswered after it at ``ref``."""
    if complaint["replied_on"] is not None and complaint["replied_on"] <= ref.isoformat():
        return complaint["late"]
    return complaint["due_date"] < ref.isoformat()


def complaint_figures(found: list[dict], period: Period, ref: date, department: str | None = None,
                      cases: set[str] | None = None) -> dict:
    """Complaints received in the period (routed to ``department``; about one of ``cases``): counts and the
    投诉建议按期答复率 = answered by the due date ÷ those answered or past due at ``ref``."""
    mine = [c for c in found if c["received_on"] in period and (department is None or c["department"] == department)
            and (cases is None or c["about_case_id"] in cases)]
    replied = [c for c in mine if c["replied_on"] is not None and c["replied_on"] <= ref.isoformat()]
    due = [c for c in mine if c in replied or c["due_date"] < ref.isoformat()]
    on_time = [c for c in replied if not c["late"]]
    return {"complaints": len(mine), "complaints_replied": len(replied),
            "complaints_overdue": sum(complaint_overdue(c, ref) for c in mine),
            "on_time_reply_rate": rate(len(on_time), len(due))}


def submissions(rows: list[dict], month: str) -> dict[str, dict]:
    """The month's submissions by department: the latest version's content, with the first one's time and
    lateness (a revision does not make an on-time submission late)."""
    found: dict[str, dict] = {}
    for row in sorted(rows, key=lambda r: r["sort_key"]):
        p = row["payload"]
        if p["month"] != month:
            continue
        first = found.get(p["department"])
        found[p["department"]] = {**p, "submitted_at": first["submitted_at"] if first else row["occurred_at"],
                                  "first_submitted_on": first["first_submitted_on"] if first else p["submitted_on"],
                                  "late": first["late"] if first else p["late"]}
    return found
