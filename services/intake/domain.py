"""The ``Application`` aggregate: one enterprise's request to have its approvals run for it.

States: submitted → accepted | rejected | withdrawn.  Acceptance needs a valid
授权委托书 (the latest, which supersedes earlier ones) and a signed 承诺书.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate

from shared.application import stable_id
from shared.contracts import intake as contracts
from shared.domain_events import FromContract, fields_of
from shared.contracts.intake import APPLICATION_STATUS_LABELS as STATUS_LABELS
from shared.contracts.intake import APPROVAL_LEVEL_LABELS
from shared.errors import Conflict, Invalid, NotFound
from services.intake import materials
from shared.idempotency import recorded_hash
from shared.reference.commitment import commitment_text

SUBMITTED, ACCEPTED, REJECTED, WITHDRAWN = "submitted", "accepted", "rejected", "withdrawn"


def route(in_industrial_park: bool, approval_level: str | None = None) -> tuple[str, str]:
    """属地服务、分级负责 (seed 三(一)): which service point runs the case, and why.

    "工业园区内落地建设的投资项目 … 由工业园区管委会提供全程代办帮办服务；园区之外的投资项目，原则上我区立项的
    投资项目，由区政务服务局提供全程代办帮办服务": an above-district (市级及以上) project outside the park is
    not turned away — the window serves it and its upper-level items go through 协办单 (附件7) — and the
    reason says so.  No level given counts as 区本级 and the reason says that too."""
    level = APPROVAL_LEVEL_LABELS[approval_level] if approval_level else None
    if in_industrial_park:
        reason = "项目在工业园区内落地建设，按属地管理由工业园区管委会帮您办服务点提供全程代办帮办服务"
        return "park", reason + (f"（{level}立项）" if level else "")
    if approval_level in (None, "district"):
        told = "由我区立项" if level else "立项层级未填写，按区本级"
        return "district", f"项目位于园区之外、{told}，由区政务服务局帮您办窗口提供全程代办帮办服务"
    return "district", (f"项目位于园区之外，为{level}立项：不属“原则上我区立项的投资项目”，仍由区政务服务局帮您办窗口"
                        "提供全程代办帮办服务，上级部门审批事项经跨层级协办（附件7）协调")


class Application(Aggregate):
    @staticmethod
    def create_id(case_id: str, **_: Any):  # noqa: ANN205
        return stable_id("application", case_id)

    class ApplicationSubmitted(FromContract, Aggregate.Created):
        contract = contracts.ApplicationSubmitted

        def apply(self, application: "Application") -> None:
            for name, value in fields_of(self).items():
                setattr(application, name, value)
            application.items = list(self.items)
            application.recorded_by = self.meta["actor"]
            application.submitted_at = self.meta["occurred_at"]
            application.request_hash = recorded_hash(self.meta)  # the body's fingerprint, when submitted with an Idempotency-Key
            application.status = SUBMITTED
            application.delegations = []
            application.commitment = None
            application.decision = None
            application.amendments = []
            application.materials = {}  # material_id → the material as uploaded (services/intake/materials.py)

    @classmethod
    def submit(cls, **fields: Any) -> "Application":
        """A submitted application: the fields of ``intake.ApplicationSubmitted`` and ``meta``."""
        return cls._create(cls.ApplicationSubmitted, **fields)

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
        if self.status == ACCEPTED and (dropped := [n for n in current["items"] if n not in items]):
            raise Conflict(f"案件已受理：新的授权委托书不能减少委托事项（事项{'、'.join(map(str, dropped))}）；"
                           "不再办理的事项请代办帮办员在案件中撤回", code="delegation_narrowed")
        self.trigger_event(self.DelegationSigned, 
            delegation_no=len(self.delegations) + 1, legal_representative=legal_representative, agent=agent,
            items=items, item_count=len(items), supersedes=current["delegation_no"] if current else None,
            may_sub_delegate=False, meta=meta,
        )
        return True

    def sign_commitment(self, signed_by: str, authority: str, meta: dict) -> bool:
        """The 承诺书 to ``authority`` (the department of the service point that serves the case)."""
        self._require_open("签署承诺书")
        if self.commitment is not None:
            return False
        preamble, obligations = commitment_text(authority)
        self.trigger_event(self.CommitmentSigned, signed_by=signed_by, obligations=obligations,
                           preamble=preamble, addressed_to=authority, meta=meta)
        return True

    def accept(self, case_agent: dict, meta: dict) -> bool:
        if self.status == ACCEPTED:
            return False
        self._require_status(SUBMITTED, "受理")
        missing = self.missing_for_acceptance()
        if missing:
            raise Conflict(f"尚未签署{'和'.join(missing)}，不能受理", code="missing_documents")
        d = self.delegation
        self.trigger_event(
            self.ApplicationAccepted, case_id=self.case_id, service_point=self.service_point, case_agent=case_agent, items=d["items"],
            delegation_no=d["delegation_no"], delegated_agent=d["agent"]["name"], unit=self.unit,
            project=self.project, applicant=self.applicant, channel=self.channel, meta=meta,
        )
        return True

    def reject(self, reason: str, meta: dict) -> bool:
        if self.status == REJECTED:
            return False
        self._require_status(SUBMITTED, "不予受理")
        self.trigger_event(self.ApplicationRejected, reason=reason, meta=meta, **self._concerned())
        return True

    def withdraw(self, reason: str | None, meta: dict) -> bool:
        if self.status == WITHDRAWN:
            return False
        self._require_status(SUBMITTED, "撤回")
        self.trigger_event(self.ApplicationWithdrawn, reason=reason, meta=meta, **self._concerned())
        return True

    def _concerned(self) -> dict:
        """Whom and what a decision that ends the application concerns (evaluation invites the rating)."""
        return {"service_point": self.service_point, "applicant": self.applicant, "project": self.project}

    def amend(self, unit: dict, project: dict, reason: str, meta: dict) -> bool:
        """Correct the 申请表's fields (``unit``, ``project``: the whole parts after the change), with the reason;
        nothing changed is a retry.  Not after a rejection or withdrawal; never the fields that chose the point."""
        if self.status in (REJECTED, WITHDRAWN):
            raise Conflict(f"申请{STATUS_LABELS[self.status]}，不能更正", code="application_closed")
        changed = [f"unit.{k}" for k in unit if unit[k] != self.unit.get(k)] + \
                  [f"project.{k}" for k in project if project[k] != self.project.get(k)]
        fixed = [f for f in changed if f in contracts.NOT_AMENDABLE]
        if fixed:
            raise Invalid("是否位于工业园区、立项层级决定服务点（属地服务），不能更正；请撤回后重新申请",
                          field=f"changes.{fixed[0]}")
        if not changed:
            return False
        self.trigger_event(self.ApplicationAmended, amendment_no=len(self.amendments) + 1, changed=changed,
                           unit=unit, project=project, reason=reason, meta=meta)
        return True

    def add_material(self, material: dict, material_id: str, meta: dict) -> dict:
        """A new version of a material (``material``: the fields of ``intake.MaterialUploaded`` but the case id,
        id, version and what it supersedes); the same bytes again under the same name and item: the version
        there is (an idempotent retry)."""
        self._require_open("上传材料")
        current = materials.latest(self.materials, material["title"], material["item_no"])
        if current is not None and materials.same_upload(current, material):
            return current
        self.trigger_event(self.MaterialUploaded, case_id=self.case_id, material_id=material_id,
                           version=current["version"] + 1 if current else 1,
                           supersedes=current["material_id"] if current else None, meta=meta, **material)
        return self.materials[material_id]

    def record_download(self, material_id: str, meta: dict) -> None:
        m = self.material(material_id)
        self.trigger_event(self.MaterialDownloaded, material_id=material_id, title=m["title"], item_no=m["item_no"],
                           version=m["version"], meta=meta)

    def withdraw_material(self, material_id: str, reason: str | None, meta: dict) -> bool:
        m = self.material(material_id)
        if m["withdrawal"] is not None:
            return False
        self.trigger_event(self.MaterialWithdrawn, material_id=material_id, title=m["title"], item_no=m["item_no"],
                           version=m["version"], reason=reason, meta=meta)
        return True

    def material(self, material_id: str) -> dict:
        if material_id not in self.materials:
            raise NotFound(f"材料 {material_id} 不存在")
        return self.materials[material_id]

    # -- events (fields: shared/contracts/intake.py) -------------------------------------
    class DelegationSigned(FromContract, Aggregate.Event):
        contract = contracts.DelegationSigned

        def apply(self, application: "Application") -> None:
            application.delegations.append({
                **fields_of(self, without=("may_sub_delegate",)),
                "signed_at": self.meta["occurred_at"], "signed_by": self.meta["actor"]["username"]})

    class CommitmentSigned(FromContract, Aggregate.Event):
        contract = contracts.CommitmentSigned

        def apply(self, application: "Application") -> None:
            application.commitment = {**fields_of(self), "signed_at": self.meta["occurred_at"]}

    class ApplicationAccepted(FromContract, Aggregate.Event):
        contract = contracts.ApplicationAccepted

        def apply(self, application: "Application") -> None:
            application.status = ACCEPTED
            application.decision = {"by": self.case_agent, "at": self.meta["occurred_at"], "case_agent": self.case_agent}

    class ApplicationRejected(FromContract, Aggregate.Event):
        contract = contracts.ApplicationRejected

        def apply(self, application: "Application") -> None:
            application.status = REJECTED
            application.decision = {"by": self.meta["actor"], "at": self.meta["occurred_at"], "reason": self.reason}

    class ApplicationWithdrawn(FromContract, Aggregate.Event):
        contract = contracts.ApplicationWithdrawn

        def apply(self, application: "Application") -> None:
            application.status = WITHDRAWN
            application.decision = {"by": self.meta["actor"], "at": self.meta["occurred_at"], "reason": self.reason}

    class ApplicationAmended(FromContract, Aggregate.Event):
        contract = contracts.ApplicationAmended

        def apply(self, application: "Application") -> None:
            application.unit, application.project = dict(self.unit), dict(self.project)
            application.amendments.append({"amendment_no": self.amendment_no, "changed": list(self.changed),
                                           "reason": self.reason, "at": self.meta["occurred_at"], "by": self.meta["actor"]})

    class MaterialUploaded(FromContract, Aggregate.Event):
        contract = contracts.MaterialUploaded

        def apply(self, application: "Application") -> None:
            application.materials[self.material_id] = {
                **fields_of(self), "uploaded_at": self.meta["occurred_at"], "uploaded_by": self.meta["actor"],
                "on_behalf_of": self.meta.get("on_behalf_of"), "downloads": 0, "withdrawal": None}

    class MaterialDownloaded(FromContract, Aggregate.Event):
        contract = contracts.MaterialDownloaded

        def apply(self, application: "Application") -> None:
            application.materials[self.material_id]["downloads"] += 1

    class MaterialWithdrawn(FromContract, Aggregate.Event):
        contract = contracts.MaterialWithdrawn

        def apply(self, application: "Application") -> None:
            application.materials[self.material_id]["withdrawal"] = {
                "by": self.meta["actor"], "at": self.meta["occurred_at"], "reason": self.reason}

    # -- guards ------------------------------------------------------------------
    def _require_status(self, status: str, action: str) -> None:
        if self.status != status:
            raise Conflict(f"申请当前状态为“{STATUS_LABELS[self.status]}”，不能{action}", code="invalid_state")

    def require_open(self, action: str) -> None:
        """409 when the application was rejected or withdrawn (asked before an upload streams in)."""
        self._require_open(action)

    def _require_open(self, action: str) -> None:
        if self.status in (REJECTED, WITHDRAWN):
            raise Conflict(f"申请已{STATUS_LABELS[self.status]}，不能{action}", code="invalid_state")
