"""Request and response bodies of the coordination API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.coordination import (
    CaseOpened, CaseStatus, ClosureProposed, CombinedService, Confirmation, CompletedItem, PlanSet, ItemAction, ItemAtEnd, ItemStatus, ProjectSummary, ServicePoint,
    CommitmentResult, TerminationReason,
)
from shared.read_models import (
    ActorRead, AgentRead, ApplicantRead, CombinedServiceRead, CrossLevelRequestRead, DepartmentRef,
    ItemProgressPart, JointReviewRead, MaterialEntryRead, NoticeBreachRead, NotificationEntry, OpenedItemPart, PersonRead, PlanStepRead,
    read_model,
)
from shared.types import (
    CaseDate, Code, Codes, Entries, ItemList, ItemNo, ItemNumbers, MAX_ENTRIES, Name, Note, Reason, ShortText, Text, Title,
)
from shared.validation import Phone


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PersonIn(_Body):
    name: Name = Field(description="姓名")
    phone: Phone = Field(description="联系电话")


class ReassignmentCreate(_Body):
    username: Code = Field(description="新的案件代办帮办员账号（窗口或园区服务点代办员）")
    reason: Reason = Field(description="变更原因")


class CoverCreate(_Body):
    username: Code = Field(description="代岗人员账号（同一服务点的代办帮办员）")
    from_date: CaseDate = Field(description="代岗开始日期（含）")
    to_date: CaseDate = Field(description="代岗结束日期（含）")
    reason: Reason = Field(description="代岗原因（休假、出差、培训等）")


class CoverCreated(BaseModel):
    case_id: str
    cover_no: int = Field(description="代岗安排编号")


class PlanStepIn(_Body):
    item_no: ItemNo = Field(description="事项编号")
    planned_start: CaseDate | None = Field(default=None, description="计划开始日期")
    planned_finish: CaseDate | None = Field(default=None, description="计划完成日期")
    after: ItemList = Field(default_factory=list, description="须先完成的事项编号")


class PlanPut(_Body):
    steps: list[PlanStepIn] = Field(min_length=1, max_length=MAX_ENTRIES, description="申报计划步骤")
    note: Note | None = Field(default=None)


class ItemActionCreate(_Body):
    action: ItemAction = Field(description="file 申报, accept 受理, request_correction 补正告知, correction_done 补正完成/容缺材料补齐, "
                                           "accept_with_deficiency 容缺受理, start_special_procedure/end_special_procedure 特别程序, "
                                           "approve 办结（准予）, refuse 办结（不予）, withdraw 撤回, "
                                           "accept_on_commitment 告知承诺受理（须填 verify_by）")
    note: Note | None = Field(default=None)
    missing_materials: Entries = Field(default_factory=list, description="所缺（或须补正的）材料")
    until: CaseDate | None = Field(default=None, description="容缺材料承诺补齐日期")
    verify_by: CaseDate | None = Field(default=None, description="告知承诺受理：核查申请人承诺的日期（不早于今日）")
    result_number: Code | None = Field(default=None, description="办结（准予）：批文或证照的文号/编号")
    result_material_id: Code | None = Field(default=None, description="办结（准予）：批文或证照扫描件的材料编号（材料类型 result）")


class CommitmentVerificationCreate(_Body):
    result: CommitmentResult = Field(description="kept 核查属实（承诺已履行），broken 核查不实（未履行承诺）")
    note: Note | None = Field(default=None, description="核查情况")


class ItemRequirementsIn(_Body):
    item_no: ItemNo
    requirements: Entries | None = Field(default=None, description="该事项的全部申报要求（一次性告知）；不填则按材料清单列出")


class NotificationCreate(_Body):
    items: list[ItemRequirementsIn] = Field(min_length=1, max_length=MAX_ENTRIES)
    note: Note | None = Field(default=None)


class JointReviewCreate(_Body):
    date: CaseDate = Field(description="会议日期")
    departments: Codes = Field(description="参会部门代码")
    items: ItemNumbers = Field(description="会商事项编号")
    conclusion: Text


class CombinedServiceCreate(_Body):
    kind: CombinedService = Field(description="multi_assessment 多评合一, multi_drawing_review 多图联审, joint_acceptance 联合验收")
    items: ItemList = Field(min_length=2, description="合并办理的事项编号")
    note: Note | None = Field(default=None)


class UpperItemIn(_Body):
    name: Title = Field(description="事项名称（上级部门事项，区级目录中没有）")
    department: Title = Field(description="承办的上级部门，如 乌海市自然资源局")


class CrossLevelCreate(_Body):
    items: ItemList = Field(default_factory=list, description="协办事项编号（本案件的委托事项）")
    upper_items: list[UpperItemIn] = Field(default_factory=list, max_length=MAX_ENTRIES,
                                           description="区级目录之外的上级部门事项（与 items 至少填一项）")
    waiting_items: ItemList = Field(default_factory=list, description="等待协办结果才能申报的本级事项编号（须为待申报）")
    reason: Text = Field(description="协办原因")
    required_documents: Entries = Field(min_length=1, description="办理要件")
    requested_unit: Title = Field(description="需协办单位（上级代办帮办中心或部门）")
    project_contact: PersonIn = Field(description="项目负责人及联系方式")
    agent_phone: Phone | None = Field(default=None, description="帮办人员联系方式（案件代办帮办员）")
    remark: Note | None = Field(default=None, description="备注")


class CrossLevelResult(_Body):
    result: Text = Field(description="协办结果")
    assisted_by: PersonIn = Field(description="协办人员及联系方式")
    assisting_center: Title | None = Field(default=None, description="协办代办帮办中心（签字）")
    remark: Note | None = Field(default=None)


class CompletionCreate(_Body):
    materials_returned: bool | Entries = Field(
        description="资料移交：已移交申请单位的资料清单（至少一项）；true 表示有关资料已全部移交（不列清单）")
    note: Note | None = Field(default=None)
    signed_on: CaseDate | None = Field(default=None, description="纸质办结单上代办帮办员的签字日期（事后录入时）")


class TerminationCreate(_Body):
    reason: Text = Field(description="终止原因")
    reason_code: TerminationReason = Field(default="other", description="conditions_not_met 不具备办理条件, falsified_materials 弄虚作假, "
                                                                        "unlawful 其他违法违规, applicant_request 申请人申请终止, other 其他"
                                                                        "（申请人提出时为 applicant_request）")
    materials_returned: Entries | None = Field(default=None, description="已移交申请单位的资料清单")
    signed_on: CaseDate | None = Field(default=None, description="纸质终止单上的签字日期（事后录入时）")


class ClosureConfirmationCreate(_Body):
    signed_on: CaseDate | None = Field(default=None, description="纸质单据上申请人的签字日期（代办帮办员代录时必填）")
    material_id: Code | None = Field(default=None, description="申请人签字的纸质单据扫描件的材料编号（signed_form；代录时必填）")


class RegisterChangeCreate(_Body):
    items: ItemNumbers = Field(description="涉及的事项编号")
    replaced: Name | None = Field(default=None, description="被替换的代办帮办人员姓名（新增人员时省略）")
    replacement: PersonIn
    effective_on: CaseDate = Field(description="调整生效日期")
    reason: Reason


class CalendarPut(_Body):
    announced: bool = Field(default=True, description="该年安排已由国务院办公厅公布（不再标记为预估）")
    overrides: dict[dt.date, Literal["workday", "holiday"]] = Field(
        default_factory=dict, max_length=366, description="该年的调整：holiday 放假的工作日，workday 调休上班的周末")
    reason: Reason = Field(description="变更原因（记入日历变更历史），如“国办发明电〔2026〕×号”")



# -- responses -------------------------------------------------------------------------------
OnDate = Field(description="日期 YYYY-MM-DD")


ProjectSummaryRead = read_model("ProjectSummaryRead", ProjectSummary, doc="项目")


class AgentHistoryRead(BaseModel):
    agent: AgentRead
    from_: str = Field(alias="from", description="自该时刻起担任案件代办帮办员（ISO 8601）")
    reason: str = Field(description="受理，或变更原因")


class CoverRead(BaseModel):
    cover_no: int = Field(description="代岗安排编号")
    agent: AgentRead = Field(description="被代岗的案件代办帮办员")
    deputy: AgentRead = Field(description="代岗人员")
    from_date: str = Field(description="代岗开始日期（含）")
    to_date: str = Field(description="代岗结束日期（含）")
    reason: str = Field(description="代岗原因")
    active: bool = Field(description="今天在代岗期间内")
    arranged_at: str = Field(description="安排时刻（ISO 8601）")
    arranged_by: str = Field(description="安排人账号")


class DeficiencyRead(BaseModel):
    missing_materials: list[str] = Field(description="容缺的材料")
    until: str = Field(description="承诺补齐日期")


class ItemHistoryRead(BaseModel):
    action: ItemAction
    from_status: ItemStatus
    to_status: ItemStatus
    note: str | None
    on_date: str = OnDate
    at: str = Field(description="登记时刻（ISO 8601）")
    by: ActorRead


class CommitmentRead(BaseModel):
    verify_by: str = Field(description="应核查日期")
    result: CommitmentResult | None = Field(description="核查结果；未核查为 null")
    verified_on: str | None = Field(description="核查日期")
    note: str | None = Field(description="核查情况")
    overdue: bool = Field(description="过了应核查日期仍未核查")
    overdue_flags: list[str] = Field(description="已记录逾期未核查的核查日期")


class ItemResultRead(BaseModel):
    number: str | None = Field(description="批文或证照文号/编号")
    material_id: str | None = Field(description="批文或证照扫描件的材料编号（材料类型 result）")


class ItemRead(ItemProgressPart, OpenedItemPart):
    """One delegated item: as opened, its handling state, its clock (as of today) and its history."""

    department: DepartmentRef = Field(description="承办部门")
    assignee: PersonRead | None = Field(description="第一位承办代办帮办人员（无人承办时为 null）")
    holder: str = Field(description="承办人，无人时为“部门（部门兜底）”")
    status: ItemStatus = Field(description="办理状态")
    status_label: str = Field(description="办理状态（中文）")
    filed_on: str | None = Field(description="申报（收件）日期")
    concluded_on: str | None = Field(description="办结或撤回日期")
    pauses: list[tuple[str, str | None]] = Field(description="暂停区间 [开始, 结束]；仍在暂停时结束为 null")
    until: str | None = Field(description="容缺材料承诺补齐日期")
    deficiency: DeficiencyRead | None = Field(description="容缺受理：所缺材料与承诺日期；已补齐或未容缺时为 null")
    deficiency_overdue: bool = Field(description="容缺材料已过承诺日期仍未补齐（准予办结须写明理由）")
    deficiency_overdue_flags: list[str] = Field(description="已记录逾期未补齐的承诺补齐日期")
    waiting_for_cross_level: list[str] = Field(description="等待其协办结果才能申报的协办单编号（反馈后为空）")
    commitment: CommitmentRead | None = Field(description="告知承诺受理：核查日期与核查结果；非告知承诺受理为 null")
    result: ItemResultRead | None = Field(description="办结（准予）时登记的批文或证照；未登记为 null")
    warnings: list[str] = Field(description="已发出临期提醒的截止日期")
    due_soon: bool = Field(description="临期：在提醒天数之内且未超期")
    overdue: bool = Field(description="超期（在办已过截止日期，或超期办结）")
    overdue_flags: list[str] = Field(description="已标记超期的截止日期")
    acceptance_overdue: bool = Field(description="已收件逾期：过了受理时限（acceptance_due）仍未受理也未一次性告知补正；"
                                                 "受理时自收件之日起算时限")
    deemed_accepted: bool = Field(description="逾期未告知，自收件之日起视为受理（受理日期为收件日）")
    notice_breaches: list[NoticeBreachRead] = Field(description="违反一次性告知的记录（再次要求补正、逾期才告知）")
    history: list[ItemHistoryRead] = Field(description="办理记录")


class PlanRowRead(BaseModel):
    item_no: int = Field(description="事项编号")
    planned: bool = Field(description="该事项列入了申报计划")
    stage: int = Field(description="工程建设阶段")
    after: list[int] = Field(description="须先完成的事项编号")
    planned_start: str | None = Field(description="计划开始日期")
    planned_finish: str | None = Field(description="计划完成日期")
    actual_start: str | None = Field(description="实际申报日期")
    actual_finish: str | None = Field(description="实际办结日期")
    status: ItemStatus = Field(description="办理状态")
    behind_plan: bool = Field(description="晚于计划完成日期")


PlanVersionRead = read_model("PlanVersionRead", PlanSet, without=("case_id",), doc="申报计划的一个版本",
                             steps=(list[PlanStepRead], PlanSet.model_fields["steps"]),
                             set_at=(str, Field(description="编制时刻（ISO 8601）")),
                             set_by=(str, Field(description="编制人账号")))


class PlanRead(PlanVersionRead):
    """The current plan beside the actual dates."""

    rows: list[PlanRowRead] = Field(description="计划与实际：每个委托事项一行")


class NoPlanRead(BaseModel):
    """No plan yet: version 0, no steps, the actual dates only."""

    model_config = ConfigDict(extra="forbid")  # tells it apart from a PlanRead

    version: Literal[0] = Field(description="尚未编制申报计划")
    steps: list[PlanStepRead] = Field(description="空")
    rows: list[PlanRowRead] = Field(description="各委托事项的实际日期")


class CaseClockRead(BaseModel):
    started_on: str = Field(description="案件开始日期（受理日）")
    until: str = Field(description="计至该日（今日，或办结/终止日）")
    elapsed_workdays: int = Field(description="经过的工作日")
    paused_workdays: int = Field(description="其中无事项计时、至少一个事项暂停的工作日")
    net_workdays: int = Field(description="净用时（经过 − 暂停）")
    due_date: str | None = Field(description="最晚的事项截止日期")
    due_date_estimated: bool = Field(description="有事项的截止日期为预估")


class NotificationRead(NotificationEntry):
    by: str = Field(description="告知人账号")


class _CaseKey(BaseModel):
    case_id: str = Field(description="案件编号")


class CrossLevelRead(CrossLevelRequestRead, _CaseKey):
    """A cross-level request with its case id (answer of the create and result commands)."""


CompletedItemRead = read_model("CompletedItemRead", CompletedItem)
TerminatedItemRead = read_model("TerminatedItemRead", ItemAtEnd)


ConfirmationRead = read_model("ConfirmationRead", Confirmation, doc="另一方的确认（经双方认可）")


class CompletionClosureRead(BaseModel):
    """办结单（附件8）."""

    kind: Literal["completion"]
    on: str = Field(description="办结日期")
    note: str | None = Field(description="说明")
    materials_returned: bool = Field(description="有关资料已移交申请单位")
    items: list[CompletedItemRead]
    by: ActorRead
    proposed_by: ActorRead | None = Field(default=None, description="签署办结单的代办帮办员（双方确认之前的记录为 null）")
    proposed_on: str | None = Field(default=None, description="代办帮办员签署日期")
    returned_materials: list[str] | None = Field(default=None, description="资料移交清单")
    confirmation: ConfirmationRead | None = Field(default=None, description="申请人的确认")


class TerminationClosureRead(BaseModel):
    """终止单（附件10）."""

    kind: Literal["termination"]
    on: str = Field(description="终止日期")
    reason: str = Field(description="终止原因")
    reason_code: TerminationReason = Field(description="终止原因分类")
    items: list[TerminatedItemRead]
    by: ActorRead
    proposed_by: ActorRead | None = Field(default=None, description="提出终止的一方（双方确认之前的记录为 null）")
    proposed_on: str | None = Field(default=None, description="提出日期")
    returned_materials: list[str] | None = Field(default=None, description="资料移交清单")
    confirmation: ConfirmationRead | None = Field(default=None, description="另一方的确认")


ClosureProposalRead = read_model("ClosureProposalRead", ClosureProposed, without=("case_id",),
                                 doc="已签署、待另一方确认的办结单或终止单",
                                 by=(ActorRead, Field(description="提出人")))


# The case as opened (``coordination.CaseOpened``, its items apart): the base of CaseRead.
CaseOpenedPart = read_model("CaseOpenedPart", CaseOpened, without=("items",),
                            case_agent=(AgentRead, CaseOpened.model_fields["case_agent"]),
                            applicant=(ApplicantRead, CaseOpened.model_fields["applicant"]),
                            project=(ProjectSummaryRead, CaseOpened.model_fields["project"]))


class CaseRead(CaseOpenedPart):
    """The case in coordination: as opened, then status, agent, plan against actual, every item and its clock, closure."""

    status: CaseStatus = Field(description="open 办理中, completed 已办结, terminated 已终止")
    status_label: str = Field(description="案件状态（中文）")
    service_point_name: str = Field(description="服务点名称")
    agent_history: list[AgentHistoryRead] = Field(description="代办帮办员的变更记录")
    delegation_agrees: bool = Field(description="现行授权委托书为现任案件代办帮办员签署（受理时或其后重新签署）；"
                                                "变更代办帮办员后为 false，直至申请人重新签署授权委托书")
    delegated_agent: str | None = Field(description="受理后重新签署的授权委托书所列代办人；未重新签署为 null")
    covers: list[CoverRead] = Field(description="代岗安排（期间内代岗人员与案件代办帮办员均可办理）")
    plan: Union[PlanRead, NoPlanRead] = Field(description="当前申报计划与实际（尚未编制时 version 为 0）")
    plan_versions: list[PlanVersionRead] = Field(description="申报计划的全部版本")
    items: list[ItemRead] = Field(description="委托事项")
    assignee_gaps: list[int] = Field(description="由部门兜底（无代办帮办人员）的事项编号")
    unfinished_items: list[int] = Field(description="尚未办结的事项编号")
    clock: CaseClockRead = Field(description="案件计时（由各事项计时组成）")
    notifications: list[NotificationRead] = Field(description="一次性告知")
    joint_reviews: list[JointReviewRead] = Field(description="会商联审")
    combined_services: list[CombinedServiceRead] = Field(description="多评合一、多图联审、联合验收")
    cross_level_requests: list[CrossLevelRequestRead] = Field(description="跨层级协办单")
    closure: Annotated[Union[CompletionClosureRead, TerminationClosureRead], Field(discriminator="kind")] | None = Field(
        description="办结单或终止单；办理中为 null")
    closure_proposal: ClosureProposalRead | None = Field(
        description="已由一方签署、待另一方确认的办结单或终止单；没有时为 null")


class CaseSummaryRead(BaseModel):
    case_id: str = Field(description="案件编号")
    status: CaseStatus = Field(description="open 办理中, completed 已办结, terminated 已终止")
    service_point: ServicePoint = Field(description="服务点")
    case_agent: str = Field(description="案件代办帮办员账号")
    credit_code: str | None = Field(description="申请单位统一社会信用代码")
    departments: list[str] = Field(description="涉及的部门代码")
    project_name: str = Field(description="项目名称")
    opened_on: str = Field(description="受理日期")


class ItemActionRead(BaseModel):
    case_id: str = Field(description="案件编号")
    case_status: CaseStatus = Field(description="案件状态")
    item: ItemRead = Field(description="办理后的事项")


class NotificationCreated(_CaseKey):
    notification_no: int = Field(description="告知序号（同一告知重复提交时为原序号）")


class JointReviewCreated(_CaseKey):
    review_no: int = Field(description="会议序号（同一会议重复提交时为原序号）")


class CombinedServiceCreated(_CaseKey):
    marker_no: int = Field(description="标记序号（同一标记重复提交时为原序号）")


class ItemMaterialsRead(BaseModel):
    item_no: int = Field(description="事项编号")
    version: int = Field(description="材料清单版本")
    source: str = Field(description="清单依据（法规条文或公开办事指南）")
    verified: bool = Field(description="true 按所列法规条文逐项列出；false 据办事指南通用要素整理，待承办部门核定")
    materials: list[MaterialEntryRead] = Field(description="材料")
    notice: list[str] = Field(description="一次性告知的写法（不填告知内容时按此告知）")


class CatalogItemRead(BaseModel):
    item_no: int = Field(description="事项编号（附件2，含勘误；新增事项续编）")
    name: str = Field(description="事项名称")
    department: DepartmentRef = Field(description="承办部门")
    item_type: str = Field(description="事项类型")
    stage: int = Field(description="工程建设阶段（1–5）")
    stage_name: str | None = Field(description="阶段名称")
    statutory_days: int = Field(description="法定时限（工作日）")
    promised_days: int = Field(description="承诺时限（工作日）")
    limits_source: Literal["law", "local", "default"] = Field(
        description="时限来源：law 法律、行政法规或规章，local 公布的办事指南或本地文件，default 未查到法定时限，按事项类型的默认值")
    limits_basis: str = Field(description="时限依据：法律法规名称及条款；默认值时说明默认值的来由")
    since_version: int = Field(description="自事项目录第几版起列入")
    assigned_agents: list[PersonRead] = Field(description="负责的代办帮办人员（附件11）")


class CalendarRead(BaseModel):
    year: int = Field(description="年份")
    estimated: bool = Field(description="预估：该年的节假日安排尚未公布或录入")
    source: Literal["override", "package", "weekdays_guess"] = Field(
        description="override 管理员录入, package 随软件提供的国务院安排, weekdays_guess 按周一至周五预估")
    workdays: int = Field(description="全年工作日数")
    holidays_on_weekdays: list[str] = Field(description="放假的周一至周五")
    makeup_workdays: list[str] = Field(description="调休上班的周末")
    overrides: dict[str, Literal["workday", "holiday"]] = Field(description="该年的录入调整（日期 → workday/holiday）")
    changes: list["CalendarChangeRead"] = Field(description="该年的变更历史（谁、何时、为何），按录入顺序")


class CalendarChangeRead(BaseModel):
    """One recorded change of a year's holidays and make-up days."""

    change_no: int = Field(description="日历变更序号（全部年份统一编号）")
    year: int = Field(description="年份")
    overrides: dict[str, Literal["workday", "holiday"]] = Field(description="该次录入的该年全部调整")
    announced: bool = Field(description="该年安排已公布")
    reason: str = Field(description="变更原因")
    changed_by: ActorRead = Field(description="变更人")
    changed_at: str = Field(description="变更时间（ISO 8601）")


class RegisterChangeRead(BaseModel):
    """One change of a department's agents (登记报备), as recorded."""

    department: str = Field(description="部门代码")
    change_no: int = Field(description="该部门的报备序号")
    items: list[int] = Field(description="涉及的事项编号")
    replaced: PersonRead | None = Field(description="被替换的人员（新增人员时为 null）")
    replacement: PersonRead = Field(description="新的代办帮办人员")
    effective_on: str = Field(description="生效日期")
    reason: str = Field(description="调整原因")
    recorded_by: ActorRead | str = Field(
        description="报备人；重复提交同一调整（幂等重试）时答复登记表中的该条记录，此处为报备人账号")
    recorded_at: str = Field(description="报备时刻（ISO 8601）")


class RegisterEntryRead(BaseModel):
    department: str = Field(description="部门代码")
    change_no: int = Field(description="该部门的报备序号")
    items: list[int] = Field(description="涉及的事项编号")
    replaced: PersonRead | None = Field(description="被替换的人员（新增人员时为 null）")
    replacement: PersonRead = Field(description="新的代办帮办人员")
    effective_on: str = Field(description="生效日期")
    reason: str = Field(description="调整原因")
    recorded_at: str = Field(description="报备时刻（ISO 8601）")
    recorded_by: str = Field(description="报备人账号")


class RegisterRead(BaseModel):
    changes: list[RegisterEntryRead] = Field(description="调整登记报备（按报备顺序）")
    assignees: dict[int, list[PersonRead]] = Field(description="今日有效的登记表：事项编号 → 代办帮办人员")
