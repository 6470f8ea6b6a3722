"""The runtime: the services, their event stores, the bus, the relays and the scheduled checks.

Each service package has a ``wiring.py`` whose ``wire(runtime)`` builds its
application, subscribes its consumers and contributes its HTTP routers.  The
embedded runtime runs them all in one process on SQLite with the in-process bus.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import importlib
import logging
import threading
import time
from types import SimpleNamespace
from typing import Callable, Sequence

from fastapi import APIRouter

from shared.application import ServiceApplication
from shared.clock import Clock, SystemClock
from shared.eventstore import store_env
from shared.messaging.bus import Bus, InProcessBus
from shared.messaging.relay import OutboxRelay, SQLitePositionStore
from shared.settings import Settings
from shared.workcalendar import WorkCalendar, load_calendar

log = logging.getLogger(__name__)

SERVICE_MODULES = ("intake", "coordination", "evaluation", "reporting")


@dataclass
class ScheduledCheck:
    name: str
    run: Callable[[], object]
    every_seconds: float


@dataclass
class Runtime:
    settings: Settings
    clock: Clock = field(default_factory=SystemClock)
    bus: Bus = field(default_factory=InProcessBus)
    services: SimpleNamespace = field(default_factory=SimpleNamespace)
    routers: list[APIRouter] = field(default_factory=list)
    relays: list[OutboxRelay] = field(default_factory=list)
    scheduled: list[ScheduledCheck] = field(default_factory=list)
    closers: list[Callable[[], None]] = field(default_factory=list)
    starters: list[Callable[[], None]] = field(default_factory=list)
    relay_factory: Callable[..., OutboxRelay] = OutboxRelay

    def __post_init__(self) -> None:
        self.settings.ensure_data_dir()
        self.calendar: WorkCalendar = load_calendar(self.calendar_overrides_path)
        self.positions = SQLitePositionStore(self.settings.data_dir / "relay.sqlite")
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def calendar_overrides_path(self):
        return self.settings.data_dir / "calendar_overrides.yaml"

    # -- wiring --------------------------------------------------------------------------
    def store_env(self, service: str) -> dict[str, str]:
        return store_env(self.settings, service)

    def add_writer(self, app: ServiceApplication) -> None:
        """A writing service: keep it, and relay its notification log to the bus."""
        setattr(self.services, app.service_name, app)
        self.relays.append(self.relay_factory(app, self.bus, self.positions, self.settings.relay_batch_size))
        self.closers.append(app.close)

    def add_scheduled(self, name: str, run: Callable[[], object], every_seconds: float = 60.0) -> None:
        self.scheduled.append(ScheduledCheck(name, run, every_seconds))

    # -- running -------------------------------------------------------------------------
    def start(self) -> None:
        for start in self.starters:
            start()
        for relay in self.relays:
            self._spawn(relay.name, relay.serve, self._stop, self.settings.relay_poll_seconds)
        for check in self.scheduled:
            self._spawn(f"check:{check.name}", self._repeat, check)

    def stop(self) -> None:
        self._stop.set()
        for relay in self.relays:
            relay.wakeup.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()
        for close in reversed(self.closers):
            close()

    def run_scheduled(self) -> None:
        """Run every scheduled check once now (tests move the clock, then call this)."""
        for check in self.scheduled:
            check.run()

    def settle(self, timeout: float = 10.0) -> None:
        """Wait until every relay has published everything (views are then up to date)."""
        deadline = time.monotonic() + timeout
        while True:
            if not any(relay.pending() for relay in self.relays):
                time.sleep(0.01)
                if not any(relay.pending() for relay in self.relays):
                    return
            if time.monotonic() > deadline:
                raise TimeoutError("events still waiting to be relayed")
            if not self._threads:  # not started: relay in this thread
                for relay in self.relays:
                    relay.drain()
            else:
                for relay in self.relays:
                    relay.wakeup.set()
                time.sleep(0.005)

    def _spawn(self, name: str, target: Callable, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _repeat(self, check: ScheduledCheck) -> None:
        while not self._stop.wait(check.every_seconds):
            try:
                check.run()
            except Exception:
                log.exception("scheduled check %s failed", check.name)


def build_runtime(settings: Settings | None = None, clock: Clock | None = None,
                  services: Sequence[str] | None = None) -> Runtime:
    """All services (embedded), or the named ones over the distributed adapters."""
    settings = settings or Settings()
    if settings.runtime == "distributed":
        from services.distributed import distributed_runtime, finish_wiring

        runtime = distributed_runtime(settings, clock)
    else:
        runtime = Runtime(settings=settings, clock=clock or SystemClock())
    for name in services or SERVICE_MODULES:
        importlib.import_module(f"services.{name}.wiring").wire(runtime)
    if settings.runtime == "distributed":
        finish_wiring(runtime)
    return runtime
