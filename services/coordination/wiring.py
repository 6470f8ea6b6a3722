"""Wire coordination into a runtime."""

from __future__ import annotations

from services.coordination.api import router
from services.coordination.application import CoordinationService
from services.coordination.reference_api import router as reference_router


def wire(runtime) -> None:  # noqa: ANN001
    service = CoordinationService(
        env=runtime.store_env("coordination"), clock=runtime.clock,
        calendar_source=lambda: runtime.calendar,
        warning_workdays=runtime.settings.deadline_warning_workdays,
    )
    runtime.add_writer(service)
    runtime.bus.subscribe("intake", "coordination", service.consume)
    runtime.routers += [router, reference_router]
    runtime.add_scheduled("deadlines", service.check_deadlines, 300)
