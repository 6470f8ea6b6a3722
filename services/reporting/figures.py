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


def cases_by_department(cases: list[dict]) -> dict[str, list[dict]]:
    """Each department's cases: those whose departments, items or rectifications name it.  Every figure of one
    department looks at these cases only, so a report of every department computes each from its own (a case
    is in a handful of departments: the report costs what the cases cost, not departments × cases)."""
    found: dict[str, list[dict]] = {}
    for case in cases:
        codes = set(case["departments"]) | {i["department"] for i in case["items"]}
        codes.update(d for r in case["rectifications"] for d in r["departments"])
        for code in codes:
            found.setdefault(code, []).append(case)
    return found


def item_agents(item: dict) -> list[str]:
    return item["assignees"] or [UNASSIGNED]


# -- workloads -----------------------------------------------------------------------------------
# A workload row's counts are the lengths of its member lists (what was counted: one entry an item), so the
# figure and the cases behind it (``figure_members``) are the same computation.
LOAD_FIELDS = ("open_items", "near_due_items", "past_due_items", "concluded_items", "concluded_on_time",
               "concluded_late")


def _load() -> dict:
    return {"open_cases": [], **{k: [] for k in LOAD_FIELDS}}


def _count_item(row: dict, case: dict, item: dict, ref: date, period: Period, basis: Basis) -> None:
    entry = {"case_id": case["case_id"], "item_no": item["item_no"]}
    if item_open_at(case, item, ref):
        row["open_items"].append(entry)
        if item_near_due(case, item, ref, basis):
            row["near_due_items"].append(entry)
        if item_past_due(case, item, ref):
            row["past_due_items"].append(entry)
    if item["status"] in CONCLUDED_ITEM and item["concluded_on"] in period:
        row["concluded_items"].append(entry)
        if item["on_time"] is True:
            row["concluded_on_time"].append(entry)
        if item["on_time"] is False:
            row["concluded_late"].append(entry)


def _counted(row: dict) -> dict:
    return {k: len(v) if isinstance(v, list) else v for k, v in row.items()}


def workload_members(cases: list[dict], basis: Basis, period: Period = Period(),
                     department: str | None = None) -> tuple[dict, dict, dict]:
    """Per department, per (department, agent) and per case agent: each count's members."""
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
            depts[code]["open_cases"].append({"case_id": case["case_id"]})
        agent = case.get("case_agent")
        if agent and not department and case.get("opened_on"):
            row = case_agents.setdefault(agent["username"], {
                "username": agent["username"], "name": agent.get("name"), "service_point": case["service_point"],
                "open_cases": [], "concluded_cases": []})
            if before_or_on(case["opened_on"], ref) and not before_or_on(case["concluded_on"], ref):
                row["open_cases"].append({"case_id": case["case_id"]})
            if case["status"] in CONCLUDED_CASE and case["concluded_on"] in period:
                row["concluded_cases"].append({"case_id": case["case_id"]})
    return depts, agents, case_agents


def workloads(cases: list[dict], basis: Basis, period: Period = Period(), department: str | None = None) -> dict:
    depts, agents, case_agents = workload_members(cases, basis, period, department)
    return {
        "as_of": basis.today.isoformat(), "period": period.as_dict(),
        "departments": [{"department": code, **_counted(row)} for code, row in sorted(depts.items())],
        "agents": [{"department": code, "agent": name, **_counted(row)} for (code, name), row in sorted(agents.items())],
        "case_agents": [_counted(case_agents[k]) for k in sorted(case_agents)],
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


def satisfaction_members(cases: list[dict], basis: Basis, period: Period = Period(), department: str | None = None,
                         channel: str | None = None) -> dict[str, list[dict]]:
    """What each 好差评 count counts (one entry a rating, rectification, case or item): the figures are these
    lists' lengths, so a figure and the cases behind it cannot differ.  Keys: ``ratings``, ``good``, ``bad``,
    ``level.<level>``, ``channel.<channel>``, ``department.<code>``, ``agent.<username>``, ``item.<no>``,
    ``follow_up_ratings``, ``defaulted_ratings``, ``rectifications``, ``invalid_bad_ratings``,
    ``rectification_due``, ``rectified``, ``real_name``, ``visited``, ``overdue_rectifications``,
    ``concluded``, ``rated``, ``actively_rated``, ``items_concluded``, ``items_on_time``."""
    involved = [c for c in cases if department is None or department in c["departments"]]
    ratings = [(c, r) for c in involved for r in first_ratings(c)
               if r["rated_on"] in period and (channel is None or r["channel"] == channel)]
    members: dict[str, list[dict]] = {"ratings": [], "good": [], "bad": [], "follow_up_ratings": [], "defaulted_ratings": []}
    members.update({f"level.{level}": [] for level in LEVELS})

    def add(key: str, entry: dict) -> None:
        members.setdefault(key, []).append(entry)

    for c, r in ratings:
        entry = {"case_id": c["case_id"], "rating_no": r.get("rating_no")}
        add("ratings", entry)
        add(f"level.{r['level']}", entry)
        add(f"channel.{r['channel'] or 'system_default'}", entry)
        if r["level"] in basis.good_levels:
            add("good", entry)
        if r["level"] in BAD:
            add("bad", entry)
        if r["defaulted"]:
            add("defaulted_ratings", entry)
        for d in c["departments"]:
            if department is None or d == department:
                add(f"department.{d}", entry)
        add(f"agent.{(c.get('case_agent') or {}).get('username', '')}", entry)
        for i in c["items"]:
            if department is None or i["department"] == department:
                add(f"item.{i['item_no']}", entry)
    members["follow_up_ratings"] = [
        {"case_id": c["case_id"], "rating_no": r.get("rating_no")} for c in involved for r in c["ratings"]
        if r["follow_up"] and r["rated_on"] in period and (channel is None or r["channel"] == channel)]
    rects = [(c, r) for c in involved for r in c["rectifications"]
             if r["opened_on"] in period and (department is None or department in r["departments"])
             and (channel is None or _rating_channel(c, r) == channel)]

    def of(chosen) -> list[dict]:  # noqa: ANN001
        return [{"case_id": c["case_id"], "rectification_id": r["rectification_id"]} for c, r in chosen]

    members["rectifications"] = of(rects)
    members["invalid_bad_ratings"] = of((c, r) for c, r in rects if r["state"] == "invalid")
    members["rectification_due"] = of((c, r) for c, r in rects if r["state"] != "invalid")
    members["rectified"] = of((c, r) for c, r in rects if r["rectified_on"])
    members["real_name"] = of((c, r) for c, r in rects if r["real_name"])
    members["visited"] = of((c, r) for c, r in rects if r["real_name"] and visited(r))
    members["overdue_rectifications"] = of((c, r) for c, r in rects if rectification_overdue(r, basis.today))
    concluded = [c for c in involved if c["status"] in CONCLUDED_CASE and c["concluded_on"] in period]
    members["concluded"] = [{"case_id": c["case_id"]} for c in concluded]
    members["rated"] = [{"case_id": c["case_id"]} for c in concluded if _rated(c, channel)]
    members["actively_rated"] = [{"case_id": c["case_id"]} for c in concluded if _rated(c, channel, active=True)]
    items_done = [(c, i) for c in involved for i in concluded_items(c, period, department)]
    members["items_concluded"] = [{"case_id": c["case_id"], "item_no": i["item_no"]} for c, i in items_done]
    members["items_on_time"] = [{"case_id": c["case_id"], "item_no": i["item_no"]} for c, i in items_done
                                if i["on_time"] is True]
    return members


def _by(members: dict[str, list[dict]], prefix: str) -> dict[str, int]:
    return {k[len(prefix) + 1:]: len(v) for k, v in sorted(members.items()) if k.startswith(prefix + ".")}


def satisfaction(cases: list[dict], basis: Basis, period: Period = Period(), department: str | None = None,
                 channel: str | None = None) -> dict:
    m = satisfaction_members(cases, basis, period, department, channel)
    n = {k: len(v) for k, v in m.items()}
    rects = {(e["case_id"], e["rectification_id"]) for e in m["rectified"]}
    by_case = {c["case_id"]: c for c in cases}
    durations = [basis.calendar.workdays_between(date.fromisoformat(r["opened_on"]), date.fromisoformat(r["rectified_on"]))
                 for cid, rid in sorted(rects) for r in by_case[cid]["rectifications"] if r["rectification_id"] == rid]
    return {
        "period": period.as_dict(), "department": department, "channel": channel,
        "good_levels": list(basis.good_levels),
        "ratings": n["ratings"], "follow_up_ratings": n["follow_up_ratings"],
        "defaulted_ratings": n["defaulted_ratings"],
        "by_level": {level: n[f"level.{level}"] for level in LEVELS},
        "by_channel": _by(m, "channel"), "by_department": _by(m, "department"),
        "by_agent": _by(m, "agent"), "by_item": dict(sorted(_by(m, "item").items(), key=lambda kv: int(kv[0]))),
        "good_rate": rate(n["good"], n["ratings"]), "bad_rate": rate(n["bad"], n["ratings"]),
        "rectifications": n["rectifications"], "invalid_bad_ratings": n["invalid_bad_ratings"],
        "rectification_rate": rate(n["rectified"], n["rectification_due"]),
        "real_name_follow_up_rate": rate(n["visited"], n["real_name"]),
        "rating_rate": rate(n["rated"], n["concluded"]),
        "active_rating_rate": rate(n["actively_rated"], n["concluded"]),
        "overdue_rectifications": n["overdue_rectifications"],
        "mean_rectification_workdays": round(mean(durations), 2) if durations else None,
        "on_time_rate": rate(n["items_on_time"], n["items_concluded"]),
    }


def _rated(case: dict, channel: str | None, active: bool = False) -> bool:
    return any((channel is None or r["channel"] == channel) and not (active and r["defaulted"])
               for r in first_ratings(case))


def _rating_channel(case: dict, rect: dict) -> str | None:
    return next((r["channel"] for r in case["ratings"] if r["rating_no"] == rect["rating_no"]), None)
