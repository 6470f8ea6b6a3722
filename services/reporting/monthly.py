"""The monthly report (三(八)/四(二): departments report progress before the 15th of the next month)."""

from __future__ import annotations

from datetime import date

from shared.contracts.supervision import (
    SUBMISSION_DUE_DAY, SUBMISSION_STATUS_LABELS, submission_schedule, submission_status,
)
from shared.reference import load_catalog
from services.reporting.assessment import scorecard
from services.reporting.caseview import CONCLUDED_ITEM
from services.reporting.figures import (
    BAD, Basis, cases_by_department, first_ratings, item_open_at, item_past_due, rectification_overdue, satisfaction,
)
from services.reporting.periods import Period, before_or_on, rate
from services.reporting.supervision import complaint_figures

DUE_DAY = SUBMISSION_DUE_DAY
schedule = submission_schedule  # (ready from, due by): the 1st and the 15th of the next month


def department_figures(cases: list[dict], period: Period, basis: Basis, department: str | None,
                       complaints: list[dict] = ()) -> dict:
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
    received = complaint_figures(list(complaints), period, basis.today, department=department)
    row.update(complaints_received=received["complaints"], complaints_replied=received["complaints_replied"],
               complaints_overdue=received["complaints_overdue"])
    row["progress"] = (
        f"本月新开案件{row['cases_opened']}件，办结{row['cases_completed']}件，终止{row['cases_terminated']}件，"
        f"月末在办{row['cases_open_at_end']}件；受理事项{row['items_accepted']}项，办结{row['items_concluded']}项"
        f"（按时{row['deadlines_kept']}项、超期{row['deadlines_missed']}项），月末在办{row['items_open_at_end']}项"
        f"（已超期{row['items_overdue_at_end']}项）；收到评价{row['ratings']}条（差评{row['bad_ratings']}条），"
        f"差评整改开立{row['rectifications_opened']}件、完成{row['rectifications_completed']}件"
        + (f"；收到投诉建议{row['complaints_received']}件，已答复{row['complaints_replied']}件"
           f"（超期{row['complaints_overdue']}件）" if row["complaints_received"] or row["complaints_overdue"] else "")
        + "。")  # complaints named when there are any
    return row


def submission_summary(submissions: dict[str, dict], codes: list[str], due_by: date, today: date) -> dict:
    """The office's summary of the departments' submissions (工作进展情况、经验做法、典型案例) for the month."""
    rows = []
    for code in codes:
        found = submissions.get(code)
        state = submission_status(found["late"] if found else None, today, due_by)
        rows.append({"department": code, "department_name": _name(code), "status": state,
                     "status_label": SUBMISSION_STATUS_LABELS[state],
                     "submitted_on": found["first_submitted_on"] if found else None,
                     "late": state in ("submitted_late", "missing"),
                     "progress": found["progress"] if found else None,
                     "practices": found["practices"] if found else None,
                     "typical_cases": found["typical_cases"] if found else None})
    counts = {state: sum(r["status"] == state for r in rows) for state in SUBMISSION_STATUS_LABELS}
    text = (f"应报送部门{len(rows)}个，按期报送{counts['submitted']}个，逾期报送{counts['submitted_late']}个，"
            f"逾期未报送{counts['missing']}个，尚未报送（未到期限）{counts['not_due']}个；报送期限 {due_by.isoformat()}。")
    missing = [r["department_name"] for r in rows if r["status"] == "missing"]
    if missing:
        text += "逾期未报送：" + "、".join(missing) + "。"
    return {"due_by": due_by.isoformat(), "submitted": counts["submitted"] + counts["submitted_late"],
            "late": counts["submitted_late"] + counts["missing"], "missing": counts["missing"], "summary": text,
            "departments": rows}


def monthly_report(cases: list[dict], basis: Basis, year: int, month: int, department: str | None = None,
                   complaints: list[dict] = (), submissions: dict[str, dict] | None = None) -> dict:
    catalog = load_catalog()
    period = Period.month(year, month)
    ready_from, due_by = schedule(year, month)
    month_basis = Basis(today=min(basis.today, period.end), calendar=basis.calendar,
                        warning_workdays=basis.warning_workdays, good_includes_basic=basis.good_includes_basic,
                        weights=basis.weights)
    codes = sorted({i.department for i in catalog.items} | {i["department"] for c in cases for i in c["items"]})
    if department:
        codes = [department]
    by_department = cases_by_department(cases)
    departments = [{"department": code, "department_name": _name(code),
                    **department_figures(by_department.get(code, []), period, month_basis, code, complaints)}
                   for code in codes]
    reporting_codes = [department] if department else [d.code for d in catalog.departments]
    return {
        "month": f"{year:04d}-{month:02d}", "period": period.as_dict(),
        "ready_from": ready_from.isoformat(), "due_by": due_by.isoformat(), "generated_on": basis.today.isoformat(),
        "status": "provisional" if basis.today < ready_from else "final",
        "status_label": ("月份尚未结束，数据为截至生成日的临时数据；正式月报自次月1日起生成" if basis.today < ready_from
                         else f"正式月报：应于 {due_by.isoformat()} 前报送区政务服务局"),
        "totals": None if department else department_figures(cases, period, month_basis, None, complaints),
        "departments": departments,
        "satisfaction": satisfaction(cases, month_basis, period, department=department),
        "assessment": scorecard(cases, month_basis, period, department=department, complaints=list(complaints)),
        "submissions": submission_summary(submissions or {}, reporting_codes, due_by, basis.today),
    }


def _name(code: str) -> str:
    return load_catalog().department_name(code)
