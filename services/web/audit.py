"""The case page for the supervisory office: the case at two moments side by side (what changed between them,
and the events that changed it) and where the shown events break the tamper-evident chain."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from shared.clock import CHINA
from services.web import formats

OFFICE = ("supervisor", "admin")


def moment(text: str | None) -> datetime | None:
    """An ``as_of`` as the API reads it (a date is that day's end; no zone is Beijing time), or None."""
    if not text:
        return None
    try:
        if len(text) == 10:
            return datetime.fromisoformat(text + "T23:59:59.999999").replace(tzinfo=CHINA)
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=CHINA)


def facts(case: dict) -> dict[str, str]:
    """What a supervisor compares between two moments, as people read it: one line a fact."""
    L = formats.labels()
    found = {
        "案件状态": case.get("status_label") or "",
        "案件代办帮办员": (case.get("case_agent") or {}).get("name") or "",
        "受理日期": formats.cn_date(case.get("opened_on")),
        "结束日期": formats.cn_date(case.get("concluded_on")),
        "评价": "、".join(L["level"].get(r["level"], r["level"]) + ("（追评）" if r.get("follow_up") else "")
                        for r in case.get("ratings") or []),
        "记录条数": str(case.get("event_count") or 0),
    }
    for item in case.get("items") or []:
        name = f"事项 {item['item_no']}"
        found[f"{name} 状态"] = item.get("status_label") or L["item_status"].get(item.get("status"), item.get("status") or "")
        found[f"{name} 截止日期"] = formats.cn_date(item.get("due_date"))
        found[f"{name} 办结日期"] = formats.cn_date(item.get("concluded_on"))
    for rect in case.get("rectifications") or []:
        found[f"差评整改 {rect['rectification_id']}"] = rect.get("state_label") or rect.get("state") or ""
    return found


def changes(before: dict | None, after: dict) -> list[dict]:
    old, new = facts(before or {}), facts(after)
    return [{"what": k, "before": old.get(k, ""), "after": new.get(k, "")}
            for k in dict.fromkeys([*old, *new]) if old.get(k, "") != new.get(k, "")]


def events_between(events: list[dict], start: datetime | None, end: datetime) -> list[dict]:
    return [e for e in events if (start is None or datetime.fromisoformat(e["occurred_at"]) > start)
            and datetime.fromisoformat(e["occurred_at"]) <= end]


async def comparison(api, case_id: str, as_of: str | None, compare: str, shown: dict,  # noqa: ANN001
                     now: datetime) -> dict:
    """The case at ``compare`` beside the case shown (``as_of``, else ``now``): changes from the earlier to the later."""
    other = await api.get(f"/reporting/cases/{quote(case_id)}/history", params={"as_of": compare})
    if other.status_code != 200:
        return {"error": formats.message_of(other.json(), "该时刻无法查看")}
    there = other.json()
    here_at = moment(shown["as_of"]) or now.astimezone(CHINA)
    there_at = moment(there["as_of"]) or now.astimezone(CHINA)
    later_events = shown["events"] if here_at >= there_at else there["events"]
    (first, first_at), (second, second_at) = sorted(
        [(there["case"], there_at), (shown["case"], here_at)], key=lambda pair: pair[1])
    return {"from": first_at.isoformat(), "to": second_at.isoformat(), "changes": changes(first, second),
            "events": events_between(later_events, first_at, second_at), "compare": compare,
            "verified": there["verified"]}


def broken(breaks: list[dict]) -> set[tuple[str, int]]:
    return {(b["service"], b["position"]) for b in breaks}
