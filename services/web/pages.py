"""The pages: routes, rendering and the one way a form becomes an API command.

Every page reads and writes through :class:`services.web.client.Api` with the session's token, so it sees
exactly what the API lets that account see (roles, 404 for another enterprise's case, masking).  A command's
answer carries ``X-Bangnin-Position``; the page that follows is asked for with ``?after=`` and reads with
``X-Bangnin-After``, so it shows the command's effect.  A 422 re-renders the form with each error next to
its field and every value as typed.
"""

from __future__ import annotations

import asyncio
import inspect
from pathlib import Path
import re
from typing import Any, Awaitable, Callable
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from services.web import formats, session as sessions
from services.web.client import Api

HERE = Path(__file__).parent
STATIC = {"htmx.min.js": "text/javascript", "web.css": "text/css"}
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
POSITION = re.compile(r"^[a-z]+:\d{1,18}(,[a-z]+:\d{1,18}){0,7}$")

env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                  trim_blocks=True, lstrip_blocks=True)
env.filters.update(cn_date=formats.cn_date, cn_datetime=formats.cn_datetime, workdays=formats.workdays,
                   local_input=formats.local_input)
env.globals.update(L=formats.labels(), event_label=formats.event_label)

router = APIRouter(include_in_schema=False)
# A role whose home is not the to-do list: role → the page (``services.web.supervision`` puts the supervisor's).
HOMES: dict[str, Any] = {}


class NotLoggedIn(Exception):
    pass


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    session = context.pop("session", None) or sessions.current(request)
    html = env.get_template(template).render(request=request, session=session, **context)
    return page_response(HTMLResponse(html, status_code=status))


def page_response(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = PAGE_CSP
    response.headers["Cache-Control"] = "no-store"
    return response


def redirect(url: str) -> RedirectResponse:
    return page_response(RedirectResponse(url, status_code=303))  # type: ignore[return-value]


def after_of(value: str | None) -> str | None:
    return value if value and POSITION.match(value) else None


def to_login(request: Request) -> RedirectResponse:
    response = redirect("/login")
    sessions.end(response)
    return response


def logged_in(request: Request) -> tuple[sessions.Session, Api]:
    session = sessions.current(request)
    if session is None:
        raise NotLoggedIn
    return session, Api(request, session.token)


async def read_form(request: Request, session: sessions.Session | None) -> list[tuple[str, str]] | None:
    """The posted fields, or None when the CSRF token is not the session's."""
    form = await request.form()
    fields = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    given = next((v for k, v in fields if k == "csrf"), None)
    return fields if sessions.csrf_ok(request, given, session) else None


async def posted_form(request: Request) -> tuple[sessions.Session, Api, list[tuple[str, str]]] | Response:
    """A form posted by a logged-in user with the session's CSRF token: (session, api, fields), else the answer
    to give instead (the login page, or the 403 of a refused token)."""
    try:
        session, api = logged_in(request)
    except NotLoggedIn:
        return redirect("/login")
    fields = await read_form(request, session)
    return csrf_refused(request) if fields is None else (session, api, fields)


async def page_command(request: Request, method: str, path: str, build: Callable[[list[tuple[str, str]]], Any], *,
                       done: Callable[..., Any], again: Callable[..., Awaitable[Response]],
                       rename: Callable[[str], str] = lambda f: f) -> Response:
    """A form posted to a page, given to the API as one command.

    The login and CSRF checks, ``build(fields)`` → the request body, then: on success the page
    ``done(api, answer)`` names (a URL, usually with ``?after=`` the command's position, or the page itself
    when what it shows must not be in a URL; or an awaitable of either); on 401 the login page; otherwise ``again(session, api, errors=…, message=…, values=…, status=…)``
    shows the form again with each error (its field renamed by ``rename``) and everything as typed."""
    posted = await posted_form(request)
    if isinstance(posted, Response):
        return posted
    session, api, fields = posted
    answer = await api.call(method, path, json=build(fields))
    if answer.status_code == 401:
        return to_login(request)
    if 200 <= answer.status_code < 300:
        then = done(api, answer)
        then = await then if inspect.isawaitable(then) else then
        return then if isinstance(then, Response) else redirect(then)
    errors, message = formats.failure(answer)
    return await again(session, api, errors={rename(k): v for k, v in errors.items()}, message=message,
                       values=fields, status=answer.status_code)


def csrf_refused(request: Request) -> HTMLResponse:
    return render(request, "message.html", status=403, title="请求已失效",
                  text="页面已过期或不是从本系统提交的（安全校验未通过）。请返回刷新页面后重新提交，已填写的内容请重新填写。")


def position_of(response) -> str | None:  # noqa: ANN001 (httpx.Response)
    return response.headers.get("x-bangnin-position")


def case_url(case_id: str, after: str | None = None, anchor: str = "") -> str:
    url = f"/cases/{quote(case_id)}"
    return (url + (f"?after={quote(after)}" if after else "")) + (f"#{anchor}" if anchor else "")


# -- static assets (vendored: no CDN, no build step) ------------------------------------------
@router.get("/static/web/{name}")
def static(name: str) -> Response:
    if name not in STATIC:
        return page_response(HTMLResponse("未找到", status_code=404))
    response = FileResponse(HERE / "static" / name, media_type=STATIC[name])
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


# -- login, logout, home -----------------------------------------------------------------------
def login_form(request: Request, status: int = 200, values: dict | None = None, errors: dict | None = None) -> Response:
    """The login page, with its CSRF token (the ``bangnin_csrf`` cookie's, set here when new)."""
    token = request.cookies.get(sessions.CSRF_COOKIE)
    fresh = not token or len(token) > 64
    if fresh:
        token = sessions.new_token()
    response = render(request, "login.html", status=status, csrf=token, values=values or {}, errors=errors or {})
    if fresh:
        sessions.set_login_csrf(request, response, token)
    return response


@router.get("/login")
def login_page(request: Request) -> Response:
    if sessions.current(request):
        return redirect("/")
    return login_form(request)


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    username, password = str(form.get("username", "")).strip()[:64], str(form.get("password", ""))[:200]
    if not sessions.csrf_ok(request, str(form.get("csrf", "")), None):
        return login_form(request, 403, {"username": username}, {"form": "页面已过期，请重新登录"})
    errors = {k: "请填写" + label for k, label, v in (("username", "用户名", username), ("password", "密码", password)) if not v}
    if errors:
        return login_form(request, 422, {"username": username}, errors)
    answer = await Api(request).post("/auth/token", data={"username": username, "password": password})
    if answer.status_code != 200:
        text = "用户名或密码不正确" if answer.status_code == 401 else formats.message_of(answer.json(), "登录未成功")
        return login_form(request, answer.status_code, {"username": username}, {"form": text})
    token = answer.json()["access_token"]
    me = (await Api(request, token).get("/auth/me")).json()
    response = redirect("/")
    sessions.start(request, response, token=token, me=me, minutes=request.app.state.auth.token_minutes)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    session = sessions.current(request)
    if session is not None and await read_form(request, session) is None:
        return csrf_refused(request)
    return to_login(request)


@router.get("/")
async def home(request: Request, after: str | None = Query(default=None)) -> Response:
    try:
        session, api = logged_in(request)
    except NotLoggedIn:
        return redirect("/login")
    if session.role in HOMES:
        return await HOMES[session.role](request, session, api)
    after = after_of(after)
    inbox, cases = await asyncio.gather(api.get("/inbox", after=after), api.get("/reporting/cases", after=after))
    if inbox.status_code == 401:
        return to_login(request)
    todos = inbox.json()["todos"] if inbox.status_code == 200 else []
    messages = inbox.json()["messages"] if inbox.status_code == 200 else []
    rows = cases.json()["items"] if cases.status_code == 200 else []
    items = []
    if session.role == "department_agent":  # its items across cases: overdue and near due first
        items = sorted((t for t in todos if t["kind"] == "item_to_handle"),
                       key=lambda t: (t["workdays_left"] is None, t["workdays_left"] if t["workdays_left"] is not None else 0,
                                      t["due_date"] or ""))
    unread = [m for m in messages if not m["read"]]
    return render(request, "home.html", session=session, todos=todos, unread=unread[:20], unread_count=len(unread),
                  messages=[m for m in messages if m["read"]][:10], cases=rows, items=items)


@router.post("/messages/{message_id}/read")
async def read_message(request: Request, message_id: str) -> Response:
    """标为已读 on the home page: the API marks the account's own message, then the home page after it."""
    try:
        session, api = logged_in(request)
    except NotLoggedIn:
        return redirect("/login")
    if await read_form(request, session) is None:
        return csrf_refused(request)
    answer = await api.post(f"/inbox/{quote(message_id, safe='')}/read")
    if answer.status_code == 401:
        return to_login(request)
    after = position_of(answer)
    return redirect("/" + (f"?after={quote(after)}" if after else ""))


# -- the case page -------------------------------------------------------------------------------
async def case_context(api: Api, case_id: str, after: str | None, as_of: str | None = None) -> dict | None:
    params = {"as_of": as_of} if as_of else None
    history, coordination, catalog, materials = await asyncio.gather(
        api.get(f"/reporting/cases/{quote(case_id)}/history", after=after, params=params),
        api.get(f"/coordination/cases/{quote(case_id)}", after=after),
        api.get("/coordination/catalog"),
        api.get(f"/intake/applications/{quote(case_id)}/materials", after=after))
    if history.status_code != 200:
        return {"status": history.status_code, "detail": formats.message_of(history.json(), "案件不存在")}
    found = history.json()
    coord = coordination.json() if coordination.status_code == 200 else None
    details = {i["item_no"]: i for i in (coord or {}).get("items", [])}
    rows = catalog.json() if catalog.status_code == 200 else []
    return {"status": 200, "case": found["case"], "department_names": {c["department"]["code"]: c["department"]["name"] for c in rows}, "events": found["events"], "verified": found["verified"],
            "breaks": found.get("breaks", []),
            "as_of": found["as_of"], "coordination": coord, "details": details,
            "catalog": {c["item_no"]: c for c in rows},
            "materials": materials.json() if materials.status_code == 200 else None,
            "checklists": {c["item_no"]: c for c in (materials.json().get("checklist", []) if materials.status_code == 200 else [])}}


@router.get("/cases/{case_id}")
async def case_page(request: Request, case_id: str, after: str | None = Query(default=None),
                    as_of: str | None = Query(default=None, max_length=40),
                    compare: str | None = Query(default=None, max_length=40)) -> Response:
    try:
        session, api = logged_in(request)
    except NotLoggedIn:
        return redirect("/login")
    return await show_case(request, session, api, case_id, after=after_of(after), as_of=as_of or None,
                           compare=compare or None)


async def show_case(request: Request, session: sessions.Session, api: Api, case_id: str, *, after: str | None = None,
                    as_of: str | None = None, form: str | None = None, errors: dict | None = None,
                    values: dict | None = None, message: str | None = None, status: int = 200,
                    compare: str | None = None) -> Response:
    from services.web import audit

    context = await case_context(api, case_id, after, as_of)
    read_status = context.pop("status")
    if read_status == 401:
        return to_login(request)
    if read_status != 200:
        return render(request, "message.html", status=read_status, session=session, title="无法查看该案件",
                      text=context["detail"])
    office = session.role in audit.OFFICE
    compared = await audit.comparison(api, case_id, as_of, compare, context,
                                              request.app.state.runtime.clock.now()) if office and compare else None
    if request.headers.get("hx-request") and status >= 400:
        status = 200  # htmx swaps only successful answers: the errors are in the page
    from services.web.caseforms import TERMINATION_REASONS, Values, case_actions

    return render(request, "case.html", status=status, session=session, **context, blank=Values(),
                  actions=case_actions(session, context), form=form, errors=errors or {}, values=values or Values(),
                  termination_reasons=TERMINATION_REASONS,
                  message=message, case_id=case_id, office=office, compared=compared,
                  broken=audit.broken(context["breaks"]), as_of_asked=as_of or "", compare_asked=compare or "")
