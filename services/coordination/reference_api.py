"""HTTP API of coordination's reference data: the item catalog, the working-day calendar and its
override table (administrators edit it without code), and the agent register (登记报备)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request

from shared.auth import Principal, require_roles, signed_in
from shared.contracts import Role
from shared.errors import Forbidden, Invalid, NotFound
from shared.reference import load_catalog
from shared.reference.materials import load_materials
from shared.types import PathNumber
from shared.workcalendar import PACKAGE_YEARS
from services.coordination.schemas import (
    CalendarPut, CalendarRead, CatalogItemRead, ItemMaterialsRead, RegisterChangeCreate, RegisterChangeRead, RegisterRead,
)

router = APIRouter(prefix="/coordination", tags=["coordination: reference"])
Year = Annotated[PathNumber, Path(ge=2000, le=2100, description="年份")]


@router.get("/catalog", response_model=list[CatalogItemRead], summary="帮您办代办帮办服务事项目录（附件2，含勘误）与负责人员（附件11）")
def catalog(_: Principal = Depends(signed_in)) -> list[dict]:
    c = load_catalog()
    rows = []
    for i in c.items:
        dept = c.department(i.department)
        rows.append({
            "item_no": i.item_no, "name": i.name, "department": {"code": dept.code, "name": dept.name},
            "item_type": i.item_type, "stage": i.stage, "stage_name": c.stages.get(i.stage),
            "statutory_days": i.statutory_days, "promised_days": i.promised_days, "limits_source": i.limits_source,
            "limits_basis": i.limits_basis, "since_version": i.since_version,
            "assigned_agents": [{"name": a.name, "phone": a.phone} for a in c.agents_for(i.item_no)],
        })
    return rows


@router.get("/catalog/items/{item_no}/materials", response_model=ItemMaterialsRead,
            summary="材料清单：该事项须提交的材料（名称、原件或复印件、份数、是否可容缺）及其来源")
def item_materials(item_no: PathNumber, _: Principal = Depends(signed_in)) -> dict:
    listed = load_materials()
    if not load_catalog().has_item(item_no) or not listed.has_item(item_no):
        raise NotFound(f"事项目录中没有事项{item_no}")
    entry = listed.for_item(item_no)
    return {"item_no": item_no, "version": listed.version, **entry.model_dump(),
            "notice": listed.notice(item_no)}


@router.get("/calendar/{year}", response_model=CalendarRead, summary="某年的工作日历：是否为预估、调休表、变更历史")
def get_calendar(request: Request, year: Year, _: Principal = Depends(signed_in)) -> dict:
    service = request.app.state.services.coordination
    return _calendar_view(service.calendar, year, service.calendar_history(year))


@router.put("/calendar/overrides/{year}", response_model=CalendarRead,
            summary="录入某年的法定节假日与调休安排（管理员，须说明原因）；记为日历变更事件，各服务立即采用，在办事项的承诺时限随之重算")
def put_calendar(body: CalendarPut, request: Request, year: Year,
                 principal: Principal = Depends(require_roles(Role.admin))) -> dict:
    for day in body.overrides:
        if day.year != year:
            raise Invalid(f"日期 {day} 不属于 {year} 年", field=f"overrides.{day}")
    service = request.app.state.services.coordination
    service.override_calendar(principal.context(), year, dict(body.overrides), body.announced, body.reason)
    return _calendar_view(service.calendar, year, service.calendar_history(year))


def _calendar_view(calendar, year: int, changes: list[dict]) -> dict:  # noqa: ANN001
    day, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    holidays, makeup, workdays = [], [], 0
    while day <= end:
        work = calendar.is_workday(day)
        workdays += work
        if day.weekday() < 5 and not work:
            holidays.append(day.isoformat())
        elif day.weekday() >= 5 and work:
            makeup.append(day.isoformat())
        day += dt.timedelta(days=1)
    announced = year in calendar.announced_years
    return {
        "year": year, "estimated": calendar.is_estimated(year),
        "source": "override" if announced else "package" if year in PACKAGE_YEARS else "weekdays_guess",
        "workdays": workdays, "holidays_on_weekdays": holidays, "makeup_workdays": makeup,
        "overrides": {d.isoformat(): k for d, k in sorted(calendar.overrides.items()) if d.year == year},
        "changes": changes,
    }


@router.get("/agent-register", response_model=RegisterRead, summary="代办帮办人员登记表（附件11 及其调整登记报备）")
def get_register(request: Request, department: str | None = None, _: Principal = Depends(signed_in)) -> dict:
    if department is not None and department not in {d.code for d in load_catalog().departments}:
        raise Invalid(f"部门代码 {department} 不存在", field="department", location="query")
    return request.app.state.services.coordination.register(department)


@router.post("/agent-register/{department}/changes", status_code=201, response_model=RegisterChangeRead, summary="代办帮办人员调整登记报备")
def register_change(department: str, body: RegisterChangeCreate, request: Request,
                    principal: Principal = Depends(require_roles(Role.window_agent, Role.supervisor, Role.admin,
                                                                 Role.department_agent))) -> dict:
    c = load_catalog()
    if department not in {d.code for d in c.departments}:
        raise NotFound(f"部门 {department} 不存在")
    if principal.role == Role.department_agent and principal.account.department != department:
        raise Forbidden("部门代办帮办人员只能报备本部门的人员调整")
    return request.app.state.services.coordination.record_register_change(
        principal.context(), department, items=body.items,
        replaced={"name": body.replaced, "phone": None} if body.replaced else None,
        replacement=body.replacement.model_dump(), effective_on=body.effective_on.isoformat(), reason=body.reason)
