"""The evaluation service's own lookup index, folded from its notification log.

An event store answers "give me aggregate X"; the lists (invitations of an enterprise,
rectifications of a department, cases concluded in a period, cases due a default rating,
open rectifications past due) need an index.  This one is a pure fold of the service's own log:
the application feeds it (``app.catch_up(index)``) from the start (e.g. after a restart) and
before every query, so it can be dropped at any time and comes out the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class CaseEntry:
    case_id: str
    credit_code: str | None
    service_point: str
    agent: str | None
    outcome: str | None = None
    concluded_on: str | None = None
    ratings: int = 0
    rated_on: list[str] = field(default_factory=list)


@dataclass
class RectificationEntry:
    rectification_id: str
    case_id: str
    service_point: str
    departments: list[str]
    agent: str | None
    state: str
    due_date: str
    opened_on: str
    overdue: bool = False


@dataclass
class ComplaintEntry:
    complaint_id: str
    channel: str
    department: str
    about_case_id: str | None
    enterprise: str | None
    received_on: str
    due_date: str
    replied: bool = False
    overdue: bool = False


class EvaluationIndex:
    wanted = None  # every event of the log

    def __init__(self) -> None:
        self.position = 0
        self.cases: dict[str, CaseEntry] = {}
        self.rectifications: dict[str, RectificationEntry] = {}
        self.draws: list[str] = []
        self.complaints: dict[str, ComplaintEntry] = {}
        self.submissions: dict[tuple[str, str], int] = {}  # (department, month) -> latest version
        self.reminded: set[tuple[str, str]] = set()  # (department, month) reminded of a missing submission
        self.flagged_late: set[tuple[str, str]] = set()  # (department, month) flagged: not submitted by the due date
        self.third_party_reports: list[str] = []  # report ids, in the order imported

    def apply(self, e: Any) -> None:
        kind = type(e).__name__
        d = e.__dict__
        if kind == "ThirdPartyReportImported":
            self.third_party_reports.append(d["report_id"])
        elif kind == "CaseRegistered":
            self.cases.setdefault(d["case_id"], CaseEntry(
                d["case_id"], d["applicant"].get("credit_code"), d["service_point"], d["case_agent"].get("username")))
        elif kind == "RatingInvited":
            entry = self.cases[d["case_id"]]
            entry.outcome, entry.concluded_on = d["outcome"], d["concluded_on"]
            entry.credit_code = d["applicant"].get("credit_code")
            entry.service_point, entry.agent = d["service_point"], d["case_agent"].get("username")
        elif kind == "RatingGiven":
            entry = self.cases[d["case_id"]]
            entry.ratings += 1
            entry.rated_on.append(d["rated_on"])
        elif kind == "RectificationOpened":
            self.rectifications[d["rectification_id"]] = RectificationEntry(
                d["rectification_id"], d["case_id"], d["service_point"], [d["department"]],
                d["agent"].get("username"), "pending", d["due_date"], d["opened_on"])
        elif kind == "RectificationStateChanged":
            entry = self.rectifications[d["rectification_id"]]
            entry.state = d["to_state"]
            if d.get("departments"):
                entry.departments = list(d["departments"])
        elif kind == "RectificationDueDateMoved":
            self.rectifications[d["rectification_id"]].due_date = d["due_date"]
        elif kind == "RectificationOverdue":
            self.rectifications[d["rectification_id"]].overdue = True
        elif kind == "FollowUpDrawn":
            self.draws.append(d["draw_id"])
        elif kind == "ComplaintReceived":
            self.complaints[d["complaint_id"]] = ComplaintEntry(
                d["complaint_id"], d["channel"], d["department"], d["about_case_id"], d["enterprise"],
                d["received_on"], d["due_date"])
        elif kind == "ComplaintReplied":
            self.complaints[d["complaint_id"]].replied = True
        elif kind == "ComplaintOverdue":
            self.complaints[d["complaint_id"]].overdue = True
        elif kind == "MonthlySubmissionMade":
            key = (d["department"], d["month"])
            self.submissions[key] = max(d["version"], self.submissions.get(key, 0))
        elif kind == "MonthlySubmissionReminded":
            self.reminded.add((d["department"], d["month"]))
        elif kind == "MonthlySubmissionOverdue":
            self.flagged_late.add((d["department"], d["month"]))

    # -- lookups (after app.catch_up(index)) ------------------------------------------------
    def concluded_between(self, start: str, end: str) -> list[str]:
        return sorted(c.case_id for c in self.cases.values() if c.concluded_on and start <= c.concluded_on <= end)

    def unrated(self) -> list[str]:
        return sorted(c.case_id for c in self.cases.values() if c.outcome and not c.ratings)

    def unfinished_of(self, case_id: str) -> list[str]:
        """The case's rectifications not yet finished (待整改, 整改中, 待审核), overdue or not."""
        return sorted(r.rectification_id for r in self.rectifications.values()
                      if r.case_id == case_id and r.state in ("pending", "in_progress", "under_review"))

    def open_complaints(self) -> list[str]:
        """Complaints not yet answered nor flagged overdue (the overdue check's candidates)."""
        return sorted(c.complaint_id for c in self.complaints.values() if not c.replied and not c.overdue)

    def open_rectifications(self) -> list[str]:
        return sorted(r.rectification_id for r in self.rectifications.values()
                      if r.state in ("pending", "in_progress", "under_review") and not r.overdue)
