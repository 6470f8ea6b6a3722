"""Request and response bodies of the evaluation API."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.evaluation import Level, RatingChannel, RectificationAction, VisitOutcome
from shared.validation import Phone


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RaterInput(_Body):
    """评价人 of a rating an agent records (written form or phone); leave out for an anonymous rating."""

    name: str | None = Field(default=None, min_length=1, max_length=50, description="评价人姓名（填写即为实名评价）")
    phone: Phone | None = Field(default=None, description="评价人联系电话（实名差评回访用）")


class RatingCreate(_Body):
    level: Level = Field(description="very_satisfied 非常满意, satisfied 满意, basically_satisfied 基本满意（评价表：一般）, "
                                     "dissatisfied 不满意, very_dissatisfied 非常不满意")
    comment: str | None = Field(default=None, max_length=2000, description="意见及建议")
    channel: RatingChannel = Field(description="评价渠道: portal, mobile, qr_code, hall_tablet, hall_terminal, phone, sms, written")
    rater: RaterInput | None = Field(default=None, description="仅代办帮办员代录 written/phone 评价时填写")


class RatingRead(BaseModel):
    case_id: str
    rating_no: int
    level: str
    level_label: str
    level_label_form: str = Field(description="评价表（附件9）上的名称：基本满意即“一般”")
    channel: str | None
    channel_label: str | None
    comment: str | None
    rater: dict
    real_name: bool
    follow_up: bool = Field(description="追评：同一评价人在首评之后的评价，与首评并存")
    defaulted: bool = Field(description="系统默认评价（不计入主动评价率）")
    bad: bool
    rated_on: str
    rated_at: str
    rectification_id: str | None


class RectificationSummary(BaseModel):
    rectification_id: str
    rating_no: int
    state: str
    state_label: str
    overdue: bool
    due_date: str
    feedback: list[dict]


class CaseEvaluationRead(BaseModel):
    case_id: str
    status: Literal["open", "invited", "rated"]
    status_label: str
    outcome: str | None
    outcome_label: str | None
    concluded_on: str | None
    invited_at: str | None
    can_rate: bool
    applicant: dict
    project: dict
    service_point: str
    case_agent: dict
    ratings: list[RatingRead]
    rectifications: list[RectificationSummary]


class InvitationRead(BaseModel):
    case_id: str
    project: dict
    applicant: dict
    outcome: str
    outcome_label: str
    concluded_on: str
    invited_at: str | None
    rated: bool = Field(description="申请人是否已评价（系统默认评价不算）")
    ratings: int
    rate_at: str = Field(description="评价接口")


class RectificationActionCreate(_Body):
    action: RectificationAction
    note: str | None = Field(default=None, max_length=4000, description="说明：核实情况、整改措施、解释、理由或反馈内容")
    items: list[int] | None = Field(default=None, description="verify：差评所涉事项编号（据此确定责任部门）")
    reached: bool | None = Field(default=None, description="record_follow_up_call：回访电话是否接通")


class RectificationRead(BaseModel):
    rectification_id: str
    case_id: str
    rating_no: int
    level: str
    level_label: str
    real_name: bool
    state: str
    state_label: str
    overdue: bool
    overdue_since: str | None
    opened_on: str
    due_date: str
    due_date_estimated: bool
    workdays: int
    service_point: str
    departments: list[dict]
    agent: dict
    items: list[int]
    follow_up_calls: list[dict]
    verification: dict | None
    review: dict | None
    resolution: dict | None
    feedback: list[dict]
    history: list[dict]
    allowed_actions: list[str]


class DrawCreate(_Body):
    period_start: dt.date = Field(description="办结（终止）日期起")
    period_end: dt.date = Field(description="办结（终止）日期止（含）")
    ratio: float | None = Field(default=None, gt=0, le=1, description="抽取比例，缺省为设置 follow_up_ratio")
    seed: int | None = Field(default=None, ge=0, le=2**63 - 1, description="随机种子；缺省时随机生成并记录")


class VisitCreate(_Body):
    case_id: str = Field(min_length=1, max_length=40)
    outcome: VisitOutcome = Field(description="reached 已回访, unreachable 无法联系, declined 拒绝回访")
    level: Level | None = Field(default=None, description="回访时了解到的满意度（已回访时可填）")
    note: str | None = Field(default=None, max_length=4000)
    visited_on: dt.date


class DrawRead(BaseModel):
    draw_id: str
    period_start: str
    period_end: str
    ratio: float
    seed: int
    algorithm: str
    inputs: list[str]
    sample: list[str]
    drawn_on: str
    drawn_by: dict
    reproducible: bool = Field(description="以记录的种子和候选案件重新抽取，结果与记录一致")
    visits: list[dict]


class ExportRead(BaseModel):
    code_list: dict
    period_start: str | None
    period_end: str | None
    count: int
    records: list[dict]
