"""Item clocks and the case clock, in working days (pure: the calendar is passed in).

An item's clock starts on its acceptance day (``accept`` / ``accept_with_deficiency``); day 1 is
the next working day.  Its due date is the ``promised_days``-th working day, moved on by the
working days it spent paused (补正, 特别程序): a pause from day P to day R takes the working days
in (P, R].  While an item is paused, its due date is shown as if it resumed today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Protocol

from services.coordination.items import PAUSED

Pause = tuple[str, str | None]  # ISO start, ISO end (None: still paused)


class Calendar(Protocol):
    def add_workdays(self, start: dt.date, n: int): ...
    def workdays_between(self, a: dt.date, b: dt.date) -> int: ...
    def is_workday(self, d: dt.date) -> bool: ...
    def is_range_estimated(self, a: dt.date, b: dt.date) -> bool: ...


@dataclass(frozen=True)
class Due:
    due_date: dt.date
    estimated: bool
    paused_workdays: int


def d(value: str | dt.date) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def paused_workdays(calendar: Calendar, pauses: Iterable[Pause], today: dt.date) -> tuple[int, bool]:
    total, estimated = 0, False
    for start, end in pauses:
        a, b = d(start), d(end) if end else today
        if b > a:
            total += calendar.workdays_between(a, b)
            estimated = estimated or calendar.is_range_estimated(a, b)
    return total, estimated


def item_due(calendar: Calendar, accepted_on: str | None, promised_days: int,
             pauses: Iterable[Pause], today: dt.date) -> Due | None:
    if not accepted_on:
        return None
    paused, pause_estimated = paused_workdays(calendar, pauses, today)
    result = calendar.add_workdays(d(accepted_on), promised_days + paused)
    return Due(result.date, bool(result.estimated or pause_estimated), paused)


def warning_date(calendar: Calendar, due_date: dt.date, warning_workdays: int) -> dt.date:
    return calendar.add_workdays(due_date, -warning_workdays).date if warning_workdays else due_date


def _paused_on(day: dt.date, pauses: Iterable[Pause], end: dt.date) -> bool:
    return any(d(s) < day <= (d(e) if e else end) for s, e in pauses)


def case_clock(calendar: Calendar, opened_on: str, items: list[dict], end: dt.date) -> dict:
    """The case clock composed from its items' clocks.

    ``elapsed_workdays``: working days from opening to ``end`` (today, or completion/termination);
    ``paused_workdays``: those on which no item's clock ran and at least one item was paused;
    ``net_workdays`` = elapsed − paused.  ``due_date``: the latest item due date.
    """
    start = d(opened_on)
    elapsed = paused = 0
    day = start + dt.timedelta(days=1)
    while day <= end:
        if calendar.is_workday(day):
            elapsed += 1
            running = any_paused = False
            for item in items:
                if not item.get("accepted_on") or day <= d(item["accepted_on"]):
                    continue
                if item.get("concluded_on") and day > d(item["concluded_on"]):
                    continue
                if _paused_on(day, item.get("pauses", []), end):
                    any_paused = True
                else:
                    running = True
            if any_paused and not running:
                paused += 1
        day += dt.timedelta(days=1)
    dues = [(i["due_date"], i["due_date_estimated"]) for i in items if i.get("due_date")]
    latest = max(dues, default=(None, False))
    return {
        "started_on": opened_on, "until": end.isoformat(), "elapsed_workdays": elapsed,
        "paused_workdays": paused, "net_workdays": elapsed - paused,
        "due_date": latest[0], "due_date_estimated": any(e for _, e in dues),
    }


def next_pauses(pauses: list, from_status: str, to_status: str, accepted_on: str | None, on: str) -> list[list]:
    """Pause intervals after a transition: a pause ends on leaving a paused state, starts on entering one
    (only once the clock has started, i.e. after acceptance)."""
    result = [list(p) for p in pauses]
    if from_status in PAUSED and result and result[-1][1] is None:
        result[-1][1] = on
    if to_status in PAUSED and accepted_on:
        result.append([on, None])
    return result
