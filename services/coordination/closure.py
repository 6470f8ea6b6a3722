"""办结 and 终止 of a case (pure): what completion needs, and the item rows the 办结单 (附件8) and the
终止单 (附件10) carry.  The calendar and "today" are passed in."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from shared.errors import Conflict, Invalid
from services.coordination import items as sm

if TYPE_CHECKING:
    from services.coordination.domain import Case


def require_all_concluded(case: Case) -> None:
    """Conflict naming every delegated item that is not yet 办结 or withdrawn."""
    unfinished = case.unfinished()
    if unfinished:
        names = "、".join(f"{n}（{case.items[n]['name']}，{sm.STATUS_LABELS[case.items[n]['status']]}）" for n in unfinished)
        raise Conflict(f"尚有事项未办结，不能办结案件：{names}", code="items_unfinished")


def check_signed_on(signed_on: str | None, opened_on: str, today: dt.date) -> None:
    """The date written on a paper form keyed in later (API.md: in the future or before the case → 422)."""
    if signed_on is None:
        return
    if signed_on > today.isoformat():
        raise Invalid("签字日期不能晚于今日", field="signed_on")
    if signed_on < opened_on:
        raise Invalid(f"签字日期不能早于案件受理日 {opened_on}", field="signed_on")


def completion_rows(case: Case, calendar, today: dt.date) -> list[dict]:  # noqa: ANN001
    """One row per item for the 办结单: outcome, dates, due date and whether it was on time."""
    rows = []
    for n, i in case.items.items():
        due = case.due(n, calendar, today)
        due_s = due.due_date.isoformat() if due else None
        rows.append({"item_no": n, "department": i["department"], "outcome": i["status"],
                     "accepted_on": i["accepted_on"], "concluded_on": i["concluded_on"], "due_date": due_s,
                     "on_time": not due_s or (i["concluded_on"] or today.isoformat()) <= due_s})
    return rows


def termination_rows(case: Case) -> list[dict]:
    """One row per item for the 终止单: where each item stood."""
    return [{"item_no": n, "department": i["department"], "status": i["status"]} for n, i in case.items.items()]


def project_ref(project: dict) -> dict:
    """The project as the closing events name it."""
    return {"name": project["name"], "code": project.get("code")}
