"""Integration events of the working-day calendar, reference data that drives every deadline.

* ``coordination.CalendarOverridden``: an administrator entered (or changed) a year's holidays and make-up
  working days (``PUT /coordination/calendar/overrides/{year}``): who (the envelope's actor), when
  (``occurred_at``), which year and days, why (``reason``).  ``change_no`` numbers every change in the
  order coordination recorded them; the latest change of a year replaces that year's entries over the
  shipped base table (``shared/reference/data/calendar_overrides.yaml``).  Every service that counts
  working days applies it (``shared.workcalendar.CalendarSource``).
* ``evaluation.CalendarOverrideAdopted``: evaluation applied that change (recorded with its tracking
  record, so that it rebuilds the same calendar from its own store after a restart).
* ``coordination.ItemDueDateMoved`` / ``evaluation.RectificationDueDateMoved``: a running item's due date or
  an open rectification's deadline the change moved, recorded in the same transaction as the change
  (coordination) or its adoption (evaluation).

The first two use ``case_id = "calendar:<year>"`` (not a case; case views ignore them).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shared.contracts.registry import EventPayload, contract
from shared.types import FreeTextStr

DayKind = Literal["workday", "holiday"]
CALENDAR_SUBJECT_PREFIX = "calendar:"


def calendar_subject(year: int) -> str:
    return f"{CALENDAR_SUBJECT_PREFIX}{year}"


@contract("coordination.CalendarOverridden",
          description="录入或修改某年的法定节假日与调休安排；case_id 为 'calendar:<年份>'，不属于任何案件")
class CalendarOverridden(EventPayload):
    change_no: int = Field(description="日历变更序号（全部年份统一编号，按录入顺序）")
    year: int = Field(description="年份")
    overrides: dict[str, DayKind] = Field(description="该年的全部调整（日期 YYYY-MM-DD → workday 调休上班 / holiday 放假），替换该年此前的录入")
    announced: bool = Field(description="该年安排已公布（不再按预估计算）")
    reason: FreeTextStr = Field(description="变更原因")


@contract("coordination.ItemDueDateMoved",
          description="日历变更使在办事项的承诺办结日期改变（调休表变更后立即重算）")
class ItemDueDateMoved(EventPayload):
    case_id: str
    item_no: int
    department: str
    due_date: str = Field(description="新的承诺办结日期")
    due_date_estimated: bool = False
    previous_due_date: str = Field(description="变更前的承诺办结日期")
    calendar_change_no: int = Field(description="引起变更的日历变更序号")


@contract("evaluation.RectificationDueDateMoved",
          description="日历变更使未超期的在办差评整改的整改时限改变（自开始日重新按工作日计算）")
class RectificationDueDateMoved(EventPayload):
    rectification_id: str
    case_id: str
    due_date: str = Field(description="新的整改时限")
    due_date_estimated: bool = False
    previous_due_date: str = Field(description="变更前的整改时限")
    calendar_change_no: int = Field(description="引起变更的日历变更序号")


@contract("evaluation.CalendarOverrideAdopted",
          description="好差评服务已采用某次日历变更（此后的整改时限按新日历计算）")
class CalendarOverrideAdopted(EventPayload):
    change_no: int
    year: int
    overrides: dict[str, DayKind]
    announced: bool
    source_position: int = Field(description="coordination 日志中该变更的位置")
