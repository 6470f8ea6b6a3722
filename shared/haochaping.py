"""The national 好差评 interface at our edge (pure): the code lists and the record one rating is reported as.

One place for the codes a level or a channel has outside the system:

* ``gbt39046``  — GB/T 39046—2020《政务服务评价工作指南》: 1 = 非常满意 … 5 = 非常不满意;
* ``haochaping`` — 全国一体化政务服务平台“好差评”数据接口（国家/省级对接）: 1 = 非常不满意 … 5 = 非常满意;
* ``CHANNEL_CODES`` — the interface's 评价渠道 (pf): 1 PC端 … 7 短信; our 纸质评价表 (keyed in at the hall) as 5.

``record(...)`` is the one field list of the record pushed upward (``services/integration``) and exported for upload
(``GET /evaluation/upward/export``): both build it from the same facts — the case as evaluation was told when it
invited the rating (``evaluation.RatingInvited``) and the rating (``evaluation.RatingGiven``).  The README's
table "好差评 upward" names every field and where it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
import hashlib
import hmac
from typing import get_args

from shared.clock import CHINA
from shared.contracts.evaluation import LEVEL_LABELS, RATING_CHANNEL_LABELS, Level
from shared.masking import mask_text

LEVELS: tuple[str, ...] = get_args(Level)
RECORD_FORMAT = "haochaping-record/1"
RATING_RECORD = "rating"  # the one record kind: a 首评 or a 追评 (isFollowUp), each its own record


@dataclass(frozen=True)
class CodeList:
    id: str
    name: str
    codes: dict[str, int]

    def code(self, level: str) -> int:
        return self.codes[level]

    def level(self, code: int) -> str:
        for name, value in self.codes.items():
            if value == code:
                return name
        raise KeyError(code)

    def describe(self) -> dict:
        return {"id": self.id, "name": self.name,
                "codes": [{"code": c, "level": lv, "label": LEVEL_LABELS[lv]}
                          for lv, c in sorted(self.codes.items(), key=lambda kv: kv[1])]}


CODE_LISTS = {
    "gbt39046": CodeList(
        "gbt39046", "GB/T 39046—2020《政务服务评价工作指南》评价等级代码（1=非常满意 … 5=非常不满意）",
        {level: i for i, level in enumerate(LEVELS, start=1)},
    ),
    "haochaping": CodeList(
        "haochaping", "全国一体化政务服务平台政务服务“好差评”数据接口评价等级代码（国家/省级对接，1=非常不满意 … 5=非常满意）",
        {level: 5 - i for i, level in enumerate(LEVELS)},
    ),
}
HAOCHAPING = CODE_LISTS["haochaping"]

# 评价渠道 (pf) of the interface; a rating the system defaulted has no channel (pf null, isDefault 1).
CHANNEL_CODES: dict[str, int] = {"portal": 1, "mobile": 2, "qr_code": 3, "hall_tablet": 4, "hall_terminal": 5,
                                 "phone": 6, "sms": 7, "written": 5}
CHANNEL_CODE_LABELS: dict[int, str] = {1: "PC端", 2: "移动端", 3: "二维码", 4: "政务服务大厅平板电脑",
                                       5: "政务服务大厅其他终端", 6: "电话", 7: "短信"}
OUTCOME_CODES: dict[str, int] = {"completed": 1, "terminated": 2, "rejected": 3, "withdrawn": 4}


def evaluate_id(case_id: str, rating_no: int) -> str:
    """评价编号: the rating's own id (case and rating number), so a rating is one record wherever it is built."""
    return f"{case_id}-P{rating_no}"


def rater_id(rater: dict, key: str) -> str:
    """评价人标识: the same rater always the same, and nobody can tell who from it (HMAC under the system's key)."""
    kind = rater.get("kind")
    who = (rater.get("username") if kind == "applicant_account"
           else f"{rater.get('name') or ''}|{rater.get('phone') or ''}" if kind == "recorded_by_agent" else "system")
    return hmac.new(key.encode(), f"rater:{kind}:{who}".encode(), hashlib.sha256).hexdigest()[:32]


def mask_name(name: str | None) -> str | None:
    """张三丰 → 张**: the family name only."""
    return None if not name else name[0] + "*" * (len(name) - 1)


def item_code(item_no: int, codes: dict[str, str], area_code: str) -> str:
    """事项编码: the province's code for our catalog item when configured (``BANGNIN_UPWARD_ITEM_CODES``), else
    our own stable one (行政区划 + 帮您办 + item number)."""
    return codes.get(str(item_no)) or f"{area_code}BNB{item_no:03d}"


def _time(moment: str | datetime) -> str:
    at = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class Options:
    """What the settings say of the records: the key of ``userId``, the 行政区划代码, the province's 事项编码."""
    key: str
    area_code: str
    item_codes: dict[str, str]

    @classmethod
    def of(cls, settings) -> "Options":  # noqa: ANN001
        return cls(settings.resolved_secret_key, settings.upward_area_code, dict(settings.upward_item_codes))


def record(case: dict, rating: dict, *, catalog, options: Options) -> dict:  # noqa: ANN001
    """The interface record of one rating.

    ``case``: ``case_id``, ``service_point``, ``project`` ({name, code}), ``items`` ([{item_no, department}]),
    ``outcome``, ``concluded_on`` (``evaluation.RatingInvited``'s fields); ``rating``: ``evaluation.RatingGiven``'s
    fields and ``rated_at`` (when it was recorded).  Nothing personal leaves whole: the rater's name masked, an
    HMAC for who they are, 身份证号 and phones in the comment masked."""
    key, area_code, item_codes = options.key, options.area_code, options.item_codes
    point = catalog.service_point(case["service_point"]) if case.get("service_point") else None
    office = catalog.department(point.department) if point else None
    tasks = []
    for item in sorted(case.get("items") or [], key=lambda i: i["item_no"]):
        try:
            name = catalog.item(item["item_no"]).name
        except KeyError:
            name = f"事项 {item['item_no']}"
        try:
            dept = catalog.department(item["department"]).name
        except KeyError:
            dept = item["department"]
        tasks.append({"taskCode": item_code(item["item_no"], item_codes or {}, area_code), "taskName": name,
                      "deptCode": item["department"], "deptName": dept})
    rater = rating.get("rater") or {}
    channel = rating.get("channel")
    level = rating["level"]
    bad = bool(rating.get("bad"))
    project = case.get("project") or {}
    return {
        "recordFormat": RECORD_FORMAT, "recordKind": RATING_RECORD,
        "evaluateId": evaluate_id(case["case_id"], rating["rating_no"]),
        "projectNo": case["case_id"], "projectName": project.get("name"), "projectCode": project.get("code"),
        "taskCode": ";".join(t["taskCode"] for t in tasks), "taskName": "；".join(t["taskName"] for t in tasks),
        "tasks": tasks,
        "areaCode": area_code, "deptCode": office.code if office else None,
        "deptName": office.name if office else None, "servicePoint": point.name if point else None,
        "proStatus": OUTCOME_CODES.get(case.get("outcome") or "", 0), "concludedOn": case.get("concluded_on"),
        "pf": CHANNEL_CODES.get(channel) if channel else None,
        "pfName": CHANNEL_CODE_LABELS[CHANNEL_CODES[channel]] if channel else None,
        "channelDetail": RATING_CHANNEL_LABELS.get(channel) if channel else "系统默认评价",
        "alternate": HAOCHAPING.code(level), "alternateName": LEVEL_LABELS[level], "codeList": HAOCHAPING.id,
        "writingEvaluation": mask_text(rating["comment"]) if rating.get("comment") else None,
        "assessTime": _time(rating["rated_at"]), "assessDate": rating["rated_on"], "signedOn": rating.get("signed_on"),
        "isFollowUp": int(bool(rating.get("follow_up"))), "isDefault": int(bool(rating.get("defaulted"))),
        "isKeyedIn": int(rater.get("kind") == "recorded_by_agent"), "isRealName": int(bool(rating.get("real_name"))),
        "userId": rater_id(rater, key), "userName": mask_name(rater.get("name")),
        "enterpriseCode": rater.get("enterprise"),
        "isBad": int(bad),
    }
