"""The admin's pages beyond the calendar: accounts (list, create, disable/enable, reset the password), the catalog
with its versions (read-only: the catalog is reference data shipped with the software), and the register change
form (人员登记报备: ``POST /coordination/agent-register/{department}/changes``).

A created account's initial password, and a reset one, are shown once, on the page that answers the command
(never in a URL), as the API returns them once."""

from __future__ import annotations

import asyncio
from collections import Counter
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from shared.contracts import Role
from services.web import formats
from services.web.caseforms import Values
from services.web.pages import after_of, page_command, position_of, render
from services.web.supervision import admin, names, office, unreadable

router = APIRouter(include_in_schema=False)
LIMIT_SOURCES = {"law": "法定", "local": "地方", "default": "默认"}
ROLES = [r.value for r in Role if r != Role.system]


# -- accounts ------------------------------------------------------------------------------------
async def show_accounts(request: Request, session, api, *, errors: dict | None = None,  # noqa: ANN001
                        message: str | None = None, values: list | None = None, status: int = 200,
                        issued: dict | None = None, after: str | None = None) -> Response:
    answer, known = await asyncio.gather(api.get("/auth/accounts", after=after), names(api))
    if refused := unreadable(request, session, answer, "无法查看账号", "无权查看"):
        return refused
    accounts = sorted(answer.json(), key=lambda a: (ROLES.index(a["role"]) if a["role"] in ROLES else 99, a["username"]))
    return render(request, "accounts.html", status=status, session=session, accounts=accounts, roles=ROLES,
                  names=known, errors=errors or {}, message=message, values=Values.of(values or []), issued=issued)


@router.get("/admin/accounts")
async def accounts_page(request: Request, after: str | None = Query(default=None)) -> Response:
    found, refused = admin(request)
    return refused or await show_accounts(request, *found, after=after_of(after))


def account_body(fields: list[tuple[str, str]]) -> dict:
    body = formats.body_from_form(fields)
    if body.get("role") != "applicant":
        body.pop("enterprise", None)  # typed, then another role chosen
    return body


def issued_page(request: Request, what: str):  # noqa: ANN201
    async def done(api, answer) -> Response:  # noqa: ANN001
        account = answer.json()
        found, _ = admin(request)
        return await show_accounts(request, found[0], api, issued={**account, "what": what}, status=answer.status_code)
    return done


@router.post("/admin/accounts")
async def create_account(request: Request) -> Response:
    found, refused = admin(request)
    if refused:
        return refused

    async def again(session, api, *, errors, message, values, status) -> Response:  # noqa: ANN001
        return await show_accounts(request, session, api, errors=errors, message=message, values=values, status=status)

    return await page_command(request, "POST", "/auth/accounts", account_body, done=issued_page(request, "新建"),
                              again=again)


@router.post("/admin/accounts/{username}/{change}")
async def change_account(request: Request, username: str, change: str) -> Response:
    found, refused = admin(request)
    if refused:
        return refused
    if change not in ("disable", "enable", "password-reset"):
        return render(request, "message.html", status=404, session=found[0], title="未找到", text="没有这项操作")

    async def again(session, api, *, errors, message, values, status) -> Response:  # noqa: ANN001
        text = "；".join([*errors.values(), *([message] if message and not errors else [])])
        return await show_accounts(request, session, api, message=f"账号 {username}：{text}", status=status)

    def done(api, answer):  # noqa: ANN001, ANN202
        if change == "password-reset":
            return issued_page(request, "重置密码")(api, answer)
        return "/admin/accounts?" + urlencode({"after": position_of(answer) or ""}) + f"#acct-{quote(username)}"

    return await page_command(request, "POST", f"/auth/accounts/{quote(username, safe='')}/{change}", lambda f: None,
                              done=done, again=again)


# -- the catalog and its versions ------------------------------------------------------------------
@router.get("/admin/catalog")
async def catalog_page(request: Request) -> Response:
    found, refused = office(request)
    if refused:
        return refused
    session, api = found
    answer = await api.get("/coordination/catalog")
    if refused := unreadable(request, session, answer, "无法查看事项目录", "无法查看"):
        return refused
    rows = sorted(answer.json(), key=lambda c: c["item_no"])
    versions = sorted(Counter(c["since_version"] for c in rows).items())
    return render(request, "catalog.html", session=session, rows=rows, versions=versions, sources=LIMIT_SOURCES)


# -- the agent register (附件11) and its changes (人员登记报备) -------------------------------------------
async def show_register(request: Request, session, api, *, after: str | None = None, errors: dict | None = None,  # noqa: ANN001
                        message: str | None = None, values: list | None = None, status: int = 200,
                        saved: bool = False) -> Response:
    answer, known = await asyncio.gather(api.get("/coordination/agent-register", after=after), names(api))
    if refused := unreadable(request, session, answer, "无法查看人员登记", "无法查看"):
        return refused
    register = answer.json()
    rows = sorted((int(no), people) for no, people in register["assignees"].items())
    rows += [(int(no), []) for no in known["items"] if int(no) not in dict(rows)]
    return render(request, "register.html", status=status, session=session, register=register, names=known,
                  rows=sorted(rows), errors=errors or {}, message=message, values=Values.of(values or []), saved=saved)


@router.get("/admin/register")
async def register_page(request: Request, after: str | None = Query(default=None)) -> Response:
    found, refused = office(request)
    return refused or await show_register(request, *found, after=after_of(after), saved=bool(after))


@router.post("/admin/register")
async def register_change(request: Request) -> Response:
    found, refused = office(request)
    if refused:
        return refused
    form = await request.form()
    department = str(form.get("department", "")).strip()

    async def again(session, api, *, errors, message, values, status) -> Response:  # noqa: ANN001
        if status == 404 or not department:
            errors, message = {"department": "请选择部门"}, "请检查标出的项目"
        return await show_register(request, session, api, errors=errors, message=message, values=values, status=status)

    def build(fields: list[tuple[str, str]]) -> dict:
        typed = dict(fields).get("items", "")
        numbers = [(k, part) for k, v in fields if k == "items" for part in typed.replace("，", ",").replace("、", ",")
                   .replace(" ", ",").split(",") if part.strip()]
        kept = [(k, v) for k, v in fields if k not in ("department", "items")]
        return formats.body_from_form(kept + numbers, integer_lists=["items"])

    return await page_command(request, "POST", f"/coordination/agent-register/{quote(department or '-', safe='')}/changes",
                              build, again=again, done=lambda api, answer: "/admin/register?"
                              + urlencode({"after": position_of(answer) or ""}) + "#changes")
