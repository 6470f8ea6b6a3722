"""Every command a page can give: the form's fields → the API's request body → the page that shows its effect.

Validation is the API's (the same pydantic models as any client's request): a 422 comes back with each
field named, and the page is shown again with the message next to the field and everything as typed.
"""

from __future__ import annotations

import asyncio
from typing import Any, Callable
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.web import formats
from services.web.caseforms import FIELDS_OF_ACTION, Values
from services.web.pages import case_url, page_command, position_of, show_case

router = APIRouter(include_in_schema=False)
OPENING_WAIT_SECONDS = 3.0
async def case_command(request: Request, case_id: str, form_id: str, method: str, path: str,
                       build: Callable[[list[tuple[str, str]]], Any], rename: Callable[[str], str] = lambda f: f,
                       anchor: str = "", then=None) -> Response:  # noqa: ANN001
    """A command given on the case page: on success the case page after it; else the page with the errors."""
    async def done(api, answer) -> str:  # noqa: ANN001
        if then is not None:
            await then(api, case_id, position_of(answer))
        return case_url(case_id, position_of(answer), anchor)

    async def again(session, api, *, errors, message, values, status) -> Response:  # noqa: ANN001
        return await show_case(request, session, api, case_id, form=form_id, errors=errors, values=Values.of(values),
                               message=message, status=status)

    return await page_command(request, method, path, build, done=done, again=again, rename=rename)


def q(case_id: str) -> str:
    return quote(case_id, safe="")


# -- the service point: accept, reject, send back ----------------------------------------------
async def opened(api, case_id: str, after: str | None) -> None:  # noqa: ANN001
    """Acceptance opens the case in coordination, whose events then reach reporting: the page after an
    acceptance waits (bounded) until the case view shows the opened case, so the agent sees its items."""
    await api.get(f"/coordination/cases/{q(case_id)}", after=after)  # coordination has consumed the acceptance
    deadline = asyncio.get_running_loop().time() + OPENING_WAIT_SECONDS
    while asyncio.get_running_loop().time() < deadline:
        view = await api.get(f"/reporting/cases/{q(case_id)}")
        if view.status_code != 200 or view.json().get("status") != "accepted":
            return
        await asyncio.sleep(0.05)


@router.post("/cases/{case_id}/acceptance")
async def accept(request: Request, case_id: str) -> Response:
    return await case_command(request, case_id, "decide", "POST", f"/intake/applications/{q(case_id)}/acceptance",
                              lambda f: None, then=opened)


@router.post("/cases/{case_id}/rejection")
async def reject(request: Request, case_id: str) -> Response:
    return await case_command(request, case_id, "reject", "POST", f"/intake/applications/{q(case_id)}/rejection",
                              lambda f: formats.body_from_form(f))


@router.post("/cases/{case_id}/withdrawal")
async def withdraw(request: Request, case_id: str) -> Response:
    return await case_command(request, case_id, "withdraw", "POST", f"/intake/applications/{q(case_id)}/withdrawal",
                              lambda f: formats.body_from_form(f))


# -- items ---------------------------------------------------------------------------------------
@router.post("/cases/{case_id}/items/{item_no}/action")
async def item_action(request: Request, case_id: str, item_no: int) -> Response:
    def build(fields: list[tuple[str, str]]) -> dict:
        action = next((v for k, v in fields if k == "action"), "")
        taken = FIELDS_OF_ACTION.get(action, ("note",))
        kept = [(k, v) for k, v in fields if k == "action" or k in taken]
        return formats.body_from_form(kept, lists=["missing_materials"])

    return await case_command(request, case_id, f"item-{item_no}", "POST",
                              f"/coordination/cases/{q(case_id)}/items/{item_no}/actions", build, anchor=f"item-{item_no}")


# -- the case agent's forms ----------------------------------------------------------------------
@router.post("/cases/{case_id}/plan")
async def plan(request: Request, case_id: str) -> Response:
    order: list[int] = []

    def build(fields: list[tuple[str, str]]) -> dict:
        rows: dict[int, dict] = {}
        for k, v in fields:
            if k.startswith("steps.") and v.strip():
                _, n, part = k.split(".", 2)
                rows.setdefault(int(n), {})[part] = v.strip()
        steps = []
        for n, row in sorted(rows.items()):
            order.append(n)
            after = [int(x) if x.isdigit() else x for x in row.pop("after", "").replace("，", ",").replace("、", ",").split(",") if x.strip()]
            steps.append({"item_no": n, **row, "after": after})
        note = next((v for k, v in fields if k == "note" and v.strip()), None)
        return {"steps": steps, **({"note": note} if note else {})}

    def rename(field: str) -> str:
        parts = field.split(".")
        if parts[0] == "steps" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(order):
            return ".".join(["steps", str(order[int(parts[1])]), *parts[2:]])
        return field

    return await case_command(request, case_id, "plan", "PUT", f"/coordination/cases/{q(case_id)}/plan", build, rename,
                              anchor="plan")


@router.post("/cases/{case_id}/notification")
async def notification(request: Request, case_id: str) -> Response:
    order: list[int] = []

    def build(fields: list[tuple[str, str]]) -> dict:
        items = []
        by_list = {int(v) for k, v in fields if k == "by_list" and v.isdigit()}
        for k, v in fields:
            no = k.removeprefix("requirements.")
            if k.startswith("requirements.") and no.isdigit() and (formats.lines(v) or int(no) in by_list):
                order.append(int(no))
                # written requirements as written; none, with 按材料清单 ticked: the item's whole 材料清单
                items.append({"item_no": order[-1], **({"requirements": formats.lines(v)} if formats.lines(v) else {})})
        note = next((v for k, v in fields if k == "note" and v.strip()), None)
        return {"items": items, **({"note": note} if note else {})}

    def rename(field: str) -> str:
        parts = field.split(".")
        if parts[0] == "items" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(order):
            return f"requirements.{order[int(parts[1])]}"
        return "requirements" if field == "items" else field

    return await case_command(request, case_id, "notification", "POST",
                              f"/coordination/cases/{q(case_id)}/notifications", build, rename, anchor="notification")


@router.post("/cases/{case_id}/joint-review")
async def joint_review(request: Request, case_id: str) -> Response:
    return await case_command(request, case_id, "joint", "POST", f"/coordination/cases/{q(case_id)}/joint-reviews",
                              lambda f: formats.body_from_form(f, lists=["departments"], integer_lists=["items"]),
                              anchor="joint")


@router.post("/cases/{case_id}/combined-service")
async def combined_service(request: Request, case_id: str) -> Response:
    return await case_command(request, case_id, "combined", "POST", f"/coordination/cases/{q(case_id)}/combined-services",
                              lambda f: formats.body_from_form(f, integer_lists=["items"]), anchor="combined")


@router.post("/cases/{case_id}/amendment")
async def amendment(request: Request, case_id: str) -> Response:
    def build(fields: list[tuple[str, str]]) -> dict:
        body = formats.body_from_form(fields)
        return {"changes": {k: body[k] for k in ("unit", "project") if k in body}, "reason": body.get("reason")}

    return await case_command(request, case_id, "amend", "POST", f"/intake/applications/{q(case_id)}/amendments",
                              build, lambda field: field.removeprefix("changes."), anchor="amend")


@router.post("/cases/{case_id}/cross-level")
async def cross_level(request: Request, case_id: str) -> Response:
    return await case_command(request, case_id, "cross", "POST", f"/coordination/cases/{q(case_id)}/cross-level-requests",
                              lambda f: formats.body_from_form(f, integer_lists=["items"], line_lists=["required_documents"]),
                              anchor="cross")


@router.post("/cases/{case_id}/cross-level/{request_id}/result")
async def cross_level_result(request: Request, case_id: str, request_id: str) -> Response:
    return await case_command(request, case_id, f"cross-{request_id}", "POST",
                              f"/coordination/cases/{q(case_id)}/cross-level-requests/{q(request_id)}/result",
                              lambda f: formats.body_from_form(f), anchor="cross")


@router.post("/cases/{case_id}/completion")
async def completion(request: Request, case_id: str) -> Response:
    return await case_command(request, case_id, "completion", "POST", f"/coordination/cases/{q(case_id)}/completion",
                              lambda f: formats.body_from_form(f, line_lists=["materials_returned"]), anchor="closure")


@router.post("/cases/{case_id}/termination")
async def termination(request: Request, case_id: str) -> Response:
    return await case_command(request, case_id, "termination", "POST", f"/coordination/cases/{q(case_id)}/termination",
                              lambda f: formats.body_from_form(f, line_lists=["materials_returned"]), anchor="closure")


@router.post("/cases/{case_id}/closure/confirmation")
async def closure_confirmation(request: Request, case_id: str) -> Response:
    return await case_command(request, case_id, "confirmation", "POST",
                              f"/coordination/cases/{q(case_id)}/closure/confirmation",
                              lambda f: formats.body_from_form(f), anchor="closure")


@router.post("/cases/{case_id}/cover")
async def cover(request: Request, case_id: str) -> Response:
    return await case_command(request, case_id, "cover", "POST", f"/coordination/cases/{q(case_id)}/cover",
                              lambda f: formats.body_from_form(f), anchor="cover")


@router.post("/cases/{case_id}/reassignment")
async def reassignment(request: Request, case_id: str) -> Response:
    return await case_command(request, case_id, "reassign", "POST", f"/coordination/cases/{q(case_id)}/reassignment",
                              lambda f: formats.body_from_form(f), anchor="reassign")
