"""Figures over case views (pure): item states at a date, workloads, and the 好差评 statistics.

Definitions (also in README § reporting):
* an item is *open at* date R when its case was opened by R and neither the case nor the item
  was concluded (办结, withdrawn, case completed/terminated) by R;
* *past due* at R: open, not paused, due date before R; *near due*: open, not paused, due date on
  or after R and at most ``warning_workdays`` working days away;
* a rating counts in the statistics when it is a first rating (追评 are counted apart);
* a 差评 is *rectified* once its rectification reached ``rectified``; *invalid* ones (无效差评)
  leave the denominator of 差评整改率; a real-name 差评 is *visited* once a follow-up call that
  was not marked unreached is recorded.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from statistics import mean
from typing import get_args

from shared.contracts.evaluation import FORM_LEVEL_LABELS, LEVEL_LABELS as _LEVEL_LABELS, Level, case_rating
from shared.workcalendar import WorkCalendar
from services.reporting.caseview import CLOSED_ITEM, CONCLUDED_CASE, CONCLUDED_ITEM
from services.reporting.periods import Period, before_or_on, rate

LEVELS: tuple[str, ...] = get_args(Level)
# As the report prints them: the middle level with its name on the 评价表 (附件9).
LEVEL_LABELS = {**_LEVEL_LABELS, "basically_satisfied": (
    f"{_LEVEL_LABELS['basically_satisfied']}（评价表：{FORM_LEVEL_LABELS['basically_satisfied']}）")}
BAD = ("dissatisfied", "very_dissatisfied")
UNASSIGNED = "（未配置代办帮办人员）"


@dataclass(frozen=True)
class Basis:
    """What figures depend on besides the views: today, the calendar and the settings."""

    today: date
    calendar: WorkCalendar
    warning_workdays: int = 1
    good_includes_basic: bool = False
    weights: dict = field(default_factory=dict)

    @property
    def good_levels(self) -> tuple[str, ...]:
        return LEVELS[:3] if self.good_includes_basic else LEVELS[:2]


# -- items at a date -------------------------------------------------------------------------
def item_open_at(case: dict, item: dict, ref: date) -> bool:
    if not before_or_on(case.get("opened_on"), ref) or before_or_on(case.get("concluded_on"), ref):
        return False
    return not (item["status"] in CLOSED_ITEM and before_or_on(item["concluded_on"], ref))


def item_past_due(case: dict, item: dict, ref: date) -> bool:
    return (item_open_at(case, item, ref) and not item["paused"] and item["due_date"] is not None
            and date.fromisoformat(item["due_date"]) < ref)


def item_near_due(case: dict, item: dict, ref: date, basis: Basis) -> bool:
    if not item_open_at(case, item, ref) or item["paused"] or item["due_date"] is None:
        return False
    due = date.fromisoformat(item["due_date"])
    return due >= ref and basis.calendar.workdays_between(ref, due) <= basis.warning_workdays


def concluded_items(case: dict, period: Period, department: str | None = None) -> list[dict]:
    return [i for i in case["items"] if i["status"] in CONCLUDED_ITEM and i["concluded_on"] in period
            and (department is None or i["department"] == department)]


def item_agents(item: dict) -> list[str]:
    return item["assignees"] or [UNASSIGNED]


# -- workloads -----------------------------------------------------------------------------------
def _load() -> dict:
    return {"open_cases": 0, "open_items": 0, "near_due_items": 0, "past_due_items": 0,
            "concluded_items": 0, "concluded_on_time": 0, "concluded_late": 0}


def _count_item(row: dict, case: dict, item: dict, ref: date, period: Period, basis: Basis) -> None:
    if item_open_at(case, item, ref):
        row["open_items"] += 1
        row["near_due_items"] += item_near_due(case, item, ref, basis)
        row["past_due_items"] += item_past_due(case, item, ref)
    if item["status"] in CONCLUDED_ITEM and item["concluded_on"] in period:
        row["concluded_items"] += 1
        row["concluded_on_time"] += item["on_time"] is True
        row["concluded_late"] += item["on_time"] is False


def workloads(cases: list[dict], basis: Basis, period: Period = Period(), department: str | None = None) -> dict:
    ref = basis.today
    depts: dict[str, dict] = {}
    agents: dict[tuple[str, str], dict] = {}
    case_agents: dict[str, dict] = {}
    for case in cases:
        open_depts: set[str] = set()
        for item in case["items"]:
            if department and item["department"] != department:
                continue
            d = depts.setdefault(item["department"], _load())
            _count_item(d, case, item, ref, period, basis)
            for name in item_agents(item):
                _count_item(agents.setdefault((item["department"], name), _load()), case, item, ref, period, basis)
            if item_open_at(case, item, ref):
                open_depts.add(item["department"])
        for code in open_depts:
            depts[code]["open_cases"] += 1
        agent = case.get("case_agent")
        if agent and not department and case.get("opened_on"):
            row = case_agents.setdefault(agent["username"], {
                "username": agent["username"], "name": agent.get("name"), "service_point": case["service_point"],
                "open_cases": 0, "concluded_cases": 0})
            is_open = before_or_on(case["opened_on"], ref) and not before_or_on(case["concluded_on"], ref)
            row["open_cases"] += is_open
            row["concluded_cases"] += case["status"] in CONCLUDED_CASE and case["concluded_on"] in period
    return {
        "as_of": ref.isoformat(), "period": period.as_dict(),
        "departments": [{"department": code, **row} for code, row in sorted(depts.items())],
        "agents": [{"department": code, "agent": name, **row} for (code, name), row in sorted(agents.items())],
        "case_agents": [case_agents[k] for k in sorted(case_agents)],
    }


# -- 好差评 -----------------------------------------------------------------------------------------
def first_ratings(case: dict) -> list[dict]:
    """The case's rating (the applicant's own first one; see ``case_rating``), as a list of at most one."""
    rating = case_rating(case["ratings"])
    return [rating] if rating else []


def rectification_overdue(rect: dict, ref: date) -> bool:
    open_past_due = rect["finished_on"] is None and date.fromisoformat(rect["due_date"]) < ref
    return bool(rect["overdue_on"] or rect["late"] or open_past_due)


def visited(rect: dict) -> bool:
    return any(call["reached"] is not False for call in rect["follow_up_calls"])


def satisfaction(cases: list[dict], basis: Basis, period: Period = Period(), department: str | None = None,
                 channel: str | None = None) -> dict:
    involved = [c for c in cases if department is None or department in c["departments"]]
    ratings = [(c, r) for c in involved for r in first_ratings(c)
               if r["rated_on"] in period and (channel is None or r["channel"] == channel)]
    follow_ups = [r for c in involved for r in c["ratings"]
                  if r["follow_up"] and r["rated_on"] in period and (channel is None or r["channel"] == channel)]
    by_level = Counter(r["level"] for _, r in ratings)
    by_channel = Counter(r["channel"] or "system_default" for _, r in ratings)
    by_department, by_agent, by_item = Counter(), Counter(), Counter()
    for c, _ in ratings:
        by_department.update(d for d in c["departments"] if department is None or d == department)
        by_agent.update([(c.get("case_agent") or {}).get("username", "")])
        by_item.update(str(i["item_no"]) for i in c["items"] if department is None or i["department"] == department)
    good = sum(by_level[level] for level in basis.good_levels)
    bad = sum(by_level[level] for level in BAD)
    rects = [r for c in involved for r in c["rectifications"]
             if r["opened_on"] in period and (department is None or department in r["departments"])
             and (channel is None or _rating_channel(c, r) == channel)]
    invalid = [r for r in rects if r["state"] == "invalid"]
    rectified = [r for r in rects if r["rectified_on"]]
    real_name = [r for r in rects if r["real_name"]]
    concluded = [c for c in involved if c["status"] in CONCLUDED_CASE and c["concluded_on"] in period]
    rated = [c for c in concluded if _rated(c, channel)]
    actively = [c for c in concluded if _rated(c, channel, active=True)]
    items_done = [i for c in involved for i in concluded_items(c, period, department)]
    durations = [basis.calendar.workdays_between(date.fromisoformat(r["opened_on"]), date.fromisoformat(r["rectified_on"]))
                 for r in rectified]
    return {
        "period": period.as_dict(), "department": department, "channel": channel,
        "good_levels": list(basis.good_levels),
        "ratings": len(ratings), "follow_up_ratings": len(follow_ups),
        "defaulted_ratings": sum(1 for _, r in ratings if r["defaulted"]),
        "by_level": {level: by_level[level] for level in LEVELS},
        "by_channel": dict(sorted(by_channel.items())), "by_department": dict(sorted(by_department.items())),
        "by_agent": dict(sorted(by_agent.items())), "by_item": dict(sorted(by_item.items(), key=lambda kv: int(kv[0]))),
        "good_rate": rate(good, len(ratings)), "bad_rate": rate(bad, len(ratings)),
        "rectifications": len(rects), "invalid_bad_ratings": len(invalid),
        "rectification_rate": rate(len(rectified), len(rects) - len(invalid)),
        "real_name_follow_up_rate": rate(sum(visited(r) for r in real_name), len(real_name)),
        "rating_rate": rate(len(rated), len(concluded)),
        "active_rating_rate": rate(len(actively), len(concluded)),
        "overdue_rectifications": sum(rectification_overdue(r, basis.today) for r in rects),
        "mean_rectification_workdays": round(mean(durations), 2) if durations else None,
        "on_time_rate": rate(sum(i["on_time"] is True for i in items_done), len(items_done)),
    }


def _rated(case: dict, channel: str | None, active: bool = False) -> bool:
    return any((channel is None or r["channel"] == channel) and not (active and r["defaulted"])
               for r in first_ratings(case))


def _rating_channel(case: dict, rect: dict) -> str | None:
    return next((r["channel"] for r in case["ratings"] if r["rating_no"] == rect["rating_no"]), None)
