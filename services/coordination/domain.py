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

from eventsourcing.domain import Aggregate

from shared.application import stable_id
from shared.contracts import calendar as calendar_contracts, coordination as contracts
from shared.contracts.coordination import CASE_STATUS_LABELS, CLOSURE_KIND_LABELS, CLOSURE_SIDE_LABELS, ITEM_STATE_FIELDS
from shared.contracts.envelope import SERVICE_POINT_LABELS
from shared.domain_events import FromContract, fields_of
from shared.errors import Conflict, Forbidden, Invalid, NotFound
from services.coordination import closure as closing, crosslevel, joint
from services.coordination import items as sm
from services.coordination.actions import (
    apply_item_change, check_commitment, check_deficiency, check_result, deficiency_lapsed, receipt, recorded_missing, retry_key,
)
from services.coordination.clocks import item_due, next_pauses, warning_date
from services.coordination.plan import normalise_plan

OPEN, AWAITING, COMPLETED, TERMINATED = "open", "awaiting_confirmation", "completed", "terminated"
NO_REPORT = {"external_ref": None, "reported_state": None, "reported_at": None}  # an action by a person


def new_item(opened: dict) -> dict:
    """A delegated item as the case opens it (or a later 委托书 adds it): pending, nothing done yet."""
    return {**opened, "status": sm.PENDING, "resume_to": None, "filed_on": None, "received_on": None,
            "acceptance_due": None, "accepted_on": None, "deemed_accepted": False,
            "concluded_on": None, "pauses": [], "missing_materials": [], "until": None,
            "deficiency": None, "warned_for": [], "overdue_for": [], "notice_breaches": [],
            "deficiency_overdue_for": [], "commitment": None, "result": None,
            "handed_over_for": [], "handovers": [], "history": [], "last": None}


class Case(Aggregate):
    @staticmethod
    def create_id(case_id: str, **_: Any):  # noqa: ANN205
        return stable_id("case", case_id)

    class CaseOpened(FromContract, Aggregate.Created):
        contract = contracts.CaseOpened

        def apply(self, case: "Case") -> None:
            case.case_id, case.service_point, case.case_agent = self.case_id, self.service_point, self.case_agent
            case.applicant, case.project, case.unit_name, case.channel = self.applicant, self.project, self.unit_name, self.channel
            case.opened_on, case.delegation_no, case.status = self.opened_on, self.delegation_no, OPEN
            case.items = {i["item_no"]: new_item(i) for i in self.items}
            case.delegated_agent, case.delegation_signed_for = None, None
            case.agent_history = [{"agent": self.case_agent, "from": self.meta["occurred_at"], "reason": "受理"}]
            case.plans, case.notifications, case.joint_reviews, case.combined_services = [], [], [], []
            case.cross_level, case.closure, case.proposal = {}, None, None
            case.covers = []

    @classmethod
    def open(cls, **fields: Any) -> "Case":
        """Open a case: the fields of ``coordination.CaseOpened`` and ``meta``."""
        return cls._create(cls.CaseOpened, **fields)

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
    def reassign(self, to_agent: dict, to_point: str | None, reason: str, meta: dict) -> bool:
        """Another agent of the same service point (属地服务, seed 三(一); 代办人无转委托权, 附件5)."""
        self._require_open("变更代办帮办员")
        if to_point != self.service_point:
            point = SERVICE_POINT_LABELS[self.service_point]
            raise Invalid(f"属地服务：本案件由{point}负责，只能变更为该服务点的代办帮办员（代办人无转委托权）",
                          field="username")
        if to_agent["username"] == self.case_agent["username"]:
            return False
        self.trigger_event(self.CaseAgentReassigned, case_id=self.case_id, from_agent=self.case_agent, to_agent=to_agent, reason=reason, meta=meta)
        return True

    def acting_agents(self, today: str | None) -> set[str]:
        """The accounts acting as the case agent on ``today``: the case agent, and a deputy whose cover (代岗)
        period holds the day (without a day, the case agent only)."""
        deputies = {c["deputy"]["username"] for c in self.covers
                    if today and c["from_date"] <= today <= c["to_date"]}
        return {self.case_agent["username"], *deputies}

    def follow_delegation(self, delegation_no: int, delegated_agent: str, items_added: list[dict], meta: dict) -> bool:
        """A 委托书 signed again after acceptance: the case takes the items it adds (pending) and records whether
        the agent it names is the case agent (代办人无转委托权: a reassigned case agent needs the applicant's new
        委托书). Fewer items are refused by intake (an item not to be done is withdrawn on the case)."""
        if self.status != OPEN or delegation_no <= (self.delegation_no or 0):
            return False  # concluded, or this 委托书 (or a later one) is followed already
        self.trigger_event(self.DelegationFollowed, case_id=self.case_id, delegation_no=delegation_no,
                           delegated_agent=delegated_agent, case_agent=self.case_agent,
                           items_added=[i for i in items_added if i["item_no"] not in self.items], meta=meta)
        return True

    def hand_over(self, change: dict, meta: dict) -> int:
        """A 登记报备 change in force that replaces a person: their open items of this case, for the items it names,
        pass to the replacement, once per item and change (recorded). Returns how many were handed over."""
        replaced, handed = change.get("replaced"), 0
        if not replaced or self.status != OPEN:
            return 0
        key = f"{change['department']}:{change['change_no']}"
        for no in change["items"]:
            item = self.items.get(no)
            if item is None or item["department"] != change["department"] or item["status"] in sm.CONCLUDED \
                    or key in item["handed_over_for"] \
                    or all(a["name"] != replaced["name"] for a in item["assignees"]):
                continue
            self.trigger_event(self.ItemHandedOver, case_id=self.case_id, item_no=no, department=item["department"],
                               change_no=change["change_no"], handed_from=replaced, handed_to=change["replacement"],
                               effective_on=change["effective_on"], meta=meta)
            handed += 1
        return handed

    def amend_project(self, project: dict, amendment_no: int, meta: dict) -> bool:
        """The application's project corrected (intake.ApplicationAmended): the case's summary follows it."""
        if project == self.project:
            return False
        self.trigger_event(self.CaseProjectAmended, case_id=self.case_id, amendment_no=amendment_no, project=project,
                           meta=meta)
        return True

    @property
    def delegation_agrees(self) -> bool:
        """The 委托书 in force was signed for the case agent there is now (at acceptance, or signed again
        since), or names them: a reassignment makes it disagree until the applicant signs a new one."""
        signed_for = self.delegation_signed_for or self.agent_history[0]["agent"]
        return signed_for["username"] == self.case_agent["username"] or \
            self.delegated_agent == self.case_agent.get("name")

    def arrange_cover(self, deputy: dict, deputy_point: str | None, from_date: str, to_date: str, reason: str,
                      today: dt.date, meta: dict) -> int:
        """代岗: another agent of the same service point acts for the case agent over a period (属地服务; the
        deputy acts for the case agent, not in their place: 代办人无转委托权, so the 委托书 stays as signed)."""
        self._require_open("安排代岗")
        if deputy_point != self.service_point:
            raise Invalid(f"代岗人员须为{SERVICE_POINT_LABELS[self.service_point]}的代办帮办员（属地服务）", field="username")
        if deputy["username"] == self.case_agent["username"]:
            raise Invalid("代岗人员不能是本案件的代办帮办员本人", field="username")
        if to_date < from_date:
            raise Invalid("代岗结束日期不能早于开始日期", field="to_date")
        for c in self.covers:
            if (c["deputy"]["username"], c["from_date"], c["to_date"]) == (deputy["username"], from_date, to_date) \
                    and c["agent"]["username"] == self.case_agent["username"]:
                return c["cover_no"]  # a retry
        if to_date < today.isoformat():
            raise Invalid("代岗期间已经结束", field="to_date")
        no = len(self.covers) + 1
        self.trigger_event(self.CaseCoverArranged, case_id=self.case_id, cover_no=no, agent=self.case_agent,
                           deputy=deputy, from_date=from_date, to_date=to_date, reason=reason, meta=meta)
        return no

    def set_plan(self, steps: list[dict], note: str | None, meta: dict) -> bool:
        self._require_open("编制申报计划")
        steps = normalise_plan(steps, {n: i["stage"] for n, i in self.items.items()})
        if self.plan and self.plan["steps"] == steps and self.plan["note"] == note:
            return False
        self.trigger_event(self.PlanSet, case_id=self.case_id, version=len(self.plans) + 1, steps=steps, note=note, meta=meta)
        return True

    def reported(self, item_no: int, report: dict) -> bool:
        """Whether this department-system report (办件编号, state, time) is recorded on the item already; 409 when
        the 办件编号 is another item's (one 办件 in the department's system is one item here)."""
        for no, other in self.items.items():
            refs = {r[0] for r in other.get("reports", [])}
            if no != item_no and report["external_ref"] in refs:
                raise Conflict(f"办件编号 {report['external_ref']} 已用于本案件的事项{no}，不能再用于事项{item_no}",
                               code="external_ref_in_use")
        key = [report["external_ref"], report["reported_state"], report["reported_at"]]
        return key in self.item(item_no).get("reports", [])

    def act(self, item_no: int, action: str, *, note: str | None, missing_materials: list[str], until: str | None,
            today: dt.date, calendar, acceptance_workdays: int, meta: dict, verify_by: str | None = None,  # noqa: ANN001
            result: dict | None = None, report: dict | None = None) -> bool:
        """One item action; ``report``: the department system's report it comes from (external_ref,
        reported_state, reported_at), recorded on the event."""
        self._require_open("办理事项")
        item = self.item(item_no)
        if item["last"] == retry_key(action, note, missing_materials, until):
            return False  # a retry of the action just recorded
        t = sm.plan_transition(action, item["status"], item["resume_to"], bool(item["accepted_on"]))
        if action == "file" and (waiting := crosslevel.waiting_for(self, item_no)):
            raise Conflict(f"事项{item_no}等待跨层级协办结果（协办单 {'、'.join(waiting)}），反馈后才能申报",
                           code="waiting_for_cross_level")
        if action == "approve" and deficiency_lapsed(item, today) and not note:
            raise Invalid(f"容缺材料（{'、'.join(item['deficiency']['missing_materials'])}）已过承诺补齐日期 "
                          f"{item['deficiency']['until']} 仍未补齐：准予办结须在说明中写明理由", field="note")
        if action == "accept_with_deficiency":
            check_deficiency(missing_materials, until, today)
        check_commitment(action, verify_by, today)
        check_result(action, result)
        rules = receipt(item, t, today, calendar, acceptance_workdays)
        accepted_on = today.isoformat() if t.starts_clock else item["accepted_on"]
        if rules.deemed_accepted:
            accepted_on = item["received_on"]  # 逾期未告知：自收到申请材料之日起即为受理
        pauses = next_pauses(item["pauses"], t.from_status, t.to_status, accepted_on, today.isoformat())
        due = item_due(calendar, accepted_on, item["promised_days"], pauses, today)
        missing, promised = recorded_missing(item, t, missing_materials, until)
        self.trigger_event(
            self.ItemStateChanged, case_id=self.case_id, item_no=item_no, department=item["department"], action=action,
            from_status=t.from_status, to_status=t.to_status, note=note, missing_materials=missing, until=promised,
            due_date=due.due_date.isoformat() if due else None, due_date_estimated=bool(due and due.estimated),
            paused=t.to_status in sm.PAUSED and bool(accepted_on), on_date=today.isoformat(),
            accepted_on=accepted_on, paused_workdays=due.paused_workdays if due else 0,
            acceptance_due=rules.acceptance_due, deemed_accepted=rules.deemed_accepted, notice_breach=rules.notice_breach,
            commitment_verify_by=verify_by if action == "accept_on_commitment" else None,
            result_number=(result or {}).get("number"), result_material_id=(result or {}).get("material_id"), meta=meta,
            **(report or NO_REPORT),
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
                self.trigger_event(self.ItemOverdue, **args)
                return "overdue"
        elif today >= warning_date(calendar, due.due_date, warning_workdays) and key not in item["warned_for"]:
            self.trigger_event(self.ItemDeadlineWarned, **args)
            return "warned"
        return None

    def check_deficiency(self, item_no: int, today: dt.date, meta: dict) -> str | None:
        """容缺: the promised date passed with the materials still missing — recorded once per promised date."""
        item = self.items[item_no]
        if self.status != OPEN or not deficiency_lapsed(item, today):
            return None
        until = item["deficiency"]["until"]
        if until in item["deficiency_overdue_for"]:
            return None
        self.trigger_event(self.ItemDeficiencyOverdue, case_id=self.case_id, item_no=item_no, department=item["department"],
                           until=until, missing_materials=item["deficiency"]["missing_materials"],
                           checked_on=today.isoformat(), meta=meta)
        return "deficiency_overdue"

    def verify_commitment(self, item_no: int, result: str, note: str | None, today: dt.date, meta: dict) -> bool:
        """告知承诺制: the department's check of the applicant's commitment (also after 办结: it is supervision
        of what was approved on trust).  Once; the same again is a retry."""
        item = self.item(item_no)
        commitment = item.get("commitment")
        if commitment is None:
            raise Conflict(f"事项{item_no}不是告知承诺受理的事项，无需核查", code="not_on_commitment")
        if commitment["result"] is not None:
            if (commitment["result"], commitment["note"]) == (result, note):
                return False
            raise Conflict(f"事项{item_no}的承诺已于 {commitment['verified_on']} 核查，不能重复登记", code="already_verified")
        self.trigger_event(self.CommitmentVerified, case_id=self.case_id, item_no=item_no, department=item["department"],
                           result=result, note=note, verify_by=commitment["verify_by"], verified_on=today.isoformat(),
                           on_time=today.isoformat() <= commitment["verify_by"], meta=meta)
        return True

    def check_commitment(self, item_no: int, today: dt.date, meta: dict) -> str | None:
        """A commitment not verified by its date: recorded once per date."""
        commitment = self.items[item_no].get("commitment")
        if not commitment or commitment["result"] is not None or today.isoformat() <= commitment["verify_by"]:
            return None
        if commitment["verify_by"] in commitment["overdue_for"]:
            return None
        self.trigger_event(self.CommitmentVerificationOverdue, case_id=self.case_id, item_no=item_no,
                           department=self.items[item_no]["department"], verify_by=commitment["verify_by"],
                           checked_on=today.isoformat(), meta=meta)
        return "commitment_overdue"

    def redate(self, before, after, today: dt.date, calendar_change_no: int, meta: dict) -> int:  # noqa: ANN001
        """A calendar change: record the new due date of every running item whose due date it moves."""
        moved = 0
        if self.status != OPEN:
            return moved
        for item_no, item in self.items.items():
            if not item["accepted_on"] or item["status"] in sm.CONCLUDED:
                continue
            old, new = self.due(item_no, before, today), self.due(item_no, after, today)
            if (old.due_date, old.estimated) == (new.due_date, new.estimated):
                continue
            self.trigger_event(self.ItemDueDateMoved, case_id=self.case_id, item_no=item_no, department=item["department"],
                            due_date=new.due_date.isoformat(), due_date_estimated=new.estimated,
                            previous_due_date=old.due_date.isoformat(), calendar_change_no=calendar_change_no,
                            meta=meta)
            moved += 1
        return moved

    def give_notification(self, items: list[dict], note: str | None, today: dt.date, meta: dict) -> int:
        self._require_open("一次性告知")
        for i, entry in enumerate(items):
            if entry["item_no"] not in self.items:
                raise Invalid(f"事项{entry['item_no']}不是本案件的委托事项", field=f"items.{i}.item_no")
        for n in self.notifications:
            if n["items"] == items and n["note"] == note:
                return n["notification_no"]
        no = len(self.notifications) + 1
        self.trigger_event(self.NotificationGiven, case_id=self.case_id, notification_no=no, items=items, note=note, given_on=today.isoformat(), meta=meta)
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
        self.trigger_event(self.JointReviewHeld, case_id=self.case_id, review_no=no, date=date, departments=departments, items=items,
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
        self.trigger_event(self.CombinedServiceMarked, case_id=self.case_id, marker_no=no, kind=kind, items=items, note=note, meta=meta)
        return no

    def request_cross_level(self, request_id: str, fields: dict, meta: dict) -> bool:
        self._require_open("提出跨层级协办")
        if request_id in self.cross_level:
            return False
        self.trigger_event(self.CrossLevelRequested, case_id=self.case_id, request_id=request_id, **fields, meta=meta)
        return True

    def answer_cross_level(self, request_id: str, result: str, assisted_by: dict, assisting_center: str,
                           remark: str | None, today: dt.date, meta: dict) -> bool:
        request = self.cross_level.get(request_id)
        if not crosslevel.needs_answer(request, request_id, result, assisted_by):
            return False
        self.trigger_event(self.CrossLevelAnswered, case_id=self.case_id, request_id=request_id, result=result, assisted_by=assisted_by,
                             assisting_center=assisting_center, answered_on=today.isoformat(),
                             on_time=today.isoformat() <= request["due_date"], remark=remark, meta=meta)
        return True

    def propose_closure(self, kind: str, side: str, *, today: dt.date, note: str | None = None,
                        reason: str | None = None, reason_code: str | None = None,
                        returned_materials: list[str] | None = None, signed_on: str | None = None, meta: dict) -> bool:
        """One side signs the 办结单 (附件8, the case agent, once every item is concluded) or the 终止单 (附件10,
        the case agent or the applicant): the case waits for the other side (经双方认可)."""
        fields = dict(kind=kind, side=side, note=note, reason=reason, reason_code=reason_code,
                      returned_materials=returned_materials, signed_on=signed_on)
        if self.status == AWAITING:
            if all(self.proposal[k] == v for k, v in fields.items()):
                return False  # a retry of the proposal just recorded
            p = self.proposal
            raise Conflict(f"{CLOSURE_SIDE_LABELS[p['side']]}已提出{CLOSURE_KIND_LABELS[p['kind']]}，待对方确认",
                           code="awaiting_confirmation")
        if self.status == {"completion": COMPLETED, "termination": TERMINATED}[kind]:
            return False
        self._require_open(CLOSURE_KIND_LABELS[kind])
        closing.check_signed_on(signed_on, self.opened_on, today)
        if kind == "completion":
            closing.require_all_concluded(self)
        self.trigger_event(self.ClosureProposed, case_id=self.case_id, proposed_on=today.isoformat(), **fields, meta=meta)
        return True

    def confirm_closure(self, side: str, way: str, *, today: dt.date, calendar, signed_on: str | None = None,  # noqa: ANN001
                        material_id: str | None = None, meta: dict) -> bool:
        """The other side's assent concludes the case: 已办结 or 已终止 only now (and only now is the applicant
        invited to rate)."""
        if self.status in (COMPLETED, TERMINATED):
            return False  # concluded already: a retry
        if self.status != AWAITING:
            raise Conflict("尚未提出办结或终止，无需确认", code="nothing_to_confirm")
        p = self.proposal
        closing.check_signed_on(signed_on, self.opened_on, today)
        if side == p["side"]:
            raise Forbidden(f"{CLOSURE_SIDE_LABELS[side]}已签署{CLOSURE_KIND_LABELS[p['kind']]}单，须由另一方确认（经双方认可）")
        common = dict(case_id=self.case_id, service_point=self.service_point, case_agent=self.case_agent,
                      applicant=self.applicant, project=closing.project_ref(self.project), proposed_on=p["proposed_on"],
                      returned_materials=p["returned_materials"],
                      confirmation=dict(side=side, way=way, confirmed_on=today.isoformat(), signed_on=signed_on,
                                        material_id=material_id), meta=meta)
        if p["kind"] == "completion":
            self.trigger_event(self.CaseCompleted, completed_on=today.isoformat(), note=p["note"], materials_returned=True,
                               items=closing.completion_rows(self, calendar, today), **common)
        else:
            self.trigger_event(self.CaseTerminated, terminated_on=today.isoformat(), reason=p["reason"],
                               reason_code=p["reason_code"], items=closing.termination_rows(self), proposed_by=p["side"],
                               **common)
        return True

    class CaseAgentReassigned(FromContract, Aggregate.Event):
        contract = contracts.CaseAgentReassigned

        def apply(self, case: "Case") -> None:
            case.case_agent = self.to_agent
            case.agent_history.append({"agent": self.to_agent, "from": self.meta["occurred_at"], "reason": self.reason})

    class ItemHandedOver(FromContract, Aggregate.Event):
        contract = contracts.ItemHandedOver

        def apply(self, case: "Case") -> None:
            item = case.items[self.item_no]
            kept = [a for a in item["assignees"] if a["name"] != self.handed_from["name"]]
            if all(a["name"] != self.handed_to["name"] for a in kept):
                kept.append(dict(self.handed_to))
            item["assignees"], item["assignee_gap"], item["assignee_gap_reason"] = kept, False, None
            item["handed_over_for"].append(f"{self.department}:{self.change_no}")
            item["handovers"].append({"from": self.handed_from, "to": self.handed_to,
                                                     "effective_on": self.effective_on, "change_no": self.change_no})

    class CaseProjectAmended(FromContract, Aggregate.Event):
        contract = contracts.CaseProjectAmended

        def apply(self, case: "Case") -> None:
            case.project = self.project

    class DelegationFollowed(FromContract, Aggregate.Event):
        contract = contracts.DelegationFollowed

        def apply(self, case: "Case") -> None:
            case.delegation_no, case.delegated_agent = self.delegation_no, self.delegated_agent
            case.delegation_signed_for = self.case_agent
            for i in self.items_added:
                case.items[i["item_no"]] = new_item(i)

    class CaseCoverArranged(FromContract, Aggregate.Event):
        contract = contracts.CaseCoverArranged

        def apply(self, case: "Case") -> None:
            case.covers.append({"cover_no": self.cover_no, "agent": self.agent, "deputy": self.deputy,
                                "from_date": self.from_date, "to_date": self.to_date, "reason": self.reason,
                                "arranged_at": self.meta["occurred_at"], "arranged_by": self.meta["actor"]["username"]})

    class PlanSet(FromContract, Aggregate.Event):
        contract = contracts.PlanSet

        def apply(self, case: "Case") -> None:
            case.plans.append({"version": self.version, "steps": self.steps, "note": self.note,
                               "set_at": self.meta["occurred_at"], "set_by": self.meta["actor"]["username"]})

    class ItemStateChanged(FromContract, Aggregate.Event):
        contract = contracts.ItemStateChanged

        def apply(self, case: "Case") -> None:
            item = case.items[self.item_no]
            apply_item_change(item, action=self.action, from_status=self.from_status,
                              to_status=self.to_status, note=self.note, missing_materials=self.missing_materials,
                              until=self.until, on_date=self.on_date, accepted_on=self.accepted_on, meta=self.meta)
            if self.notice_breach:
                item["notice_breaches"].append({"kind": self.notice_breach, "on_date": self.on_date})
            if self.external_ref:
                item.setdefault("reports", []).append([self.external_ref, self.reported_state, self.reported_at])
            if self.deemed_accepted:
                item["deemed_accepted"] = True
            if self.commitment_verify_by:
                item["commitment"] = {"verify_by": self.commitment_verify_by, "result": None, "verified_on": None,
                                      "note": None, "overdue_for": []}
            if self.result_number or self.result_material_id:
                item["result"] = {"number": self.result_number, "material_id": self.result_material_id}
            item.update(fields_of(self, only=ITEM_STATE_FIELDS))  # the item's state as this change left it

    class ItemDueDateMoved(FromContract, Aggregate.Event):
        """The due date is computed from the calendar whenever asked; the event tells the other services."""
        contract = calendar_contracts.ItemDueDateMoved

        def apply(self, case: "Case") -> None:
            pass

    class ItemDeadlineWarned(FromContract, Aggregate.Event):
        contract = contracts.ItemDeadlineWarned

        def apply(self, case: "Case") -> None:
            case.items[self.item_no]["warned_for"].append(self.due_date)

    class ItemOverdue(FromContract, Aggregate.Event):
        contract = contracts.ItemOverdue

        def apply(self, case: "Case") -> None:
            case.items[self.item_no]["overdue_for"].append(self.due_date)

    class ItemDeficiencyOverdue(FromContract, Aggregate.Event):
        contract = contracts.ItemDeficiencyOverdue

        def apply(self, case: "Case") -> None:
            case.items[self.item_no]["deficiency_overdue_for"].append(self.until)

    class CommitmentVerified(FromContract, Aggregate.Event):
        contract = contracts.CommitmentVerified

        def apply(self, case: "Case") -> None:
            case.items[self.item_no]["commitment"].update(result=self.result, verified_on=self.verified_on, note=self.note)

    class CommitmentVerificationOverdue(FromContract, Aggregate.Event):
        contract = contracts.CommitmentVerificationOverdue

        def apply(self, case: "Case") -> None:
            case.items[self.item_no]["commitment"]["overdue_for"].append(self.verify_by)

    class NotificationGiven(FromContract, Aggregate.Event):
        contract = contracts.NotificationGiven

        def apply(self, case: "Case") -> None:
            case.notifications.append({**fields_of(self, without=("case_id",)), "by": self.meta["actor"]["username"]})

    class JointReviewHeld(FromContract, Aggregate.Event):
        contract = contracts.JointReviewHeld

        def apply(self, case: "Case") -> None:
            case.joint_reviews.append(fields_of(self, without=("case_id",)))

    class CombinedServiceMarked(FromContract, Aggregate.Event):
        contract = contracts.CombinedServiceMarked

        def apply(self, case: "Case") -> None:
            case.combined_services.append(fields_of(self, without=("case_id",)))

    class CrossLevelRequested(FromContract, Aggregate.Event):
        contract = contracts.CrossLevelRequested

        def apply(self, case: "Case") -> None:
            case.cross_level[self.request_id] = {**fields_of(self, without=("case_id",)), "answer": None}

    class CrossLevelAnswered(FromContract, Aggregate.Event):
        contract = contracts.CrossLevelAnswered

        def apply(self, case: "Case") -> None:
            case.cross_level[self.request_id]["answer"] = fields_of(self, without=("case_id", "request_id"))

    class ClosureProposed(FromContract, Aggregate.Event):
        contract = contracts.ClosureProposed

        def apply(self, case: "Case") -> None:
            case.status = AWAITING
            case.proposal = {**fields_of(self, without=("case_id",)), "by": self.meta["actor"]}

    class CaseCompleted(FromContract, Aggregate.Event):
        contract = contracts.CaseCompleted

        def apply(self, case: "Case") -> None:
            case.status = COMPLETED
            case.closure = {"kind": "completion", "on": self.completed_on, "note": self.note, "materials_returned": True,
                            "items": self.items, "by": self.meta["actor"], **_sides(self, case.proposal)}
            case.proposal = None

    class CaseTerminated(FromContract, Aggregate.Event):
        contract = contracts.CaseTerminated

        def apply(self, case: "Case") -> None:
            case.status = TERMINATED
            case.closure = {"kind": "termination", "on": self.terminated_on, "reason": self.reason,
                            "reason_code": self.reason_code, "items": self.items, "by": self.meta["actor"],
                            **_sides(self, case.proposal)}
            case.proposal = None

    # -- guards ---------------------------------------------------------------------------
    def _require_open(self, action: str) -> None:
        if self.status != OPEN:
            raise Conflict(f"案件{CASE_STATUS_LABELS[self.status]}，不能{action}", code="case_closed")

    def check_items(self, items: list[int], field: str = "items") -> None:
        """Invalid (422, naming ``field``) when an item number is not one of this case's delegated items."""
        wrong = [n for n in items if n not in self.items]
        if wrong:
            raise Invalid(f"事项{wrong}不是本案件的委托事项（委托事项：{sorted(self.items)}）", field=field)


def _sides(event, proposal: dict | None) -> dict:  # noqa: ANN001
    """Both sides of a concluded case (经双方认可): who signed first and when, the handed-back materials, the
    other side's confirmation.  A case concluded before confirmation existed has none of these (null)."""
    return {"proposed_by": proposal["by"] if proposal else None, "proposed_on": event.proposed_on,
            "returned_materials": event.returned_materials, "confirmation": event.confirmation}
