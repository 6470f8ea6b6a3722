"""Working-day calendar for statutory time limits (法定/承诺时限, counted in working days).

Sources, in order, for a date:

1. the override table (``date -> 'workday' | 'holiday'``): the base table shipped in
   ``shared/reference/data/calendar_overrides.yaml`` (plus ``$BANGNIN_CALENDAR_OVERRIDES_FILE`` when set),
   with every override an administrator recorded through coordination applied over it (a recorded
   change replaces its year's entries); a year listed in ``announced_years`` is complete: its other
   days follow the week;
2. the ``chinesecalendar`` package (State Council arrangements it ships, 2004–2026 today);
3. otherwise Monday–Friday as a guess, and every result using such a year is ``estimated``.

Each process holds one :class:`CalendarSource`, handed to every service it runs; services read
``source.current`` when they compute and never keep a calendar of their own.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
import threading
from typing import Any, Iterable, Literal, Mapping

import chinese_calendar
import yaml

DayKind = Literal["workday", "holiday"]
ENV_VAR = "BANGNIN_CALENDAR_OVERRIDES_FILE"
SHIPPED_OVERRIDES = Path(__file__).parent / "reference" / "data" / "calendar_overrides.yaml"
PACKAGE_YEARS = frozenset(d.year for d in chinese_calendar.holidays)


@dataclass(frozen=True)
class CalendarResult:
    date: dt.date
    estimated: bool  # True when a day counted lies in a year the calendar only guesses


class WorkCalendar:
    def __init__(self, overrides: Mapping[dt.date, DayKind] | None = None,
                 announced_years: Iterable[int] = ()):
        self.overrides: dict[dt.date, DayKind] = {}
        for day, kind in (overrides or {}).items():
            self.overrides[_as_date(day)] = _as_kind(kind, day)
        self.announced_years = frozenset(int(y) for y in announced_years)

    def is_estimated(self, year: int) -> bool:
        return year not in self.announced_years and year not in PACKAGE_YEARS

    def covered_years(self) -> list[int]:
        """Years whose arrangement is known (package data or announced overrides)."""
        return sorted(PACKAGE_YEARS | self.announced_years)

    def is_workday(self, d: dt.date) -> bool:
        if isinstance(d, dt.datetime):
            d = d.date()
        if d in self.overrides:
            return self.overrides[d] == "workday"
        if d.year in PACKAGE_YEARS:
            return chinese_calendar.is_workday(d)
        return d.weekday() < 5

    def add_workdays(self, start: dt.date, n: int) -> CalendarResult:
        """The n-th working day after ``start`` (day 1 is the next working day after it).

        ``n == 0`` returns ``start``; a negative ``n`` counts backwards.
        """
        step = dt.timedelta(days=1 if n >= 0 else -1)
        day, left, estimated = start, abs(n), False
        while left:
            day += step
            estimated = estimated or self.is_estimated(day.year)
            if self.is_workday(day):
                left -= 1
        return CalendarResult(day, estimated)

    def workdays_between(self, a: dt.date, b: dt.date) -> int:
        """Working days in (a, b]; negative when b precedes a."""
        if b < a:
            return -self.workdays_between(b, a)
        return sum(self.is_workday(a + dt.timedelta(days=i)) for i in range(1, (b - a).days + 1))

    def is_range_estimated(self, a: dt.date, b: dt.date) -> bool:
        """True when any day of (a, b] lies in a guessed year."""
        lo, hi = sorted((a, b))
        if lo == hi:
            return False
        first = lo + dt.timedelta(days=1)
        return any(self.is_estimated(y) for y in range(first.year, hi.year + 1))


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"调休表中的日期“{value}”无效，应为 YYYY-MM-DD") from None


def _as_kind(value: object, day: object) -> DayKind:
    if value not in ("workday", "holiday"):
        raise ValueError(f"调休表中 {day} 的取值“{value}”无效，应为 workday 或 holiday")
    return value  # type: ignore[return-value]


def read_overrides(path: Path) -> tuple[dict[dt.date, DayKind], set[int]]:
    """Read an override file (YAML or JSON); a missing file is an empty table."""
    path = Path(path)
    if not path.exists():
        return {}, set()
    text = path.read_text(encoding="utf-8")
    data = (json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)) or {}
    if not isinstance(data, dict):
        raise ValueError(f"调休表文件 {path} 格式不正确：顶层应为映射")
    entries = {_as_date(k): _as_kind(v, k) for k, v in (data.get("overrides") or {}).items()}
    return entries, {int(y) for y in data.get("announced_years") or []}


def load_calendar(extra_overrides_path: Path | str | None = None) -> WorkCalendar:
    """The shipped override table merged with an administrator's file (which wins).

    Without an argument, ``$BANGNIN_CALENDAR_OVERRIDES_FILE`` is used when set.
    """
    entries, years = read_overrides(SHIPPED_OVERRIDES)
    extra = extra_overrides_path or os.environ.get(ENV_VAR)
    if extra:
        more, more_years = read_overrides(Path(extra))
        entries.update(more)
        years |= more_years
    return WorkCalendar(entries, years)


def save_overrides(path: Path | str, entries: Mapping[dt.date | str, str],
                   announced_years: Iterable[int]) -> None:
    """Write an override file (YAML, or JSON by suffix) atomically, validating every entry."""
    path = Path(path)
    table = {_as_date(k): _as_kind(v, k) for k, v in entries.items()}
    data = {
        "announced_years": sorted({int(y) for y in announced_years}),
        "overrides": {d.isoformat(): table[d] for d in sorted(table)},
    }
    if path.suffix.lower() == ".json":
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    else:
        text = "# 调休表（由管理接口写入）。workday = 调休上班日，holiday = 放假日。\n" + yaml.safe_dump(
            data, allow_unicode=True, sort_keys=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@dataclass(frozen=True)
class CalendarChange:
    """One recorded override (coordination's ``CalendarOverridden``): ``year``'s entries replaced by ``overrides``.

    ``change_no`` numbers every change of the calendar in the order coordination recorded them.
    """

    change_no: int
    year: int
    overrides: Mapping[dt.date, DayKind] = field(default_factory=dict)
    announced: bool = True

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> "CalendarChange":
        """From the published payload (``change_no``, ``year``, ``overrides`` with ISO dates, ``announced``)."""
        year = int(payload["year"])
        overrides = {_as_date(k): _as_kind(v, k) for k, v in (payload.get("overrides") or {}).items()}
        wrong = [d for d in overrides if d.year != year]
        if wrong:
            raise ValueError(f"调休表变更 {payload['change_no']} 的日期 {wrong[0]} 不属于 {year} 年")
        return cls(int(payload["change_no"]), year, overrides, bool(payload.get("announced", True)))

    def payload_overrides(self) -> dict[str, DayKind]:
        return {d.isoformat(): k for d, k in sorted(self.overrides.items())}


def apply_changes(base_entries: Mapping[dt.date, DayKind], base_years: Iterable[int],
                  changes: Iterable[CalendarChange]) -> WorkCalendar:
    """The base table with, for each year, its latest change applied (pure)."""
    latest: dict[int, CalendarChange] = {}
    for change in changes:
        if change.year not in latest or change.change_no > latest[change.year].change_no:
            latest[change.year] = change
    entries, years = dict(base_entries), set(base_years)
    for change in latest.values():
        entries.update(change.overrides)
        if change.announced:
            years.add(change.year)
    return WorkCalendar(entries, years)


class CalendarSource:
    """The one calendar of a process: the base table with every recorded change applied.

    :meth:`apply` is idempotent (a change number already applied is ignored) and order-free
    (changes may arrive in any order: the latest number of each year wins); it replaces
    :attr:`current` in one assignment, so a computation that took ``current`` finishes on one calendar.
    """

    def __init__(self, base_entries: Mapping[dt.date, DayKind] | None = None, base_years: Iterable[int] = ()) -> None:
        self._base_entries = dict(base_entries or {})
        self._base_years = frozenset(base_years)
        self._changes: dict[int, CalendarChange] = {}
        self._lock = threading.Lock()
        self._current = WorkCalendar(self._base_entries, self._base_years)

    @classmethod
    def load(cls, extra_overrides_path: Path | str | None = None) -> "CalendarSource":
        """The shipped base table (and ``$BANGNIN_CALENDAR_OVERRIDES_FILE`` or the given file over it)."""
        base = load_calendar(extra_overrides_path)
        return cls(base.overrides, base.announced_years)

    @property
    def current(self) -> WorkCalendar:
        return self._current

    def with_change(self, change: CalendarChange) -> WorkCalendar:
        """The calendar as it would be with ``change`` applied (nothing changes here)."""
        return apply_changes(self._base_entries, self._base_years, [*self._changes.values(), change])

    def apply(self, *changes: CalendarChange) -> bool:
        """Apply recorded changes; False when every one was applied before."""
        with self._lock:
            new = [c for c in changes if c.change_no not in self._changes]
            if not new:
                return False
            for change in new:
                self._changes[change.change_no] = change
            self._current = apply_changes(self._base_entries, self._base_years, self._changes.values())
            return True

    def last_change_no(self) -> int:
        return max(self._changes, default=0)

    def latest_for(self, year: int) -> CalendarChange | None:
        mine = [c for c in self._changes.values() if c.year == year]
        return max(mine, key=lambda c: c.change_no) if mine else None
