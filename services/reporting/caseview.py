"""The case view: a pure fold over a case's events from every service.

``case_view(rows)`` folds event rows (sorted by ``sort_key``) into one JSON-plain document.  The
live projection applies events one at a time with :func:`apply`; ``as_of`` folds a prefix; a
rebuild folds the same rows: the three agree by construction.  Unknown event types only count.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Callable

from shared.clock import CHINA
from shared.contracts.coordination import CASE_STATUS_LABELS as COORDINATION_LABELS, ITEM_STATUS_LABELS
from shared.contracts.intake import APPLICATION_STATUS_LABELS
from shared.read_models import ItemProgressPart, from_payload
from shared.reference import load_catalog
from services.reporting.schemas import (
    ClosureProposalViewRead, CompletionRead, PlanSnapshotRead, TerminationRead, ViewOpenedItemPart, ViewRatingRead, ViewRectificationRead,
)

# The case's status on the read side: intake's until the case opens, then coordination's (open = in_progress).
CASE_STATUS_LABELS = {**APPLICATION_STATUS_LABELS, "in_progress": COORDINATION_LABELS["open"],
                      "awaiting_confirmation": COORDINATION_LABELS["awaiting_confirmation"],
                      "completed": COORDINATION_LABELS["completed"], "terminated": COORDINATION_LABELS["terminated"]}
CONCLUDED_ITEM = {"approved", "concluded_with_deficiency", "refused"}  # 办结 states
CLOSED_ITEM = CONCLUDED_ITEM | {"withdrawn"}
CONCLUDED_CASE = {"completed", "terminated"}

Handler = Callable[[dict, dict, dict], None]
_HANDLERS: dict[str, Handler] = {}


def on(event_type: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        _HANDLERS[event_type] = fn
        return fn
    return register


def local_date(occurred_at: str) -> str:
    return datetime.fromisoformat(occurred_at).astimezone(CHINA).date().isoformat()


def new_view(case_id: str) -> dict:
    return {
        "case_id": case_id, "status": None, "status_label": None, "channel": None, "service_point": None,
        "routing_reason": None, "applicant": None, "enterprise": None, "unit": None, "project": None,
        "requested_items": [], "departments": [], "submitted_at": None, "recorded_by": None,
        "delegation": None, "delegations": 0, "commitment": None, "accepted_at": None, "decision": None,
        "case_agent": None, "agent_changes": [], "opened_on": None, "items": [], "plan": None,
        "notifications": [], "joint_reviews": [], "combined_services": [], "cross_level_requests": [],
        "concluded_on": None, "outcome": None, "completion": None, "termination": None, "closure_proposal": None,
        "amendments": [],
        "rating_invited_on": None, "ratings": [], "rectifications": [], "follow_up_visits": [],
        "event_count": 0, "first_event_at": None, "last_event_at": None, "last_key": None,
    }


def apply(view: dict | None, row: dict, *, in_place: bool = False) -> dict:
    """The view after one more event (a new dict unless ``in_place``)."""
    if view is None:
        view = new_view(row["subject"])
    elif not in_place:
        view = copy.deepcopy(view)
    handler = _HANDLERS.get(row["type"])
    if handler is not None:
        handler(view, row["payload"], row)
    view["event_count"] += 1
    view["first_event_at"] = view["first_event_at"] or row["occurred_at"]
    view["last_event_at"] = row["occurred_at"]
    view["last_key"] = row["sort_key"]
    view["status_label"] = CASE_STATUS_LABELS.get(view["status"])
    return view


def case_view(rows: list[dict]) -> dict | None:
    view = None
    for row in sorted(rows, key=lambda r: r["sort_key"]):
        view = apply(view, row, in_place=True)
    return view


def _set_status(view: dict, status: str) -> None:
    view["status"] = status


def _item(view: dict, item_no: int) -> dict | None:
    return next((i for i in view["items"] if i["item_no"] == item_no), None)


# -- intake --------------------------------------------------------------------------------
@on("intake.ApplicationSubmitted")
def _submitted(view: dict, p: dict, row: dict) -> None:
    catalog = load_catalog()
    view.update(channel=p["channel"], service_point=p["service_point"], routing_reason=p["routing_reason"],
                applicant=p["applicant"], enterprise=p["applicant"].get("credit_code"), unit=p["unit"],
                project=p["project"], requested_items=p["items"], submitted_at=row["occurred_at"],
                recorded_by=row["actor"])
    view["departments"] = sorted({catalog.item(n).department for n in p["items"] if catalog.has_item(n)})
    _set_status(view, "submitted")


@on("intake.DelegationSigned")
def _delegation(view: dict, p: dict, row: dict) -> None:
    view["delegation"] = {**p, "signed_at": row["occurred_at"]}
    view["delegations"] += 1


@on("intake.CommitmentSigned")
def _commitment(view: dict, p: dict, row: dict) -> None:
    view["commitment"] = {"signed_by": p["signed_by"], "signed_at": row["occurred_at"]}


@on("intake.ApplicationAccepted")
def _accepted(view: dict, p: dict, row: dict) -> None:
    view.update(accepted_at=row["occurred_at"], case_agent=p["case_agent"],
                decision={"decision": "accepted", "by": row["actor"], "at": row["occurred_at"]})
    _set_status(view, "accepted")


@on("intake.ApplicationRejected")
def _rejected(view: dict, p: dict, row: dict) -> None:
    view["decision"] = {"decision": "rejected", "by": row["actor"], "at": row["occurred_at"], "reason": p["reason"]}
    view["concluded_on"] = local_date(row["occurred_at"])
    _set_status(view, "rejected")


@on("intake.ApplicationWithdrawn")
def _withdrawn(view: dict, p: dict, row: dict) -> None:
    view["decision"] = {"decision": "withdrawn", "by": row["actor"], "at": row["occurred_at"], "reason": p.get("reason")}
    view["concluded_on"] = local_date(row["occurred_at"])
    _set_status(view, "withdrawn")


@on("intake.ApplicationAmended")
def _amended(view: dict, p: dict, row: dict) -> None:
    view.update(unit=p["unit"], project=p["project"])  # the current values; what they were is in the history
    view.setdefault("amendments", []).append({"amendment_no": p["amendment_no"], "changed": p["changed"],
                                              "reason": p["reason"], "at": row["occurred_at"], "by": row["actor"]})


# -- coordination ----------------------------------------------------------------------------
@on("coordination.CaseOpened")
def _opened(view: dict, p: dict, row: dict) -> None:
    view.update(opened_on=p["opened_on"], case_agent=p["case_agent"], service_point=p["service_point"])
    view["items"] = [_opened_item(i) for i in p["items"]]
    view["departments"] = sorted({i["department"] for i in p["items"]})
    _set_status(view, "in_progress")


def _opened_item(i: dict) -> dict:
    return {
        **from_payload(ViewOpenedItemPart, i), "assignees": [a["name"] for a in i["assignees"]],
        "status": "pending", "status_label": ITEM_STATUS_LABELS["pending"], **_NOT_CHANGED_YET,
        "concluded_on": None, "on_time": None, "warned_on": None, "overdue_on": None, "actions": 0,
        "last_actor": None, "notice_breaches": [], "commitment": None,
    }


@on("coordination.DelegationFollowed")
def _delegation_followed(view: dict, p: dict, row: dict) -> None:
    """A 委托书 signed again after acceptance: the items it adds join the case."""
    view["items"] += [_opened_item(i) for i in p["items_added"]]
    view["departments"] = sorted({*view["departments"], *(i["department"] for i in p["items_added"])})


def on_time(due_date: str | None, acceptance_due: str | None, on_date: str) -> bool | None:
    """The on-time basis of a concluded item (README, "How a case runs"): by its due date once accepted; an
    item refused before acceptance by its 受理时限 (acceptance_due); with neither (an event recorded before the
    受理时限 existed), on time as it was then counted."""
    if due_date is not None:
        return on_date <= due_date
    if acceptance_due is not None:
        return on_date <= acceptance_due
    return True


# An item's state before its first ItemStateChanged: the contract's defaults.
_NOT_CHANGED_YET = {k: f.get_default(call_default_factory=True) for k, f in ItemProgressPart.model_fields.items()}


@on("coordination.CaseAgentReassigned")
def _reassigned(view: dict, p: dict, row: dict) -> None:
    view["case_agent"] = p["to_agent"]
    view["agent_changes"].append({"from": p["from_agent"], "to": p["to_agent"], "reason": p["reason"],
                                  "at": row["occurred_at"]})


@on("coordination.PlanSet")
def _plan(view: dict, p: dict, row: dict) -> None:
    view["plan"] = {**from_payload(PlanSnapshotRead, p), "set_at": row["occurred_at"]}


@on("coordination.ItemStateChanged")
def _item_changed(view: dict, p: dict, row: dict) -> None:
    item = _item(view, p["item_no"])
    if item is None:
        return
    acceptance_due = item.get("acceptance_due")  # while it was received: the basis of an answer before acceptance
    if p.get("notice_breach"):
        item.setdefault("notice_breaches", []).append({"kind": p["notice_breach"], "on_date": p["on_date"]})
    if p.get("commitment_verify_by"):  # 告知承诺受理
        item["commitment"] = {"verify_by": p["commitment_verify_by"], "result": None, "verified_on": None,
                              "on_time": None, "overdue_on": None}
    item.update(from_payload(ItemProgressPart, p), status=p["to_status"],
                status_label=ITEM_STATUS_LABELS.get(p["to_status"]), last_actor=row["actor"]["username"])
    item["actions"] += 1
    if p["to_status"] in CONCLUDED_ITEM:
        item["concluded_on"] = p["on_date"]
        item["on_time"] = on_time(item["due_date"], acceptance_due, p["on_date"])
    elif p["to_status"] == "withdrawn":
        item["concluded_on"], item["on_time"] = p["on_date"], None


@on("coordination.ItemDueDateMoved")
def _due_moved(view: dict, p: dict, row: dict) -> None:
    if item := _item(view, p["item_no"]):
        item["due_date"], item["due_date_estimated"] = p["due_date"], p.get("due_date_estimated", False)


@on("coordination.ItemDeadlineWarned")
def _warned(view: dict, p: dict, row: dict) -> None:
    if item := _item(view, p["item_no"]):
        item["warned_on"] = p["checked_on"]


@on("coordination.ItemOverdue")
def _overdue(view: dict, p: dict, row: dict) -> None:
    if item := _item(view, p["item_no"]):
        item["overdue_on"] = p["checked_on"]


@on("coordination.ItemDeficiencyOverdue")
def _deficiency_overdue(view: dict, p: dict, row: dict) -> None:
    if item := _item(view, p["item_no"]):
        item["deficiency_overdue_on"] = p["checked_on"]


@on("coordination.CommitmentVerified")
def _commitment_verified(view: dict, p: dict, row: dict) -> None:
    if (item := _item(view, p["item_no"])) and item.get("commitment"):
        item["commitment"].update(result=p["result"], verified_on=p["verified_on"], on_time=p["on_time"])


@on("coordination.CommitmentVerificationOverdue")
def _commitment_overdue(view: dict, p: dict, row: dict) -> None:
    if (item := _item(view, p["item_no"])) and item.get("commitment"):
        item["commitment"]["overdue_on"] = p["checked_on"]


@on("coordination.NotificationGiven")
def _notified(view: dict, p: dict, row: dict) -> None:
    view["notifications"].append({k: v for k, v in p.items() if k != "case_id"})


@on("coordination.JointReviewHeld")
def _joint_review(view: dict, p: dict, row: dict) -> None:
    view["joint_reviews"].append({k: v for k, v in p.items() if k != "case_id"})


@on("coordination.CombinedServiceMarked")
def _combined(view: dict, p: dict, row: dict) -> None:
    view["combined_services"].append({k: v for k, v in p.items() if k != "case_id"})


@on("coordination.CrossLevelRequested")
def _cross_level(view: dict, p: dict, row: dict) -> None:
    view["cross_level_requests"].append({**{k: v for k, v in p.items() if k != "case_id"}, "answer": None})


@on("coordination.CrossLevelAnswered")
def _cross_level_answer(view: dict, p: dict, row: dict) -> None:
    for request in view["cross_level_requests"]:
        if request["request_id"] == p["request_id"]:
            request["answer"] = {k: v for k, v in p.items() if k not in ("case_id", "request_id")}


@on("coordination.CaseCompleted")
def _completed(view: dict, p: dict, row: dict) -> None:
    for done in p["items"]:
        if item := _item(view, done["item_no"]):
            item.update(status=done["outcome"], status_label=ITEM_STATUS_LABELS.get(done["outcome"]),
                        on_time=done["on_time"], concluded_on=done.get("concluded_on") or item["concluded_on"])
    view.update(concluded_on=p["completed_on"], outcome="completed", closure_proposal=None,
                completion={**from_payload(CompletionRead, p), "by": row["actor"]})
    _set_status(view, "completed")


@on("coordination.CaseTerminated")
def _terminated(view: dict, p: dict, row: dict) -> None:
    view.update(concluded_on=p["terminated_on"], outcome="terminated", closure_proposal=None,
                termination={**from_payload(TerminationRead, p), "by": row["actor"]})
    _set_status(view, "terminated")


@on("coordination.ClosureProposed")
def _closure_proposed(view: dict, p: dict, row: dict) -> None:
    view["closure_proposal"] = {**from_payload(ClosureProposalViewRead, p), "by": row["actor"]}
    _set_status(view, "awaiting_confirmation")


# -- evaluation --------------------------------------------------------------------------------
@on("evaluation.RatingInvited")
def _invited(view: dict, p: dict, row: dict) -> None:
    view["rating_invited_on"] = p["concluded_on"]


@on("evaluation.RatingGiven")
def _rated(view: dict, p: dict, row: dict) -> None:
    view["ratings"].append(from_payload(ViewRatingRead, p))


def _rectification(view: dict, rid: str) -> dict | None:
    return next((r for r in view["rectifications"] if r["rectification_id"] == rid), None)


@on("evaluation.RectificationOpened")
def _rect_opened(view: dict, p: dict, row: dict) -> None:
    view["rectifications"].append({
        **from_payload(ViewRectificationRead, p), "departments": [p["department"]], "state": "pending",
        "rectified_on": None, "finished_on": None, "late": False, "overdue_on": None, "follow_up_calls": [],
        "feedbacks": 0, "actions": [],
    })


@on("evaluation.RectificationStateChanged")
def _rect_changed(view: dict, p: dict, row: dict) -> None:
    rect = _rectification(view, p["rectification_id"])
    if rect is None:
        return
    rect["state"] = p["to_state"]
    rect["actions"].append({"action": p["action"], "to_state": p["to_state"], "on_date": p["on_date"],
                            "note": p.get("note"), "by": row["actor"]["username"]})
    if p["action"] == "record_follow_up_call":
        rect["follow_up_calls"].append({"on_date": p["on_date"], "reached": p.get("reached")})
    if p.get("departments"):
        rect["departments"] = sorted(p["departments"])
    if p["to_state"] == "rectified" and rect["rectified_on"] is None:
        rect["rectified_on"] = p["on_date"]
    if p["to_state"] in ("rectified", "invalid", "impossible", "closed") and rect["finished_on"] is None:
        rect["finished_on"] = p["on_date"]
    rect["late"] = rect["late"] or bool(p.get("late"))


@on("evaluation.RectificationDueDateMoved")
def _rect_due_moved(view: dict, p: dict, row: dict) -> None:
    if rect := _rectification(view, p["rectification_id"]):
        rect["due_date"] = p["due_date"]


@on("evaluation.RectificationOverdue")
def _rect_overdue(view: dict, p: dict, row: dict) -> None:
    if rect := _rectification(view, p["rectification_id"]):
        rect["overdue_on"] = p["detected_on"]


@on("evaluation.FeedbackGiven")
def _feedback(view: dict, p: dict, row: dict) -> None:
    if rect := _rectification(view, p["rectification_id"]):
        rect["feedbacks"] += 1


@on("evaluation.FollowUpVisited")
def _visited(view: dict, p: dict, row: dict) -> None:
    view["follow_up_visits"].append({k: v for k, v in p.items() if k != "visited_case_id"})
