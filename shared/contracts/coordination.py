"""Integration events published by coordination (the case from acceptance to completion or termination).

Conventions:
* every payload carries ``case_id``; dates are ISO ``YYYY-MM-DD`` strings, working-day due dates
  carry ``due_date_estimated`` (True when computed from a year the calendar only guesses);
* department fields are department codes (``catalog.department(code)`` gives the name);
* item statuses (national handling states): ``pending`` 待申报, ``received`` 已收件, ``accepted`` 已受理,
  ``correction`` 补正中, ``accepted_with_deficiency`` 容缺受理, ``special_procedure`` 特别程序中,
  ``approved`` 办结（准予）, ``concluded_with_deficiency`` 办结（容缺通过）, ``refused`` 办结（不予）,
  ``withdrawn`` 已撤回;
* the agent register (登记报备) is not about one case: its events use ``case_id = "register:<department>"``
  (case views ignore them).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.registry import EventPayload, contract

ServicePoint = Literal["district", "park"]
ItemStatus = Literal[
    "pending", "received", "accepted", "correction", "accepted_with_deficiency", "special_procedure",
    "approved", "concluded_with_deficiency", "refused", "withdrawn",
]
ItemAction = Literal[
    "file", "accept", "request_correction", "correction_done", "accept_with_deficiency",
    "start_special_procedure", "end_special_procedure", "approve", "refuse", "withdraw",
]
TerminationReason = Literal["conditions_not_met", "falsified_materials", "unlawful", "applicant_request", "other"]
CombinedService = Literal["multi_assessment", "multi_drawing_review", "joint_acceptance"]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CaseAgent(_Part):
    username: str
    name: str | None = None
    department: str | None = None


class Applicant(_Part):
    name: str
    credit_code: str | None = None


class ProjectSummary(_Part):
    name: str
    code: str | None = None
    is_key_project: bool = False
    in_industrial_park: bool = False
    total_investment: str | None = None


class ProjectRef(_Part):
    name: str
    code: str | None = None


class Person(_Part):
    name: str
    phone: str | None = None


class OpenedItem(_Part):
    item_no: int
    name: str
    department: str
    stage: int
    promised_days: int
    statutory_days: int
    assignees: list[Person]
    assignee_gap: bool
    assignee_gap_reason: str | None = None


class CompletedItem(_Part):
    item_no: int
    department: str
    outcome: ItemStatus
    accepted_on: str | None = None
    concluded_on: str | None = None
    due_date: str | None = None
    on_time: bool


class ItemAtEnd(_Part):
    item_no: int
    department: str
    status: ItemStatus


class PlanStep(_Part):
    item_no: int
    stage: int
    planned_start: str | None = None
    planned_finish: str | None = None
    after: list[int] = Field(default_factory=list)


class ItemRequirements(_Part):
    item_no: int
    requirements: list[str]


@contract("coordination.CaseOpened", description="案件开立（据 intake.ApplicationAccepted，仅一次）；每个委托事项一项任务")
class CaseOpened(EventPayload):
    case_id: str
    service_point: ServicePoint
    case_agent: CaseAgent
    applicant: Applicant
    project: ProjectSummary
    unit_name: str
    channel: str
    items: list[OpenedItem]
    opened_on: str
    delegation_no: int | None = None


@contract("coordination.CaseAgentReassigned", description="案件代办帮办员变更（附理由）")
class CaseAgentReassigned(EventPayload):
    case_id: str
    from_agent: CaseAgent
    to_agent: CaseAgent
    reason: str


@contract("coordination.PlanSet", description="项目申报计划（新版本；旧版本保留）")
class PlanSet(EventPayload):
    case_id: str
    version: int
    steps: list[PlanStep]
    note: str | None = None


@contract("coordination.ItemStateChanged", description="事项办理状态变化（每个动作一条）")
class ItemStateChanged(EventPayload):
    case_id: str
    item_no: int
    department: str
    action: ItemAction
    from_status: ItemStatus
    to_status: ItemStatus
    note: str | None = None
    missing_materials: list[str] = Field(default_factory=list)
    until: str | None = None
    due_date: str | None = None
    due_date_estimated: bool = False
    paused: bool = False
    on_date: str
    accepted_on: str | None = None
    paused_workdays: int = 0


@contract("coordination.ItemDeadlineWarned", description="事项临近承诺时限（提前预警，每个到期日一次）")
class ItemDeadlineWarned(EventPayload):
    case_id: str
    item_no: int
    department: str
    due_date: str
    due_date_estimated: bool = False
    checked_on: str


@contract("coordination.ItemOverdue", description="事项超过承诺时限（每个到期日一次）")
class ItemOverdue(EventPayload):
    case_id: str
    item_no: int
    department: str
    due_date: str
    due_date_estimated: bool = False
    checked_on: str


@contract("coordination.NotificationGiven", description="一次性告知（全部申报要求，按事项）")
class NotificationGiven(EventPayload):
    case_id: str
    notification_no: int
    items: list[ItemRequirements]
    note: str | None = None
    given_on: str


@contract("coordination.JointReviewHeld", description="会商联审 / 联审联办工作会议（园区项目园区管委会参加）")
class JointReviewHeld(EventPayload):
    case_id: str
    review_no: int
    date: str
    departments: list[str]
    items: list[int]
    conclusion: str
    park_participates: bool
    kind: Literal["会商联审", "联审联办工作会议"]


@contract("coordination.CombinedServiceMarked", description="多评合一 / 多图联审 / 联合验收 标记")
class CombinedServiceMarked(EventPayload):
    case_id: str
    marker_no: int
    kind: CombinedService
    items: list[int]
    note: str | None = None


@contract("coordination.CrossLevelRequested", description="跨层级审批事项服务协办单（附件7）")
class CrossLevelRequested(EventPayload):
    case_id: str
    request_id: str
    project_name: str
    region: str = Field(description="所属区划，如 海南区（150303）")
    helper: Person = Field(description="帮办人员及联系方式（案件代办帮办员）")
    requested_on: str = Field(description="协办时间")
    project_contact: Person = Field(description="项目负责人及联系方式")
    items: list[int] = Field(description="协办事项")
    item_names: list[str]
    reason: str = Field(description="协办原因")
    required_documents: list[str] = Field(description="办理要件")
    requested_unit: str = Field(description="需协办单位")
    local_center: str = Field(description="本级代办帮办中心（签字）")
    remark: str | None = Field(default=None, description="备注")
    due_date: str
    due_date_estimated: bool = False


@contract("coordination.CrossLevelAnswered", description="跨层级协办结果（附件7 协办结果、协办人员、协办中心签字）")
class CrossLevelAnswered(EventPayload):
    case_id: str
    request_id: str
    result: str
    assisted_by: Person
    assisting_center: str
    answered_on: str
    on_time: bool
    remark: str | None = None


@contract("coordination.CaseCompleted", description="办结（附件8 办结单）")
class CaseCompleted(EventPayload):
    case_id: str
    completed_on: str
    note: str | None = None
    materials_returned: Literal[True]
    service_point: ServicePoint
    case_agent: CaseAgent
    applicant: Applicant
    project: ProjectRef
    items: list[CompletedItem]


@contract("coordination.CaseTerminated", description="终止代办帮办（附件10 终止单）")
class CaseTerminated(EventPayload):
    case_id: str
    terminated_on: str
    reason: str
    reason_code: TerminationReason
    service_point: ServicePoint
    case_agent: CaseAgent
    applicant: Applicant
    project: ProjectRef
    items: list[ItemAtEnd] = Field(default_factory=list)


@contract("coordination.AgentRegisterChanged",
          description="代办帮办人员调整登记报备；case_id 为 'register:<部门代码>'，不属于任何案件")
class AgentRegisterChanged(EventPayload):
    case_id: str
    department: str
    change_no: int
    items: list[int]
    replaced: Person | None = None
    replacement: Person
    effective_on: str
    reason: str
