"""Integration events published by evaluation (好差评: ratings, 差评 rectification, follow-up visits).

Conventions:
* a satisfaction level is always a *name* (``very_satisfied`` … ``very_dissatisfied``); codes exist
  only at the edge (export), always with the name of their code list;
* the bottom two levels are 差评; every 差评 opens one rectification, id ``<case_id>-R<rating_no>``;
* ``defaulted: true`` marks a rating the system recorded (基本满意 after N natural days unrated):
  keep it out of 主动评价率 and apart from ratings people gave;
* ``real_name``: an authenticated applicant account is real-name; a ``written`` / ``phone`` rating
  recorded by an agent is real-name only when the rater's name is recorded;
* a follow-up draw concerns no single case: ``FollowUpDrawn`` uses ``case_id = "draw:<draw_id>"``;
  a visit concerns one case: ``FollowUpVisited`` uses the visited case's id;
* dates are ISO ``YYYY-MM-DD`` strings; department fields are department codes.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.registry import EventPayload, contract

Level = Literal["very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied"]
RatingChannel = Literal["portal", "mobile", "qr_code", "hall_tablet", "hall_terminal", "phone", "sms", "written"]
CaseOutcome = Literal["completed", "terminated"]
RectificationState = Literal["pending", "in_progress", "under_review", "rectified", "invalid", "impossible", "closed"]
RectificationAction = Literal[
    "start", "record_follow_up_call", "verify", "rectify", "explain", "request_invalidation",
    "request_impossible", "approve_review", "reject_review", "give_feedback", "close",
]
VisitOutcome = Literal["reached", "unreachable", "declined"]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AgentRef(_Part):
    username: str
    name: str | None = None
    department: str | None = None


class ApplicantRef(_Part):
    name: str
    credit_code: str | None = None


class ProjectRef(_Part):
    name: str
    code: str | None = None


class CaseItem(_Part):
    item_no: int
    department: str


class Rater(_Part):
    """Who rated: an applicant account, a named person recorded by an agent, anonymous, or the system."""

    kind: Literal["applicant_account", "recorded_by_agent", "system"]
    username: str | None = None
    name: str | None = None
    phone: str | None = None
    enterprise: str | None = Field(default=None, description="统一社会信用代码")


@contract("evaluation.CaseRegistered", description="评价服务登记案件（据 coordination.CaseOpened）；办结或终止前不可评价")
class CaseRegistered(EventPayload):
    case_id: str
    applicant: ApplicantRef
    service_point: Literal["district", "park"]
    case_agent: AgentRef
    project: ProjectRef


@contract("evaluation.RatingInvited", description="案件办结或终止，邀请申请人评价（评价表 附件9）；每案一次")
class RatingInvited(EventPayload):
    case_id: str
    outcome: CaseOutcome
    concluded_on: str
    applicant: ApplicantRef
    service_point: Literal["district", "park"]
    case_agent: AgentRef
    project: ProjectRef
    items: list[CaseItem]


@contract("evaluation.RatingGiven", description="评价（follow_up: 追评，与首评并存；defaulted: 系统默认基本满意）")
class RatingGiven(EventPayload):
    case_id: str
    rating_no: int
    level: Level
    channel: RatingChannel | None = Field(description="评价渠道；系统默认评价为 null")
    comment: str | None = None
    rater: Rater
    real_name: bool
    follow_up: bool
    defaulted: bool
    rated_on: str
    bad: bool = Field(description="差评（不满意、非常不满意）")
    request_key: str | None = Field(default=None, description="幂等键（重试时不重复记录）")


@contract("evaluation.RectificationOpened", description="差评整改开立（待整改），含整改期限（工作日）与责任部门、责任人")
class RectificationOpened(EventPayload):
    rectification_id: str
    case_id: str
    rating_no: int
    level: Level
    real_name: bool
    opened_on: str
    due_date: str
    due_date_estimated: bool
    workdays: int
    service_point: Literal["district", "park"]
    department: str = Field(description="责任部门（开立时为服务点所属部门）")
    agent: AgentRef = Field(description="责任人（案件代办帮办员）")


@contract("evaluation.RectificationStateChanged", description="差评整改动作（核实、回访电话、整改、说明、申请认定与审核、办结）")
class RectificationStateChanged(EventPayload):
    rectification_id: str
    case_id: str
    action: RectificationAction
    from_state: RectificationState
    to_state: RectificationState
    note: str | None = None
    reached: bool | None = Field(default=None, description="回访电话是否接通（record_follow_up_call）")
    items: list[int] | None = Field(default=None, description="差评所涉事项（verify 时指明）")
    departments: list[str] | None = Field(default=None, description="据所涉事项确定的责任部门")
    on_date: str
    late: bool = Field(default=False, description="在整改期限之后完成")


@contract("evaluation.RectificationOverdue", description="差评整改超期（整改超期；每项整改仅一次）")
class RectificationOverdue(EventPayload):
    rectification_id: str
    case_id: str
    due_date: str
    detected_on: str
    state: RectificationState


@contract("evaluation.FeedbackGiven", description="向评价人反馈整改情况（申请人可见）")
class FeedbackGiven(EventPayload):
    rectification_id: str
    case_id: str
    feedback_no: int
    feedback: str
    given_on: str


@contract("evaluation.FollowUpDrawn", description="回访随机抽取（case_id 为 'draw:<draw_id>'；种子与排序后的候选案件均记录，可复现）")
class FollowUpDrawn(EventPayload):
    draw_id: str
    period_start: str
    period_end: str
    ratio: float
    seed: int
    inputs: list[str] = Field(description="期间内办结或终止的案件，按案件编号排序")
    sample: list[str] = Field(description="抽中的案件，按案件编号排序")
    algorithm: str
    drawn_on: str


@contract("evaluation.FollowUpVisited", description="回访结果；信封 case_id 为被回访的案件（= visited_case_id），draw_id 指明所属抽取")
class FollowUpVisited(EventPayload):
    draw_id: str
    visited_case_id: str
    visit_no: int
    outcome: VisitOutcome
    level: Level | None = None
    note: str | None = None
    visited_on: str
