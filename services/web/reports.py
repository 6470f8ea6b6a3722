"""The departments' monthly submissions (各部门月度报送: 工作进展情况, 经验做法, 典型案例) and the annual assessment.

A department's agent fills its department's submission for a month (``PUT /reporting/monthly-submissions/{month}``,
again to correct it: a new version); the supervisory office sees every department with when it submitted or
逾期 (``GET`` of the same path), linked from the monthly report.  The annual assessment
(``GET /reporting/annual-assessment/{year}``) is the year's 放管服 scorecard per department and the per-agent
figures for the personal annual review, printable."""

from __future__ import annotations

import asyncio
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from shared.clock import today
from services.web import formats
from services.web.caseforms import Values
from services.web.pages import NotLoggedIn, after_of, logged_in, page_command, position_of, redirect, render
from services.web.supervision import INDICATOR_LABELS, month_back, names, office, pct, unreadable

router = APIRouter(include_in_schema=False)
SUBMITTERS = ("window_agent", "park_agent", "department_agent")
STATUS_CLASS = {"submitted": "done", "submitted_late": "late", "missing": "late", "not_due": "pending"}


def this_month(request: Request) -> str:
    return today(request.app.state.runtime.clock).strftime("%Y-%m")


@router.get("/submissions")
async def submissions_now(request: Request) -> Response:
    try:
        logged_in(request)
    except NotLoggedIn:
        return redirect("/login")
    month = request.query_params.get("month") or month_back(this_month(request), 1)
    return redirect(f"/submissions/{quote(month, safe='')}")


async def show_submissions(request: Request, session, api, month: str, *, after: str | None = None,  # noqa: ANN001
                           errors: dict | None = None, message: str | None = None, values: list | None = None,
                           status: int = 200, saved: bool = False) -> Response:
    answer = await api.get(f"/reporting/monthly-submissions/{quote(month, safe='')}", after=after)
    if refused := unreadable(request, session, answer, "无法查看月度报送", "月份有误"):
        return refused
    found = answer.json()
    months = [month_back(this_month(request), n) for n in range(0, 12)]
    own = next((d for d in found["departments"] if d["department"] == session.department), None)
    latest = (own or {}).get("submission") or {}
    typed = Values.of(values) if values is not None else Values(
        progress=[latest.get("progress") or ""], practices=[latest.get("practices") or ""],
        typical_cases=[latest.get("typical_cases") or ""])
    return render(request, "submissions.html", status=status, session=session, month=month, found=found, own=own,
                  months=months, values=typed, errors=errors or {}, message=message, saved=saved,
                  may_submit=session.role in SUBMITTERS and bool(session.department), status_class=STATUS_CLASS)


@router.get("/submissions/{month}")
async def submissions_page(request: Request, month: str, after: str | None = Query(default=None)) -> Response:
    try:
        session, api = logged_in(request)
    except NotLoggedIn:
        return redirect("/login")
    if session.role not in (*SUBMITTERS, "supervisor", "admin"):
        return render(request, "message.html", status=403, session=session, title="无权查看",
                      text="月度报送由各部门代办帮办人员填报，领导小组办公室查看。")
    return await show_submissions(request, session, api, month, after=after_of(after), saved=bool(after))


@router.post("/submissions/{month}")
async def submit(request: Request, month: str) -> Response:
    async def again(session, api, *, errors, message, values, status) -> Response:  # noqa: ANN001
        message = errors.pop("month", message)  # the month is the page's, not a box of the form
        return await show_submissions(request, session, api, month, errors=errors, message=message, values=values,
                                      status=status)

    return await page_command(request, "PUT", f"/reporting/monthly-submissions/{quote(month, safe='')}",
                              formats.body_from_form, again=again,
                              done=lambda api, answer: f"/submissions/{quote(month)}?"
                              + urlencode({"after": position_of(answer) or ""}))


# -- the annual assessment ---------------------------------------------------------------------
AGENT_KINDS = {"case_agent": "服务点案件代办帮办员", "department_agent": "部门代办帮办人员"}


@router.get("/annual")
async def annual_now(request: Request) -> Response:
    found, refused = office(request)
    if refused:
        return refused
    year = request.query_params.get("year") or str(today(request.app.state.runtime.clock).year)
    return redirect(f"/annual/{quote(year, safe='')}")


@router.get("/annual/{year}")
async def annual_page(request: Request, year: str) -> Response:
    found, refused = office(request)
    if refused:
        return refused
    session, api = found
    answer, known = await asyncio.gather(api.get(f"/reporting/annual-assessment/{quote(year, safe='')}"), names(api))
    if refused := unreadable(request, session, answer, "年度考核无法生成", "年度有误"):
        return refused
    view = answer.json()
    now = today(request.app.state.runtime.clock).year
    agents = sorted(view["agents"], key=lambda a: (a["kind"], a["department"] or "", a["name"] or ""))
    departments = sorted(view["assessment"]["departments"],
                         key=lambda d: (d["rank"] is None, d["rank"] or 0, d["department"]))
    return render(request, "annual.html", session=session, year=year, view=view, agents=agents, departments=departments,
                  names=known, years=[str(y) for y in range(now, now - 5, -1)], kinds=AGENT_KINDS, pct=pct,
                  indicator_labels=INDICATOR_LABELS)
