"""The supervision loop's aggregates (pure domain): a ``Complaint`` (投诉建议) and a department's
``MonthlySubmission`` (月度报送).

A complaint is routed once, when it is received (the department given; else the service point's department
of the case it names; else the office, 区政务服务局), and answered once by the routed department or a
supervisor, by a due date in working days.  Still unanswered after that date, the scheduled check flags it
once (``ComplaintOverdue``); a reply after it is marked ``late``.  Repeating the reply changes nothing;
another reply after it is a 409.

A monthly submission is one per department and month: each version its own small aggregate (its id names
department, month and version); a later one with other content replaces it as the next ``version``, the earlier
stays recorded, and the same content again changes nothing.  It is ``late`` when made
after the 15th of the next month.

A department that has not submitted is chased by the scheduled check: reminded once from the 10th of the next
month (``SubmissionReminder``: the next working day when the 10th is not one), flagged once after the 15th
(``SubmissionLateFlag``); each is its own small aggregate, whose existence says it was done.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventsourcing.domain import Aggregate

from shared.application import stable_id
from shared.contracts import supervision as contracts
from shared.domain_events import FromContract, fields_of
from shared.errors import Conflict
from shared.idempotency import recorded_hash


OFFICE = "zwfw"  # 区政务服务局: the office that takes what names neither a department nor a case


def route(department: str | None, case_department: str | None) -> tuple[str, str, str]:
    """(department, routing, reason) of a new complaint: the department given; else the department of the
    service point serving the case it names; else the office."""
    if department:
        return department, "given", contracts.ROUTING_LABELS["given"]
    if case_department:
        return case_department, "case", contracts.ROUTING_LABELS["case"]
    return OFFICE, "office", contracts.ROUTING_LABELS["office"]


class Complaint(Aggregate):
    @staticmethod
    def create_id(complaint_id: str, **_: Any):  # noqa: ANN205
        return stable_id("complaint", complaint_id)

    class ComplaintReceived(FromContract, Aggregate.Created):
        contract = contracts.ComplaintReceived

        def apply(self, x: "Complaint") -> None:
            for name, value in fields_of(self).items():
                setattr(x, name, value)
            x.received_at = self.meta["occurred_at"]
            x.recorded_by = self.meta["actor"]
            x.request_hash = recorded_hash(self.meta)  # the body's fingerprint, when filed with an Idempotency-Key
            x.reply = None
            x.overdue_on = None

    @classmethod
    def receive(cls, **fields: Any) -> "Complaint":
        """A complaint: the fields of ``evaluation.ComplaintReceived`` and ``meta``."""
        return cls._create(cls.ComplaintReceived, **fields)

    @property
    def is_open(self) -> bool:
        return self.reply is None

    def answer(self, reply: str, today: dt.date, meta: dict) -> bool:
        """Record the reply; False when it repeats the recorded one (a retry)."""
        if self.reply is not None:
            if self.reply["reply"] == reply:
                return False
            raise Conflict(f"投诉建议 {self.complaint_id} 已于 {self.reply['replied_on']} 答复，不能再次答复",
                           code="already_replied")
        self.trigger_event(self.ComplaintReplied, complaint_id=self.complaint_id, department=self.department,
                           reply=reply, replied_on=today.isoformat(),
                           late=today > dt.date.fromisoformat(self.due_date), meta=meta)
        return True

    def mark_overdue(self, today: dt.date, meta: dict) -> bool:
        if self.overdue_on is not None or not self.is_open or today <= dt.date.fromisoformat(self.due_date):
            return False
        self.trigger_event(self.ComplaintOverdue, complaint_id=self.complaint_id, department=self.department,
                           due_date=self.due_date, detected_on=today.isoformat(), meta=meta)
        return True

    class ComplaintReplied(FromContract, Aggregate.Event):
        contract = contracts.ComplaintReplied

        def apply(self, x: "Complaint") -> None:
            x.reply = {**fields_of(self, without=("complaint_id", "department")), "by": self.meta["actor"],
                       "at": self.meta["occurred_at"]}

    class ComplaintOverdue(FromContract, Aggregate.Event):
        contract = contracts.ComplaintOverdue

        def apply(self, x: "Complaint") -> None:
            x.overdue_on = self.detected_on


class MonthlySubmission(Aggregate):
    """One version of a department's submission for a month (the latest one counts)."""

    @staticmethod
    def create_id(department: str, month: str, version: int, **_: Any):  # noqa: ANN205
        return stable_id("monthly-submission", f"{department}:{month}:{version}")

    class MonthlySubmissionMade(FromContract, Aggregate.Created):
        contract = contracts.MonthlySubmissionMade

        def apply(self, x: "MonthlySubmission") -> None:
            for name, value in fields_of(self).items():
                setattr(x, name, value)
            x.submitted_at = self.meta["occurred_at"]
            x.submitted_by = self.meta["actor"]

    @classmethod
    def submit(cls, *, department: str, month: str, previous: "MonthlySubmission | None", progress: str,
               practices: str, typical_cases: str | None, today: dt.date, due_by: dt.date,
               meta: dict) -> "MonthlySubmission | None":
        """The next version, or None when it repeats the latest one (a retry)."""
        if previous is not None and (previous.progress, previous.practices, previous.typical_cases) == (
                progress, practices, typical_cases):
            return None
        return cls._create(cls.MonthlySubmissionMade, department=department, month=month,
                           version=previous.version + 1 if previous else 1, progress=progress, practices=practices,
                           typical_cases=typical_cases, submitted_on=today.isoformat(), due_by=due_by.isoformat(),
                           late=today > due_by, meta=meta)


class SubmissionReminder(Aggregate):
    """The reminder sent to a department that had not submitted its month by the reminder day (once)."""

    @staticmethod
    def create_id(department: str, month: str, **_: Any):  # noqa: ANN205
        return stable_id("submission-reminder", f"{department}:{month}")

    class MonthlySubmissionReminded(FromContract, Aggregate.Created):
        contract = contracts.MonthlySubmissionReminded

        def apply(self, x: "SubmissionReminder") -> None:
            for name, value in fields_of(self).items():
                setattr(x, name, value)

    @classmethod
    def remind(cls, *, department: str, month: str, due_by: dt.date, today: dt.date, meta: dict) -> "SubmissionReminder":
        return cls._create(cls.MonthlySubmissionReminded, department=department, month=month,
                           due_by=due_by.isoformat(), reminded_on=today.isoformat(), meta=meta)


class SubmissionLateFlag(Aggregate):
    """The flag on a department that had not submitted its month when the due date was over (once)."""

    @staticmethod
    def create_id(department: str, month: str, **_: Any):  # noqa: ANN205
        return stable_id("submission-late", f"{department}:{month}")

    class MonthlySubmissionOverdue(FromContract, Aggregate.Created):
        contract = contracts.MonthlySubmissionOverdue

        def apply(self, x: "SubmissionLateFlag") -> None:
            for name, value in fields_of(self).items():
                setattr(x, name, value)

    @classmethod
    def flag(cls, *, department: str, month: str, due_by: dt.date, today: dt.date, meta: dict) -> "SubmissionLateFlag":
        return cls._create(cls.MonthlySubmissionOverdue, department=department, month=month,
                           due_by=due_by.isoformat(), detected_on=today.isoformat(), meta=meta)
class ThirdPartyReport(Aggregate):
    """A third-party assessor's scored report, as imported (once; a corrected report is a new one)."""

    @staticmethod
    def create_id(report_id: str, **_: Any):  # noqa: ANN205
        return stable_id("third-party-report", report_id)

    class ThirdPartyReportImported(FromContract, Aggregate.Created):
        contract = contracts.ThirdPartyReportImported

        def apply(self, x: "ThirdPartyReport") -> None:
            for name, value in fields_of(self).items():
                setattr(x, name, value)
            x.imported_at = self.meta["occurred_at"]
            x.imported_by = self.meta["actor"]
            x.request_hash = recorded_hash(self.meta)

    @classmethod
    def imported(cls, **fields: Any) -> "ThirdPartyReport":
        """The fields of ``evaluation.ThirdPartyReportImported`` and ``meta``."""
        return cls._create(cls.ThirdPartyReportImported, **fields)
