"""Login throttling: too many failed logins for one account, or from one client address, → 429.

A sliding window per key (``account:<name>``, ``client:<address>``): when the failures within the
last ``window`` seconds reach the key's limit, further attempts are refused before the password is
checked, with ``Retry-After`` saying when the oldest of those failures leaves the window. A success
clears the account's failures (not the client's: one address trying many accounts stays counted).
The state is the process's own memory, bounded (the least recently failed keys are forgotten first):
a restart forgets it, and each process of the distributed runtime counts its own attempts.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass
import math
import threading
import time
from typing import Callable

MAX_KEYS = 50_000  # keys remembered at once: random usernames cannot grow memory without bound


@dataclass(frozen=True)
class Refusal:
    key: str
    retry_after: int  # whole seconds, at least 1


class LoginThrottle:
    def __init__(self, *, per_account: int, per_client: int, window_seconds: float,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.limits = {"account": per_account, "client": per_client}
        self.window = window_seconds
        self.now = now
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def keys(username: str, client: str) -> dict[str, str]:
        return {"account": f"account:{username.casefold()}", "client": f"client:{client}"}

    def check(self, username: str, client: str) -> Refusal | None:
        """A refusal when either the account or the client has used up its failures."""
        now = self.now()
        with self._lock:
            waits = []
            for kind, key in self.keys(username, client).items():
                failures = self._recent(key, now)
                limit = self.limits[kind]
                if len(failures) >= limit:
                    oldest_that_counts = failures[len(failures) - limit]
                    waits.append(Refusal(key, max(1, math.ceil(oldest_that_counts + self.window - now))))
            return max(waits, key=lambda r: r.retry_after) if waits else None

    def failed(self, username: str, client: str) -> None:
        now = self.now()
        with self._lock:
            for key in self.keys(username, client).values():
                failures = self._recent(key, now)
                failures.append(now)
                self._failures[key] = failures
                self._failures.move_to_end(key)
            while len(self._failures) > MAX_KEYS:
                self._failures.popitem(last=False)

    def succeeded(self, username: str, client: str) -> None:
        with self._lock:
            self._failures.pop(self.keys(username, client)["account"], None)

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures.get(key, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if not failures:
            self._failures.pop(key, None)
        return failures
