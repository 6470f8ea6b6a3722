"""Wire evaluation into a runtime."""

from __future__ import annotations

from services.evaluation.api import router
from services.evaluation.application import EvaluationService


def wire(runtime) -> None:  # noqa: ANN001
    settings = runtime.settings
    app = EvaluationService(
        env=runtime.store_env("evaluation"), clock=runtime.clock, calendar=runtime.calendar,
        rectification_workdays=settings.rectification_workdays,
        default_rating_after_days=settings.default_rating_after_days, follow_up_ratio=settings.follow_up_ratio,
    )
    runtime.add_writer(app)
    runtime.bus.subscribe("coordination", "evaluation", app.consume)
    runtime.routers.append(router)
    runtime.add_scheduled("default-ratings", app.record_default_ratings, 3600)
    runtime.add_scheduled("rectification-overdue", app.flag_overdue, 3600)
