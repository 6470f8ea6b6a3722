"""Wire intake into a runtime."""

from __future__ import annotations

from services.intake.api import router
from services.intake.application import IntakeService


def wire(runtime) -> None:  # noqa: ANN001
    runtime.add_writer(IntakeService(env=runtime.store_env("intake"), clock=runtime.clock))
    runtime.routers.append(router)
