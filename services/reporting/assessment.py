"""The per-department 放管服 assessment scorecard (pure), with the formula it is computed by."""

from __future__ import annotations

from datetime import date

from shared.reference import load_catalog
from services.reporting.figures import Basis, cases_by_department, item_open_at, item_past_due, satisfaction
from services.reporting.periods import Period
from services.reporting.supervision import complaint_figures

INDICATORS = {
    "on_time": "按时办结率 = 期间内按时办结的事项 ÷ 期间内办结的事项",
    "overdue": "超期控制率 = 1 − 超期事项 ÷ 经办事项（超期事项 = 期间内超期办结的事项 + 基准日仍在办且已超期的事项；"
               "经办事项 = 期间内办结的事项 + 基准日仍在办的事项）",
    "satisfaction": "好评率 = 期间内涉及本部门事项的案件首次评价中好评数 ÷ 评价数",
    "rectification": "差评整改率 = 已整改的差评 ÷ 应整改的差评（本部门为责任部门，无效差评不计）",
    "follow_up": "实名差评回访率 = 已回访的实名差评 ÷ 实名差评（本部门为责任部门）",
    "complaints": "投诉建议按期答复率 = 期间内转办本部门的投诉建议中按期答复的 ÷ 其中已答复或已过答复期限的",
}


def formula(weights: dict) -> dict:
    total = sum(weights.values())
    terms = " + ".join(f"{weights[k]}×{k}" for k in INDICATORS if k in weights)
    return {
        "score": f"得分 = ({terms}) ÷ 适用指标权重之和 × 100（满分100）；权重合计 {total}",
        "indicators": INDICATORS,
        "not_applicable": "分母为0的指标不适用：不计分，其权重也不计入分母",
        "weights": dict(weights),
    }


def overdue_members(cases: list[dict], department: str, period: Period, ref: date) -> dict[str, list[dict]]:
    """The items 超期控制率 counts: ``handled_items`` and, of them, ``overdue_items`` (one entry an item)."""
    handled, overdue = [], []
    for case in cases:
        for item in case["items"]:
            if item["department"] != department:
                continue
            concluded = item["status"] in ("approved", "concluded_with_deficiency", "refused") and item["concluded_on"] in period
            entry = {"case_id": case["case_id"], "item_no": item["item_no"]}
            if concluded or item_open_at(case, item, ref):
                handled.append(entry)
            if (concluded and item["on_time"] is False) or item_past_due(case, item, ref):
                overdue.append(entry)
    return {"handled_items": handled, "overdue_items": overdue}


def _overdue_control(cases: list[dict], department: str, period: Period, ref: date) -> dict:
    m = overdue_members(cases, department, period, ref)
    handled, overdue = len(m["handled_items"]), len(m["overdue_items"])
    return {"value": round(1 - overdue / handled, 4) if handled else None, "overdue_items": overdue,
            "handled_items": handled}


def reference_day(basis: Basis, period: Period) -> date:
    return min(basis.today, period.end) if period.end else basis.today


def scorecard(cases: list[dict], basis: Basis, period: Period = Period(), department: str | None = None,
              complaints: list[dict] = ()) -> dict:
    """The scorecard of each department (of ``department`` only); ``complaints`` as folded by
    ``services.reporting.supervision.complaints``."""
    catalog = load_catalog()
    ref = reference_day(basis, period)
    codes = ({i.department for i in catalog.items} | {i["department"] for c in cases for i in c["items"]}
             | {c["department"] for c in complaints if c["received_on"] in period})
    rows = []
    by_department = cases_by_department(cases)
    for code in sorted(codes):
        if department and code != department:
            continue
        cases_of = by_department.get(code, [])
        sat = satisfaction(cases_of, basis, period, department=code)
        complaint = complaint_figures(list(complaints), period, ref, department=code)
        indicators = {
            "on_time": sat["on_time_rate"],
            "overdue": _overdue_control(cases_of, code, period, ref),
            "satisfaction": sat["good_rate"],
            "rectification": sat["rectification_rate"],
            "follow_up": sat["real_name_follow_up_rate"],
            "complaints": complaint["on_time_reply_rate"],
        }
        applicable = {k: w for k, w in basis.weights.items() if k in indicators and indicators[k]["value"] is not None}
        weight = sum(applicable.values())
        score = round(sum(w * indicators[k]["value"] for k, w in applicable.items()) / weight * 100, 2) if weight else None
        rows.append({"department": code, "department_name": catalog.department(code).name if _known(code) else code,
                     "indicators": indicators, "applicable": sorted(applicable), "score": score, "rank": None,
                     "overdue_items": indicators["overdue"]["overdue_items"],
                     "complaints": complaint["complaints"], "complaints_overdue": complaint["complaints_overdue"],
                     "notice_breaches": _notice_breaches(cases_of, code, period),
                     "deficiency_overdue": sum(item.get("deficiency_overdue_on") in period for case in cases_of
                                               for item in case["items"] if item["department"] == code),
                     "commitments_broken": sum((item.get("commitment") or {}).get("result") == "broken"
                                               and item["commitment"]["verified_on"] in period
                                               for case in cases_of for item in case["items"] if item["department"] == code)})
    ranked = sorted((r for r in rows if r["score"] is not None), key=lambda r: (-r["score"], r["department"]))
    for rank, row in enumerate(ranked, start=1):
        row["rank"] = rank
    return {"period": period.as_dict(), "as_of": ref.isoformat(), "formula": formula(basis.weights),
            "departments": rows, "limits": _limits_used(cases, period, ref)}


def _limits_used(cases: list[dict], period: Period, ref: date) -> dict:
    """Where the time limits of the items the scorecard counts come from (catalog ``limits_source``): how many
    of its on-time figures rest on a default rather than a law."""
    catalog = load_catalog()
    counted = {item["item_no"] for case in cases for item in case["items"]
               if (item["status"] in ("approved", "concluded_with_deficiency", "refused") and item["concluded_on"] in period)
               or item_open_at(case, item, ref)}
    sources = [catalog.item(n).limits_source for n in sorted(counted) if catalog.has_item(n)]
    return {"items": len(sources), "law": sources.count("law"), "local": sources.count("local"),
            "default": sources.count("default"),
            "note": "按时与超期以各事项的承诺时限计；其中 default 为未查到法定时限、按事项类型默认的时限"}


def _notice_breaches(cases: list[dict], department: str, period: Period) -> int:
    return sum(breach["on_date"] in period for case in cases for item in case["items"] if item["department"] == department
               for breach in item.get("notice_breaches", []))


def _known(code: str) -> bool:
    try:
        load_catalog().department(code)
        return True
    except KeyError:
        return False
