"""The departments' monthly submission page (月度报送: 工作进展情况, 经验做法, 典型案例), where the reminder from
the 10th and the inbox's to-do lead: ``/submissions/{YYYY-MM}``, a client of ``GET``/``PUT
/reporting/monthly-submissions/{YYYY-MM}`` with the user's token (an agent reads and writes its own
department's; what the API refuses, the page shows)."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from services.web import formats
from services.web.caseforms import Values
from services.web.pages import NotLoggedIn, after_of, logged_in, position_of, posted_form, redirect, render, to_login

router = APIRouter(include_in_schema=False)
FIELDS = ("progress", "practices", "typical_cases")
REPORTERS = ("window_agent", "park_agent", "department_agent")  # who submits for its department (the API's AGENT_ROLES)


async def show(request: Request, session, api, month: str, *, after: str | None = None, status: int = 200,  # noqa: ANN001
               values: Values | None = None, errors: dict | None = None, message: str | None = None) -> Response:
    answer = await api.get(f"/reporting/monthly-submissions/{quote(month, safe='')}", after=after)
    if answer.status_code == 401:
        return to_login(request)
    if answer.status_code != 200:
        return render(request, "message.html", status=answer.status_code, session=session, title="无法查看月度报送",
                      text=formats.message_of(answer.json(), "月度报送无法查看"))
    listing = answer.json()
    own = next((r for r in listing["departments"] if r["department"] == session.department), None) \
        if session.role in REPORTERS else None
    if values is None:
        latest = (own or {}).get("submission") or {}
        values = Values({k: [latest.get(k) or ""] for k in FIELDS})
    return render(request, "submission.html", status=status, session=session, month=month, listing=listing, own=own,
                  values=values, errors=errors or {}, message=message, saved=bool(after))


@router.get("/submissions/{month}")
async def submission_page(request: Request, month: str, after: str | None = Query(default=None)) -> Response:
    try:
        session, api = logged_in(request)
    except NotLoggedIn:
        return redirect("/login")
    return await show(request, session, api, month, after=after_of(after))


@router.post("/submissions/{month}")
async def submit(request: Request, month: str) -> Response:
    found = await posted_form(request)
    if isinstance(found, Response):
        return found
    session, api, fields = found
    values = Values.of(fields)
    body = {k: values.v(k).strip() for k in FIELDS if values.v(k).strip() or k != "typical_cases"}
    answer = await api.put(f"/reporting/monthly-submissions/{quote(month, safe='')}", json=body)
    if answer.status_code == 401:
        return to_login(request)
    if answer.status_code == 200:
        return redirect(f"/submissions/{quote(month, safe='')}?" + urlencode({"after": position_of(answer) or ""}))
    errors, text = formats.failure(answer)
    return await show(request, session, api, month, status=answer.status_code, values=values, errors=errors, message=text)
