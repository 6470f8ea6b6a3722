"""The runtime: the declared system (services/system.py) built once over one set of adapters.

:class:`services.adapters.Adapters` is what differs between the runtimes: the bus, the relay-position
store, the relay class, the read store of reporting, and what starts and stops with them.  The embedded
default (:func:`services.adapters.embedded_adapters`) runs every service in one process on SQLite with the
in-process bus; the distributed runtime's adapters are in :mod:`services.distributed`.  A :class:`Runtime` builds the
services it is asked for from the declaration, relays each publisher's log, subscribes each consumer and
schedules each check; nothing is patched onto it afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
import logging
import threading
import time
from types import SimpleNamespace
from typing import Callable, Sequence

from fastapi import APIRouter

from shared.clock import Clock, SystemClock
from shared.eventstore import store_env
from shared.messaging.relay import OutboxRelay
from shared.settings import Settings
from shared.workcalendar import CalendarSource, WorkCalendar
from services import system
from services.adapters import Adapters, embedded_adapters

log = logging.getLogger(__name__)


@dataclass
class ScheduledCheck:
    name: str
    run: Callable[[], object]
    every_seconds: float


class Runtime:
    def __init__(self, settings: Settings, clock: Clock, adapters: Adapters,
                 services: Sequence[str] | None = None) -> None:
        self.settings, self.clock, self.adapters = settings, clock, adapters
        self.bus, self.positions = adapters.bus, adapters.positions
        self.calendar_source = CalendarSource.load()  # one per process, every service counts on it
        self.services = SimpleNamespace()
        self.routers: list[APIRouter] = []
        self.relays: list[OutboxRelay] = []
        self.scheduled: list[ScheduledCheck] = []
        self.closers: list[Callable[[], None]] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        settings.ensure_data_dir()
        for spec in system.select(services):
            service = spec.build(system.Parts(settings=settings, clock=clock, calendar=self.calendar_source,
                                              env=store_env(settings, spec.name), read_store=adapters.read_store))
            setattr(self.services, spec.name, service)
            self.closers.append(service.close)
            if spec.publishes:
                self.relays.append(adapters.relay_class(service, self.bus, self.positions, settings.relay_batch_size))
            for upstream in spec.consumes:
                self.bus.subscribe(upstream, spec.name, service.consume)
            self.routers += spec.routers()
            self.scheduled += [ScheduledCheck(c.name, getattr(service, c.method), c.every_seconds) for c in spec.checks]
        self.routers += adapters.routers(self)

    @property
    def calendar(self) -> WorkCalendar:
        """The process's working-day calendar as it is now."""
        return self.calendar_source.current

    # -- running -------------------------------------------------------------------------
    def start(self) -> None:
        for start in self.adapters.starters:
            start()
        for relay in self.relays:
            self._spawn(relay.name, relay.serve, self._stop, self.settings.relay_poll_seconds)
        for check in self.scheduled:
            self._spawn(f"check:{check.name}", self._repeat, check)

    def stop(self) -> None:
        self._stop.set()
        for relay in self.relays:
            relay.wakeup.set()
        for thread in self._threads:  # a relay finishes the batch it is delivering before the stores close
            thread.join(timeout=60)
        self._threads.clear()
        for close in [*self.adapters.closers, *reversed(self.closers)]:
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
    """Every declared service (or the named ones) over the adapters the settings choose."""
    settings = settings or Settings()
    if settings.runtime == "distributed":
        from services.distributed import distributed_adapters, distributed_clock  # aiokafka etc.: an extra

        return Runtime(settings, clock or distributed_clock(settings), distributed_adapters(settings), services)
    return Runtime(settings, clock or SystemClock(), embedded_adapters(settings), services)
