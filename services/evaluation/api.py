"""HTTP API of evaluation (API.md § evaluation): ratings, 差评 rectification, follow-up visits, export."""

from __future__ import annotations

import datetime as dt
import json
from typing import Literal

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status

from shared.auth import Principal, require_roles
from shared.auth.dependencies import AGENT_ROLES, SERVICE_POINT_ROLES
from shared.contracts import Role
from shared.contracts.evaluation import CASE_OUTCOME_LABELS
from shared import haochaping
from shared.errors import Forbidden, Invalid
from shared.reference import load_catalog
from shared.validation import parse_month
from shared.idempotency import check_same_body, fingerprint
from shared.workbook import MEDIA_TYPE as XLSX
from services.evaluation.application import EvaluationService
from services.evaluation.levels import CODE_LISTS, RECORDED_CHANNELS
from services.evaluation.rectification import REVIEW_ACTIONS
from services.evaluation.xlsx import ratings_workbook
from services.evaluation.schemas import (
    CaseEvaluationRead, DrawCreate, DrawRead, ExportRead, InvitationRead, RatingCreate, RatingRead,
    RectificationActionCreate, RectificationRead, VisitCreate,
)
from services.evaluation.views import (
    case_read, draw_read, export_record, may_see_rectification, rating_read, rectification_read,
    visible_case, visible_rectification,
)

router = APIRouter(prefix="/evaluation", tags=["evaluation"])
READERS = (Role.applicant, *AGENT_ROLES, Role.supervisor, Role.admin)
OFFICE = (Role.supervisor, Role.admin)
IdempotencyKey = Header(default=None, max_length=200, description="重试时携带相同的键，不会重复记录")


def evaluation(request: Request) -> EvaluationService:
    return request.app.state.services.evaluation


@router.post("/cases/{case_id}/rating", status_code=status.HTTP_201_CREATED, response_model=RatingRead,
             summary="评价（申请人本人；代办帮办员/督查员可代录 written 纸质评价表、phone 电话评价）；同一评价人再次评价为追评，不覆盖首评",
             description="办结或终止前 409；他人企业的案件 404。申请人账号评价为实名评价；代录评价（代录）须填写评价表上的日期 "
                         "signed_on，填写 rater.name 为实名，否则为匿名；本案的代办帮办员不能代录本案的评价（403）。"
                         "本案的评价是申请人本人的首评，代录评价不能在先或取代它。"
                         "差评（不满意、非常不满意）自动开立整改，同一评价人在本案同时只有一项未办结的整改；追评次数有上限（409）。"
                         "带 Idempotency-Key 重试，或与该评价人最近一次评价完全相同，均不重复记录。")
def rate(case_id: str, body: RatingCreate, request: Request,
         principal: Principal = Depends(require_roles(Role.applicant, *SERVICE_POINT_ROLES, Role.supervisor)),
         idempotency_key: str | None = IdempotencyKey) -> RatingRead:
    service = evaluation(request)
    case = visible_case(service, principal, case_id)
    account = principal.account
    if principal.role == Role.applicant:
        if body.channel in RECORDED_CHANNELS:
            raise Invalid("纸质评价表（written）和电话（phone）评价由代办帮办员代为录入", field="channel")
        if body.rater is not None:
            raise Invalid("申请人本人评价时不填写 rater（评价人即当前实名账号）", field="rater")
        if body.signed_on is not None:
            raise Invalid("申请人本人评价时不填写 signed_on（评价日期即今日）", field="signed_on")
        rater = {"kind": "applicant_account", "username": account.username, "name": account.name, "phone": None,
                 "enterprise": account.enterprise.credit_code}
        real_name, ctx = True, principal.context(channel=body.channel)
    else:
        if body.channel not in RECORDED_CHANNELS:
            raise Invalid("代办帮办员只能代录纸质评价表（written）或电话（phone）评价；其他渠道由申请人本人评价", field="channel")
        if account.username == (case.case_agent or {}).get("username"):
            raise Forbidden("被评价的代办帮办员不能代录本案的评价，请由本服务点其他工作人员或督查员录入")
        check_signed_on(body.signed_on, case, service.today())
        given = body.rater or None
        name = given.name if given else None
        rater = {"kind": "recorded_by_agent", "username": None, "name": name, "phone": given.phone if given else None,
                 "enterprise": case.applicant.get("credit_code"), "recorded_by": account.username}
        real_name = bool(name)
        ctx = principal.context(channel=body.channel, on_behalf_of=name or "匿名评价人")
    key = f"{account.username}:{idempotency_key}" if idempotency_key else None
    comment = body.comment or None
    rating, new = service.rate(ctx, case_id, level=body.level, channel=body.channel, comment=comment,
                               rater=rater, real_name=real_name, request_key=key,
                               signed_on=body.signed_on.isoformat() if body.signed_on else None)
    if not new and idempotency_key:  # a retry: it must be the rating the key first recorded
        check_same_body(fingerprint({"rating": [rating["level"], rating["channel"], rating["comment"], rating["rater"]]}),
                        fingerprint({"rating": [body.level, body.channel, comment, rater]}))
    return rating_read(service, service.case(case_id), rating, principal)  # as it stands with this rating


def check_signed_on(signed_on: dt.date | None, case, today: dt.date) -> None:  # noqa: ANN001
    """A keyed-in rating carries the date on the form (or of the call): after the case concluded, not after today."""
    if signed_on is None:
        raise Invalid("代录评价须填写评价表上的日期（电话评价为通话日期）", field="signed_on")
    if case.concluded_on and signed_on.isoformat() < case.concluded_on:
        raise Invalid(f"评价日期不能早于案件办结（终止）日 {case.concluded_on}", field="signed_on")
    if signed_on > today:
        raise Invalid("评价日期不能晚于今日", field="signed_on")


@router.get("/cases/{case_id}", response_model=CaseEvaluationRead,
            summary="案件的评价情况：邀请、首评与追评、差评整改状态及向评价人的反馈")
def get_case(case_id: str, request: Request, principal: Principal = Depends(require_roles(*READERS))) -> CaseEvaluationRead:
    service = evaluation(request)
    return case_read(service, visible_case(service, principal, case_id), principal)


@router.get("/invitations", response_model=list[InvitationRead],
            summary="评价邀请：申请人看本企业的，服务点看本服务点的，督查员看全部")
def invitations(request: Request, pending_only: bool = Query(False, description="只列出尚未评价的"),
                principal: Principal = Depends(require_roles(Role.applicant, *SERVICE_POINT_ROLES, *OFFICE))) -> list[InvitationRead]:
    service = evaluation(request)
    result = []
    for entry in service.catch_up(service.index).cases.values():
        if not entry.outcome:
            continue
        if principal.role == Role.applicant and entry.credit_code != principal.account.enterprise.credit_code:
            continue
        if principal.role in SERVICE_POINT_ROLES and entry.service_point != principal.account.service_point:
            continue
        case = service.case(entry.case_id)
        rated = bool(case.own_ratings())
        if pending_only and rated:
            continue
        result.append(InvitationRead(
            case_id=case.case_id, project=case.project, applicant=case.applicant, outcome=case.outcome,
            outcome_label=CASE_OUTCOME_LABELS[case.outcome], concluded_on=case.concluded_on, invited_at=case.invited_at,
            rated=rated, ratings=len(case.ratings), rate_at=f"/evaluation/cases/{case.case_id}/rating"))
    return sorted(result, key=lambda i: (i.concluded_on, i.case_id), reverse=True)


@router.get("/rectifications", response_model=list[RectificationRead],
            summary="差评整改列表（督查员看全部；服务点代办员看本服务点的；部门代办人员看本部门的），含状态与整改期限")
def rectifications(request: Request,
                   state: Literal["pending", "in_progress", "under_review", "rectified", "invalid", "impossible", "closed"] | None = None,
                   overdue: bool | None = Query(None, description="只看（或排除）整改超期的"),
                   principal: Principal = Depends(require_roles(*AGENT_ROLES, *OFFICE))) -> list[RectificationRead]:
    service = evaluation(request)
    result = []
    for entry in service.catch_up(service.index).rectifications.values():
        if not may_see_rectification(principal, entry.service_point, entry.departments):
            continue
        if state and entry.state != state or overdue is not None and entry.overdue != overdue:
            continue
        result.append(rectification_read(service.rectification(entry.rectification_id), principal))
    return sorted(result, key=lambda r: (r.due_date, r.rectification_id))


@router.get("/rectifications/{rectification_id}", response_model=RectificationRead, summary="一项差评整改的全过程")
def get_rectification(rectification_id: str, request: Request,
                      principal: Principal = Depends(require_roles(*AGENT_ROLES, *OFFICE))) -> RectificationRead:
    return rectification_read(visible_rectification(evaluation(request), principal, rectification_id), principal)


@router.post("/rectifications/{rectification_id}/actions", response_model=RectificationRead,
             summary="差评整改动作：start 开始整改 | record_follow_up_call 记录回访电话（实名差评核实前必须） | verify 核实（可用 items 指明所涉事项） | "
                     "rectify 整改 | explain 解释说明 | request_invalidation 申请认定无效差评 | request_impossible 申请认定无法整改 | "
                     "approve_review / reject_review 督查员审核 | give_feedback 反馈评价人 | close 办结（须已反馈）",
             description="状态：pending 待整改 → in_progress 整改中 → rectified 整改完成 / under_review 待审核 → invalid 无效差评 | "
                         "impossible 无法整改 → closed 已办结；超过整改期限仍未完成的显示为“整改超期”（overdue）。"
                         "状态不允许的动作 409；重复提交最近一次相同的动作不重复记录。")
def act(rectification_id: str, body: RectificationActionCreate, request: Request,
        principal: Principal = Depends(require_roles(*AGENT_ROLES, Role.supervisor))) -> RectificationRead:
    service = evaluation(request)
    visible_rectification(service, principal, rectification_id)
    if body.action in REVIEW_ACTIONS and principal.role != Role.supervisor:
        raise Forbidden("无效差评、无法整改的认定由领导小组办公室督查员审核")
    rectification = service.act(principal.context(), rectification_id, action=body.action, note=body.note or None,
                                items=body.items, reached=body.reached)
    return rectification_read(rectification, principal)


@router.post("/follow-ups/draws", status_code=status.HTTP_201_CREATED, response_model=DrawRead,
             summary="回访随机抽取：期间内办结或终止的案件按比例抽取；种子与排序后的候选案件均记录，同一种子与候选重抽结果相同",
             description="样本量 = ceil(比例 × 候选数)，有候选时至少 1 件；算法 random.Random(seed).sample(按案件编号排序的候选)。"
                         "每次提交都是一次新的抽取（新的 draw_id，另记一条事件）；带 Idempotency-Key 重试则返回原抽取。"
                         "事件 FollowUpDrawn 的 case_id 为 'draw:<draw_id>'。")
def draw(body: DrawCreate, request: Request, principal: Principal = Depends(require_roles(Role.supervisor)),
         idempotency_key: str | None = IdempotencyKey) -> DrawRead:
    if body.period_end < body.period_start:
        raise Invalid("期间止日不能早于起日", field="period_end")
    result = evaluation(request).draw(principal.context(), period_start=body.period_start, period_end=body.period_end,
                                      ratio=body.ratio, seed=body.seed, idempotency_key=idempotency_key,
                                      request_hash=fingerprint(body) if idempotency_key else None)
    return draw_read(result)


@router.get("/follow-ups/draws", response_model=list[DrawRead], summary="历次回访抽取")
def draws(request: Request, principal: Principal = Depends(require_roles(*OFFICE))) -> list[DrawRead]:
    service = evaluation(request)
    return [draw_read(service.get_draw(d)) for d in service.catch_up(service.index).draws]


@router.get("/follow-ups/draws/{draw_id}", response_model=DrawRead, summary="一次回访抽取及其回访记录")
def get_draw(draw_id: str, request: Request, principal: Principal = Depends(require_roles(*OFFICE))) -> DrawRead:
    return draw_read(evaluation(request).get_draw(draw_id))


@router.post("/follow-ups/{draw_id}/visits", status_code=status.HTTP_201_CREATED, response_model=DrawRead,
             summary="记录回访结果（案件须在该次抽取的样本中）；与该案件最近一次回访记录相同的重复提交不重复记录")
def visit(draw_id: str, body: VisitCreate, request: Request,
          principal: Principal = Depends(require_roles(Role.supervisor))) -> DrawRead:
    result, _, _ = evaluation(request).visit(principal.context(), draw_id, case_id=body.case_id, outcome=body.outcome,
                                             level=body.level, note=body.note or None, visited_on=body.visited_on)
    return draw_read(result)


@router.get("/ratings/export", response_model=ExportRead,
            responses={200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
                             "description": "JSON（ExportRead），或 ?format=xlsx 时的可打印工作簿"}},
            summary="评价导出，按指定国家代码表给出等级代码：gbt39046（GB/T 39046—2020，1=非常满意…5=非常不满意）或 "
                    "haochaping（好差评数据接口，1=非常不满意…5=非常满意）；每条记录注明代码表")
def export(request: Request, code_list: Literal["gbt39046", "haochaping"] = Query(description="代码表"),
           format: Literal["json", "xlsx"] = Query("json", description="json，或 xlsx：可打印的工作簿（附件下载）"),
           period_start: dt.date | None = Query(None, description="评价日期起 YYYY-MM-DD"),
           period_end: dt.date | None = Query(None, description="评价日期止 YYYY-MM-DD"),
           principal: Principal = Depends(require_roles(*OFFICE))) -> ExportRead | Response:
    if period_start and period_end and period_end < period_start:
        raise Invalid("期间止日不能早于起日", field="period_end", location="query")
    start, end = (d.isoformat() if d else None for d in (period_start, period_end))
    service = evaluation(request)
    records = []
    for entry in sorted(service.catch_up(service.index).cases.values(), key=lambda c: c.case_id):
        if not entry.ratings:
            continue
        case = service.case(entry.case_id)
        for rating in case.ratings:
            if start and rating["rated_on"] < start or end and rating["rated_on"] > end:
                continue
            records.append(export_record(service, case, rating, code_list))
    cl = CODE_LISTS[code_list]
    result = ExportRead(code_list=cl.describe(), period_start=start, period_end=end, count=len(records),
                        records=records)
    if format == "xlsx":
        name = f"bangnin-ratings-{code_list}-{start or 'all'}-{end or 'all'}.xlsx"
        return Response(ratings_workbook(result.model_dump()), media_type=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return result


NDJSON = "application/x-ndjson"


@router.get("/upward/export", response_class=Response,
            responses={200: {"content": {NDJSON: {"schema": {"type": "string"}}},
                             "description": "JSON Lines：每行一条好差评数据接口记录（字段见 README“好差评 upward”）"}},
            summary="好差评上报文件（未配置上报地址时上传到省级好差评系统）：该月每条评价一行，格式与推送的记录相同",
            description="month=YYYY-MM 按评价日期；记录格式 haochaping-record/1，评价等级用好差评数据接口代码表"
                        "（1=非常不满意 … 5=非常满意），评价人姓名遮蔽、以 userId（不可逆标识）区分。")
def upward_export(request: Request, month: str = Query(description="评价月份 YYYY-MM"),
                  principal: Principal = Depends(require_roles(*OFFICE))) -> Response:
    try:
        year, mon = parse_month(month)
    except ValueError as exc:
        raise Invalid(str(exc), field="month", location="query") from None
    prefix = f"{year:04d}-{mon:02d}"
    service = evaluation(request)
    options, catalog = service.upward_options, load_catalog()
    lines = []
    for entry in sorted(service.catch_up(service.index).cases.values(), key=lambda c: c.case_id):
        if not entry.ratings:
            continue
        case = service.case(entry.case_id)
        facts = {"case_id": case.case_id, "service_point": case.service_point, "project": case.project,
                 "items": case.items, "outcome": case.outcome, "concluded_on": case.concluded_on}
        for rating in case.ratings:
            if rating["rated_on"].startswith(prefix):
                lines.append(json.dumps(haochaping.record(facts, rating, catalog=catalog, options=options),
                                        ensure_ascii=False, separators=(",", ":")))
    return Response("".join(line + "\n" for line in lines), media_type=NDJSON,
                    headers={"Content-Disposition": f'attachment; filename="haochaping-{prefix}.jsonl"'})
