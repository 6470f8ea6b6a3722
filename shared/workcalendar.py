"""Working-day calendar for statutory time limits (法定/承诺时限, counted in working days).

Sources, in order, for a date:

1. the override table (``date -> 'workday' | 'holiday'``) maintained in
   ``shared/reference/data/calendar_overrides.yaml`` plus an administrator-edited file;
   a year listed in ``announced_years`` is complete: its other days follow the week;
2. the ``chinesecalendar`` package (State Council arrangements it ships, 2004–2026 today);
3. otherwise Monday–Friday as a guess, and every result using such a year is ``estimated``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Literal, Mapping

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
