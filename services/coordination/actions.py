"""Item actions on a case (pure): the inputs 容缺受理 needs, what an action records about missing
materials, how a retry is recognised, and how a recorded ``ItemStateChanged`` changes the item.

The state machine itself is :mod:`services.coordination.items`; the pause intervals and due dates
are :mod:`services.coordination.clocks`.
"""

from __future__ import annotations

from dataclasses import dataclass
import datetime as dt

from shared.errors import Invalid
from shared.reference.materials import ItemMaterials
from services.coordination import items as sm
from services.coordination.clocks import next_pauses

GIVES_MISSING = ("accept_with_deficiency", "request_correction")  # actions that name missing materials


def retry_key(action: str, note: str | None, missing: list[str], until: str | None) -> dict:
    """What identifies a retry of an item action: the same action with the same inputs."""
    return {"action": action, "note": note, "missing_materials": list(missing) if action in GIVES_MISSING else [],
            "until": until if action == "accept_with_deficiency" else None}


def check_deficiency(missing_materials: list[str], until: str | None, today: dt.date) -> None:
    """容缺受理 names the missing materials and a date, not in the past, they are promised by."""
    if not missing_materials:
        raise Invalid("容缺受理须列出所缺材料", field="missing_materials")
    if not until:
        raise Invalid("容缺受理须写明补齐材料的承诺日期", field="until")
    if until < today.isoformat():
        raise Invalid("承诺补齐日期不能早于今天", field="until")


@dataclass(frozen=True)
class Receipt:
    """What 《行政许可法》第三十二条 makes of an action on a received (收件) item.

    Within ``acceptance_workdays`` working days of receiving the materials the department either accepts
    or gives, once, a notice of everything to correct (一次性告知).  ``acceptance_due``: that day, while the
    item waits in 已收件.  ``deemed_accepted``: accepted after that day with no notice given, so the
    application counts as accepted from receipt (the clock runs from the receipt day).  ``notice_breach``:
    a correction asked again after the one-time notice (``repeat``), or first asked only after the
    acceptance deadline (``late``)."""

    acceptance_due: str | None
    deemed_accepted: bool | None
    notice_breach: str | None


def receipt(item: dict, t: sm.Transition, today: dt.date, calendar, acceptance_workdays: int) -> Receipt:  # noqa: ANN001
    due = item.get("acceptance_due")
    past_due = bool(due and today.isoformat() > due and t.from_status == sm.RECEIVED)
    breach = None
    if t.action == "request_correction":
        asked_before = any(h["action"] == "request_correction" for h in item["history"])
        breach = "repeat" if asked_before else "late" if past_due else None
    return Receipt(
        acceptance_due=calendar.add_workdays(today, acceptance_workdays).date.isoformat()
        if t.to_status == sm.RECEIVED else None,
        deemed_accepted=True if t.starts_clock and past_due else None,
        notice_breach=breach)


def check_commitment(action: str, verify_by: str | None, today: dt.date) -> None:
    """告知承诺受理 names the date its commitment will be verified by, not in the past; no other action takes one."""
    if action == "accept_on_commitment":
        if not verify_by:
            raise Invalid("告知承诺受理须写明核查承诺的日期", field="verify_by")
        if verify_by < today.isoformat():
            raise Invalid("核查日期不能早于今天", field="verify_by")
    elif verify_by:
        raise Invalid("只有告知承诺受理（accept_on_commitment）填写核查日期", field="verify_by")


def check_result(action: str, result: dict | None) -> None:
    """Only 办结（准予）records the 批文/证照 it issued (its number, the scan's material id)."""
    if result and action != "approve":
        field = "result_number" if result.get("number") else "result_material_id"
        raise Invalid("只有办结（准予，approve）登记批文或证照", field=field)


def check_listed(listed: ItemMaterials, action: str, missing: list[str]) -> None:
    """A correction or 容缺 request names entries of the item's 材料清单, and 容缺 only those it lets follow.

    ``listed``: the item's list (shared.reference.materials); a name it lacks is refused with the list."""
    if action not in GIVES_MISSING or not missing:
        return
    names = listed.names()
    for i, name in enumerate(missing):
        if name not in names:
            raise Invalid(f"“{name}”不在该事项的材料清单中；清单所列：{'、'.join(names)}", field=f"missing_materials.{i}")
        if action == "accept_with_deficiency" and not next(m for m in listed.materials if m.name == name).deficiency_allowed:
            allowed = [m.name for m in listed.materials if m.deficiency_allowed]
            raise Invalid(f"“{name}”是该事项的必要材料，不能容缺后补；可容缺的材料：{'、'.join(allowed) or '无'}",
                          field=f"missing_materials.{i}")


def deficiency_lapsed(item: dict, today: dt.date) -> bool:
    """容缺受理 whose promised date has passed with the materials still missing."""
    d = item["deficiency"]
    return item["status"] == sm.DEFICIENT and bool(d) and d["until"] < today.isoformat()


def recorded_missing(item: dict, t: sm.Transition, missing_materials: list[str],
                     until: str | None) -> tuple[list[str], str | None]:
    """(missing materials, promised date) an action records on the item.

    补正 records what is to be corrected; otherwise the 容缺 materials still outstanding after the
    action (新的容缺受理, or none once 补齐) and their promised date."""
    deficiency = item["deficiency"]
    if t.action == "accept_with_deficiency":
        deficiency = {"missing_materials": list(missing_materials), "until": until}
    elif t.action == "correction_done" and t.from_status == sm.DEFICIENT:
        deficiency = None  # 容缺材料已补齐
    if t.action == "request_correction":
        return list(missing_materials), None
    return (deficiency["missing_materials"], deficiency["until"]) if deficiency else ([], None)


def apply_item_change(item: dict, *, action: str, from_status: str, to_status: str, note: str | None,
                      missing_materials: list[str], until: str | None, on_date: str, accepted_on: str | None,
                      meta: dict) -> None:
    """The item after a recorded ``ItemStateChanged`` (the event's effect; changes ``item`` in place)."""
    if action == "file":
        item["filed_on"] = on_date
    if to_status == sm.RECEIVED:
        item["received_on"] = on_date  # filed, or the correction's materials received: the 受理时限 counts from here
    if to_status in sm.PAUSED:
        item["resume_to"] = from_status
    item["pauses"] = next_pauses(item["pauses"], from_status, to_status, accepted_on, on_date)
    if to_status in sm.CONCLUDED:
        item["concluded_on"] = on_date
    if action == "accept_with_deficiency":
        item["deficiency"] = {"missing_materials": missing_materials, "until": until}
    elif action == "correction_done" and from_status == sm.DEFICIENT:
        item["deficiency"] = None
    item.update(status=to_status, accepted_on=accepted_on, missing_materials=missing_materials, until=until,
                last=retry_key(action, note, missing_materials if action in GIVES_MISSING else [], until))
    item["history"].append({"action": action, "from_status": from_status, "to_status": to_status, "note": note,
                            "on_date": on_date, "at": meta["occurred_at"], "by": meta["actor"]})
