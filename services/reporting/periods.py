"""Periods, rates and small helpers the figures share (pure)."""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import date

from shared.validation import parse_month  # noqa: F401 (re-exported: the API and CLI read months with it)



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


def rate(numerator: int, denominator: int) -> dict:
    """A rate with its basis; ``value`` is None when there is nothing to divide by."""
    return {"value": round(numerator / denominator, 4) if denominator else None,
            "numerator": numerator, "denominator": denominator}


def before_or_on(day: str | None, ref: date) -> bool:
    return day is not None and date.fromisoformat(day) <= ref
