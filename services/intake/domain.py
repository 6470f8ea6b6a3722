"""The ``Application`` aggregate: one enterprise's request to have its approvals run for it.

States: submitted → accepted | rejected | withdrawn.  Acceptance needs a valid
授权委托书 (the latest, which supersedes earlier ones) and a signed 承诺书.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate, event

from shared.application import stable_id
from shared.errors import Conflict, Invalid

SUBMITTED, ACCEPTED, REJECTED, WITHDRAWN = "submitted", "accepted", "rejected", "withdrawn"
STATUS_LABELS = {SUBMITTED: "已申请", ACCEPTED: "已受理", REJECTED: "不予受理", WITHDRAWN: "已撤回"}

# 承诺书 (附件6): the applicant's seven obligations, as signed.
COMMITMENT_OBLIGATIONS = (
    "配合填写《帮您办代办帮办服务申请表》，编制项目申报计划，组织项目申报材料，在代办帮办服务窗口指导下进行有序申报",
    "联系、督促委托单位按要求及时对审查中提出的问题进行修改或补充材料",
    "因代办帮办工作需要，协助配合政务服务部门组织协调会",
    "及时办理各种缴费手续及其他申请人应履行的职责",
    "对项目涉及相关申报材料的真实合法性负责，并承担相应的法律责任",
    "在委托代办帮办事项完成、审批结果送达后，配合填写《帮您办代办帮办服务办结单》《帮您办代办帮办服务评价表》",
    "因项目或事项本身不具备办理条件，或者申报材料有弄虚作假及其他违法违规情况的，配合填写《帮您办代办帮办服务终止单》，终止代办帮办服务",
)


def route(in_industrial_park: bool) -> tuple[str, str]:
    """属地服务、分级负责: which service point runs the case, and why."""
    if in_industrial_park:
        return "park", "项目在工业园区内落地建设，按属地管理由工业园区管委会帮您办服务点提供全程代办帮办服务"
    return "district", "项目位于园区之外，由区政务服务局帮您办窗口提供全程代办帮办服务"


class Application(Aggregate):
    @staticmethod
    def create_id(case_id: str, **_: Any):  # noqa: ANN205
        return stable_id("application", case_id)

    @event("ApplicationSubmitted")
    def __init__(self, case_id: str, channel: str, unit: dict, project: dict, items: list[int],
                 applicant: dict, service_point: str, routing_reason: str, catalog_version: int,
                 meta: dict) -> None:
        self.case_id = case_id
        self.channel = channel
        self.unit = unit
        self.project = project
        self.items = list(items)
        self.applicant = applicant
        self.service_point = service_point
        self.routing_reason = routing_reason
        self.catalog_version = catalog_version
        self.recorded_by = meta["actor"]
        self.submitted_at = meta["occurred_at"]
        self.status = SUBMITTED
        self.delegations: list[dict] = []
        self.commitment: dict | None = None
        self.decision: dict | None = None

    # -- queries ---------------------------------------------------------------
    @property
    def delegation(self) -> dict | None:
        return self.delegations[-1] if self.delegations else None

    def missing_for_acceptance(self) -> list[str]:
        missing = []
        if self.delegation is None:
            missing.append("授权委托书")
        if self.commitment is None:
            missing.append("承诺书")
        return missing

    # -- commands ----------------------------------------------------------------
    def sign_delegation(self, legal_representative: str, agent: dict, items: list[int], meta: dict) -> bool:
        """Record a 授权委托书; False when it repeats the current one (idempotent retry)."""
        self._require_open("签署授权委托书")
        items = sorted(set(items))
        not_applied = [n for n in items if n not in self.items]
        if not_applied:
            raise Invalid(f"委托事项 {not_applied} 不在本申请的申请事项 {self.items} 之中", field="items")
        current = self.delegation
        if current and (current["legal_representative"], current["agent"], current["items"]) == (
            legal_representative, agent, items
        ):
            return False
        self._delegation_signed(
            delegation_no=len(self.delegations) + 1, legal_representative=legal_representative, agent=agent,
            items=items, item_count=len(items), supersedes=current["delegation_no"] if current else None,
            may_sub_delegate=False, meta=meta,
        )
        return True

    def sign_commitment(self, signed_by: str, meta: dict) -> bool:
        self._require_open("签署承诺书")
        if self.commitment is not None:
            return False
        self._commitment_signed(signed_by=signed_by, obligations=list(COMMITMENT_OBLIGATIONS), meta=meta)
        return True

    def accept(self, case_agent: dict, meta: dict) -> bool:
        if self.status == ACCEPTED:
            return False
        self._require_status(SUBMITTED, "受理")
        missing = self.missing_for_acceptance()
        if missing:
            raise Conflict(f"尚未签署{'和'.join(missing)}，不能受理", code="missing_documents")
        d = self.delegation
        self._accepted(
            case_id=self.case_id, service_point=self.service_point, case_agent=case_agent, items=d["items"],
            delegation_no=d["delegation_no"], delegated_agent=d["agent"]["name"], unit=self.unit,
            project=self.project, applicant=self.applicant, channel=self.channel, meta=meta,
        )
        return True

    def reject(self, reason: str, meta: dict) -> bool:
        if self.status == REJECTED:
            return False
        self._require_status(SUBMITTED, "不予受理")
        self._rejected(reason=reason, meta=meta)
        return True

    def withdraw(self, reason: str | None, meta: dict) -> bool:
        if self.status == WITHDRAWN:
            return False
        self._require_status(SUBMITTED, "撤回")
        self._withdrawn(reason=reason, meta=meta)
        return True

    # -- events ------------------------------------------------------------------
    @event("DelegationSigned")
    def _delegation_signed(self, delegation_no: int, legal_representative: str, agent: dict, items: list[int],
                           item_count: int, supersedes: int | None, may_sub_delegate: bool, meta: dict) -> None:
        self.delegations.append({
            "delegation_no": delegation_no, "legal_representative": legal_representative, "agent": agent,
            "items": items, "item_count": item_count, "supersedes": supersedes,
            "signed_at": meta["occurred_at"], "signed_by": meta["actor"]["username"],
        })

    @event("CommitmentSigned")
    def _commitment_signed(self, signed_by: str, obligations: list[str], meta: dict) -> None:
        self.commitment = {"signed_by": signed_by, "obligations": obligations, "signed_at": meta["occurred_at"]}

    @event("ApplicationAccepted")
    def _accepted(self, case_id: str, service_point: str, case_agent: dict, items: list[int],
                  delegation_no: int, delegated_agent: str, unit: dict, project: dict, applicant: dict,
                  channel: str, meta: dict) -> None:
        self.status = ACCEPTED
        self.decision = {"by": case_agent, "at": meta["occurred_at"], "case_agent": case_agent}

    @event("ApplicationRejected")
    def _rejected(self, reason: str, meta: dict) -> None:
        self.status = REJECTED
        self.decision = {"by": meta["actor"], "at": meta["occurred_at"], "reason": reason}

    @event("ApplicationWithdrawn")
    def _withdrawn(self, reason: str | None, meta: dict) -> None:
        self.status = WITHDRAWN
        self.decision = {"by": meta["actor"], "at": meta["occurred_at"], "reason": reason}

    # -- guards ------------------------------------------------------------------
    def _require_status(self, status: str, action: str) -> None:
        if self.status != status:
            raise Conflict(f"申请当前状态为“{STATUS_LABELS[self.status]}”，不能{action}", code="invalid_state")

    def _require_open(self, action: str) -> None:
        if self.status in (REJECTED, WITHDRAWN):
            raise Conflict(f"申请已{STATUS_LABELS[self.status]}，不能{action}", code="invalid_state")
