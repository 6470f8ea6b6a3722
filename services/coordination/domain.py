"""The ``Case`` aggregate: one accepted application run across departments until completion or termination.

Case states: open (办理中) → completed (已办结) | terminated (已终止).  Items run in parallel, each
with the state machine of :mod:`services.coordination.items` and the clock of
:mod:`services.coordination.clocks`.  The calendar and "today" are passed in (pure domain).

The aggregate and its events stay here (their stored topics are ``services.coordination.domain:Case.<Event>``);
the rules it applies live beside it: :mod:`~services.coordination.actions` (item actions),
:mod:`~services.coordination.plan`, :mod:`~services.coordination.joint` (会商联审, 联合服务),
:mod:`~services.coordination.crosslevel` (协办单), :mod:`~services.coordination.closure` (办结, 终止).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventsourcing.domain import Aggregate, event

from shared.application import stable_id
from shared.errors import Conflict, Invalid, NotFound
from services.coordination import closure as closing, crosslevel, joint
from services.coordination import items as sm
from services.coordination.actions import apply_item_change, check_deficiency, recorded_missing, retry_key
from services.coordination.clocks import item_due, next_pauses, warning_date
from services.coordination.plan import normalise_plan

OPEN, COMPLETED, TERMINATED = "open", "completed", "terminated"
CASE_STATUS_LABELS = {OPEN: "办理中", COMPLETED: "已办结", TERMINATED: "已终止"}


class Case(Aggregate):
    @staticmethod
    def create_id(case_id: str, **_: Any):  # noqa: ANN205
        return stable_id("case", case_id)

    @event("CaseOpened")
    def __init__(self, case_id: str, service_point: str, case_agent: dict, applicant: dict, project: dict,
                 unit_name: str, channel: str, items: list[dict], opened_on: str, delegation_no: int | None,
                 meta: dict) -> None:
        self.case_id, self.service_point, self.case_agent = case_id, service_point, case_agent
        self.applicant, self.project, self.unit_name, self.channel = applicant, project, unit_name, channel
        self.opened_on, self.delegation_no, self.status = opened_on, delegation_no, OPEN
        self.items: dict[int, dict] = {
            i["item_no"]: {**i, "status": sm.PENDING, "resume_to": None, "filed_on": None, "accepted_on": None,
                           "concluded_on": None, "pauses": [], "missing_materials": [], "until": None, "deficiency": None,
                           "warned_for": [], "overdue_for": [], "history": [], "last": None}
            for i in items
        }
        self.agent_history: list[dict] = [{"agent": case_agent, "from": meta["occurred_at"], "reason": "受理"}]
        self.plans: list[dict] = []
        self.notifications: list[dict] = []
        self.joint_reviews: list[dict] = []
        self.combined_services: list[dict] = []
        self.cross_level: dict[str, dict] = {}
        self.closure: dict | None = None

    # -- queries ------------------------------------------------------------------------
    @property
    def plan(self) -> dict | None:
        return self.plans[-1] if self.plans else None

    def item(self, item_no: int) -> dict:
        if item_no not in self.items:
            raise NotFound(f"事项{item_no}不是案件 {self.case_id} 的委托事项")
        return self.items[item_no]

    def unfinished(self) -> list[int]:
        return [n for n, i in self.items.items() if i["status"] not in sm.CONCLUDED]

    def due(self, item_no: int, calendar, today: dt.date):  # noqa: ANN001, ANN201
        i = self.items[item_no]
        return item_due(calendar, i["accepted_on"], i["promised_days"], i["pauses"], today)

    # -- commands -----------------------------------------------------------------------
    def reassign(self, to_agent: dict, reason: str, meta: dict) -> bool:
        self._require_open("变更代办帮办员")
        if to_agent["username"] == self.case_agent["username"]:
            return False
        self._reassigned(case_id=self.case_id, from_agent=self.case_agent, to_agent=to_agent, reason=reason, meta=meta)
        return True

    def set_plan(self, steps: list[dict], note: str | None, meta: dict) -> bool:
        self._require_open("编制申报计划")
        steps = normalise_plan(steps, {n: i["stage"] for n, i in self.items.items()})
        if self.plan and self.plan["steps"] == steps and self.plan["note"] == note:
            return False
        self._plan_set(case_id=self.case_id, version=len(self.plans) + 1, steps=steps, note=note, meta=meta)
        return True

    def act(self, item_no: int, action: str, *, note: str | None, missing_materials: list[str], until: str | None,
            today: dt.date, calendar, meta: dict) -> bool:  # noqa: ANN001
        self._require_open("办理事项")
        item = self.item(item_no)
        if item["last"] == retry_key(action, note, missing_materials, until):
            return False  # a retry of the action just recorded
        t = sm.plan_transition(action, item["status"], item["resume_to"], bool(item["accepted_on"]))
        if action == "accept_with_deficiency":
            check_deficiency(missing_materials, until, today)
        accepted_on = today.isoformat() if t.starts_clock else item["accepted_on"]
        pauses = next_pauses(item["pauses"], t.from_status, t.to_status, accepted_on, today.isoformat())
        due = item_due(calendar, accepted_on, item["promised_days"], pauses, today)
        missing, promised = recorded_missing(item, t, missing_materials, until)
        self._item_changed(
            case_id=self.case_id, item_no=item_no, department=item["department"], action=action,
            from_status=t.from_status, to_status=t.to_status, note=note, missing_materials=missing, until=promised,
            due_date=due.due_date.isoformat() if due else None, due_date_estimated=bool(due and due.estimated),
            paused=t.to_status in sm.PAUSED and bool(accepted_on), on_date=today.isoformat(),
            accepted_on=accepted_on, paused_workdays=due.paused_workdays if due else 0, meta=meta,
        )
        return True

    def check_deadline(self, item_no: int, today: dt.date, calendar, warning_workdays: int, meta: dict) -> str | None:  # noqa: ANN001
        """Warn or flag overdue once per due date; returns what was emitted."""
        item = self.items[item_no]
        if self.status != OPEN or item["status"] not in sm.CLOCK_RUNNING:
            return None
        due = self.due(item_no, calendar, today)
        key = due.due_date.isoformat()
        args = dict(case_id=self.case_id, item_no=item_no, department=item["department"], due_date=key,
                    due_date_estimated=due.estimated, checked_on=today.isoformat(), meta=meta)
        if today > due.due_date:
            if key not in item["overdue_for"]:
                self._overdue(**args)
                return "overdue"
        elif today >= warning_date(calendar, due.due_date, warning_workdays) and key not in item["warned_for"]:
            self._warned(**args)
            return "warned"
        return None

    def give_notification(self, items: list[dict], note: str | None, today: dt.date, meta: dict) -> int:
        self._require_open("一次性告知")
        for i, entry in enumerate(items):
            if entry["item_no"] not in self.items:
                raise Invalid(f"事项{entry['item_no']}不是本案件的委托事项", field=f"items.{i}.item_no")
        for n in self.notifications:
            if n["items"] == items and n["note"] == note:
                return n["notification_no"]
        no = len(self.notifications) + 1
        self._notified(case_id=self.case_id, notification_no=no, items=items, note=note, given_on=today.isoformat(), meta=meta)
        return no

    def hold_joint_review(self, date: str, departments: list[str], items: list[int], conclusion: str,
                          meta: dict) -> int:
        self._require_open("召开会商联审")
        self.check_items(items)
        departments, park = joint.review_participants(self.service_point, departments)
        same = joint.same_review(self.joint_reviews, date, departments, items, conclusion)
        if same is not None:
            return same
        no = len(self.joint_reviews) + 1
        self._joint_review(case_id=self.case_id, review_no=no, date=date, departments=departments, items=items,
                           conclusion=conclusion, park_participates=park, kind=joint.review_kind(park), meta=meta)
        return no

    def mark_combined(self, kind: str, items: list[int], note: str | None, meta: dict) -> int:
        self._require_open("标记联合服务")
        self.check_items(items)
        joint.check_combined(items)
        same = joint.same_marker(self.combined_services, kind, items)
        if same is not None:
            return same
        no = len(self.combined_services) + 1
        self._combined(case_id=self.case_id, marker_no=no, kind=kind, items=items, note=note, meta=meta)
        return no

    def request_cross_level(self, request_id: str, fields: dict, meta: dict) -> bool:
        self._require_open("提出跨层级协办")
        self.check_items(fields["items"])
        if request_id in self.cross_level:
            return False
        self._cross_requested(case_id=self.case_id, request_id=request_id, **fields, meta=meta)
        return True

    def answer_cross_level(self, request_id: str, result: str, assisted_by: dict, assisting_center: str,
                           remark: str | None, today: dt.date, meta: dict) -> bool:
        request = self.cross_level.get(request_id)
        if not crosslevel.needs_answer(request, request_id, result, assisted_by):
            return False
        self._cross_answered(case_id=self.case_id, request_id=request_id, result=result, assisted_by=assisted_by,
                             assisting_center=assisting_center, answered_on=today.isoformat(),
                             on_time=today.isoformat() <= request["due_date"], remark=remark, meta=meta)
        return True

    def complete(self, note: str | None, today: dt.date, calendar, meta: dict) -> bool:  # noqa: ANN001
        if self.status == COMPLETED:
            return False
        self._require_open("办结")
        closing.require_all_concluded(self)
        self._completed(case_id=self.case_id, completed_on=today.isoformat(), note=note, materials_returned=True,
                        service_point=self.service_point, case_agent=self.case_agent, applicant=self.applicant,
                        project=closing.project_ref(self.project), items=closing.completion_rows(self, calendar, today),
                        meta=meta)
        return True

    def terminate(self, reason: str, reason_code: str, today: dt.date, meta: dict) -> bool:
        if self.status == TERMINATED:
            return False
        self._require_open("终止代办帮办")
        self._terminated(case_id=self.case_id, terminated_on=today.isoformat(), reason=reason, reason_code=reason_code,
                         service_point=self.service_point, case_agent=self.case_agent, applicant=self.applicant,
                         project=closing.project_ref(self.project), items=closing.termination_rows(self), meta=meta)
        return True

    # -- events -------------------------------------------------------------------------
    @event("CaseAgentReassigned")
    def _reassigned(self, case_id: str, from_agent: dict, to_agent: dict, reason: str, meta: dict) -> None:
        self.case_agent = to_agent
        self.agent_history.append({"agent": to_agent, "from": meta["occurred_at"], "reason": reason})

    @event("PlanSet")
    def _plan_set(self, case_id: str, version: int, steps: list[dict], note: str | None, meta: dict) -> None:
        self.plans.append({"version": version, "steps": steps, "note": note, "set_at": meta["occurred_at"],
                           "set_by": meta["actor"]["username"]})

    @event("ItemStateChanged")
    def _item_changed(self, case_id: str, item_no: int, department: str, action: str, from_status: str,
                      to_status: str, note: str | None, missing_materials: list[str], until: str | None,
                      due_date: str | None, due_date_estimated: bool, paused: bool, on_date: str,
                      accepted_on: str | None, paused_workdays: int, meta: dict) -> None:
        apply_item_change(self.items[item_no], action=action, from_status=from_status, to_status=to_status, note=note,
                          missing_materials=missing_materials, until=until, on_date=on_date, accepted_on=accepted_on,
                          meta=meta)

    @event("ItemDeadlineWarned")
    def _warned(self, case_id: str, item_no: int, department: str, due_date: str, due_date_estimated: bool,
                checked_on: str, meta: dict) -> None:
        self.items[item_no]["warned_for"].append(due_date)

    @event("ItemOverdue")
    def _overdue(self, case_id: str, item_no: int, department: str, due_date: str, due_date_estimated: bool,
                 checked_on: str, meta: dict) -> None:
        self.items[item_no]["overdue_for"].append(due_date)

    @event("NotificationGiven")
    def _notified(self, case_id: str, notification_no: int, items: list[dict], note: str | None, given_on: str,
                  meta: dict) -> None:
        self.notifications.append({"notification_no": notification_no, "items": items, "note": note,
                                   "given_on": given_on, "by": meta["actor"]["username"]})

    @event("JointReviewHeld")
    def _joint_review(self, case_id: str, review_no: int, date: str, departments: list[str], items: list[int],
                      conclusion: str, park_participates: bool, kind: str, meta: dict) -> None:
        self.joint_reviews.append({"review_no": review_no, "date": date, "departments": departments, "items": items,
                                   "conclusion": conclusion, "park_participates": park_participates, "kind": kind})

    @event("CombinedServiceMarked")
    def _combined(self, case_id: str, marker_no: int, kind: str, items: list[int], note: str | None, meta: dict) -> None:
        self.combined_services.append({"marker_no": marker_no, "kind": kind, "items": items, "note": note})

    @event("CrossLevelRequested")
    def _cross_requested(self, case_id: str, request_id: str, project_name: str, region: str, helper: dict,
                         requested_on: str, project_contact: dict, items: list[int], item_names: list[str],
                         reason: str, required_documents: list[str], requested_unit: str, local_center: str,
                         remark: str | None, due_date: str, due_date_estimated: bool, meta: dict) -> None:
        self.cross_level[request_id] = {
            "request_id": request_id, "project_name": project_name, "region": region, "helper": helper,
            "requested_on": requested_on, "project_contact": project_contact, "items": items,
            "item_names": item_names, "reason": reason, "required_documents": required_documents,
            "requested_unit": requested_unit, "local_center": local_center, "remark": remark,
            "due_date": due_date, "due_date_estimated": due_date_estimated, "answer": None,
        }

    @event("CrossLevelAnswered")
    def _cross_answered(self, case_id: str, request_id: str, result: str, assisted_by: dict, assisting_center: str,
                        answered_on: str, on_time: bool, remark: str | None, meta: dict) -> None:
        self.cross_level[request_id]["answer"] = {
            "result": result, "assisted_by": assisted_by, "assisting_center": assisting_center,
            "answered_on": answered_on, "on_time": on_time, "remark": remark}

    @event("CaseCompleted")
    def _completed(self, case_id: str, completed_on: str, note: str | None, materials_returned: bool,
                   service_point: str, case_agent: dict, applicant: dict, project: dict, items: list[dict],
                   meta: dict) -> None:
        self.status = COMPLETED
        self.closure = {"kind": "completion", "on": completed_on, "note": note, "materials_returned": True,
                        "items": items, "by": meta["actor"]}

    @event("CaseTerminated")
    def _terminated(self, case_id: str, terminated_on: str, reason: str, reason_code: str, service_point: str,
                    case_agent: dict, applicant: dict, project: dict, items: list[dict], meta: dict) -> None:
        self.status = TERMINATED
        self.closure = {"kind": "termination", "on": terminated_on, "reason": reason, "reason_code": reason_code,
                        "items": items, "by": meta["actor"]}

    # -- guards ---------------------------------------------------------------------------
    def _require_open(self, action: str) -> None:
        if self.status != OPEN:
            raise Conflict(f"案件{CASE_STATUS_LABELS[self.status]}，不能{action}", code="case_closed")

    def check_items(self, items: list[int]) -> None:
        """Invalid (422, field ``items``) when an item number is not one of this case's delegated items."""
        wrong = [n for n in items if n not in self.items]
        if wrong:
            raise Invalid(f"事项{wrong}不是本案件的委托事项（委托事项：{sorted(self.items)}）", field="items")
