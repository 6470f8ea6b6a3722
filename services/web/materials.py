"""The case page's materials: the upload form's post and the download links, through the API with the user's token.

An upload is passed on as it streams in, never parsed into memory or a temporary file: the form puts its CSRF
token first (an ``<input>`` before the others, and browsers send a form's fields in tree order), this route
reads the body up to the end of that first part, checks the token, and sends the API the rest of the body
unchanged (the same boundary, the same parts).  A download is the API's answer passed back with its headers.
"""

from __future__ import annotations

from typing import AsyncIterator
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from python_multipart.multipart import parse_options_header

from shared.body_limit import body_limit
from services.web import formats, session as sessions
from services.web.actions import case_command
from services.web.formats import failure
from services.web.pages import NotLoggedIn, case_url, csrf_refused, logged_in, position_of, redirect, show_case, to_login

router = APIRouter(include_in_schema=False)
FIRST_PART_BYTES = 4096
PASSED_HEADERS = ("content-type", "content-length", "content-disposition", "etag", "repr-digest")


def api_path(case_id: str, material_id: str = "") -> str:
    path = f"/intake/applications/{quote(case_id, safe='')}/materials"
    return path + (f"/{quote(material_id, safe='')}" if material_id else "")


async def first_part(request: Request, boundary: bytes) -> tuple[str | None, bytes, AsyncIterator[bytes]]:
    """The value of the body's first part if it is ``csrf``, the body from its second part on, and the rest."""
    stream = request.stream()
    head = b""
    async for chunk in stream:
        head += chunk
        if head.count(b"--" + boundary) >= 2 or len(head) > FIRST_PART_BYTES:
            break
    delimiter = b"\r\n--" + boundary
    start = head.find(b"--" + boundary)
    end = head.find(delimiter, start + 1) if start >= 0 else -1
    if start < 0 or end < 0:
        return None, head, stream
    part = head[start:end]
    headers, _, value = part.partition(b"\r\n\r\n")
    token = value.decode("ascii", "replace") if b'name="csrf"' in headers else None
    return token, head[end + 2:], stream  # from "--boundary" of the second part


@router.post("/cases/{case_id}/materials")
@body_limit(lambda app: app.state.runtime.settings.materials_max_bytes, stream=True, field="file", overhead=64 * 1024)
async def upload(request: Request, case_id: str) -> Response:
    try:
        session, api = logged_in(request)
    except NotLoggedIn:
        return redirect("/login")
    kind, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        return csrf_refused(request)
    token, rest, stream = await first_part(request, boundary)
    if not sessions.csrf_ok(request, token, session):
        return csrf_refused(request)

    async def body() -> AsyncIterator[bytes]:
        yield rest
        async for chunk in stream:
            yield chunk

    answer = await api.call("POST", api_path(case_id), content=body(),
                            headers={"Content-Type": request.headers["content-type"]})
    if answer.status_code == 401:
        return to_login(request)
    if 200 <= answer.status_code < 300:
        return redirect(case_url(case_id, position_of(answer), "materials"))
    errors, message = failure(answer)
    return await show_case(request, session, api, case_id, form="material", errors=errors, message=message,
                           status=answer.status_code)


@router.post("/cases/{case_id}/materials/{material_id}/withdrawal")
async def withdraw(request: Request, case_id: str, material_id: str) -> Response:
    """撤回: the material marked withdrawn (the API says who may), kept and still listed."""
    return await case_command(request, case_id, "material", "POST", api_path(case_id, material_id) + "/withdrawal",
                              formats.body_from_form, anchor="materials")


@router.get("/cases/{case_id}/materials/{material_id}")
async def download(request: Request, case_id: str, material_id: str) -> Response:
    try:
        _, api = logged_in(request)
    except NotLoggedIn:
        return redirect("/login")
    answer = await api.get(api_path(case_id, material_id))
    if answer.status_code == 401:
        return to_login(request)
    if answer.status_code != 200:
        from services.web.pages import render

        return render(request, "message.html", status=answer.status_code, title="无法下载该材料",
                      text=formats.message_of(answer.json(), "材料不存在"))
    headers = {k: answer.headers[k] for k in PASSED_HEADERS if k in answer.headers}
    return Response(answer.content, status_code=200, headers={**headers, "Cache-Control": "private, no-store"})
