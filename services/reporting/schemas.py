"""Response bodies of the reporting API (read-only views; reporting takes no request bodies)."""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, Field

from shared.contracts.envelope import ServiceName
from shared.contracts.coordination import (
    CaseCompleted, CaseTerminated, ClosureProposed, CommitmentResult, OpenedItem, PlanSet,
)
from shared.contracts.evaluation import Rater, RatingGiven, RectificationOpened
from shared.contracts.supervision import SubmissionStatus
from shared.read_models import (
    ActorRead, AgentRead, ApplicantRead, CombinedServiceRead, CrossLevelRequestRead, ItemProgressPart, JointReviewRead, NoticeBreachRead,
    NotificationEntry, Number, PlanStepRead, read_model,
)

# What the case view shows of an event is built from its contract: the folds in caseview.py copy
# the fields these models take (``from_payload``), so a field added to the contract shows here.
_SHOWN_ELSEWHERE = ("case_id", "service_point", "case_agent", "applicant", "project", "items")

# -- the case view ---------------------------------------------------------------------------


class CommitmentRead(BaseModel):
    signed_by: str = Field(description="项目经办人签字")
    signed_at: str = Field(description="签署时刻（ISO 8601）")


class AcceptedDecisionRead(BaseModel):
    decision: Literal["accepted"] = Field(description="受理")
    by: ActorRead
    at: str = Field(description="时刻（ISO 8601）")


class ClosingDecisionRead(BaseModel):
    decision: Literal["rejected", "withdrawn"] = Field(description="rejected 不予受理, withdrawn 申请人撤回")
    by: ActorRead
    at: str = Field(description="时刻（ISO 8601）")
    reason: str | None = Field(description="不予受理或撤回的原因")


class AgentChangeRead(BaseModel):
    from_: AgentRead = Field(alias="from", description="原代办帮办员")
    to: AgentRead = Field(description="新代办帮办员")
    reason: str | None = Field(description="变更原因（内部说明：申请人看到的是 null）")
    at: str = Field(description="时刻（ISO 8601）")


ViewOpenedItemPart = read_model("ViewOpenedItemPart", OpenedItem, without=("assignee_gap_reason",),
                                assignees=(list[str], Field(description="承办的代办帮办人员姓名")))


class AmendmentRead(BaseModel):
    amendment_no: int = Field(description="第几次更正")
    changed: list[str] = Field(description="更正的字段")
    reason: str = Field(description="更正原因")
    at: str = Field(description="更正时刻")
    by: ActorRead = Field(description="更正人")


class ViewCommitmentRead(BaseModel):
    verify_by: str = Field(description="应核查日期")
    result: CommitmentResult | None = Field(description="kept 核查属实，broken 核查不实；未核查为 null")
    verified_on: str | None = Field(description="核查日期")
    on_time: bool | None = Field(description="按期核查")
    overdue_on: str | None = Field(description="记录逾期未核查的日期")


class ViewItemRead(ItemProgressPart, ViewOpenedItemPart):
    """An item as the read side keeps it, flagged near or past due at the view's date."""

    status: str = Field(description="办理状态")
    status_label: str | None = Field(description="办理状态（中文）")
    concluded_on: str | None = Field(description="办结或撤回日期")
    on_time: bool | None = Field(description="按时办结；未办结或撤回时为 null")
    warned_on: str | None = Field(description="最近一次临期提醒日期")
    overdue_on: str | None = Field(description="最近一次超期标记日期")
    actions: int = Field(description="办理操作次数")
    last_actor: str | None = Field(description="最近办理人账号")
    overdue: bool = Field(description="在查看日已超期（在办、未暂停、已过截止日期）")
    near_due: bool = Field(description="在查看日临期")
    workdays_left: int | None = Field(default=None, description="在办、未暂停且有截止日期时：距截止日期的工作日数"
                                      "（负数为已超期的工作日数）；否则为 null")
    acceptance_overdue: bool = Field(default=False, description="已收件逾期：过了受理时限仍未受理也未一次性告知补正")
    notice_breaches: list[NoticeBreachRead] = Field(default_factory=list, description="违反一次性告知的记录")
    deficiency_overdue_on: str | None = Field(default=None, description="容缺材料逾期未补齐的记录日期")
    commitment: ViewCommitmentRead | None = Field(default=None, description="告知承诺受理：核查日期与结果；否则为 null")


PlanSnapshotRead = read_model("PlanSnapshotRead", PlanSet, without=("case_id",), doc="当前申报计划",
                              steps=(list[PlanStepRead], PlanSet.model_fields["steps"]),
                              set_at=(str, Field(description="编制时刻（ISO 8601）")))
CompletionRead = read_model("CompletionRead", CaseCompleted, without=_SHOWN_ELSEWHERE, doc="办结单（附件8）",
                            by=(ActorRead, Field(description="办结人")))
TerminationRead = read_model("TerminationRead", CaseTerminated, without=_SHOWN_ELSEWHERE, doc="终止单（附件10）",
                             by=(ActorRead, Field(description="终止人")))
ClosureProposalViewRead = read_model("ClosureProposalViewRead", ClosureProposed, without=("case_id",),
                                     doc="待另一方确认的办结单或终止单", by=(ActorRead, Field(description="提出人")))


RaterRead = read_model("RaterRead", Rater, doc="评价人")
ViewRatingRead = read_model("ViewRatingRead", RatingGiven, without=("case_id", "request_key"), doc="评价",
                            rater=(RaterRead, Field(description="评价人")))


class FollowUpCallRead(BaseModel):
    on_date: str = Field(description="回访日期")
    reached: bool | None = Field(description="电话是否接通")


class RectificationStepRead(BaseModel):
    action: str = Field(description="整改操作")
    to_state: str = Field(description="操作后的状态")
    on_date: str = Field(description="日期")
    note: str | None = Field(description="说明（内部说明：仅工作人员可见，申请人看到的是 null）")
    by: str | None = Field(description="操作人账号（申请人看到的是 null）")


class ViewRectificationRead(read_model("_RectificationOpenedPart", RectificationOpened,
                                        without=("case_id", "due_date_estimated", "service_point"))):
    agent: AgentRead = Field(description="责任人")
    departments: list[str] = Field(description="责任部门代码（核实后按所涉事项确定）")
    agent: AgentRead = Field(description="责任人")
    state: str = Field(description="整改状态")
    rectified_on: str | None = Field(description="整改完成日期")
    finished_on: str | None = Field(description="结束日期（整改完成、无效、无法整改或关闭）")
    late: bool = Field(description="在期限之后完成")
    overdue_on: str | None = Field(description="标记整改超期的日期")
    follow_up_calls: list[FollowUpCallRead] = Field(description="实名差评回访电话")
    feedbacks: int = Field(description="向评价人反馈的次数")
    actions: list[RectificationStepRead] = Field(description="整改记录")


Decision = Annotated[Union[AcceptedDecisionRead, ClosingDecisionRead], Field(discriminator="decision")]


class CaseViewRead(BaseModel):
    """The case on one page, from every service's events (eventually consistent).

    Parts a service has not reported yet are null or empty.  Personal data is masked for roles
    that do not need it."""

    case_id: str = Field(description="案件编号")
    status: str | None = Field(description="submitted 已申请, accepted 已受理, rejected 不予受理, withdrawn 已撤回, "
                                           "in_progress 办理中, completed 已办结, terminated 已终止")
    status_label: str | None = Field(description="案件状态（中文）")
    channel: str | None = Field(description="受理渠道")
    service_point: str | None = Field(description="服务点：district, park")
    routing_reason: str | None = Field(description="分派服务点的理由")
    applicant: ApplicantRead | None = Field(description="申请单位")
    enterprise: str | None = Field(description="申请单位统一社会信用代码")
    unit: dict | None = Field(description="申请单位信息（附件4，申请时所填）")
    project: dict | None = Field(description="项目信息（附件4，申请时所填）")
    requested_items: list[int] = Field(description="申请代办的事项编号")
    departments: list[str] = Field(description="涉及的部门代码")
    submitted_at: str | None = Field(description="申请时刻（ISO 8601）")
    recorded_by: ActorRead | None = Field(description="登记申请的账号（申请人或代录的代办帮办员）")
    delegation: dict | None = Field(description="现行授权委托书（附件5，委托书事件的数据与签署时刻）")
    delegations: int = Field(description="签署委托书的次数")
    commitment: CommitmentRead | None = Field(description="承诺书（附件6）")
    accepted_at: str | None = Field(description="受理时刻")
    decision: Decision | None = Field(description="受理、不予受理或撤回")
    case_agent: AgentRead | None = Field(description="案件代办帮办员")
    agent_changes: list[AgentChangeRead] = Field(description="代办帮办员变更")
    opened_on: str | None = Field(description="开案日期")
    items: list[ViewItemRead] = Field(description="委托事项")
    plan: PlanSnapshotRead | None = Field(description="当前申报计划")
    notifications: list[NotificationEntry] = Field(description="一次性告知")
    joint_reviews: list[JointReviewRead] = Field(description="会商联审")
    combined_services: list[CombinedServiceRead] = Field(description="多评合一、多图联审、联合验收")
    cross_level_requests: list[CrossLevelRequestRead] = Field(description="跨层级协办单")
    concluded_on: str | None = Field(description="办结、终止、不予受理或撤回的日期")
    outcome: str | None = Field(description="completed 或 terminated")
    completion: CompletionRead | None = Field(description="办结单")
    termination: TerminationRead | None = Field(description="终止单")
    amendments: list[AmendmentRead] = Field(default_factory=list, description="申请表的更正记录（更正后的值见 unit、project）")
    closure_proposal: ClosureProposalViewRead | None = Field(
        default=None, description="已由一方签署、待另一方确认的办结单或终止单（经双方认可）")
    rating_invited_on: str | None = Field(description="邀请评价时的办结（终止）日期")
    ratings: list[ViewRatingRead] = Field(description="评价（含追评）")
    rectifications: list[ViewRectificationRead] = Field(description="差评整改")
    follow_up_visits: list[dict] = Field(description="抽样回访记录（回访事件的数据）")
    event_count: int = Field(description="案件的事件数")
    first_event_at: str | None = Field(description="第一个事件的时刻")
    last_event_at: str | None = Field(description="最后一个事件的时刻")
    overdue_items: int = Field(description="在查看日已超期的事项数")


class CaseRowRead(BaseModel):
    case_id: str = Field(description="案件编号")
    status: str | None = Field(description="案件状态")
    status_label: str | None = Field(description="案件状态（中文）")
    channel: str | None = Field(description="受理渠道")
    service_point: str | None = Field(description="服务点")
    applicant: str | None = Field(description="申请单位名称")
    project: str | None = Field(description="项目名称")
    case_agent: AgentRead | None = Field(description="案件代办帮办员")
    departments: list[str] = Field(description="涉及的部门代码")
    submitted_at: str | None = Field(description="申请时刻")
    opened_on: str | None = Field(description="开案日期")
    concluded_on: str | None = Field(description="结束日期")
    items: int = Field(description="委托事项数")
    items_concluded: int = Field(description="已办结或撤回的事项数")
    overdue_items: int = Field(description="今日已超期的事项数")
    rating: str | None = Field(description="首次评价的满意度")
    open_rectifications: int = Field(description="未结束的差评整改数")


class CaseListRead(BaseModel):
    total: int = Field(description="符合条件的案件数")
    limit: int
    offset: int
    items: list[CaseRowRead] = Field(description="按申请时刻由新到旧")
    next_cursor: str | None = Field(default=None, description="下一页的游标（键集分页：?cursor= 原样传回）；无下一页为 null")


class HistoryEventRead(BaseModel):
    event_id: str = Field(description="事件编号（同一领域事件恒定）")
    service: ServiceName = Field(description="发布事件的服务")
    position: int = Field(description="在发布服务事件日志中的位置")
    type: str = Field(description="事件类型 <service>.<EventName>")
    schema_version: int = Field(description="数据结构版本")
    occurred_at: str = Field(description="发生时刻（ISO 8601）")
    actor: ActorRead = Field(description="操作人")
    on_behalf_of: str | None = Field(description="代谁操作")
    channel: str | None = Field(description="渠道")
    data: dict = Field(description="事件数据（见 docs/events.md 中该事件类型的结构）")


class ChainBreakRead(BaseModel):
    service: str = Field(description="服务")
    position: int = Field(description="该服务事件日志中的位置")
    reason: str = Field(description="原因")


class HistoryRead(BaseModel):
    case_id: str = Field(description="案件编号")
    as_of: str | None = Field(description="查询的时刻；不带 as_of 时为 null")
    case: CaseViewRead = Field(description="该时刻的案件")
    event_count: int = Field(description="至该时刻的事件数")
    events: list[HistoryEventRead] = Field(description="各服务的事件，按时间、服务（intake < coordination < evaluation）、位置排序")
    verified: bool = Field(description="所示事件是否与各服务事件日志的哈希链相符（未被改动、删除或插入）")
    breaks: list[ChainBreakRead] = Field(description="不相符之处：服务、位置与原因；verified 为 true 时为空")


class ReferenceEventRead(HistoryEventRead):
    case_id: str = Field(description="'calendar:<年份>'（工作日历）或 'register:<部门代码>'（代办帮办人员登记表）")


class ReferenceHistoryRead(BaseModel):
    event_count: int = Field(description="事件数")
    events: list[ReferenceEventRead] = Field(
        description="参考数据（工作日历调休表、代办帮办人员登记报备）的全部变更：谁、何时、为何，按时间排序")


# -- figures ---------------------------------------------------------------------------------


class PeriodRead(BaseModel):
    start: str | None = Field(description="起始日期（含）；不限时为 null")
    end: str | None = Field(description="截止日期（含）；不限时为 null")


class RateRead(BaseModel):
    value: Number | None = Field(description="比率（0–1，四位小数）；分母为0时为 null")
    numerator: int = Field(description="分子")
    denominator: int = Field(description="分母")


class _Load(BaseModel):
    open_cases: int = Field(description="在办案件")
    open_items: int = Field(description="在办事项")
    near_due_items: int = Field(description="临期事项")
    past_due_items: int = Field(description="已超期在办事项")
    concluded_items: int = Field(description="期间内办结的事项")
    concluded_on_time: int = Field(description="其中按时办结")
    concluded_late: int = Field(description="其中超期办结")


class _DepartmentKey(BaseModel):
    department: str = Field(description="部门代码")


class DepartmentLoadRead(_Load, _DepartmentKey):
    pass


class _AgentKey(_DepartmentKey):
    agent: str = Field(description="代办帮办人员姓名（未配置时为“（未配置代办帮办人员）”）")


class AgentLoadRead(_Load, _AgentKey):
    pass


class CaseAgentLoadRead(BaseModel):
    username: str = Field(description="案件代办帮办员账号")
    name: str | None = Field(description="姓名")
    service_point: str = Field(description="服务点")
    open_cases: int = Field(description="在办案件")
    concluded_cases: int = Field(description="期间内办结或终止的案件")


class WorkloadsRead(BaseModel):
    as_of: str = Field(description="基准日（今日）")
    period: PeriodRead
    departments: list[DepartmentLoadRead] = Field(description="各部门")
    agents: list[AgentLoadRead] = Field(description="各部门的代办帮办人员")
    case_agents: list[CaseAgentLoadRead] = Field(description="案件代办帮办员（服务点）；按部门筛选时为空")


class SatisfactionRead(BaseModel):
    """好差评 figures over first ratings (追评 counted apart)."""

    period: PeriodRead
    department: str | None = Field(description="部门筛选")
    channel: str | None = Field(description="评价渠道筛选")
    good_levels: list[str] = Field(description="计为好评的满意度")
    ratings: int = Field(description="首次评价数")
    follow_up_ratings: int = Field(description="追评数")
    defaulted_ratings: int = Field(description="系统默认评价数")
    by_level: dict[str, int] = Field(description="各满意度的评价数")
    by_channel: dict[str, int] = Field(description="各渠道的评价数（系统默认评价为 system_default）")
    by_department: dict[str, int] = Field(description="各部门（案件涉及）的评价数")
    by_agent: dict[str, int] = Field(description="各案件代办帮办员的评价数")
    by_item: dict[str, int] = Field(description="各事项编号的评价数")
    good_rate: RateRead = Field(description="好评率")
    bad_rate: RateRead = Field(description="差评率")
    rectifications: int = Field(description="差评整改数")
    invalid_bad_ratings: int = Field(description="无效差评数")
    rectification_rate: RateRead = Field(description="差评整改率（无效差评不计入分母）")
    real_name_follow_up_rate: RateRead = Field(description="实名差评回访率")
    rating_rate: RateRead = Field(description="评价率")
    active_rating_rate: RateRead = Field(description="主动评价率（不含系统默认评价）")
    overdue_rectifications: int = Field(description="整改超期数")
    mean_rectification_workdays: Number | None = Field(description="平均整改用时（工作日）")
    on_time_rate: RateRead = Field(description="按时办结率")


class OverdueControlRead(BaseModel):
    value: Number | None = Field(description="超期控制率；无经办事项时为 null")
    overdue_items: int = Field(description="超期事项")
    handled_items: int = Field(description="经办事项")


class IndicatorsRead(BaseModel):
    on_time: RateRead = Field(description="按时办结率")
    overdue: OverdueControlRead = Field(description="超期控制率")
    satisfaction: RateRead = Field(description="好评率")
    rectification: RateRead = Field(description="差评整改率")
    follow_up: RateRead = Field(description="实名差评回访率")
    complaints: RateRead = Field(description="投诉建议按期答复率")


class ScorecardRowRead(BaseModel):
    department: str = Field(description="部门代码")
    department_name: str = Field(description="部门名称")
    indicators: IndicatorsRead
    applicable: list[str] = Field(description="适用（分母不为0）的指标")
    score: Number | None = Field(description="得分（满分100）；无适用指标时为 null")
    rank: int | None = Field(description="名次；无得分时为 null")
    overdue_items: int = Field(description="超期事项")
    complaints: int = Field(description="期间内转办本部门的投诉建议")
    complaints_overdue: int = Field(description="其中超期答复或超期未答复的")
    notice_breaches: int = Field(description="违反一次性告知（期间内再次要求补正、逾期才告知补正）的次数；列示，不计分")
    deficiency_overdue: int = Field(description="期间内记录的容缺材料逾期未补齐的事项数；列示，不计分")
    commitments_broken: int = Field(description="期间内核查不实的告知承诺事项数；列示，不计分")


class FormulaRead(BaseModel):
    score: str = Field(description="计分公式")
    indicators: dict[str, str] = Field(description="各指标的定义")
    not_applicable: str = Field(description="不适用指标的处理")
    weights: dict[str, Number] = Field(description="各指标的权重")


class LimitsUsedRead(BaseModel):
    items: int = Field(description="评分所涉事项（目录事项）数")
    law: int = Field(description="其中时限有法律法规依据的")
    local: int = Field(description="其中时限依据本地公布的办事指南的")
    default: int = Field(description="其中未查到法定时限、按事项类型默认时限的")
    note: str = Field(description="说明")


class ThirdPartyDepartmentRead(BaseModel):
    department: str = Field(description="部门代码")
    department_name: str = Field(description="部门名称")
    score: Number = Field(description="第三方评分（满分100）")
    system_score: Number | None = Field(description="本系统评分卡同期的得分；无得分时为 null")
    difference: Number | None = Field(description="第三方评分 − 本系统得分")
    notes: str | None = Field(description="评估意见")


class ThirdPartyBesideRead(BaseModel):
    report_id: str = Field(description="报告编号")
    assessor: str = Field(description="评估机构")
    title: str | None
    period_start: str = Field(description="评估期间起")
    period_end: str = Field(description="评估期间止")
    overall_score: Number | None = Field(description="总体评分")
    notes: str | None = Field(description="总体意见")
    imported_on: str = Field(description="导入日期")
    departments: list[ThirdPartyDepartmentRead] = Field(description="各部门的第三方评分与本系统得分并列")


class AssessmentRead(BaseModel):
    period: PeriodRead
    as_of: str = Field(description="基准日")
    formula: FormulaRead
    departments: list[ScorecardRowRead] = Field(description="各部门的评分卡")
    limits: LimitsUsedRead = Field(description="评分所用时限的来源：多少为默认值")
    third_party: list[ThirdPartyBesideRead] = Field(
        default_factory=list, description="评估期间与本期间重叠的第三方评估报告（导入的评分与本系统评分并列）")


class SampleItemRead(BaseModel):
    item_no: int
    name: str | None
    department: str
    stage: int | None
    promised_days: int | None = Field(description="承诺时限（工作日）")
    statutory_days: int | None = Field(description="法定时限（工作日）")
    accepted_on: str | None
    acceptance_due: str | None = Field(description="受理时限")
    due_date: str | None = Field(description="截止日期")
    due_date_estimated: bool | None
    paused_workdays: int | None = Field(description="暂停（补正、特别程序）的工作日数")
    status: str | None
    status_label: str | None
    concluded_on: str | None
    on_time: bool | None = Field(description="按时办结；未办结或撤回为 null")


class SampleRatingRead(BaseModel):
    rating_no: int
    level: str
    level_label: str
    channel: str | None
    rated_on: str
    real_name: bool | None
    follow_up: bool | None
    defaulted: bool | None
    bad: bool | None


class SampleRectificationRead(BaseModel):
    rectification_id: str
    rating_no: int | None
    level: str | None
    opened_on: str | None
    due_date: str | None
    department: str | None
    state: str | None
    rectified_on: str | None
    finished_on: str | None
    late: bool | None


class SampleCaseRead(BaseModel):
    """A case as the third-party assessor sees it: no person, phone, ID number, enterprise or free text."""

    case_id: str
    service_point: str | None
    channel: str | None
    status: str | None
    status_label: str | None
    outcome: str | None
    opened_on: str | None
    concluded_on: str | None
    requested_items: list[int] | None
    departments: list[str] | None
    items: list[SampleItemRead]
    ratings: list[SampleRatingRead]
    rectifications: list[SampleRectificationRead]


class ThirdPartySampleRead(BaseModel):
    period: PeriodRead
    seed: int = Field(description="随机种子（同一期间与种子，样本相同）")
    size: int = Field(description="要求的样本量")
    candidates: int = Field(description="期间内办结或终止的案件数")
    algorithm: str
    cases: list[SampleCaseRead] = Field(description="抽中的案件，按案件编号排序，已匿名化")


class MonthlyFiguresRead(BaseModel):
    cases_opened: int = Field(description="新开案件")
    cases_completed: int = Field(description="办结案件")
    cases_terminated: int = Field(description="终止案件")
    cases_open_at_end: int = Field(description="月末在办案件")
    items_accepted: int = Field(description="受理事项")
    items_concluded: int = Field(description="办结事项")
    deadlines_kept: int = Field(description="按时办结")
    deadlines_missed: int = Field(description="超期办结")
    items_open_at_end: int = Field(description="月末在办事项")
    items_overdue_at_end: int = Field(description="月末已超期事项")
    ratings: int = Field(description="评价数")
    good_ratings: int = Field(description="好评数")
    bad_ratings: int = Field(description="差评数")
    good_rate: RateRead = Field(description="好评率")
    rectifications_opened: int = Field(description="差评整改开立")
    rectifications_completed: int = Field(description="整改完成")
    rectifications_overdue: int = Field(description="整改超期")
    complaints_received: int = Field(description="收到的投诉建议（转办本部门）")
    complaints_replied: int = Field(description="其中已答复")
    complaints_overdue: int = Field(description="其中超期答复或超期未答复")
    progress: str = Field(description="工作进展（文字）")


class _NamedDepartment(_DepartmentKey):
    department_name: str = Field(description="部门名称")


class MonthlyDepartmentRead(MonthlyFiguresRead, _NamedDepartment):
    pass


class MonthlyReportRead(BaseModel):
    month: str = Field(description="月份 YYYY-MM")
    period: PeriodRead
    ready_from: str = Field(description="正式月报可生成的日期（次月1日）")
    due_by: str = Field(description="报送期限（次月15日）")
    generated_on: str = Field(description="生成日期")
    status: Literal["provisional", "final"] = Field(description="provisional 临时（月份未结束）, final 正式")
    status_label: str = Field(description="状态说明")
    totals: MonthlyFiguresRead | None = Field(description="合计；按部门生成时为 null")
    departments: list[MonthlyDepartmentRead] = Field(description="各部门")
    satisfaction: SatisfactionRead = Field(description="好差评统计")
    assessment: AssessmentRead = Field(description="评分卡")
    submissions: "SubmissionSummaryRead" = Field(description="各部门月度报送情况及办公室汇总")


class SubmittedRead(_NamedDepartment):
    status: SubmissionStatus = Field(
        description="submitted 按期报送, submitted_late 逾期报送, missing 逾期未报送, not_due 尚未报送（未到期限）")
    status_label: str
    submitted_on: str | None = Field(description="首次报送日期")
    late: bool = Field(description="逾期报送或逾期未报送")
    progress: str | None = Field(description="工作进展情况")
    practices: str | None = Field(description="经验做法")
    typical_cases: str | None = Field(description="典型案例")


class SubmissionSummaryRead(BaseModel):
    due_by: str = Field(description="报送期限（次月15日）")
    submitted: int = Field(description="已报送的部门数")
    late: int = Field(description="逾期（逾期报送或逾期未报送）的部门数")
    missing: int = Field(description="逾期未报送的部门数")
    summary: str = Field(description="办公室汇总（文字）")
    departments: list[SubmittedRead] = Field(description="各部门")


class AgentYearRead(BaseModel):
    kind: Literal["case_agent", "department_agent"] = Field(description="case_agent 服务点案件代办帮办员, "
                                                                        "department_agent 部门代办帮办人员")
    username: str | None = Field(description="账号（案件代办帮办员）；部门人员按登记姓名计，为 null")
    name: str | None = Field(description="姓名")
    department: str | None = Field(description="部门代码（部门人员）；案件代办帮办员为服务点所属部门")
    service_point: str | None = Field(description="服务点（案件代办帮办员）")
    cases: int = Field(description="年内办结或终止的、经其办理的案件")
    items_concluded: int = Field(description="年内办结的事项（案件代办帮办员：其案件的全部事项；部门人员：其承办的事项）")
    items_on_time: int = Field(description="其中按时办结")
    on_time_rate: RateRead = Field(description="按时办结率")
    ratings: int = Field(description="年内对其案件的评价（首次评价）")
    good_ratings: int = Field(description="其中好评")
    bad_ratings: int = Field(description="其中差评")
    good_rate: RateRead = Field(description="好评率")
    bad_rectified: int = Field(description="年内整改完成的差评（部门人员：本部门为责任部门的）")
    complaints: int = Field(description="年内涉及其案件的投诉建议（部门人员：转办本部门的）")


class AnnualAssessmentRead(BaseModel):
    year: int
    period: PeriodRead
    as_of: str = Field(description="基准日（年度未结束时为今日）")
    status: Literal["provisional", "final"] = Field(description="provisional 年度未结束的临时数据, final 正式")
    assessment: AssessmentRead = Field(description="年度“放管服”考核评分卡（各部门）")
    agents: list[AgentYearRead] = Field(description="个人年度绩效考核：各代办帮办人员的年度数据")
    definitions: dict[str, str] = Field(description="各项人员数据的口径")


class InboxTodoRead(BaseModel):
    kind: str = Field(description="application_to_accept 待受理申请, case_to_complete 待办结, item_to_file 待代为申报, "
                                  "item_due 临期/超期督办, item_to_handle 部门待办事项, form_to_sign 待签署, "
                                  "correction_to_supply 待补正, deficiency_to_supply 待补齐容缺材料, rating_to_give 待评价, "
                                  "rectification 差评整改, report_to_submit 待报送月度工作情况（不属于案件）")
    what: str = Field(description="要做什么（中文）")
    case_id: str | None = Field(description="案件编号；不属于案件的待办（月度报送）为 null")
    project: str | None = Field(description="项目名称")
    applicant: str | None = Field(description="申请单位")
    item_no: int | None
    item_name: str | None
    due_date: str | None = Field(description="截止日期")
    workdays_left: int | None = Field(description="距截止日期的工作日数（负数为已超期）")
    overdue: bool
    near_due: bool
    at: str | None = Field(description="待办产生的时刻或日期（排序：最新在前）")
    link: str = Field(description="页面链接（案件页面；月度报送为报送页面）")


class FigureMemberRead(BaseModel):
    case_id: str = Field(description="案件编号")
    item_no: int | None = Field(default=None, description="所计的事项（事项类指标）")
    rating_no: int | None = Field(default=None, description="所计的评价序号（评价类指标）")
    rectification_id: str | None = Field(default=None, description="所计的差评整改（整改类指标）")
    case: CaseRowRead | None = Field(description="案件摘要")


class FigureCasesRead(BaseModel):
    figure: str = Field(description="指标")
    period: PeriodRead
    department: str | None
    service_point: str | None
    channel: str | None
    count: int = Field(description="所计条目数，等于该指标的数值")
    items: list[FigureMemberRead] = Field(description="所计的每一条（同一案件可因多个事项或评价出现多次）")


MonthlyReportRead.model_rebuild()
