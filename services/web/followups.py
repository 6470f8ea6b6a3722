"""回访抽查: the supervisor draws a random sample of the cases concluded in a period, records each visit, and the
page recomputes the draw from its recorded seed and inputs to check it (``reproducible``, answered by the API on
every read).  Over ``/evaluation/follow-ups/…``; the admin may read, only the supervisor draws and visits."""

from __future__ import annotations

import asyncio
from calendar import monthrange
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from shared.clock import today
from shared.contracts.evaluation import LEVEL_LABELS, VISIT_OUTCOME_LABELS
from services.web import formats
from services.web.caseforms import Values
from services.web.pages import after_of, page_command, position_of, render
from services.web.supervision import month_back, office, unreadable

router = APIRouter(include_in_schema=False)


def draw_body(fields: list[tuple[str, str]]) -> dict:
    body = formats.body_from_form([(k, v) for k, v in fields if k != "ratio"])
    ratio = dict(fields).get("ratio", "").strip().rstrip("%％")
    if ratio:
        try:
            body["ratio"] = round(float(ratio) / 100, 6)
        except ValueError:
            body["ratio"] = ratio  # the API names it
    return body


async def show_draws(request: Request, session, api, *, errors: dict | None = None, message: str | None = None,  # noqa: ANN001
                     values: list | None = None, status: int = 200) -> Response:
    answer = await api.get("/evaluation/follow-ups/draws")
    if refused := unreadable(request, session, answer, "无法查看回访抽查", "无权查看"):
        return refused
    last = month_back(today(request.app.state.runtime.clock).strftime("%Y-%m"), 1)
    days = monthrange(int(last[:4]), int(last[5:]))[1]
    defaults = Values(period_start=[f"{last}-01"], period_end=[f"{last}-{days:02d}"],
                      ratio=[f"{request.app.state.runtime.settings.follow_up_ratio * 100:g}"], seed=[""])
    draws = sorted(answer.json(), key=lambda d: (d["drawn_on"], d["draw_id"]), reverse=True)
    return render(request, "followups.html", status=status, session=session, draws=draws, errors=errors or {},
                  message=message, values=Values.of(values) if values is not None else defaults)


@router.get("/followups")
async def draws_page(request: Request) -> Response:
    found, refused = office(request)
    return refused or await show_draws(request, *found)


@router.post("/followups")
async def make_draw(request: Request) -> Response:
    found, refused = office(request)
    if refused:
        return refused

    async def again(session, api, *, errors, message, values, status) -> Response:  # noqa: ANN001
        return await show_draws(request, session, api, errors=errors, message=message, values=values, status=status)

    return await page_command(request, "POST", "/evaluation/follow-ups/draws", draw_body, again=again,
                              done=lambda api, answer: f"/followups/{quote(answer.json()['draw_id'])}?"
                              + urlencode({"after": position_of(answer) or ""}))


async def show_draw(request: Request, session, api, draw_id: str, *, after: str | None = None,  # noqa: ANN001
                    errors: dict | None = None, message: str | None = None, values: list | None = None,
                    status: int = 200) -> Response:
    answer = await api.get(f"/evaluation/follow-ups/draws/{quote(draw_id, safe='')}", after=after)
    if refused := unreadable(request, session, answer, "无法查看该次回访抽取", "回访抽取不存在"):
        return refused
    draw = answer.json()
    views = await asyncio.gather(*(api.get(f"/reporting/cases/{quote(c, safe='')}") for c in draw["sample"]))
    cases = {c: v.json() for c, v in zip(draw["sample"], views) if v.status_code == 200}
    visits: dict[str, list[dict]] = {}
    for v in draw["visits"]:
        visits.setdefault(v["case_id"], []).append(v)
    typed = Values.of(values or [])
    return render(request, "followup.html", status=status, session=session, d=draw, visits=visits, cases=cases,
                  outcomes=VISIT_OUTCOME_LABELS, levels=LEVEL_LABELS, errors=errors or {}, message=message,
                  typed=typed, typed_case=typed.v("case_id"), today=today(request.app.state.runtime.clock).isoformat(),
                  visited=sum(1 for c in draw["sample"] if c in visits))


@router.get("/followups/{draw_id}")
async def draw_page(request: Request, draw_id: str, after: str | None = Query(default=None)) -> Response:
    found, refused = office(request)
    return refused or await show_draw(request, *found, draw_id, after=after_of(after))


@router.post("/followups/{draw_id}/visits")
async def record_visit(request: Request, draw_id: str) -> Response:
    found, refused = office(request)
    if refused:
        return refused

    async def again(session, api, *, errors, message, values, status) -> Response:  # noqa: ANN001
        return await show_draw(request, session, api, draw_id, errors=errors, message=message, values=values,
                               status=status)

    def done(api, answer) -> str:  # noqa: ANN001
        return f"/followups/{quote(draw_id)}?" + urlencode({"after": position_of(answer) or ""})

    return await page_command(request, "POST", f"/evaluation/follow-ups/{quote(draw_id, safe='')}/visits",
                              formats.body_from_form, done=done, again=again)
