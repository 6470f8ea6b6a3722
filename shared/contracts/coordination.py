"""Integration events published by coordination (the case from acceptance to completion or termination).

Conventions:
* every payload carries ``case_id``; dates are ISO ``YYYY-MM-DD`` strings, working-day due dates
  carry ``due_date_estimated`` (True when computed from a year the calendar only guesses);
* department fields are department codes (``catalog.department(code)`` gives the name);
* item statuses are the national handling states (labels in ``ITEM_STATUS_LABELS``);
* the agent register (登记报备) is not about one case: its events use ``case_id = "register:<department>"``
  (case views ignore them).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.envelope import ServicePoint
from shared.contracts.registry import EventPayload, contract
from shared.types import FreeTextStr, PersonalStr

CaseStatus = Literal["open", "awaiting_confirmation", "completed", "terminated"]
CASE_STATUS_LABELS: dict[str, str] = {"open": "办理中", "awaiting_confirmation": "待对方确认（办结或终止）",
                                      "completed": "已办结", "terminated": "已终止"}
ClosureKind = Literal["completion", "termination"]
CLOSURE_KIND_LABELS: dict[str, str] = {"completion": "办结", "termination": "终止"}
ClosureSide = Literal["agent", "applicant"]
CLOSURE_SIDE_LABELS: dict[str, str] = {"agent": "代办帮办员", "applicant": "申请人"}
ConfirmationWay = Literal["online", "paper"]
ItemStatus = Literal[
    "pending", "received", "accepted", "correction", "accepted_with_deficiency", "special_procedure",
    "approved", "concluded_with_deficiency", "refused", "withdrawn",
]
ITEM_STATUS_LABELS: dict[str, str] = {
    "pending": "待申报", "received": "已收件", "accepted": "已受理", "correction": "补正中",
    "accepted_with_deficiency": "容缺受理", "special_procedure": "特别程序中", "approved": "办结（准予）",
    "concluded_with_deficiency": "办结（容缺通过）", "refused": "办结（不予）", "withdrawn": "已撤回",
}
ItemAction = Literal[
    "file", "accept", "request_correction", "correction_done", "accept_with_deficiency",
    "start_special_procedure", "end_special_procedure", "approve", "refuse", "withdraw", "accept_on_commitment",
]
ITEM_ACTION_LABELS: dict[str, str] = {
    "file": "申报（收件）", "accept": "受理", "request_correction": "补正告知", "correction_done": "补正完成",
    "accept_with_deficiency": "容缺受理", "start_special_procedure": "特别程序开始",
    "end_special_procedure": "特别程序结束", "approve": "办结（准予）", "refuse": "办结（不予）", "withdraw": "撤回",
    "accept_on_commitment": "告知承诺受理",
}
CommitmentResult = Literal["kept", "broken"]
COMMITMENT_RESULT_LABELS: dict[str, str] = {"kept": "核查属实（承诺已履行）", "broken": "核查不实（未履行承诺）"}
TerminationReason = Literal["conditions_not_met", "falsified_materials", "unlawful", "applicant_request", "other"]
CombinedService = Literal["multi_assessment", "multi_drawing_review", "joint_acceptance"]
COMBINED_SERVICE_LABELS: dict[str, str] = {"multi_assessment": "多评合一", "multi_drawing_review": "多图联审",
                                           "joint_acceptance": "联合验收"}


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_serialization_defaults_required=True)


class CaseAgent(_Part):
    username: str = Field(description="代办帮办员账号")
    name: str | None = Field(default=None, description="姓名")
    department: str | None = Field(default=None, description="所属部门代码")


class Applicant(_Part):
    name: str = Field(description="申请单位名称")
    credit_code: str | None = Field(default=None, description="统一社会信用代码")


class ProjectSummary(_Part):
    name: str = Field(description="项目名称")
    code: str | None = Field(default=None, description="项目代码")
    is_key_project: bool = Field(default=False, description="重点项目")
    in_industrial_park: bool = Field(default=False, description="位于工业园区")
    total_investment: str | None = Field(default=None, description="总投资（万元，十进制字符串）")


class ProjectRef(_Part):
    name: str
    code: str | None = None


class Person(_Part):
    name: PersonalStr = Field(description="姓名")
    phone: PersonalStr | None = Field(default=None, description="联系电话（无权查看个人信息的角色看到的是遮蔽后的号码）")


class OpenedItem(_Part):
    item_no: int = Field(description="事项编号")
    name: str = Field(description="事项名称")
    department: str = Field(description="承办部门代码")
    stage: int = Field(description="工程建设阶段（1–5）")
    promised_days: int = Field(description="承诺时限（工作日）")
    statutory_days: int = Field(description="法定时限（工作日）")
    assignees: list[Person] = Field(description="承办的代办帮办人员（附件11 及登记报备）")
    assignee_gap: bool = Field(description="附件11 未配置代办帮办人员，由部门兜底")
    assignee_gap_reason: str | None = Field(default=None, description="兜底原因")


class CompletedItem(_Part):
    item_no: int = Field(description="事项编号")
    department: str = Field(description="部门代码")
    outcome: ItemStatus = Field(description="办结结果")
    accepted_on: str | None = Field(default=None, description="受理日期")
    concluded_on: str | None = Field(default=None, description="办结日期")
    due_date: str | None = Field(default=None, description="承诺办结日期")
    on_time: bool = Field(description="按时办结")


class ItemAtEnd(_Part):
    item_no: int = Field(description="事项编号")
    department: str = Field(description="部门代码")
    status: ItemStatus = Field(description="终止时的办理状态")


class PlanStep(_Part):
    item_no: int = Field(description="事项编号")
    stage: int = Field(description="工程建设阶段")
    planned_start: str | None = Field(default=None, description="计划开始日期")
    planned_finish: str | None = Field(default=None, description="计划完成日期")
    after: list[int] = Field(default_factory=list, description="须先完成的事项编号")


class ItemRequirements(_Part):
    item_no: int = Field(description="事项编号")
    requirements: list[str] = Field(description="全部申报要求")


@contract("coordination.CaseOpened", description="案件开立（据 intake.ApplicationAccepted，仅一次）；每个委托事项一项任务")
class CaseOpened(EventPayload):
    case_id: str = Field(description="案件编号")
    service_point: ServicePoint = Field(description="服务点：district 区政务服务局窗口, park 工业园区管委会服务点")
    case_agent: CaseAgent = Field(description="案件代办帮办员")
    applicant: Applicant = Field(description="申请单位")
    project: ProjectSummary = Field(description="项目")
    unit_name: str = Field(description="申请单位名称")
    channel: str = Field(description="受理渠道")
    items: list[OpenedItem] = Field(description="委托事项")
    opened_on: str = Field(description="受理（开案）日期")
    delegation_no: int | None = Field(default=None, description="授权委托书序号")


@contract("coordination.DelegationFollowed",
          description="受理后重新签署的授权委托书：案件随之增加委托事项；委托书签署时的案件代办帮办员随之记录")
class DelegationFollowed(EventPayload):
    case_id: str
    delegation_no: int = Field(description="新的授权委托书序号")
    delegated_agent: PersonalStr = Field(description="委托书所列代办人姓名")
    case_agent: CaseAgent = Field(description="委托书签署时的案件代办帮办员")
    items_added: list[OpenedItem] = Field(default_factory=list, description="新增的委托事项（待申报）")


@contract("coordination.CaseProjectAmended", description="申请表更正后，案件的项目信息随之更新（如后补的项目代码）")
class CaseProjectAmended(EventPayload):
    case_id: str
    amendment_no: int = Field(description="申请表的第几次更正")
    project: ProjectSummary = Field(description="更正后的项目")


@contract("coordination.CaseAgentReassigned", description="案件代办帮办员变更（附理由）")
class CaseAgentReassigned(EventPayload):
    case_id: str
    from_agent: CaseAgent
    to_agent: CaseAgent
    reason: FreeTextStr


@contract("coordination.CaseCoverArranged",
          description="代岗：案件代办帮办员休假、出差等期间，由同一服务点的代岗人员代为办理（期间内两人均可办理；申请人可见）")
class CaseCoverArranged(EventPayload):
    case_id: str
    cover_no: int = Field(description="代岗安排编号（自 1 起）")
    agent: CaseAgent = Field(description="被代岗的案件代办帮办员")
    deputy: CaseAgent = Field(description="代岗人员")
    from_date: str = Field(description="代岗开始日期（含）")
    to_date: str = Field(description="代岗结束日期（含）")
    reason: FreeTextStr


@contract("coordination.PlanSet", description="项目申报计划（新版本；旧版本保留）")
class PlanSet(EventPayload):
    case_id: str
    version: int = Field(description="计划版本（自 1 起）")
    steps: list[PlanStep] = Field(description="按阶段、先后关系和计划开始日期排列的步骤")
    note: FreeTextStr | None = Field(default=None, description="说明")


NoticeBreach = Literal["repeat", "late"]
NOTICE_BREACH_LABELS: dict[str, str] = {"repeat": "一次性告知后再次要求补正", "late": "超过受理时限才告知补正"}


@contract("coordination.ItemStateChanged", description="事项办理状态变化（每个动作一条）")
class ItemStateChanged(EventPayload):
    case_id: str
    item_no: int
    department: str
    action: ItemAction
    from_status: ItemStatus
    to_status: ItemStatus
    note: FreeTextStr | None = None
    missing_materials: list[str] = Field(default_factory=list, description="所缺（或须补正的）材料")
    until: str | None = Field(default=None, description="容缺材料承诺补齐日期")
    due_date: str | None = Field(default=None, description="承诺办结日期（顺延暂停的工作日）；未受理时为 null")
    due_date_estimated: bool = Field(default=False, description="截止日期按预估的工作日历计算（该年节假日安排尚未录入）")
    paused: bool = Field(default=False, description="计时暂停（补正、特别程序）")
    on_date: str
    accepted_on: str | None = Field(default=None, description="受理日期（时限自次一工作日起算）")
    paused_workdays: int = Field(default=0, description="暂停的工作日数")
    acceptance_due: str | None = Field(
        default=None, description="受理时限：收件（或补正材料收到）后 N 个工作日内受理或一次性告知补正"
                                  "（《行政许可法》第三十二条）；仅“已收件”时有值")
    deemed_accepted: bool | None = Field(
        default=None, description="逾期既未受理也未一次性告知：自收到申请材料之日起即为受理，受理日期为收件日"
                                  "（《行政许可法》第三十二条）")
    notice_breach: NoticeBreach | None = Field(
        default=None, description="违反一次性告知：repeat 一次性告知后再次要求补正；late 超过受理时限才告知补正")
    commitment_verify_by: str | None = Field(
        default=None, description="告知承诺受理：对申请人承诺事项的核查日期（须在此日前核查）")
    result_number: str | None = Field(default=None, description="办结（准予）时的批文或证照文号/编号")
    result_material_id: str | None = Field(default=None, description="批文或证照扫描件的材料编号（材料类型 result）")


# The fields of ItemStateChanged that are the item's state after the change: what the case keeps
# of the last change and what both item views (coordination's, reporting's) answer.
ITEM_STATE_FIELDS = ("accepted_on", "due_date", "due_date_estimated", "paused", "paused_workdays", "missing_materials",
                     "acceptance_due")


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


@contract("coordination.ItemDeficiencyOverdue",
          description="容缺受理的材料过了承诺补齐日期仍未补齐（每个承诺日期一次）")
class ItemDeficiencyOverdue(EventPayload):
    case_id: str
    item_no: int
    department: str
    until: str = Field(description="承诺补齐日期")
    missing_materials: list[str] = Field(description="仍缺的材料")
    checked_on: str


@contract("coordination.CommitmentVerified", description="告知承诺制：对申请人承诺的核查结果")
class CommitmentVerified(EventPayload):
    case_id: str
    item_no: int
    department: str
    result: CommitmentResult = Field(description="kept 核查属实，broken 核查不实（未履行承诺）")
    note: FreeTextStr | None = Field(default=None, description="核查情况")
    verify_by: str = Field(description="应核查日期")
    verified_on: str = Field(description="核查日期")
    on_time: bool = Field(description="在应核查日期前核查")


@contract("coordination.CommitmentVerificationOverdue",
          description="告知承诺制：过了核查日期仍未核查（每个核查日期一次）")
class CommitmentVerificationOverdue(EventPayload):
    case_id: str
    item_no: int
    department: str
    verify_by: str
    checked_on: str


@contract("coordination.NotificationGiven", description="一次性告知（全部申报要求，按事项）")
class NotificationGiven(EventPayload):
    case_id: str
    notification_no: int = Field(description="告知序号")
    items: list[ItemRequirements]
    note: FreeTextStr | None = Field(default=None, description="说明")
    given_on: str = Field(description="告知日期")


@contract("coordination.JointReviewHeld", description="会商联审 / 联审联办工作会议（园区项目园区管委会参加）")
class JointReviewHeld(EventPayload):
    case_id: str
    review_no: int = Field(description="会议序号")
    date: str = Field(description="会议日期")
    departments: list[str] = Field(description="参会部门代码（园区项目含 gyyq 工业园区管委会）")
    items: list[int] = Field(description="会商事项编号")
    conclusion: FreeTextStr = Field(description="会议结论")
    park_participates: bool = Field(description="工业园区管委会参加")
    kind: Literal["会商联审", "联审联办工作会议"] = Field(description="会商联审，或（园区项目）联审联办工作会议")


@contract("coordination.CombinedServiceMarked", description="多评合一 / 多图联审 / 联合验收 标记")
class CombinedServiceMarked(EventPayload):
    case_id: str
    marker_no: int = Field(description="标记序号")
    kind: CombinedService = Field(description="multi_assessment 多评合一, multi_drawing_review 多图联审, joint_acceptance 联合验收")
    items: list[int] = Field(description="合并办理的事项编号")
    note: FreeTextStr | None = Field(default=None, description="说明")


class UpperItem(_Part):
    """An approval item of an upper-level department that the district catalog does not hold (附件7's purpose)."""

    name: str = Field(description="事项名称")
    department: str = Field(description="承办的上级部门")


@contract("coordination.CrossLevelRequested", description="跨层级审批事项服务协办单（附件7）")
class CrossLevelRequested(EventPayload):
    case_id: str
    request_id: str = Field(description="协办单编号")
    project_name: str = Field(description="项目名称")
    region: str = Field(description="所属区划，如 海南区（150303）")
    helper: Person = Field(description="帮办人员及联系方式（案件代办帮办员）")
    requested_on: str = Field(description="协办时间")
    project_contact: Person = Field(description="项目负责人及联系方式")
    items: list[int] = Field(description="协办事项")
    item_names: list[str] = Field(description="协办事项名称")
    reason: FreeTextStr = Field(description="协办原因")
    required_documents: list[str] = Field(description="办理要件")
    requested_unit: str = Field(description="需协办单位")
    local_center: str = Field(description="本级代办帮办中心（签字）")
    remark: FreeTextStr | None = Field(default=None, description="备注")
    due_date: str = Field(description="答复期限（10个工作日）")
    due_date_estimated: bool = Field(default=False, description="答复期限按预估的工作日历计算")
    upper_items: list[UpperItem] | None = Field(default=None, description="区级目录之外的上级部门事项")
    waiting_items: list[int] | None = Field(default=None, description="等待协办结果才能申报的本级事项编号")


@contract("coordination.CrossLevelAnswered", description="跨层级协办结果（附件7 协办结果、协办人员、协办中心签字）")
class CrossLevelAnswered(EventPayload):
    case_id: str
    request_id: str
    result: FreeTextStr = Field(description="协办结果")
    assisted_by: Person = Field(description="协办人员及联系方式")
    assisting_center: str = Field(description="协办代办帮办中心")
    answered_on: str = Field(description="反馈日期")
    on_time: bool = Field(description="在答复期限内反馈")
    remark: FreeTextStr | None = Field(default=None, description="备注")


class Confirmation(_Part):
    """The other side's assent (经双方认可): online, or the signed paper form recorded by the agent."""

    side: ClosureSide = Field(description="确认方：applicant 申请人，agent 代办帮办员")
    way: ConfirmationWay = Field(description="online 在线确认；paper 代办帮办员录入申请人签字的纸质单据")
    confirmed_on: str = Field(description="确认（录入）日期")
    signed_on: str | None = Field(default=None, description="纸质单据上的签字日期")
    material_id: str | None = Field(default=None, description="签字单据扫描件的材料编号（signed_form）")


@contract("coordination.CaseCompleted", description="办结（附件8 办结单）")
class CaseCompleted(EventPayload):
    case_id: str
    completed_on: str = Field(description="办结日期")
    note: FreeTextStr | None = Field(default=None, description="说明")
    materials_returned: Literal[True] = Field(description="有关资料已移交申请单位")
    service_point: ServicePoint
    case_agent: CaseAgent
    applicant: Applicant
    project: ProjectRef
    items: list[CompletedItem]
    proposed_on: str | None = Field(default=None, description="代办帮办员签署办结单的日期")
    returned_materials: list[str] | None = Field(default=None, description="资料移交清单")
    confirmation: Confirmation | None = Field(default=None, description="申请人的确认（经双方认可）")


@contract("coordination.ClosureProposed",
          description="一方签署办结单（附件8）或终止单（附件10），待另一方确认（经双方认可）；确认后才办结或终止")
class ClosureProposed(EventPayload):
    case_id: str
    kind: ClosureKind = Field(description="completion 办结，termination 终止")
    side: ClosureSide = Field(description="提出方：agent 代办帮办员，applicant 申请人（自愿委托，申请人可申请终止）")
    proposed_on: str = Field(description="提出日期")
    signed_on: str | None = Field(default=None, description="纸质单据上的签字日期（事后录入时）")
    note: FreeTextStr | None = Field(default=None, description="说明")
    reason: FreeTextStr | None = Field(default=None, description="终止原因（终止时）")
    reason_code: TerminationReason | None = Field(default=None, description="终止原因分类（终止时）")
    returned_materials: list[str] | None = Field(default=None, description="资料移交清单：已移交申请单位的资料")


@contract("coordination.CaseTerminated", description="终止代办帮办（附件10 终止单）")
class CaseTerminated(EventPayload):
    case_id: str
    terminated_on: str = Field(description="终止日期")
    reason: FreeTextStr = Field(description="终止原因")
    reason_code: TerminationReason = Field(description="终止原因分类")
    service_point: ServicePoint
    case_agent: CaseAgent
    applicant: Applicant
    project: ProjectRef
    items: list[ItemAtEnd] = Field(default_factory=list)
    proposed_on: str | None = Field(default=None, description="提出终止的日期")
    proposed_by: ClosureSide | None = Field(default=None, description="提出方：agent 代办帮办员，applicant 申请人")
    returned_materials: list[str] | None = Field(default=None, description="资料移交清单")
    confirmation: Confirmation | None = Field(default=None, description="另一方的确认（经双方认可）")


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
    reason: FreeTextStr
