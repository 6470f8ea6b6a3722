"""The supervisory office's pages (领导小组办公室): the dashboard of figures, the cases behind each figure, the
case list, the case's history across moments, 差评 rectification and the monthly report.

Every number on these pages is the API's (``/reporting/satisfaction``, ``/workloads``, ``/assessment``), and
every number links to ``/figures?figure=…`` with the same filters: the list ``GET /reporting/figure-cases``
answers is what the figure's own code counted, so its length is the number.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from shared.clock import today
from shared.reference import load_catalog
from shared.contracts.evaluation import RATING_CHANNEL_LABELS
from services.web import formats
from services.web.charts import Bar, bars
from services.web.pages import (
    HOMES, NotLoggedIn, after_of, logged_in, page_command, page_response, position_of, redirect, render, to_login,
)

router = APIRouter(include_in_schema=False)
OFFICE = ("supervisor", "admin")
FILTERS = ("period", "department", "service_point", "channel")
RATES = (("good_rate", "好评率", "good", "ratings"), ("bad_rate", "差评率", "bad", "ratings"),
         ("rectification_rate", "差评整改率", "rectified", "rectification_due"),
         ("real_name_follow_up_rate", "实名差评回访率", "visited", "real_name"),
         ("rating_rate", "评价率", "rated", "concluded"), ("active_rating_rate", "主动评价率", "actively_rated", "concluded"),
         ("on_time_rate", "按时办结率", "items_on_time", "items_concluded"))
RATE_DEFINITIONS = {
    "good_rate": "好评数 ÷ 首次评价数", "bad_rate": "差评（不满意、非常不满意）数 ÷ 首次评价数",
    "rectification_rate": "已整改的差评 ÷ 应整改的差评（无效差评不计）", "real_name_follow_up_rate": "已回访的实名差评 ÷ 实名差评",
    "rating_rate": "办结（终止）案件中已评价的 ÷ 办结（终止）案件", "active_rating_rate": "办结（终止）案件中主动评价（非系统默认）的 ÷ 办结（终止）案件",
    "on_time_rate": "按时办结的事项 ÷ 办结的事项（撤回不计）"}
LOAD_COLUMNS = (("open_cases", "在办案件"), ("open_items", "在办事项"), ("near_due_items", "临期"),
                ("past_due_items", "已超期"), ("concluded_items", "期间办结"), ("concluded_on_time", "按时办结"),
                ("concluded_late", "超期办结"))
INDICATOR_LABELS = {"on_time": "按时办结率", "overdue": "超期控制率", "satisfaction": "好评率", "rectification": "差评整改率",
                    "follow_up": "实名差评回访率", "complaints": "投诉建议按期答复率"}
FIGURE_LABELS = {
    "ratings": "首次评价", "good": "好评", "bad": "差评", "follow_up_ratings": "追评", "defaulted_ratings": "系统默认评价",
    "rectifications": "差评整改", "invalid_bad_ratings": "无效差评", "rectification_due": "应整改的差评", "rectified": "已整改的差评",
    "real_name": "实名差评", "visited": "已回访的实名差评", "overdue_rectifications": "整改超期", "concluded": "办结（终止）案件",
    "rated": "已评价的办结案件", "actively_rated": "主动评价的办结案件", "items_concluded": "办结的事项",
    "items_on_time": "按时办结的事项", **{f"workload.{k}": v for k, v in LOAD_COLUMNS}}
MONTHS_SHOWN = 6


def office(request: Request):  # noqa: ANN201
    """(session, api) of an office account, or the response to give instead (login, or 403 for others)."""
    try:
        session, api = logged_in(request)
    except NotLoggedIn:
        return None, redirect("/login")
    if session.role not in OFFICE:
        return None, render(request, "message.html", status=403, session=session, title="无权查看",
                            text="本页面供领导小组办公室督查员和管理员使用。")
    return (session, api), None


def pct(rate: dict | None) -> str:
    if not rate or rate.get("value") is None:
        return "不适用"
    return f"{rate['value'] * 100:.1f}%"


def clean_filters(request: Request) -> dict[str, str]:
    return {k: v.strip() for k in FILTERS if (v := request.query_params.get(k, "")).strip()}


def figure_link(figure: str, filters: dict[str, str]) -> str:
    return "/figures?" + urlencode({"figure": figure, **filters})


def month_back(month: str, n: int) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    mon -= n
    while mon < 1:
        year, mon = year - 1, mon + 12
    return f"{year:04d}-{mon:02d}"


async def names(api) -> dict:  # noqa: ANN001
    catalog = await api.get("/coordination/catalog")
    rows = catalog.json() if catalog.status_code == 200 else []
    return {"departments": {c["department"]["code"]: c["department"]["name"] for c in rows},
            # every department, those without a catalog item among them (区政务服务局, 工业园区管委会, 区贸易促进会):
            # the reference data every process ships with
            "all_departments": {d.code: d.name for d in load_catalog().departments},
            "items": {str(c["item_no"]): c["name"] for c in rows},
            "item_departments": {str(c["item_no"]): c["department"]["name"] for c in rows}}


def unreadable(request: Request, session, answer, title: str, fallback: str) -> Response | None:  # noqa: ANN001
    """The page to show instead of one that could not read what it shows (None when the read succeeded)."""
    if answer.status_code == 401:
        return to_login(request)
    if answer.status_code != 200:
        return render(request, "message.html", status=answer.status_code, session=session, title=title,
                      text=formats.message_of(answer.json(), fallback))
    return None


def api_errors(*answers) -> str | None:  # noqa: ANN002
    for answer in answers:
        if answer.status_code != 200:
            return formats.message_of(answer.json(), f"统计未能生成（{answer.status_code}）")
    return None


# -- the dashboard -----------------------------------------------------------------------------
async def dashboard(request: Request, session, api) -> Response:  # noqa: ANN001
    filters = clean_filters(request)
    this_month = today(request.app.state.runtime.clock).strftime("%Y-%m")
    if "period" not in request.query_params:
        filters["period"] = this_month
    month = filters.get("period") or this_month
    scoped = {k: v for k, v in filters.items() if k != "period"}
    figure_filters = {k: v for k, v in filters.items() if k != "channel"}
    months = [month_back(month, n) for n in range(MONTHS_SHOWN - 1, -1, -1)] if len(month) == 7 else []
    calls = [api.get("/reporting/satisfaction", params=filters),
             api.get("/reporting/workloads", params=figure_filters),
             api.get("/reporting/assessment", params=figure_filters), names(api)]
    calls += [api.get("/reporting/satisfaction", params={**scoped, "period": m}) for m in months]
    sat, load, score, known, *by_month = await asyncio.gather(*calls)
    problem = api_errors(sat, load, score, *by_month)
    if sat.status_code == 401:
        return to_login(request)
    context: dict[str, Any] = {"filters": filters, "names": known, "problem": problem,
                               "channels": RATING_CHANNEL_LABELS, "this_month": this_month}
    if problem:
        return render(request, "dashboard.html", status=422 if sat.status_code == 422 else 200, session=session,
                      **context)
    s, w, a = sat.json(), load.json(), score.json()
    link = lambda figure, scope=filters: figure_link(figure, scope)  # noqa: E731
    L = formats.labels()
    groups = []

    def group(key: str, title: str, desc: str, rows: list[tuple[str, str, int]], colour: int) -> None:
        total = sum(v for _, _, v in rows)
        groups.append({"key": key, "title": title, "rows": [{"label": l, "value": v, "link": link(f)} for l, f, v in rows],
                       "total": total,
                       "svg": bars(title, f"{desc}；合计 {total} 件。", [Bar(l, v) for l, _, v in rows], colour=colour)})

    group("level", "评价满意度分布", "按首次评价的满意度", [(L["level"].get(k, k), f"level.{k}", v) for k, v in s["by_level"].items()], 0)
    group("channel", "评价渠道", "按评价渠道", [(RATING_CHANNEL_LABELS.get(k, "系统默认评价" if k == "system_default" else k),
                                          f"channel.{k}", v) for k, v in s["by_channel"].items()], 1)
    group("department", "涉及部门的评价", "按案件涉及的部门", [(known["departments"].get(k, k), f"department.{k}", v)
                                                  for k, v in s["by_department"].items()], 4)
    group("agent", "案件代办帮办员的评价", "按案件代办帮办员", [(k or "（未分配）", f"agent.{k}", v) for k, v in s["by_agent"].items()], 5)
    month_rows = []
    for m, answer in zip(months, by_month):
        x = answer.json()
        month_rows.append({"month": m, "ratings": x["ratings"], "good_rate": pct(x["good_rate"]), "bad_rate": pct(x["bad_rate"]),
                           "link": figure_link("ratings", {**scoped, "period": m}),
                           "good_link": figure_link("good", {**scoped, "period": m})})
    monthly = bars("各月首次评价数", f"{months[0]} 至 {months[-1]} 各月的首次评价数" if months else "",
                   [Bar(f"{r['month'][:4]}年{int(r['month'][5:])}月", r["ratings"], text=f"{r['ratings']}（好评率 {r['good_rate']}）")
                    for r in month_rows], colour=2) if months else None
    rates = [{"key": key, "label": label, "rate": s[key], "shown": pct(s[key]), "definition": RATE_DEFINITIONS[key],
              "link": link(num), "base_link": link(den)} for key, label, num, den in RATES]
    rate_svg = bars("好差评与办结各率", "好评率、差评率、差评整改率、实名差评回访率、评价率、主动评价率、按时办结率（满刻度100%）",
                    [Bar(r["label"], r["rate"]["value"], text=r["shown"] if r["rate"]["value"] is None else
                         f"{r['shown']}（{r['rate']['numerator']}/{r['rate']['denominator']}）") for r in rates],
                    maximum=1.0, colour=1)
    load_rows = [{"code": d["department"], "name": known["departments"].get(d["department"], d["department"]),
                  **{k: d[k] for k, _ in LOAD_COLUMNS},
                  "links": {k: figure_link(f"workload.{k}", {**figure_filters, "department": d["department"]}) for k, _ in LOAD_COLUMNS}}
                 for d in w["departments"]]
    load_totals = {k: sum(r[k] for r in load_rows) for k, _ in LOAD_COLUMNS}
    load_svg = bars("各部门在办事项", "各部门基准日在办的事项数", [Bar(r["name"], r["open_items"]) for r in load_rows if r["open_items"]],
                    colour=0)
    due_items = await asyncio.gather(api.get("/reporting/figure-cases", params={"figure": "workload.past_due_items", **figure_filters}),
                                     api.get("/reporting/figure-cases", params={"figure": "workload.near_due_items", **figure_filters}))
    overdue_list = due_items[0].json()["items"] if due_items[0].status_code == 200 else []
    near_list = due_items[1].json()["items"] if due_items[1].status_code == 200 else []
    departments = sorted((d for d in a["departments"] if d["score"] is not None or not filters.get("department")),
                         key=lambda d: (d["rank"] is None, d["rank"] or 0, d["department"]))
    score_rows = [{**d, "shown": {k: (pct(v) if k != "overdue" else pct(v)) for k, v in d["indicators"].items()},
                   "links": {"overdue": figure_link(f"assessment.{d['department']}.overdue_items", figure_filters),
                             "handled": figure_link(f"assessment.{d['department']}.handled_items", figure_filters)}}
                  for d in departments]
    scored = [d for d in score_rows if d["score"] is not None]
    complaints = await complaint_summary(api, a, score_rows, filters.get("department"))
    score_svg = bars("部门考核得分", "各部门“放管服”考核得分（满分100）", [Bar(d["department_name"], d["score"]) for d in scored],
                     maximum=100, colour=4)
    return render(request, "dashboard.html", session=session, **context, s=s, groups=groups, month_rows=month_rows,
                  monthly=monthly, rates=rates, rate_svg=rate_svg, load_rows=load_rows, load_totals=load_totals,
                  load_svg=load_svg, overdue_list=overdue_list, near_list=near_list, score=a, score_rows=score_rows,
                  score_svg=score_svg, indicator_labels=INDICATOR_LABELS, load_columns=LOAD_COLUMNS, link=link,
                  figure_filters=figure_filters, workloads=w, complaints=complaints)


async def complaint_summary(api, score: dict, score_rows: list[dict], department: str | None) -> dict:  # noqa: ANN001
    """The complaints on the dashboard: those received in the scorecard's period (``GET /supervision/complaints``),
    how many are answered, open and overdue; the 按期答复率 and each department's counts are the scorecard's."""
    answer = await api.get("/supervision/complaints", params={"department": department} if department else None)
    start, end = score["period"]["start"], score["period"]["end"]
    found = [c for c in (answer.json()["complaints"] if answer.status_code == 200 else [])
             if (start is None or c["received_on"] >= start) and (end is None or c["received_on"] <= end)]
    numerator = sum(d["indicators"]["complaints"]["numerator"] for d in score_rows)
    denominator = sum(d["indicators"]["complaints"]["denominator"] for d in score_rows)
    rate = {"value": round(numerator / denominator, 4) if denominator else None, "numerator": numerator,
            "denominator": denominator}
    return {"received": len(found), "answered": sum(c["status"] == "replied" for c in found),
            "open": sum(c["status"] == "open" for c in found), "overdue": sum(bool(c["overdue"]) for c in found),
            "open_overdue": sum(c["status"] == "open" and bool(c["overdue"]) for c in found),
            "rate": rate, "shown": pct(rate), "rows": [d for d in score_rows if d["complaints"]]}


@router.get("/figures")
async def figure_cases(request: Request, figure: str = Query(default="", max_length=100)) -> Response:
    found, refused = office(request)
    if refused:
        return refused
    session, api = found
    filters = clean_filters(request)
    answer, known = await asyncio.gather(api.get("/reporting/figure-cases", params={"figure": figure, **filters}), names(api))
    if refused := unreadable(request, session, answer, "无法列出该指标的案件", "指标或筛选条件有误"):
        return refused
    return render(request, "figure_cases.html", session=session, found=answer.json(), label=figure_label(figure, known),
                  filters=filters, names=known, back="/?" + urlencode(filters))


def figure_label(figure: str, known: dict) -> str:
    if figure in FIGURE_LABELS:
        return FIGURE_LABELS[figure]
    kind, _, rest = figure.partition(".")
    L = formats.labels()
    if kind == "level":
        return f"满意度：{L['level'].get(rest, rest)}"
    if kind == "channel":
        return f"评价渠道：{RATING_CHANNEL_LABELS.get(rest, '系统默认评价' if rest == 'system_default' else rest)}"
    if kind == "department":
        return f"涉及部门：{known['departments'].get(rest, rest)}"
    if kind == "agent":
        return f"案件代办帮办员：{rest or '（未分配）'}"
    if kind == "item":
        return f"事项：{rest}. {known['items'].get(rest, '')}"
    if kind == "assessment":
        code, _, field = rest.partition(".")
        return f"{known['departments'].get(code, code)}：{'超期事项' if field == 'overdue_items' else '经办事项'}"
    return figure


HOMES["supervisor"] = dashboard


@router.get("/dashboard")
async def dashboard_page(request: Request) -> Response:
    found, refused = office(request)
    if refused:
        return refused
    return await dashboard(request, *found)


# -- the case list -----------------------------------------------------------------------------
CASE_FILTERS = ("q", "status", "department", "service_point", "overdue", "period")
PAGE_SIZE = 20


def case_statuses() -> dict[str, str]:
    from shared.contracts.coordination import CASE_STATUS_LABELS as COORDINATION
    from shared.contracts.intake import APPLICATION_STATUS_LABELS

    return {**APPLICATION_STATUS_LABELS, "in_progress": COORDINATION["open"],
            "awaiting_confirmation": COORDINATION["awaiting_confirmation"], "completed": COORDINATION["completed"],
            "terminated": COORDINATION["terminated"]}


@router.get("/cases")
async def case_list(request: Request, cursor: str | None = Query(default=None, max_length=200)) -> Response:
    try:
        session, api = logged_in(request)
    except NotLoggedIn:
        return redirect("/login")
    filters = {k: v.strip() for k in CASE_FILTERS if (v := request.query_params.get(k, "")).strip()}
    params = {**filters, "limit": PAGE_SIZE, **({"cursor": cursor} if cursor else {})}
    answer, known = await asyncio.gather(api.get("/reporting/cases", params=params), names(api))
    if answer.status_code == 401:
        return to_login(request)
    found = answer.json() if answer.status_code == 200 else {"total": 0, "items": [], "next_cursor": None}
    problem = None if answer.status_code == 200 else formats.message_of(answer.json(), "检索条件有误")
    next_link = "/cases?" + urlencode({**filters, "cursor": found["next_cursor"]}) if found.get("next_cursor") else None
    return render(request, "cases.html", status=200 if not problem else 422, session=session, found=found,
                  filters=filters, problem=problem, names=known, statuses=case_statuses(), next_link=next_link,
                  first_link="/cases?" + urlencode(filters) if cursor else None)


# -- 差评 rectification ---------------------------------------------------------------------------
RECT_STATES = {"pending": "待整改", "in_progress": "整改中", "under_review": "待审核", "rectified": "整改完成",
               "invalid": "无效差评", "impossible": "无法整改", "closed": "已办结"}
RECT_ACTIONS = {  # action: (button, needs a note, who: "supervisor" / "any"); offered as the API allows them
    "start": ("开始整改", False, "any"), "record_follow_up_call": ("记录回访电话", True, "any"),
    "verify": ("核实", True, "any"), "rectify": ("整改", True, "any"), "explain": ("解释说明", True, "any"),
    "request_invalidation": ("申请认定无效差评", True, "any"), "request_impossible": ("申请认定无法整改", True, "any"),
    "approve_review": ("审核通过", True, "supervisor"), "reject_review": ("审核不通过", True, "supervisor"),
    "give_feedback": ("反馈评价人", True, "any"), "close": ("办结", False, "any"),
}


@router.get("/rectifications")
async def rectification_list(request: Request, state: str | None = Query(default=None, max_length=20),
                             overdue: str | None = Query(default=None, max_length=5)) -> Response:
    try:
        session, api = logged_in(request)
    except NotLoggedIn:
        return redirect("/login")
    params = {k: v for k, v in (("state", state), ("overdue", overdue)) if v}
    answer = await api.get("/evaluation/rectifications", params=params)
    if refused := unreadable(request, session, answer, "无法查看差评整改", "无权查看"):
        return refused
    return render(request, "rectifications.html", session=session, rows=answer.json(), states=RECT_STATES,
                  state=state or "", overdue=overdue or "")


async def show_rectification(request: Request, session, api, rect_id: str, *, after: str | None = None,  # noqa: ANN001
                             errors: dict | None = None, message: str | None = None, status: int = 200,
                             values: dict | None = None) -> Response:
    answer = await api.get(f"/evaluation/rectifications/{quote(rect_id, safe='')}", after=after)
    if refused := unreadable(request, session, answer, "无法查看该差评整改", "差评整改不存在"):
        return refused
    rect = answer.json()
    offered = [(a, *RECT_ACTIONS[a]) for a in rect.get("allowed_actions", []) if a in RECT_ACTIONS
               and (RECT_ACTIONS[a][2] != "supervisor" or session.role == "supervisor")]
    return render(request, "rectification.html", status=status, session=session, r=rect, offered=offered,
                  states=RECT_STATES, path=state_path(rect), errors=errors or {}, message=message, values=values or {})


def state_path(rect: dict) -> list[str]:
    """The states the rectification went through, in order (the last is where it stands)."""
    history = rect.get("history") or []
    path = [history[0]["from_state"]] if history else []
    for state in [h["to_state"] for h in history] + [rect["state"]]:
        if not path or path[-1] != state:
            path.append(state)
    return path


@router.get("/rectifications/{rect_id}")
async def rectification_page(request: Request, rect_id: str, after: str | None = Query(default=None)) -> Response:
    try:
        session, api = logged_in(request)
    except NotLoggedIn:
        return redirect("/login")
    return await show_rectification(request, session, api, rect_id, after=after_of(after))


@router.post("/rectifications/{rect_id}/actions")
async def rectification_action(request: Request, rect_id: str) -> Response:
    def build(fields: list[tuple[str, str]]) -> dict:
        form = dict(fields)
        body: dict[str, Any] = {"action": form.get("action", "")}
        if form.get("note", "").strip():
            body["note"] = form["note"].strip()
        if form.get("items", "").strip():
            body["items"] = [int(x) if x.strip().isdigit() else x.strip()
                             for x in form["items"].replace("，", ",").replace("、", ",").split(",") if x.strip()]
        if form.get("reached") in ("true", "false"):
            body["reached"] = form["reached"] == "true"
        return body

    async def again(session, api, *, errors, message, values, status) -> Response:  # noqa: ANN001
        return await show_rectification(request, session, api, rect_id, errors=errors, message=message, status=status,
                                        values=dict(values))

    return await page_command(request, "POST", f"/evaluation/rectifications/{quote(rect_id, safe='')}/actions", build,
                              done=lambda api, answer: f"/rectifications/{quote(rect_id)}?" + urlencode(
                                  {"after": position_of(answer) or ""}), again=again)


# -- the monthly report ------------------------------------------------------------------------
@router.get("/reports")
async def reports(request: Request) -> Response:
    found, refused = office(request)
    if refused:
        return refused
    this_month = today(request.app.state.runtime.clock).strftime("%Y-%m")
    month = request.query_params.get("month") or month_back(this_month, 1)
    department = request.query_params.get("department")
    return redirect(f"/reports/{quote(month, safe='')}" + (f"?department={quote(department, safe='')}" if department else ""))


@router.get("/reports/{month}")
async def report_page(request: Request, month: str) -> Response:
    found, refused = office(request)
    if refused:
        return refused
    session, api = found
    department = request.query_params.get("department") or None
    params = {"department": department} if department else None
    answer, known = await asyncio.gather(api.get(f"/reporting/monthly-reports/{quote(month, safe='')}", params=params), names(api))
    if answer.status_code == 401:
        return to_login(request)
    this_month = today(request.app.state.runtime.clock).strftime("%Y-%m")
    months = [month_back(this_month, n) for n in range(0, 12)]
    if answer.status_code != 200:
        return render(request, "report.html", status=answer.status_code, session=session, month=month, report=None,
                      problem=formats.message_of(answer.json(), "月报无法生成"), months=months, names=known,
                      department=department)
    return render(request, "report.html", session=session, month=month, report=answer.json(), problem=None,
                  months=months, names=known, department=department, pct=pct, indicator_labels=INDICATOR_LABELS)


@router.get("/reports/{month}/download")
async def report_download(request: Request, month: str, format: str = Query(default="xlsx", max_length=4),
                          document: str = Query(default="report", max_length=10)) -> Response:
    """The report's workbook or PDF, or (``document=upward``) the report upward to 市行政审批和政务服务局."""
    found, refused = office(request)
    if refused:
        return refused
    session, api = found
    upward = document == "upward"
    if format not in (("docx", "pdf") if upward else ("xlsx", "pdf")):
        return render(request, "message.html", status=422, session=session, title="格式有误",
                      text="上报文件的格式应为 docx 或 pdf" if upward else "下载格式应为 xlsx 或 pdf")
    params = {"format": format, **({"department": d} if (d := request.query_params.get("department")) and not upward else {})}
    path = f"/reporting/monthly-reports/{quote(month, safe='')}" + ("/upward" if upward else "")
    answer = await api.get(path, params=params, timeout=120.0)
    if refused := unreadable(request, session, answer, "月报未能下载", "月报未能生成"):
        return refused
    return page_response(Response(answer.content, media_type=answer.headers["content-type"],
                                  headers={"Content-Disposition": answer.headers.get("content-disposition", "attachment")}))


# -- admin: the working-day calendar and the agent register ------------------------------------
def admin(request: Request):  # noqa: ANN201
    found, refused = office(request)
    if refused or found[0].role == "admin":
        return found, refused
    return None, render(request, "message.html", status=403, session=found[0], title="无权查看",
                        text="工作日历与人员登记由管理员维护。")


def month_grids(year: int, holidays: set[str], makeup: set[str]) -> list[dict]:
    import calendar as cal

    grids = []
    for month in range(1, 13):
        weeks = []
        for week in cal.Calendar(firstweekday=0).monthdatescalendar(year, month):
            row = []
            for day in week:
                if day.month != month:
                    row.append(None)
                    continue
                iso = day.isoformat()
                kind = "holiday" if iso in holidays else "makeup" if iso in makeup else "off" if day.weekday() >= 5 else "work"
                row.append({"day": day.day, "iso": iso, "kind": kind})
            weeks.append(row)
        grids.append({"month": month, "weeks": weeks})
    return grids


def dates_of(text: str) -> list[str]:
    return [part for part in text.replace("，", ",").replace("、", ",").replace("\n", ",").replace(" ", ",").split(",")
            if part.strip()]


async def show_calendar(request: Request, session, api, year: int, *, errors: dict | None = None,  # noqa: ANN001
                        message: str | None = None, values: dict | None = None, status: int = 200,
                        after: str | None = None, saved: bool = False) -> Response:
    answer = await api.get(f"/coordination/calendar/{year}", after=after)
    if refused := unreadable(request, session, answer, "无法查看工作日历", "年份有误"):
        return refused
    view = answer.json()
    holidays = [d for d, k in view["overrides"].items() if k == "holiday"]
    workdays = [d for d, k in view["overrides"].items() if k == "workday"]
    values = values or {"holidays": "\n".join(holidays), "workdays": "\n".join(workdays),
                        "announced": "true" if not view["estimated"] else ""}
    return render(request, "calendar.html", status=status, session=session, year=year, view=view,
                  grids=month_grids(year, set(view["holidays_on_weekdays"]), set(view["makeup_workdays"])),
                  errors=errors or {}, message=message, values=values, saved=saved)


@router.get("/admin/calendar")
async def calendar_now(request: Request) -> Response:
    found, refused = admin(request)
    if refused:
        return refused
    return redirect(f"/admin/calendar/{today(request.app.state.runtime.clock).year}")


@router.get("/admin/calendar/{year}")
async def calendar_page(request: Request, year: int, after: str | None = Query(default=None)) -> Response:
    found, refused = admin(request)
    if refused:
        return refused
    return await show_calendar(request, *found, year, after=after_of(after), saved=bool(after))


@router.post("/admin/calendar/{year}")
async def calendar_save(request: Request, year: int) -> Response:
    found, refused = admin(request)
    if refused:
        return refused

    def build(fields: list[tuple[str, str]]) -> dict:
        form = dict(fields)
        overrides = {**dict.fromkeys(dates_of(form.get("holidays", "")), "holiday"),
                     **dict.fromkeys(dates_of(form.get("workdays", "")), "workday")}
        return {"overrides": overrides, "announced": form.get("announced") == "true", "reason": form.get("reason", "").strip()}

    async def again(session, api, *, errors, message, values, status) -> Response:  # noqa: ANN001
        return await show_calendar(request, session, api, year, errors=errors, message=message, values=dict(values),
                                   status=status)

    return await page_command(request, "PUT", f"/coordination/calendar/overrides/{year}", build,
                              done=lambda api, answer: f"/admin/calendar/{year}?" + urlencode({"after": position_of(answer) or ""}),
                              again=again, rename=lambda k: "holidays" if k.startswith("overrides") else k)
