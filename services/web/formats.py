"""How the pages say things: dates as people write them, working-day deadlines, labels, forms to request bodies."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Iterable

from shared.clock import CHINA
from shared.contracts import CHANNEL_LABELS, Role
from shared.contracts.coordination import COMBINED_SERVICE_LABELS, ITEM_ACTION_LABELS, ITEM_STATUS_LABELS
from shared.contracts.evaluation import FORM_LEVEL_LABELS, LEVEL_LABELS
from shared.contracts.intake import MATERIAL_KIND_LABELS
from shared.contracts.registry import payload_model

ROLE_LABELS = {Role.applicant: "申请单位经办人", Role.window_agent: "区政务服务局窗口代办帮办员",
               Role.park_agent: "工业园区服务点代办帮办员", Role.department_agent: "部门代办帮办人员",
               Role.supervisor: "领导小组办公室", Role.admin: "系统管理员",
               Role.third_party: "第三方评估机构", Role.system: "系统"}
SERVICE_LABELS = {"intake": "申请受理", "coordination": "协调办理", "evaluation": "评价"}
SERVICE_POINT_LABELS = {"district": "区政务服务局帮您办窗口", "park": "工业园区管委会帮您办服务点"}
SEX_LABELS = {"male": "男", "female": "女"}

# 附件4 (帮您办代办帮办服务申请表): each field's name on the paper form (API.md § The web).
APPLICATION_LABELS = {
    "unit.name": "项目单位名称", "unit.credit_code": "统一社会信用代码", "unit.head": "项目单位负责人",
    "unit.postcode": "邮编", "unit.phone": "联系电话", "unit.handler": "经办人", "unit.address": "项目单位地址",
    "project.name": "项目名称", "project.address": "项目地址", "project.code": "项目编码",
    "project.total_investment": "投资总额", "project.funding_source": "资金来源", "project.land_nature": "土地性质",
    "project.is_key_project": "是否重点项目", "project.in_industrial_park": "是否位于工业园区",
    "project.use_and_scale": "项目主要用途及规模", "project.progress": "目前审批进展情况",
    "channel": "受理渠道", "items": "申请代办帮办事项",
}
BOOLEAN_FIELDS = {"project.is_key_project", "project.in_industrial_park"}
INTEGER_LIST_FIELDS = {"items", "departments_items"}


def _as_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.astimezone(CHINA).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    text = str(value)
    if len(text) > 10:
        moment = datetime.fromisoformat(text)
        return moment.astimezone(CHINA).date() if moment.tzinfo else moment.date()
    return date.fromisoformat(text)


def cn_date(value: Any) -> str:
    """2026-12-02 → 2026年12月2日."""
    d = _as_date(value)
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def cn_datetime(value: Any) -> str:
    """An instant in Beijing time: 2026年12月2日 09:05."""
    if value in (None, ""):
        return ""
    moment = datetime.fromisoformat(str(value))
    moment = moment.astimezone(CHINA) if moment.tzinfo else moment
    return f"{cn_date(moment.date())} {moment:%H:%M}"


def local_input(value: Any) -> str:
    """A moment as a ``datetime-local`` input shows it (Beijing time, to the minute); a date as that day's end."""
    if value in (None, ""):
        return ""
    text = str(value)
    try:
        if len(text) == 10:
            return f"{date.fromisoformat(text).isoformat()}T23:59"
        moment = datetime.fromisoformat(text)
    except ValueError:
        return ""
    moment = moment.astimezone(CHINA) if moment.tzinfo else moment
    return f"{moment:%Y-%m-%dT%H:%M}"


def workdays(left: int | None) -> str:
    """The deadline as people say it: 还剩 N 个工作日 / 今日到期 / 已超期 N 个工作日."""
    if left is None:
        return ""
    if left > 0:
        return f"还剩 {left} 个工作日"
    if left == 0:
        return "今日到期"
    return f"已超期 {-left} 个工作日"


# What each event is, as the case's history says it to people (the contracts' descriptions are for developers).
HISTORY_LABELS = {
    "intake.ApplicationSubmitted": "提交申请（申请表）", "intake.DelegationSigned": "签署授权委托书",
    "intake.CommitmentSigned": "签署承诺书", "intake.ApplicationAccepted": "受理申请",
    "intake.ApplicationRejected": "不予受理", "intake.ApplicationWithdrawn": "撤回申请",
    "intake.MaterialUploaded": "提交材料", "intake.MaterialDownloaded": "下载材料", "intake.MaterialWithdrawn": "撤回材料",
    "coordination.CaseOpened": "开立案件，分派各事项", "coordination.CaseAgentReassigned": "变更代办帮办员", "coordination.CaseCoverArranged": "安排代岗",
    "coordination.DelegationFollowed": "按重新签署的授权委托书调整委托事项",
    "coordination.PlanSet": "编制项目申报计划", "coordination.ItemStateChanged": "事项办理",
    "coordination.ItemDeadlineWarned": "临期提醒", "coordination.ItemOverdue": "超期",
    "coordination.NotificationGiven": "一次性告知申报要求", "coordination.JointReviewHeld": "联合审查（协调会）",
    "coordination.CombinedServiceMarked": "合并办理", "coordination.CrossLevelRequested": "发出跨层级协办单",
    "coordination.CrossLevelAnswered": "登记协办结果", "coordination.CaseCompleted": "办结（办结单）",
    "coordination.CaseTerminated": "终止代办帮办（终止单）", "coordination.ClosureProposed": "签署办结单或终止单，待对方确认",
    "coordination.ItemDeficiencyOverdue": "容缺材料逾期未补齐", "evaluation.CaseRegistered": "纳入好差评（办结后邀请评价）",
    "evaluation.RatingInvited": "邀请申请人评价", "evaluation.RatingGiven": "评价",
    "evaluation.RectificationOpened": "差评整改开立", "evaluation.RectificationStateChanged": "差评整改",
    "evaluation.RectificationOverdue": "差评整改超期", "evaluation.FeedbackGiven": "向评价人反馈整改情况",
}


def event_label(event_type: str) -> str:
    if event_type in HISTORY_LABELS:
        return HISTORY_LABELS[event_type]
    try:
        text = payload_model(event_type).description
    except KeyError:
        return event_type
    return text.split("（")[0].split("；")[0] if text else event_type


def labels() -> dict[str, dict]:
    return {"role": ROLE_LABELS, "channel": {str(k): v for k, v in CHANNEL_LABELS.items()},
            "service": SERVICE_LABELS, "service_point": SERVICE_POINT_LABELS, "item_status": ITEM_STATUS_LABELS,
            "action": ITEM_ACTION_LABELS, "level": LEVEL_LABELS, "form_level": FORM_LEVEL_LABELS, "sex": SEX_LABELS,
            "application": APPLICATION_LABELS, "material_kind": MATERIAL_KIND_LABELS, "combined": COMBINED_SERVICE_LABELS}


# -- forms ---------------------------------------------------------------------------------------
def lines(text: str | None) -> list[str]:
    """A textarea with one entry a line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def body_from_form(form: Iterable[tuple[str, str]], *, lists: Iterable[str] = (), integer_lists: Iterable[str] = (),
                   booleans: Iterable[str] = (), line_lists: Iterable[str] = (), skip: Iterable[str] = ("csrf",)) -> dict:
    """A request body from the form's fields: dotted names nest (``unit.name``); an empty field is left out
    (the API then names it as missing); checkbox groups become lists, ``true``/``false`` booleans; what the
    API's models say about the values is theirs to say."""
    lists, integer_lists, booleans, line_lists, skip = (set(lists) | set(integer_lists), set(integer_lists),
                                                        set(booleans), set(line_lists), set(skip))
    body: dict[str, Any] = {}
    for name, value in form:
        if name in skip:
            continue
        value = value.strip() if isinstance(value, str) else value
        if name in line_lists:
            parsed: Any = lines(value)
        elif value == "":
            continue
        elif name in booleans:
            parsed = {"true": True, "false": False}.get(value, value)
        elif name in integer_lists:
            parsed = int(value) if value.isdigit() else value
        else:
            parsed = value
        target, *path = name.split(".")[::-1]
        node = body
        for part in reversed(path):
            node = node.setdefault(part, {})
        if name in lists:
            node.setdefault(target, []).append(parsed)
        else:
            node[target] = parsed
    return body


def field_errors(response_json: Any) -> tuple[dict[str, str], list[str]]:
    """The API's 422 as errors by form field (``unit.name``) and the rest (no such field on the form)."""
    by_field: dict[str, str] = {}
    detail = response_json.get("detail") if isinstance(response_json, dict) else None
    if not isinstance(detail, list):
        return {}, [str(detail or response_json)]
    for error in detail:
        field = str(error.get("field") or "body")
        # items.3 (one entry of a list) is the list's box
        head = ".".join(p for p in field.split(".") if not p.isdigit())
        by_field.setdefault(head, error.get("msg", ""))
    return by_field, []


def message_of(response_json: Any, fallback: str = "操作未完成") -> str:
    if isinstance(response_json, dict):
        detail = response_json.get("detail")
        if isinstance(detail, str):
            return detail
        if isinstance(response_json.get("message"), str):
            return response_json["message"]
    return fallback


def failure(answer) -> tuple[dict, str | None]:  # noqa: ANN001
    """Errors by field and a message for the page (409, 403 …: the API's own words)."""
    data = answer.json() if answer.headers.get("content-type", "").startswith("application/json") else {}
    if answer.status_code == 422:
        by_field, rest = field_errors(data)
        return by_field, "请检查标出的项目：" + "；".join(rest) if rest else "请检查标出的项目"
    return {}, message_of(data, f"操作未完成（{answer.status_code}）")
