"""The one source of time.  Production uses the system clock; tests move a manual one."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
import threading
from typing import Protocol
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc).astimezone(CHINA)


class ManualClock:
    """A clock that only moves when told to (tests, simulations)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            start = start.replace(tzinfo=CHINA)
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, **delta: float) -> datetime:
        with self._lock:
            self._now += timedelta(**delta)
            return self._now

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._now = moment if moment.tzinfo else moment.replace(tzinfo=CHINA)


def today(clock: Clock) -> date:
    return clock.now().astimezone(CHINA).date()
