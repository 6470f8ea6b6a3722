"""Item actions on a case (pure): the inputs 容缺受理 needs, what an action records about missing
materials, how a retry is recognised, and how a recorded ``ItemStateChanged`` changes the item.

The state machine itself is :mod:`services.coordination.items`; the pause intervals and due dates
are :mod:`services.coordination.clocks`.
"""

from __future__ import annotations

import datetime as dt

from shared.errors import Invalid
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
