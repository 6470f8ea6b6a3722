"""The monthly report (三(八)/四(二): departments report progress before the 15th of the next month)."""

from __future__ import annotations

from datetime import date

from shared.reference import load_catalog
from services.reporting.assessment import scorecard
from services.reporting.caseview import CONCLUDED_ITEM
from services.reporting.figures import (
    BAD, Basis, first_ratings, item_open_at, item_past_due, rectification_overdue, satisfaction,
)
from services.reporting.periods import Period, before_or_on, rate

DUE_DAY = 15


def schedule(year: int, month: int) -> tuple[date, date]:
    """(ready from, due by): the 1st and the 15th of the next month."""
    ny, nm = (year + 1, 1) if month == 12 else (year, month + 1)
    return date(ny, nm, 1), date(ny, nm, DUE_DAY)


def department_figures(cases: list[dict], period: Period, basis: Basis, department: str | None) -> dict:
    end = period.end
    mine = [c for c in cases if department is None or department in c["departments"]]
    items = [(c, i) for c in mine for i in c["items"] if department is None or i["department"] == department]
    concluded = [i for _, i in items if i["status"] in CONCLUDED_ITEM and i["concluded_on"] in period]
    ratings = [r for c in mine for r in first_ratings(c) if r["rated_on"] in period]
    good = sum(r["level"] in basis.good_levels for r in ratings)
    rects = [r for c in mine for r in c["rectifications"]
             if department is None or department in r["departments"]]
    opened_rects = [r for r in rects if r["opened_on"] in period]
    row = {
        "cases_opened": sum(c.get("opened_on") in period for c in mine),
        "cases_completed": sum(c["status"] == "completed" and c["concluded_on"] in period for c in mine),
        "cases_terminated": sum(c["status"] == "terminated" and c["concluded_on"] in period for c in mine),
        "cases_open_at_end": sum(before_or_on(c.get("opened_on"), end) and not before_or_on(c["concluded_on"], end)
                                 for c in mine),
        "items_accepted": sum(i["accepted_on"] in period for _, i in items),
        "items_concluded": len(concluded),
        "deadlines_kept": sum(i["on_time"] is True for i in concluded),
        "deadlines_missed": sum(i["on_time"] is False for i in concluded),
        "items_open_at_end": sum(item_open_at(c, i, end) for c, i in items),
        "items_overdue_at_end": sum(item_past_due(c, i, end) for c, i in items),
        "ratings": len(ratings), "good_ratings": good, "bad_ratings": sum(r["level"] in BAD for r in ratings),
        "good_rate": rate(good, len(ratings)),
        "rectifications_opened": len(opened_rects),
        "rectifications_completed": sum(r["rectified_on"] in period for r in rects),
        "rectifications_overdue": sum(rectification_overdue(r, end) for r in opened_rects),
    }
    row["progress"] = (
        f"本月新开案件{row['cases_opened']}件，办结{row['cases_completed']}件，终止{row['cases_terminated']}件，"
        f"月末在办{row['cases_open_at_end']}件；受理事项{row['items_accepted']}项，办结{row['items_concluded']}项"
        f"（按时{row['deadlines_kept']}项、超期{row['deadlines_missed']}项），月末在办{row['items_open_at_end']}项"
        f"（已超期{row['items_overdue_at_end']}项）；收到评价{row['ratings']}条（差评{row['bad_ratings']}条），"
        f"差评整改开立{row['rectifications_opened']}件、完成{row['rectifications_completed']}件。")
    return row


def monthly_report(cases: list[dict], basis: Basis, year: int, month: int, department: str | None = None) -> dict:
    catalog = load_catalog()
    period = Period.month(year, month)
    ready_from, due_by = schedule(year, month)
    month_basis = Basis(today=min(basis.today, period.end), calendar=basis.calendar,
                        warning_workdays=basis.warning_workdays, good_includes_basic=basis.good_includes_basic,
                        weights=basis.weights)
    codes = sorted({i.department for i in catalog.items} | {i["department"] for c in cases for i in c["items"]})
    if department:
        codes = [department]
    departments = [{"department": code, "department_name": _name(code),
                    **department_figures(cases, period, month_basis, code)} for code in codes]
    return {
        "month": f"{year:04d}-{month:02d}", "period": period.as_dict(),
        "ready_from": ready_from.isoformat(), "due_by": due_by.isoformat(), "generated_on": basis.today.isoformat(),
        "status": "provisional" if basis.today < ready_from else "final",
        "status_label": ("月份尚未结束，数据为截至生成日的临时数据；正式月报自次月1日起生成" if basis.today < ready_from
                         else f"正式月报：应于 {due_by.isoformat()} 前报送区政务服务局"),
        "totals": None if department else department_figures(cases, period, month_basis, None),
        "departments": departments,
        "satisfaction": satisfaction(cases, month_basis, period, department=department),
        "assessment": scorecard(cases, month_basis, period, department=department),
    }


def _name(code: str) -> str:
    try:
        return load_catalog().department(code).name
    except KeyError:
        return code
