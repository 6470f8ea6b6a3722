"""Periods, rates and small helpers the figures share (pure)."""

from __future__ import annotations

import calendar as _calendar
import re
from dataclasses import dataclass
from datetime import date

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


@dataclass(frozen=True)
class Period:
    """A closed range of dates; ``None`` ends are open."""

    start: date | None = None
    end: date | None = None

    def __contains__(self, day: str | date | None) -> bool:
        if day is None:
            return False
        d = date.fromisoformat(day) if isinstance(day, str) else day
        return (self.start is None or d >= self.start) and (self.end is None or d <= self.end)

    def as_dict(self) -> dict:
        return {"start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None}

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls(date(year, month, 1), date(year, month, _calendar.monthrange(year, month)[1]))


def parse_month(text: str) -> tuple[int, int]:
    """``YYYY-MM`` in ASCII digits -> (year, month); ValueError with a Chinese reason otherwise
    (``int`` alone would read other scripts' digits, ``२०२६-११``, as a month)."""
    match = _MONTH.fullmatch(text)
    year, month = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
    if not 1 <= month <= 12 or year < 2000:
        raise ValueError(f"月份应为 YYYY-MM 格式（如 2026-11），收到“{text}”")
    return year, month


def rate(numerator: int, denominator: int) -> dict:
    """A rate with its basis; ``value`` is None when there is nothing to divide by."""
    return {"value": round(numerator / denominator, 4) if denominator else None,
            "numerator": numerator, "denominator": denominator}


def before_or_on(day: str | None, ref: date) -> bool:
    return day is not None and date.fromisoformat(day) <= ref
