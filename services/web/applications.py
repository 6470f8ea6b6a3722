"""The application (附件4) and the papers the applicant signs: 授权委托书 (附件5), 承诺书 (附件6), 评价 (附件9)."""

from __future__ import annotations

from itertools import groupby
from urllib.parse import quote

from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from services.web import formats
from services.web.formats import failure
from services.web.caseforms import Values
from services.web.pages import (
    NotLoggedIn, case_context, case_url, csrf_refused, logged_in, page_command, position_of, posted_form, read_form, redirect,
    render, to_login,
)

router = APIRouter(include_in_schema=False)
AGENT_CHANNELS = ("window", "park_point", "hotline")
STAGE_NAMES = {1: "立项用地规划许可", 2: "工程建设许可", 3: "施工许可", 4: "竣工验收", 5: "其他事项"}
# 附件6 (承诺书): the obligations, as the paper prints them (the API records them with the signature)
COMMITMENT = [
    "配合填写《帮您办代办帮办服务申请表》，编制项目申报计划，组织项目申报材料，在代办帮办服务窗口指导下进行有序申报；",
    "联系、督促委托单位按要求及时对审查中提出的问题进行修改或补充材料；",
    "因代办帮办工作需要，协助配合政务服务部门组织协调会；",
    "及时办理各种缴费手续及其他申请人应履行的职责；",
    "对项目涉及相关申报材料的真实合法性负责，并承担相应的法律责任；",
    "在委托代办帮办事项完成、审批结果送达后，配合填写《帮您办代办帮办服务办结单》、《帮您办代办帮办服务评价表》；",
    "因项目或事项本身不具备办理条件，或者申报材料有弄虚作假及其他违法违规情况的，在政务服务局提出终止帮办代办服务时，"
    "配合填写《帮您办代办帮办服务终止单》，终止代办帮办服务。",
]


async def catalog_by_stage(api) -> list[tuple[int, str, list[dict]]]:  # noqa: ANN001
    rows = (await api.get("/coordination/catalog")).json()
    rows = sorted(rows, key=lambda r: (r["stage"], r["item_no"]))
    grouped = []
    for stage, group in groupby(rows, key=lambda r: r["stage"]):
        members = list(group)
        grouped.append((stage, members[0].get("stage_name") or STAGE_NAMES.get(stage, ""), members))
    return grouped


def application_body(fields: list[tuple[str, str]]) -> dict:
    return formats.body_from_form(fields, integer_lists=["items"], booleans=formats.BOOLEAN_FIELDS)


@router.get("/applications/new")
async def new_application(request: Request) -> Response:
    try:
        session, api = logged_in(request)
    except NotLoggedIn:
        return redirect("/login")
    values = Values()
    if session.role == "applicant":
        me = (await api.get("/auth/me")).json()
        enterprise = me.get("enterprise") or {}
        values = Values({"unit.name": [enterprise.get("name", "")], "unit.credit_code": [enterprise.get("credit_code", "")]})
    return render(request, "apply.html", session=session, stages=await catalog_by_stage(api), values=values,
                  errors={}, agent_channels=AGENT_CHANNELS)


@router.post("/applications/new")
async def submit_application(request: Request) -> Response:
    try:
        session, api = logged_in(request)
    except NotLoggedIn:
        return redirect("/login")
    fields = await read_form(request, session)
    if fields is None:
        return csrf_refused(request)
    body = application_body(fields)
    if session.role == "applicant":
        body["channel"] = "portal"
    answer = await api.post("/intake/applications", json=body)
    if answer.status_code == 201:
        return redirect(case_url(answer.json()["case_id"], position_of(answer)))
    if answer.status_code == 401:
        return to_login(request)
    errors, message = failure(answer)
    return render(request, "apply.html", status=answer.status_code, session=session, stages=await catalog_by_stage(api),
                  values=Values.of(fields), errors=errors, message=message, agent_channels=AGENT_CHANNELS)


# -- 授权委托书 and 承诺书 ------------------------------------------------------------------------
async def _paper(request: Request, case_id: str, template: str, status: int = 200, **extra) -> Response:  # noqa: ANN003
    session, api = logged_in(request)
    context = await case_context(api, case_id, extra.pop("after", None))
    read_status = context.pop("status")
    if read_status == 401:
        return to_login(request)
    if read_status != 200:
        return render(request, "message.html", status=read_status, session=session, title="无法查看该案件",
                      text=context["detail"])
    return render(request, template, status=status, session=session, case_id=case_id, case=context["case"],
                  catalog=context["catalog"], commitment=COMMITMENT, today=formats.cn_date(request.app.state.runtime.clock.now()),
                  **{"values": Values(), "errors": {}, **extra})


async def _sign(request: Request, case_id: str, template: str, path: str, build, confirm_label: str) -> Response:  # noqa: ANN001
    async def again(session, api, *, errors, message, values, status) -> Response:  # noqa: ANN001
        return await _paper(request, case_id, template, status=status, values=Values.of(values), errors=errors,
                            message=message, confirm_label=confirm_label)

    if (await request.form()).get("confirm") != "yes":  # not signed: nothing is sent
        posted = await posted_form(request)
        if isinstance(posted, Response):
            return posted
        session, api, fields = posted
        return await again(session, api, errors={"confirm": f"请勾选“{confirm_label}”后再签署"}, message="尚未确认",
                           values=fields, status=422)
    return await page_command(request, "POST", path, build, done=lambda api, answer: case_url(case_id, position_of(answer)),
                              again=again)


DELEGATION_CONFIRM = "我已阅读本授权委托书，确认以上内容"
COMMITMENT_CONFIRM = "我已阅读以上承诺，代表本单位作出承诺"


@router.get("/cases/{case_id}/delegation")
async def delegation_page(request: Request, case_id: str) -> Response:
    try:
        return await _paper(request, case_id, "delegation.html", confirm_label=DELEGATION_CONFIRM)
    except NotLoggedIn:
        return redirect("/login")


@router.post("/cases/{case_id}/delegation")
async def sign_delegation(request: Request, case_id: str) -> Response:
    def build(fields: list[tuple[str, str]]) -> dict:
        return formats.body_from_form([(k, v) for k, v in fields if k != "confirm"], integer_lists=["items"])

    return await _sign(request, case_id, "delegation.html", f"/intake/applications/{quote(case_id, safe='')}/delegation",
                       build, DELEGATION_CONFIRM)


@router.get("/cases/{case_id}/commitment")
async def commitment_page(request: Request, case_id: str) -> Response:
    try:
        return await _paper(request, case_id, "commitment.html", confirm_label=COMMITMENT_CONFIRM)
    except NotLoggedIn:
        return redirect("/login")


@router.post("/cases/{case_id}/commitment")
async def sign_commitment(request: Request, case_id: str) -> Response:
    def build(fields: list[tuple[str, str]]) -> dict:
        return formats.body_from_form([(k, v) for k, v in fields if k != "confirm"])

    return await _sign(request, case_id, "commitment.html", f"/intake/applications/{quote(case_id, safe='')}/commitment",
                       build, COMMITMENT_CONFIRM)


# -- 评价 (附件9) and 追评 -------------------------------------------------------------------------
QR_CHANNEL = "qr_code"  # the printed 办结单's QR code opens /cases/{id}/rating?channel=qr_code


@router.get("/cases/{case_id}/rating")
async def rating_page(request: Request, case_id: str) -> Response:
    """The 评价表 to fill in; reached by the 办结单's QR code, the rating's channel is the QR code."""
    channel = QR_CHANNEL if request.query_params.get("channel") == QR_CHANNEL else None
    try:
        return await _paper(request, case_id, "rating.html", channel=channel)
    except NotLoggedIn:
        return redirect("/login")


@router.post("/cases/{case_id}/rating")
async def rate(request: Request, case_id: str) -> Response:
    def build(fields: list[tuple[str, str]]) -> dict:
        body = formats.body_from_form(fields)
        body.setdefault("channel", "portal")
        return body

    async def again(session, api, *, errors, message, values, status) -> Response:  # noqa: ANN001
        return await _paper(request, case_id, "rating.html", status=status, values=Values.of(values), errors=errors,
                            message=message, channel=QR_CHANNEL if Values.of(values).v("channel") == QR_CHANNEL else None)

    return await page_command(request, "POST", f"/evaluation/cases/{quote(case_id, safe='')}/rating", build,
                              done=lambda api, answer: case_url(case_id, position_of(answer), "ratings"), again=again)


PRINT_SECONDS = 120.0  # LibreOffice prints a form in 5–10 s; more under load


@router.get("/cases/{case_id}/papers/{form}")
async def paper(request: Request, case_id: str, form: str, format: Literal["pdf", "docx"] = Query(default="pdf"),
                request_id: str | None = Query(default=None, max_length=100)) -> Response:
    """A printable form of the case (GET /reporting/cases/{case_id}/forms/{form}), fetched as the logged-in user."""
    try:
        session, api = logged_in(request)
    except NotLoggedIn:
        return redirect("/login")
    params = {"format": format, **({"request_id": request_id} if request_id else {})}
    answer = await api.get(f"/reporting/cases/{quote(case_id, safe='')}/forms/{quote(form, safe='')}", params=params,
                           timeout=PRINT_SECONDS)
    if answer.status_code == 401:
        return to_login(request)
    if answer.status_code != 200:
        return render(request, "message.html", status=answer.status_code, session=session, title="无法打印该表单",
                      text=formats.message_of(answer.json(), "无法打印该表单"))
    return Response(answer.content, media_type=answer.headers["content-type"],
                    headers={"Content-Disposition": answer.headers["content-disposition"]})
