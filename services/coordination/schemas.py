"""Request and response bodies of the coordination API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.coordination import CombinedService, ItemAction, ItemStatus, ServicePoint, TerminationReason
from shared.read_models import ActorRead, AgentRead, ApplicantRead, DepartmentRef, PersonRead
from shared.validation import Phone

Text = Field(min_length=1, max_length=2000)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PersonIn(_Body):
    name: str = Field(min_length=1, max_length=50, description="姓名")
    phone: Phone = Field(description="联系电话")


class ReassignmentCreate(_Body):
    username: str = Field(min_length=1, max_length=100, description="新的案件代办帮办员账号（窗口或园区服务点代办员）")
    reason: str = Field(min_length=1, max_length=1000, description="变更原因")


class PlanStepIn(_Body):
    item_no: int = Field(ge=1, description="事项编号")
    planned_start: dt.date | None = Field(default=None, description="计划开始日期")
    planned_finish: dt.date | None = Field(default=None, description="计划完成日期")
    after: list[int] = Field(default_factory=list, description="须先完成的事项编号")


class PlanPut(_Body):
    steps: list[PlanStepIn] = Field(min_length=1, description="申报计划步骤")
    note: str | None = Field(default=None, max_length=2000)


class ItemActionCreate(_Body):
    action: ItemAction = Field(description="file 申报, accept 受理, request_correction 补正告知, correction_done 补正完成/容缺材料补齐, "
                                           "accept_with_deficiency 容缺受理, start_special_procedure/end_special_procedure 特别程序, "
                                           "approve 办结（准予）, refuse 办结（不予）, withdraw 撤回")
    note: str | None = Field(default=None, max_length=2000)
    missing_materials: list[str] = Field(default_factory=list, description="所缺（或须补正的）材料")
    until: dt.date | None = Field(default=None, description="容缺材料承诺补齐日期")


class ItemRequirementsIn(_Body):
    item_no: int = Field(ge=1)
    requirements: list[str] = Field(min_length=1, description="该事项的全部申报要求（一次性告知）")


class NotificationCreate(_Body):
    items: list[ItemRequirementsIn] = Field(min_length=1)
    note: str | None = Field(default=None, max_length=2000)


class JointReviewCreate(_Body):
    date: dt.date = Field(description="会议日期")
    departments: list[str] = Field(min_length=1, description="参会部门代码")
    items: list[int] = Field(min_length=1, description="会商事项编号")
    conclusion: str = Text


class CombinedServiceCreate(_Body):
    kind: CombinedService = Field(description="multi_assessment 多评合一, multi_drawing_review 多图联审, joint_acceptance 联合验收")
    items: list[int] = Field(min_length=2, description="合并办理的事项编号")
    note: str | None = Field(default=None, max_length=2000)


class CrossLevelCreate(_Body):
    items: list[int] = Field(min_length=1, description="协办事项编号")
    reason: str = Field(min_length=1, max_length=2000, description="协办原因")
    required_documents: list[str] = Field(min_length=1, description="办理要件")
    requested_unit: str = Field(min_length=1, max_length=200, description="需协办单位（上级代办帮办中心或部门）")
    project_contact: PersonIn = Field(description="项目负责人及联系方式")
    agent_phone: Phone | None = Field(default=None, description="帮办人员联系方式（案件代办帮办员）")
    remark: str | None = Field(default=None, max_length=2000, description="备注")


class CrossLevelResult(_Body):
    result: str = Field(min_length=1, max_length=2000, description="协办结果")
    assisted_by: PersonIn = Field(description="协办人员及联系方式")
    assisting_center: str | None = Field(default=None, max_length=200, description="协办代办帮办中心（签字）")
    remark: str | None = Field(default=None, max_length=2000)


class CompletionCreate(_Body):
    materials_returned: bool = Field(description="有关资料已向申请单位移交完毕（须为 true）")
    note: str | None = Field(default=None, max_length=2000)


class TerminationCreate(_Body):
    reason: str = Field(min_length=1, max_length=2000, description="终止原因")
    reason_code: TerminationReason = Field(default="other", description="conditions_not_met 不具备办理条件, falsified_materials 弄虚作假, "
                                                                        "unlawful 其他违法违规, applicant_request 申请人申请终止, other 其他")


class RegisterChangeCreate(_Body):
    items: list[int] = Field(min_length=1, description="涉及的事项编号")
    replaced: str | None = Field(default=None, max_length=50, description="被替换的代办帮办人员姓名（新增人员时省略）")
    replacement: PersonIn
    effective_on: dt.date = Field(description="调整生效日期")
    reason: str = Field(min_length=1, max_length=1000)


class CalendarPut(_Body):
    announced: bool = Field(default=True, description="该年安排已由国务院办公厅公布（不再标记为预估）")
    overrides: dict[dt.date, Literal["workday", "holiday"]] = Field(
        default_factory=dict, description="该年的调整：holiday 放假的工作日，workday 调休上班的周末")



# -- responses -------------------------------------------------------------------------------
CaseStatus = Literal["open", "completed", "terminated"]
OnDate = Field(description="日期 YYYY-MM-DD")


class ProjectSummaryRead(BaseModel):
    name: str = Field(description="项目名称")
    code: str | None = Field(description="项目代码")
    is_key_project: bool = Field(description="重点项目")
    in_industrial_park: bool = Field(description="位于工业园区")
    total_investment: str | None = Field(description="总投资（万元，十进制字符串）")


class AgentHistoryRead(BaseModel):
    agent: AgentRead
    from_: str = Field(alias="from", description="自该时刻起担任案件代办帮办员（ISO 8601）")
    reason: str = Field(description="受理，或变更原因")


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


class ItemRead(BaseModel):
    """One delegated item: its handling state, its clock and its history."""

    item_no: int = Field(description="事项编号")
    name: str = Field(description="事项名称")
    department: DepartmentRef = Field(description="承办部门")
    stage: int = Field(description="工程建设阶段（1–5）")
    promised_days: int = Field(description="承诺时限（工作日）")
    statutory_days: int = Field(description="法定时限（工作日）")
    assignee: PersonRead | None = Field(description="第一位承办代办帮办人员（无人承办时为 null）")
    assignees: list[PersonRead] = Field(description="承办的代办帮办人员（附件11 及登记报备）")
    holder: str = Field(description="承办人，无人时为“部门（部门兜底）”")
    assignee_gap: bool = Field(description="附件11 未配置代办帮办人员，由部门兜底")
    assignee_gap_reason: str | None = Field(description="兜底原因")
    status: ItemStatus = Field(description="办理状态")
    status_label: str = Field(description="办理状态（中文）")
    filed_on: str | None = Field(description="申报（收件）日期")
    accepted_on: str | None = Field(description="受理日期（时限自次一工作日起算）")
    concluded_on: str | None = Field(description="办结或撤回日期")
    due_date: str | None = Field(description="承诺办结日期（顺延暂停的工作日）；未受理时为 null")
    due_date_estimated: bool = Field(description="截止日期按预估的工作日历计算（该年节假日安排尚未录入）")
    paused: bool = Field(description="计时暂停（补正、特别程序）")
    paused_workdays: int = Field(description="暂停的工作日数")
    pauses: list[tuple[str, str | None]] = Field(description="暂停区间 [开始, 结束]；仍在暂停时结束为 null")
    missing_materials: list[str] = Field(description="所缺（或须补正的）材料")
    until: str | None = Field(description="容缺材料承诺补齐日期")
    deficiency: DeficiencyRead | None = Field(description="容缺受理：所缺材料与承诺日期；已补齐或未容缺时为 null")
    deficiency_overdue: bool = Field(description="容缺材料已过承诺日期仍未补齐")
    warnings: list[str] = Field(description="已发出临期提醒的截止日期")
    due_soon: bool = Field(description="临期：在提醒天数之内且未超期")
    overdue: bool = Field(description="超期（在办已过截止日期，或超期办结）")
    overdue_flags: list[str] = Field(description="已标记超期的截止日期")
    history: list[ItemHistoryRead] = Field(description="办理记录")


class PlanStepRead(BaseModel):
    item_no: int = Field(description="事项编号")
    stage: int = Field(description="工程建设阶段")
    planned_start: str | None = Field(description="计划开始日期")
    planned_finish: str | None = Field(description="计划完成日期")
    after: list[int] = Field(description="须先完成的事项编号")


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


class PlanVersionRead(BaseModel):
    version: int = Field(description="计划版本（自 1 起）")
    steps: list[PlanStepRead] = Field(description="按阶段、先后关系和计划开始日期排列的步骤")
    note: str | None = Field(description="说明")
    set_at: str = Field(description="编制时刻（ISO 8601）")
    set_by: str = Field(description="编制人账号")


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


class NotificationItemRead(BaseModel):
    item_no: int = Field(description="事项编号")
    requirements: list[str] = Field(description="全部申报要求")


class NotificationEntry(BaseModel):
    notification_no: int = Field(description="告知序号")
    items: list[NotificationItemRead]
    note: str | None = Field(description="说明")
    given_on: str = Field(description="告知日期")


class NotificationRead(NotificationEntry):
    by: str = Field(description="告知人账号")


class JointReviewRead(BaseModel):
    review_no: int = Field(description="会议序号")
    date: str = Field(description="会议日期")
    departments: list[str] = Field(description="参会部门代码（园区项目含 gyyq 工业园区管委会）")
    items: list[int] = Field(description="会商事项编号")
    conclusion: str = Field(description="会议结论")
    park_participates: bool = Field(description="工业园区管委会参加")
    kind: str = Field(description="会商联审，或（园区项目）联审联办工作会议")


class CombinedServiceRead(BaseModel):
    marker_no: int = Field(description="标记序号")
    kind: CombinedService = Field(description="multi_assessment 多评合一, multi_drawing_review 多图联审, joint_acceptance 联合验收")
    items: list[int] = Field(description="合并办理的事项编号")
    note: str | None = Field(description="说明")


class CrossLevelAnswerRead(BaseModel):
    result: str = Field(description="协办结果")
    assisted_by: PersonRead = Field(description="协办人员及联系方式")
    assisting_center: str = Field(description="协办代办帮办中心")
    answered_on: str = Field(description="反馈日期")
    on_time: bool = Field(description="在答复期限内反馈")
    remark: str | None = Field(description="备注")


class CrossLevelRequestRead(BaseModel):
    """跨层级审批事项服务协办单（附件7）."""

    request_id: str = Field(description="协办单编号")
    project_name: str = Field(description="项目名称")
    region: str = Field(description="所属地区")
    helper: PersonRead = Field(description="帮办人员（案件代办帮办员）及联系方式")
    requested_on: str = Field(description="申请协办日期")
    project_contact: PersonRead = Field(description="项目负责人及联系方式")
    items: list[int] = Field(description="协办事项编号")
    item_names: list[str] = Field(description="协办事项名称")
    reason: str = Field(description="协办原因")
    required_documents: list[str] = Field(description="办理要件")
    requested_unit: str = Field(description="需协办单位")
    local_center: str = Field(description="本级代办帮办中心（帮办人员）")
    remark: str | None = Field(description="备注")
    due_date: str = Field(description="答复期限（10个工作日）")
    due_date_estimated: bool = Field(description="答复期限按预估的工作日历计算")
    answer: CrossLevelAnswerRead | None = Field(description="协办结果；尚未反馈时为 null")


class _CaseKey(BaseModel):
    case_id: str = Field(description="案件编号")


class CrossLevelRead(CrossLevelRequestRead, _CaseKey):
    """A cross-level request with its case id (answer of the create and result commands)."""


class CompletedItemRead(BaseModel):
    item_no: int = Field(description="事项编号")
    department: str = Field(description="部门代码")
    outcome: ItemStatus = Field(description="办结结果")
    accepted_on: str | None = Field(description="受理日期")
    concluded_on: str | None = Field(description="办结日期")
    due_date: str | None = Field(description="承诺办结日期")
    on_time: bool = Field(description="按时办结")


class TerminatedItemRead(BaseModel):
    item_no: int = Field(description="事项编号")
    department: str = Field(description="部门代码")
    status: ItemStatus = Field(description="终止时的办理状态")


class CompletionClosureRead(BaseModel):
    """办结单（附件8）."""

    kind: Literal["completion"]
    on: str = Field(description="办结日期")
    note: str | None = Field(description="说明")
    materials_returned: bool = Field(description="有关资料已移交申请单位")
    items: list[CompletedItemRead]
    by: ActorRead


class TerminationClosureRead(BaseModel):
    """终止单（附件10）."""

    kind: Literal["termination"]
    on: str = Field(description="终止日期")
    reason: str = Field(description="终止原因")
    reason_code: TerminationReason = Field(description="终止原因分类")
    items: list[TerminatedItemRead]
    by: ActorRead


class CaseRead(BaseModel):
    """The case in coordination: status, agent, plan against actual, every item and its clock, closure."""

    case_id: str = Field(description="案件编号")
    status: CaseStatus = Field(description="open 办理中, completed 已办结, terminated 已终止")
    status_label: str = Field(description="案件状态（中文）")
    service_point: ServicePoint = Field(description="服务点：district 区政务服务局窗口, park 工业园区管委会服务点")
    service_point_name: str = Field(description="服务点名称")
    case_agent: AgentRead = Field(description="案件代办帮办员")
    agent_history: list[AgentHistoryRead] = Field(description="代办帮办员的变更记录")
    applicant: ApplicantRead = Field(description="申请单位")
    project: ProjectSummaryRead = Field(description="项目")
    unit_name: str = Field(description="申请单位名称")
    channel: str = Field(description="受理渠道")
    opened_on: str = Field(description="受理（开案）日期")
    delegation_no: int | None = Field(description="授权委托书序号")
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


class CatalogItemRead(BaseModel):
    item_no: int = Field(description="事项编号（附件2，含勘误；新增事项续编）")
    name: str = Field(description="事项名称")
    department: DepartmentRef = Field(description="承办部门")
    item_type: str = Field(description="事项类型")
    stage: int = Field(description="工程建设阶段（1–5）")
    stage_name: str | None = Field(description="阶段名称")
    statutory_days: int = Field(description="法定时限（工作日）")
    promised_days: int = Field(description="承诺时限（工作日）")
    limits_source: str = Field(description="时限来源：default 按事项类型的默认值，或部门公布")
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
