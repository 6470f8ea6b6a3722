"""The year-end assessment (pure): the 放管服 scorecard of the year per department (the scorecard of
:mod:`services.reporting.assessment` over the calendar year) and the figures of each agent for the 个人年度绩效考核.

An agent is a service point's case agent (by account: the case's ``case_agent``) or a department's agent (by the
name the register assigns to items: an item's ``assignees``; the department itself where nobody is named, as
the workloads count them).  Per agent, over the year:

* ``cases``: their cases concluded (办结 or 终止) in the year (a department agent's: cases with an item of theirs);
* ``items_concluded`` / ``items_on_time`` / ``on_time_rate``: items concluded in the year — every item of a case
  agent's cases, a department agent's own items — and how many by their due date;
* ``ratings`` / ``good_ratings`` / ``bad_ratings`` / ``good_rate``: the case ratings (first ratings) given in the year
  on their cases;
* ``bad_rectified``: 差评 of their cases rectified in the year (a department agent's: with their department
  responsible);
* ``complaints``: complaints received in the year about their cases (a department agent's: routed to their
  department).
"""

from __future__ import annotations

from datetime import date

from shared.reference import load_catalog
from services.reporting.assessment import scorecard
from services.reporting.caseview import CONCLUDED_CASE, CONCLUDED_ITEM
from services.reporting.figures import Basis, first_ratings, item_agents
from services.reporting.periods import Period, rate

DEFINITIONS = {
    "cases": "年内办结或终止的、经其办理的案件数（部门人员：含其承办事项的案件）",
    "items_concluded": "年内办结的事项数（案件代办帮办员：其案件的全部事项；部门人员：其承办的事项）",
    "on_time_rate": "按时办结率 = 按时办结的事项 ÷ 办结的事项",
    "ratings": "年内对其案件的首次评价数（追评不计）；好评率 = 好评 ÷ 评价",
    "bad_rectified": "年内整改完成的差评数（部门人员：本部门为责任部门的）",
    "complaints": "年内涉及其案件的投诉建议数（部门人员：转办本部门的、涉及其案件的）",
}


def _row(kind: str, **key: object) -> dict:
    return {"kind": kind, **key, "case_ids": set(), "items": []}


def annual_assessment(cases: list[dict], basis: Basis, year: int, complaints: list[dict] = ()) -> dict:
    period = Period(date(year, 1, 1), date(year, 12, 31))
    ref = min(basis.today, period.end)
    year_basis = Basis(today=ref, calendar=basis.calendar, warning_workdays=basis.warning_workdays,
                       good_includes_basic=basis.good_includes_basic, weights=basis.weights)
    rows: dict[tuple, dict] = {}
    catalog = load_catalog()
    for case in cases:
        agent = case.get("case_agent")
        if agent and case.get("opened_on"):
            key = ("case_agent", agent["username"])
            row = rows.setdefault(key, _row("case_agent", username=agent["username"], name=agent.get("name"),
                                            department=catalog.service_point(case["service_point"]).department,
                                            service_point=case["service_point"]))
            row["case_ids"].add(case["case_id"])
            row["items"].extend((case, i) for i in case["items"])
        for item in case["items"]:
            for name in item_agents(item):
                key = ("department_agent", item["department"], name)
                row = rows.setdefault(key, _row("department_agent", username=None, name=name,
                                                department=item["department"], service_point=None))
                row["case_ids"].add(case["case_id"])
                row["items"].append((case, item))
    by_id = {c["case_id"]: c for c in cases}
    agents = [_figures(row, by_id, period, year_basis, list(complaints)) for _, row in sorted(rows.items(), key=lambda kv: [
        str(part) for part in kv[0]])]
    return {"year": year, "period": period.as_dict(), "as_of": ref.isoformat(),
            "status": "final" if basis.today > period.end else "provisional",
            "assessment": scorecard(cases, year_basis, period, complaints=list(complaints)),
            "agents": agents, "definitions": DEFINITIONS}


def _figures(row: dict, by_id: dict[str, dict], period: Period, basis: Basis, complaints: list[dict]) -> dict:
    mine = [by_id[c] for c in sorted(row["case_ids"])]
    department_agent = row["kind"] == "department_agent"
    done = [i for _, i in row["items"] if i["status"] in CONCLUDED_ITEM and i["concluded_on"] in period]
    on_time = sum(i["on_time"] is True for i in done)
    ratings = [r for c in mine for r in first_ratings(c) if r["rated_on"] in period]
    good = sum(r["level"] in basis.good_levels for r in ratings)
    rectified = [r for c in mine for r in c["rectifications"] if r["rectified_on"] in period
                 and (not department_agent or row["department"] in r["departments"])]
    ids = {c["case_id"] for c in mine}
    about = [c for c in complaints if c["received_on"] in period and c["about_case_id"] in ids
             and (not department_agent or c["department"] == row["department"])]
    return {
        "kind": row["kind"], "username": row["username"], "name": row["name"], "department": row["department"],
        "service_point": row["service_point"],
        "cases": sum(c["status"] in CONCLUDED_CASE and c["concluded_on"] in period for c in mine),
        "items_concluded": len(done), "items_on_time": on_time, "on_time_rate": rate(on_time, len(done)),
        "ratings": len(ratings), "good_ratings": good, "bad_ratings": sum(r["bad"] for r in ratings),
        "good_rate": rate(good, len(ratings)), "bad_rectified": len(rectified), "complaints": len(about),
    }
