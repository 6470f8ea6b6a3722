"""The system, declared once: each service, what it is built from, whose events it consumes, its scheduled
checks and its HTTP routers.

Both runtimes are built from this declaration by :class:`services.runtime.Runtime`, which hands each
service the parts of its runtime (:class:`Parts`: settings, clock, the process's calendar source, its event
store's environment, the read store's factory); the runtime's adapters (bus, relay positions, relay class,
read store) are chosen once, at construction, and no service knows which ones it got.

A service whose name is one of :data:`shared.contracts.PUBLISHERS` (the publishers named by the published
envelope, upstream first) writes: it has an event store and its notification log is relayed to the bus.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Sequence

from fastapi import APIRouter

from shared.clock import Clock
from shared.contracts import PUBLISHERS
from shared.settings import Settings
from shared.workcalendar import CalendarSource

if TYPE_CHECKING:
    from services.reporting.store import ReadStore


@dataclass(frozen=True)
class Parts:
    """What a service is built from, as its runtime provides it."""

    settings: Settings
    clock: Clock
    calendar: CalendarSource  # one per process, updated in place when a calendar change is applied
    env: dict[str, str]  # the service's own event store (shared.eventstore.store_env)
    read_store: Callable[[], "ReadStore"]  # reporting's read store (SQLite embedded, MongoDB distributed)


@dataclass(frozen=True)
class Check:
    """A scheduled check: the service's method ``method`` every ``every_seconds``."""

    name: str
    method: str
    every_seconds: float


@dataclass(frozen=True)
class Service:
    name: str
    build: Callable[[Parts], Any]  # the service object: ``consume(event)`` if it consumes, ``close()``
    routers: Callable[[], list[APIRouter]]
    consumes: tuple[str, ...] = ()  # publishers whose integration events it consumes
    checks: tuple[Check, ...] = ()

    @property
    def publishes(self) -> bool:
        return self.name in PUBLISHERS


# Builders import their service when called: a process imports only the services it runs.
def _intake(p: Parts):  # noqa: ANN202
    from services.intake.application import IntakeService
    from shared.blobs import blob_store_for

    return IntakeService(env=p.env, clock=p.clock, blobs=blob_store_for(p.settings, "intake"))


def _intake_routers() -> list[APIRouter]:
    from services.intake.api import router
    from services.intake.materials_api import router as materials_router

    return [router, materials_router]


def _coordination(p: Parts):  # noqa: ANN202
    from services.coordination.application import CoordinationService

    return CoordinationService(env=p.env, clock=p.clock, calendar=p.calendar,
                               warning_workdays=p.settings.deadline_warning_workdays,
                               acceptance_workdays=p.settings.acceptance_workdays)


def _coordination_routers() -> list[APIRouter]:
    from services.coordination.api import router
    from services.coordination.reference_api import router as reference_router

    return [router, reference_router]


def _evaluation(p: Parts):  # noqa: ANN202
    from services.evaluation.application import EvaluationService
    from shared.haochaping import Options

    return EvaluationService(env=p.env, clock=p.clock, calendar=p.calendar,
                             rectification_workdays=p.settings.rectification_workdays,
                             default_rating_after_days=p.settings.default_rating_after_days,
                             follow_up_ratio=p.settings.follow_up_ratio,
                             max_follow_ups=p.settings.max_follow_up_ratings,
                             complaint_workdays=p.settings.complaint_reply_workdays,
                             upward_options=Options.of(p.settings))


def _evaluation_routers() -> list[APIRouter]:
    from services.evaluation.api import router
    from services.evaluation.supervision_api import router as supervision_router, submissions_router

    return [router, supervision_router, submissions_router]


def _reporting(p: Parts):  # noqa: ANN202
    from services.reporting.service import ReportingService

    return ReportingService(p.read_store(), p.clock, p.calendar, p.settings)


def _reporting_routers() -> list[APIRouter]:
    from services.reporting.api import router

    return [router]


def _notifications(p: Parts):  # noqa: ANN202
    from services.notifications.application import NotificationService

    return NotificationService(env=p.env, clock=p.clock, calendar=p.calendar, settings=p.settings,
                               read_store=p.read_store)


def _notifications_routers() -> list[APIRouter]:
    from services.notifications.api import router, sms_router

    return [router, sms_router]


def _integration(p: Parts):  # noqa: ANN202
    from services.integration.application import IntegrationService
    from shared.sealing import sealer_for

    return IntegrationService(env=p.env, clock=p.clock, settings=p.settings, sealer=sealer_for(p.settings.resolved_cipher_key))


def _integration_routers() -> list[APIRouter]:
    from services.integration.api import router

    return [router]


class _Pages:
    """The web pages hold no state of their own: a client of the HTTP API with the user's token."""

    def close(self) -> None:
        pass


def _web(p: Parts) -> _Pages:
    return _Pages()


def _web_routers() -> list[APIRouter]:
    from services.web.actions import router as actions
    from services.web.admin import router as admin
    from services.web.applications import router as applications
    from services.web.followups import router as followups
    from services.web.materials import router as materials
    from services.web.pages import router as pages
    from services.web.reports import router as reports
    from services.web.supervision import router as supervision

    return [pages, applications, actions, materials, supervision, followups, reports, admin]


SYSTEM: tuple[Service, ...] = (
    Service("intake", build=_intake, routers=_intake_routers),
    Service("coordination", build=_coordination, routers=_coordination_routers, consumes=("intake",),
            checks=(Check("deadlines", "check_deadlines", 300),)),
    # evaluation consumes coordination's case events and its calendar changes (整改时限 count working days), and
    # intake's rejections and withdrawals (the applicant rates those services too); it also keeps the supervision
    # loop: complaints (/supervision/…) and the departments' monthly submissions (/reporting/monthly-submissions/…,
    # answered by this service: shared.positions.ANSWERED_BY)
    Service("evaluation", build=_evaluation, routers=_evaluation_routers, consumes=("intake", "coordination"),
            checks=(Check("default-ratings", "record_default_ratings", 3600),
                    Check("rectification-overdue", "flag_overdue", 3600),
                    Check("complaint-overdue", "flag_overdue_complaints", 3600),
                    # the departments' monthly submissions: reminded from the 10th, flagged late after the 15th
                    Check("monthly-submissions", "chase_monthly_submissions", 3600))),
    # reporting: every event of every publisher into its audit log and case views (calendar changes too)
    Service("reporting", build=_reporting, routers=_reporting_routers, consumes=PUBLISHERS),
    # integration: every event of every publisher pushed to the webhook subscriptions that want it (a delivery
    # recorded with the tracking record, sent by its own thread; the check retries what failed, with backoff)
    Service("integration", build=_integration, routers=_integration_routers, consumes=PUBLISHERS,
            checks=(Check("webhook-retries", "deliver_due", 2),)),
    # notifications: every publisher's events that ask someone to act become messages (GET /inbox, with the
    # to-dos read from reporting's read store) and, where a phone is known, text messages sent by its check
    Service("notifications", build=_notifications, routers=_notifications_routers, consumes=PUBLISHERS,
            checks=(Check("sms", "send_due_sms", 60), Check("cross-level-due", "remind_cross_level", 3600))),
    # web: the pages for people (services/web), a client of the others' HTTP API; its own process in the
    # distributed runtime (BANGNIN_WEB_API_URLS names the services' URLs)
    Service("web", build=_web, routers=_web_routers),
)
NAMES: tuple[str, ...] = tuple(s.name for s in SYSTEM)


def select(names: Sequence[str] | None = None) -> list[Service]:
    """The declared services named (all of them when None), in declaration order."""
    if names is None:
        return list(SYSTEM)
    unknown = [n for n in names if n not in NAMES]
    if unknown:
        raise ValueError(f"unknown service {unknown[0]!r}; the system has {', '.join(NAMES)}")
    return [s for s in SYSTEM if s.name in names]


def _check() -> None:
    writers = tuple(s.name for s in SYSTEM if s.publishes)
    if writers != PUBLISHERS:
        raise RuntimeError(f"services/system.py declares the publishers {writers}, the contract names {PUBLISHERS}")
    for s in SYSTEM:
        if not set(s.consumes) <= set(PUBLISHERS):
            raise RuntimeError(f"{s.name} consumes from {s.consumes}: only {PUBLISHERS} publish")


_check()
