"""HTTP API of a case's materials (API.md § Materials): upload, list, download, withdraw."""

from __future__ import annotations

import base64
import io
import os
import re
from urllib.parse import quote

from fastapi import APIRouter, Body, Depends, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import StreamingResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from shared.auth import Principal, require_roles
from shared.auth.dependencies import SERVICE_POINT_ROLES
from shared.blobs.sealed import BlobError, SealedReader
from shared.body_limit import body_limit
from shared.contracts import Role
from shared.clock import today
from shared.contracts.intake import MATERIAL_KIND_LABELS, SIGNED_FORM_TITLES
from shared.errors import DomainError, NotFound
from shared.filetypes import ACCEPTED, identify, safe_file_name
from shared.reference import load_catalog
from shared.reference.materials import load_materials
from shared.uploads import MAX_FIELD_BYTES, read_upload
from services.intake.application import IntakeService
from services.intake import materials as rules
from services.intake.schemas import MaterialListRead, MaterialRead, MaterialUpload, MaterialWithdrawalCreate

router = APIRouter(prefix="/intake", tags=["intake: materials"])
UPLOADERS = (Role.applicant, *SERVICE_POINT_ROLES, Role.department_agent)
READERS = (*UPLOADERS, Role.supervisor, Role.admin)
FORM_OVERHEAD = 64 * 1024  # the form fields and the multipart framing around the file
UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file", "title"],
    "properties": {"file": {"type": "string", "format": "binary", "maxLength": 20 * 1024 * 1024,
                            "description": "文件：PDF、OFD、JPEG、PNG、DOCX、XLSX，大小上限见设置 materials_max_bytes（默认 20 MB）"},
                   **MaterialUpload.model_json_schema()["properties"]}}}}}}
FILE_RESPONSE = {200: {"description": "上传的文件，原样返回", "content": {
    **{t.mime: {"schema": {"type": "string", "format": "binary"}} for t in ACCEPTED.values()}}}}


class BlobUnreadable(DomainError):
    status_code = 500


def intake(request: Request) -> IntakeService:
    return request.app.state.services.intake


def max_bytes(app) -> int:  # noqa: ANN001
    return app.state.runtime.settings.materials_max_bytes


def _case(service: IntakeService, principal: Principal, case_id: str):  # noqa: ANN202
    application = service.get(case_id)
    catalog = load_catalog()
    departments = {no: catalog.item(no).department for no in rules.case_items(application)}
    rules.require_case(principal.actor, application, departments)
    return application, departments


@router.post("/applications/{case_id}/materials", status_code=status.HTTP_201_CREATED, response_model=MaterialRead,
             summary="上传材料（申报、补正、容缺后补、批文证照、签字回传的表单）；同一名称、同一事项再传为新版本",
             openapi_extra=UPLOAD_BODY)
@body_limit(max_bytes, stream=True, field="file", overhead=FORM_OVERHEAD)
async def upload(case_id: str, request: Request, principal: Principal = Depends(require_roles(*UPLOADERS))) -> dict:
    service = intake(request)
    application, departments = await run_in_threadpool(_case, service, principal, case_id)
    application.require_open("上传材料")  # before a byte is read: a closed application keeps no new files
    staged = service.blobs.stage()
    try:
        form = await read_upload(request, staged.write, file_field="file", max_file_bytes=max_bytes(request.app))
        await run_in_threadpool(staged.finish)
        fields = _fields(form, today(service.clock))
        rules.require_upload(principal.actor, fields.item_no, departments)
        file_name = safe_file_name(form.file_name)
        found = await run_in_threadpool(identify, staged.head, lambda: _zip_view(staged), file_name, form.content_type)
        material = {"title": fields.title, "item_no": fields.item_no, "kind": fields.kind, "file_name": file_name,
                    "signed_on": fields.signed_on.isoformat() if fields.signed_on else None,
                    "content_type": found.mime, "size": staged.size, "sha256": staged.sha256}
        added = await run_in_threadpool(service.add_material, _context(principal, application), case_id, staged, material)
    finally:
        staged.discard()
    return _read(added)


@router.get("/applications/{case_id}/materials", response_model=MaterialListRead,
            summary="案件的材料：按事项、按名称列出，每个名称的全部版本（部门只见本部门事项的材料与案件共用材料）")
def list_materials(case_id: str, request: Request, principal: Principal = Depends(require_roles(*READERS))) -> dict:
    application, departments = _case(intake(request), principal, case_id)
    catalog = load_catalog()
    shown = [_read(m) for m in application.materials.values() if rules.may_read(principal.actor, m, departments)]
    names = {no: catalog.item(no).name for no in departments}
    return {"case_id": case_id, "groups": rules.grouped(shown, names),
            "checklist": rules.checklist(application.materials.values(), departments, load_materials()),
            "accepted_types": [t.label for t in ACCEPTED.values()], "max_bytes": max_bytes(request.app)}


@router.get("/applications/{case_id}/materials/{material_id}", response_class=StreamingResponse, responses=FILE_RESPONSE,
            summary="下载材料：原样返回上传的文件（每次下载均记录）")
def download(case_id: str, material_id: str, request: Request,
             principal: Principal = Depends(require_roles(*READERS))) -> StreamingResponse:
    service = intake(request)
    application, departments = _case(service, principal, case_id)
    material = _readable(application, material_id, principal, departments)
    address = service.blobs.keys.address_of(material["sha256"])
    if not service.blobs.exists(address):
        raise BlobUnreadable(f"材料 {material_id} 的文件缺失（存储中找不到），请联系管理员从备份恢复", code="material_missing")
    pieces = service.blobs.plaintext(address)
    try:
        first = next(pieces)  # the first frame opened before anything is sent: a broken blob is an error, not half a file
    except (BlobError, StopIteration):
        raise BlobUnreadable(f"材料 {material_id} 的文件无法解密（已被改动或密钥不符）", code="material_unreadable") from None
    service.record_download(principal.context(), case_id, material_id)

    def body():  # noqa: ANN202
        yield first
        yield from pieces

    headers = {"Content-Length": str(material["size"]), "Content-Disposition": content_disposition(material),
               "Cache-Control": "private, no-store", "ETag": f'"{material["sha256"]}"',
               "Repr-Digest": f"sha-256=:{base64.b64encode(bytes.fromhex(material['sha256'])).decode()}:"}
    return StreamingResponse(body(), media_type=material["content_type"], headers=headers)


@router.post("/applications/{case_id}/materials/{material_id}/withdrawal", response_model=MaterialRead,
             summary="撤回材料：标记为已撤回，文件与记录保留（上传方或本案件服务点的代办帮办员）")
def withdraw(case_id: str, material_id: str, request: Request,
             body: MaterialWithdrawalCreate = Body(default_factory=MaterialWithdrawalCreate),
             principal: Principal = Depends(require_roles(*UPLOADERS))) -> dict:
    service = intake(request)
    application, departments = _case(service, principal, case_id)
    _readable(application, material_id, principal, departments)
    withdrawn = service.withdraw_material(principal.context(), case_id, material_id, body.reason,
                                          lambda m: rules.require_withdraw(principal.actor, m))
    return _read(withdrawn)


# -- helpers -------------------------------------------------------------------------
def _fields(form, on) -> MaterialUpload:  # noqa: ANN001
    """The form's fields as the model says, and the file there: every bad field named at once."""
    errors = [] if form.has_file else [{"type": "missing", "loc": ("body", "file"), "msg": "", "input": None}]
    try:
        fields = MaterialUpload.model_validate(form.fields)
    except ValidationError as exc:
        errors += [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
    else:
        errors += signed_form_errors(fields, on)
    if errors:
        raise RequestValidationError(errors)
    return fields


def signed_form_errors(fields: MaterialUpload, on) -> list[dict]:  # noqa: ANN001
    """A signed paper form names its form (the title) and the date written on it; other materials carry no date."""
    def error(field: str, msg: str) -> dict:
        return {"type": "value_error", "loc": ("body", field), "msg": msg, "input": None}
    if fields.kind != "signed_form":
        return [error("signed_on", "只有签字回传的表单（signed_form）填写签字日期")] if fields.signed_on else []
    found = []
    if fields.title not in SIGNED_FORM_TITLES:
        found.append(error("title", f"签字回传的表单须以表单名称为材料名称：{'、'.join(SIGNED_FORM_TITLES)}"))
    if fields.signed_on is None:
        found.append(error("signed_on", "签字回传的表单须填写表单上的签字日期"))
    elif fields.signed_on > on:
        found.append(error("signed_on", "签字日期不能晚于今日"))
    return found


def _context(principal: Principal, application):  # noqa: ANN001, ANN202
    """An agent's upload is made for the applicant (a paper handed in at the window); a department's is its own."""
    if principal.role in SERVICE_POINT_ROLES:
        return principal.context(on_behalf_of=application.applicant.get("credit_code") or application.applicant["name"])
    return principal.context()


def _zip_view(staged):  # noqa: ANN001, ANN202
    return io.BufferedReader(SealedReader(staged.keys, staged.path, staged.size), buffer_size=MAX_FIELD_BYTES)


def _readable(application, material_id: str, principal: Principal, departments: dict[int, str]) -> dict:  # noqa: ANN001
    material = application.materials.get(material_id)
    if material is None or not rules.may_read(principal.actor, material, departments):
        raise NotFound(f"材料 {material_id} 不存在")
    return material


def _read(material: dict) -> dict:
    return {**material, "kind_label": MATERIAL_KIND_LABELS[material["kind"]],
            "download_url": f"/intake/applications/{material['case_id']}/materials/{material['material_id']}"}


def content_disposition(material: dict) -> str:
    """``attachment`` with the name as uploaded (RFC 6266, ``filename*`` as RFC 5987 says) and an ASCII fallback."""
    name = material["file_name"]
    extensions = ACCEPTED_EXTENSIONS.get(material["content_type"], ("",))
    if not name.lower().endswith(extensions):
        name += extensions[0]
    stem, extension = os.path.splitext(name)
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("_.")
    if not any(c.isalnum() for c in fallback):
        fallback = f"material-{material['material_id']}"
    return f"attachment; filename=\"{fallback}{extension}\"; filename*=UTF-8''{quote(name, safe='')}"


ACCEPTED_EXTENSIONS = {t.mime: t.extensions for t in ACCEPTED.values()}
