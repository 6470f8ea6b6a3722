"""The ``Rectification`` aggregate: handling one 差评 (pure domain).

State machine (every 差评 opens one; due date in working days from the day it opened)::

    pending 待整改 ──start──▶ in_progress 整改中
    pending / in_progress ──record_follow_up_call──▶ (same)   回访电话（实名差评核实前必须）
    pending / in_progress ──verify──▶ in_progress             核实（可指明所涉事项 → 责任部门）
    in_progress ──rectify / explain──▶ rectified 整改完成     （须已核实）
    in_progress ──request_invalidation / request_impossible──▶ under_review 待审核（须已核实）
    under_review ──approve_review (督查员，非申请人本人)──▶ invalid 无效差评 | impossible 无法整改
    under_review ──reject_review (督查员)──▶ in_progress
    in_progress / rectified / invalid / impossible ──give_feedback──▶ (same)  向评价人反馈（须已核实）
    rectified / invalid / impossible ──close──▶ closed 已办结（须已反馈）

整改超期 is not a workflow state but a flag on top of it: a rectification still open (pending,
in_progress, under_review) after its due date is flagged once (``RectificationOverdue``) and
shown as 整改超期; it keeps its workflow state, and a late resolution is marked ``late``.
A retry of the latest action (same action and input) records nothing and answers the current state.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventsourcing.domain import Aggregate

from shared.application import stable_id
from shared.contracts import calendar as calendar_contracts, evaluation as contracts
from shared.domain_events import FromContract, fields_of
from shared.contracts.evaluation import (
    RECTIFICATION_ACTION_LABELS as ACTION_LABELS, RECTIFICATION_STATE_LABELS as STATE_LABELS,
)
from shared.errors import Conflict, Invalid

OVERDUE_LABEL = "整改超期"
OPEN_STATES = frozenset({"pending", "in_progress", "under_review"})
REVIEW_ACTIONS = frozenset({"approve_review", "reject_review"})
# action -> (states it is allowed in, target state or None = unchanged, note required, needs verification)
ACTIONS: dict[str, tuple[frozenset[str], str | None, bool, bool]] = {
    "start": (frozenset({"pending"}), "in_progress", False, False),
    "record_follow_up_call": (frozenset({"pending", "in_progress"}), None, True, False),
    "verify": (frozenset({"pending", "in_progress"}), "in_progress", True, False),
    "rectify": (frozenset({"in_progress"}), "rectified", True, True),
    "explain": (frozenset({"in_progress"}), "rectified", True, True),
    "request_invalidation": (frozenset({"in_progress"}), "under_review", True, True),
    "request_impossible": (frozenset({"in_progress"}), "under_review", True, True),
    "approve_review": (frozenset({"under_review"}), None, False, True),
    "reject_review": (frozenset({"under_review"}), "in_progress", True, True),
    "give_feedback": (frozenset({"in_progress", "rectified", "invalid", "impossible"}), None, True, True),
    "close": (frozenset({"rectified", "invalid", "impossible"}), "closed", False, True),
}
REVIEW_RESULT = {"request_invalidation": "invalid", "request_impossible": "impossible"}


def rectification_id(case_id: str, rating_no: int) -> str:
    return f"{case_id}-R{rating_no}"


class Rectification(Aggregate):
    @staticmethod
    def create_id(rectification_id: str, **_: Any):  # noqa: ANN205
        return stable_id("rectification", rectification_id)

    class RectificationOpened(FromContract, Aggregate.Created):
        contract = contracts.RectificationOpened

        def apply(self, x: "Rectification") -> None:
            for name, value in fields_of(self, without=("department",)).items():
                setattr(x, name, value)
            x.departments = [self.department]
            x.state = "pending"
            x.items = []
            x.calls = []
            x.verification = None
            x.review = None
            x.resolution = None
            x.feedback = []
            x.overdue = None
            x.history = []

    @classmethod
    def open(cls, **fields: Any) -> "Rectification":
        """A rectification of a 差评: the fields of ``evaluation.RectificationOpened`` and ``meta``."""
        return cls._create(cls.RectificationOpened, **fields)

    # -- queries -------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def shown_overdue(self) -> bool:
        return self.overdue is not None and self.is_open

    def state_label(self) -> str:
        return OVERDUE_LABEL if self.shown_overdue else STATE_LABELS[self.state]

    # -- commands ------------------------------------------------------------------
    def act(self, action: str, *, note: str | None, items: list[int] | None, reached: bool | None,
            case_items: dict[int, str], today: dt.date, meta: dict) -> bool:
        """Take one action; False when it repeats the latest one (a retry)."""
        allowed, target, needs_note, needs_verified = ACTIONS[action]
        if action == "give_feedback":
            if self.feedback and self.feedback[-1]["feedback"] == note:
                return False
        elif self.history and self.history[-1]["action"] == action and self.history[-1]["note"] == note \
                and self.history[-1]["items"] == items and self.history[-1]["reached"] == reached:
            return False
        if self.state not in allowed:
            raise Conflict(f"整改当前状态为“{STATE_LABELS[self.state]}”，不能{ACTION_LABELS[action]}", code="invalid_state")
        if needs_note and not note:
            raise Invalid(f"{ACTION_LABELS[action]}须填写说明", field="note")
        if items is not None and action != "verify":
            raise Invalid("只有核实（verify）时可指明差评所涉事项", field="items")
        if reached is not None and action != "record_follow_up_call":
            raise Invalid("只有记录回访电话时可填写是否接通", field="reached")
        if needs_verified and self.verification is None:
            raise Conflict("差评尚未核实，请先核实（verify）", code="not_verified")
        if action == "verify" and self.real_name and not self.calls:
            raise Conflict("实名差评须先记录回访电话（record_follow_up_call），才能完成核实", code="follow_up_call_required")
        if action == "close" and not self.feedback:
            raise Conflict("尚未向评价人反馈整改情况（give_feedback），不能办结", code="feedback_required")
        if action == "approve_review" and self.review and self.review["requested_by"] == meta["actor"]["username"]:
            raise Conflict("申请认定的人不能审核自己的申请", code="same_reviewer")
        if action == "give_feedback":
            self.trigger_event(self.FeedbackGiven, rectification_id=self.rectification_id, case_id=self.case_id,
                           feedback_no=len(self.feedback) + 1, feedback=note, given_on=today.isoformat(), meta=meta)
            return True
        departments = None
        if items is not None:
            unknown = [n for n in items if n not in case_items]
            if unknown or not items:
                raise Invalid(f"事项 {unknown} 不是本案件的代办事项" if unknown else "所涉事项不能为空", field="items")
            items = sorted(set(items))
            departments = sorted({case_items[n] for n in items})
        if action == "approve_review":
            target = REVIEW_RESULT[self.review["requested"]]
        late = target in ("rectified", "invalid", "impossible") and today > dt.date.fromisoformat(self.due_date)
        self.trigger_event(self.RectificationStateChanged, rectification_id=self.rectification_id, case_id=self.case_id, action=action,
                      from_state=self.state, to_state=target or self.state, note=note, reached=reached, items=items,
                      departments=departments, on_date=today.isoformat(), late=late, meta=meta)
        return True

    def redate(self, calendar, calendar_change_no: int, meta: dict) -> bool:  # noqa: ANN001
        """A calendar change: the due date counted again from the opening day; recorded when it moves.
        Not once flagged overdue (the flag stands for the due date it was raised on)."""
        if self.overdue is not None or not self.is_open:
            return False
        due = calendar.add_workdays(dt.date.fromisoformat(self.opened_on), self.workdays)
        if (due.date.isoformat(), due.estimated) == (self.due_date, self.due_date_estimated):
            return False
        self.trigger_event(self.RectificationDueDateMoved, rectification_id=self.rectification_id, case_id=self.case_id, due_date=due.date.isoformat(),
                        due_date_estimated=due.estimated, previous_due_date=self.due_date,
                        calendar_change_no=calendar_change_no, meta=meta)
        return True

    def mark_overdue(self, today: dt.date, meta: dict) -> bool:
        if self.overdue is not None or not self.is_open or today <= dt.date.fromisoformat(self.due_date):
            return False
        self.trigger_event(self.RectificationOverdue, rectification_id=self.rectification_id, case_id=self.case_id, due_date=self.due_date,
                      detected_on=today.isoformat(), state=self.state, meta=meta)
        return True

    # -- events (fields: shared/contracts/evaluation.py) ---------------------------------
    class RectificationStateChanged(FromContract, Aggregate.Event):
        contract = contracts.RectificationStateChanged

        def apply(self, x: "Rectification") -> None:
            meta = self.meta
            entry = {"action": self.action, "from_state": self.from_state, "to_state": self.to_state, "note": self.note,
                     "reached": self.reached, "items": self.items, "on_date": self.on_date, "at": meta["occurred_at"],
                     "by": meta["actor"], "late": self.late}
            x.history.append(entry)
            x.state = self.to_state
            if self.action == "record_follow_up_call":
                x.calls.append(entry)
            elif self.action == "verify":
                x.verification = entry
                if self.items is not None:
                    x.items, x.departments = self.items, self.departments
            elif self.action in REVIEW_RESULT:
                x.review = {"requested": self.action, "requested_by": meta["actor"]["username"], "reason": self.note,
                            "decision": None}
            elif self.action in REVIEW_ACTIONS:
                x.review = {**x.review, "decision": self.action, "decided_by": meta["actor"]["username"],
                            "decision_note": self.note}
            if self.to_state in ("rectified", "invalid", "impossible") and self.from_state != self.to_state:
                x.resolution = entry

    class RectificationDueDateMoved(FromContract, Aggregate.Event):
        contract = calendar_contracts.RectificationDueDateMoved

        def apply(self, x: "Rectification") -> None:
            x.due_date, x.due_date_estimated = self.due_date, self.due_date_estimated

    class RectificationOverdue(FromContract, Aggregate.Event):
        contract = contracts.RectificationOverdue

        def apply(self, x: "Rectification") -> None:
            x.overdue = fields_of(self, without=("rectification_id", "case_id"))

    class FeedbackGiven(FromContract, Aggregate.Event):
        contract = contracts.FeedbackGiven

        def apply(self, x: "Rectification") -> None:
            x.feedback.append({**fields_of(self, without=("rectification_id", "case_id")),
                               "by": self.meta["actor"], "at": self.meta["occurred_at"]})
