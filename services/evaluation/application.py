"""The evaluation service: commands and queries on the 好差评 event store."""

from __future__ import annotations

import datetime as dt
import secrets
from uuid import NAMESPACE_URL, uuid5

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent
from eventsourcing.persistence import IntegrityError

from shared.application import CommandContext, ServiceApplication
from shared.clock import Clock, today
from shared.contracts import IntegrationEvent
from shared.errors import Conflict, NotFound
from shared.reference import load_catalog
from shared.workcalendar import WorkCalendar
from services.evaluation.consumers import react
from services.evaluation.domain import CaseEvaluation, FollowUpDraw
from services.evaluation.index import EvaluationIndex
from services.evaluation.rectification import Rectification, rectification_id
from services.evaluation.sampling import ALGORITHM, draw_sample


class EvaluationService(ServiceApplication):
    service_name = "evaluation"

    def __init__(self, env: dict[str, str] | None = None, clock: Clock | None = None, *,
                 calendar: WorkCalendar, rectification_workdays: int = 5,
                 default_rating_after_days: int | None = None, follow_up_ratio: float = 0.2) -> None:
        super().__init__(env, clock)
        self.calendar = calendar
        self.rectification_workdays = rectification_workdays
        self.default_rating_after_days = default_rating_after_days
        self.follow_up_ratio = follow_up_ratio
        self.index = EvaluationIndex(self)

    def policy(self, event: IntegrationEvent, processing: ProcessingEvent) -> None:
        react(self, event, processing)

    def today(self) -> dt.date:
        return today(self.clock)

    # -- ratings -------------------------------------------------------------------
    def rate(self, ctx: CommandContext, case_id: str, *, level: str, channel: str, comment: str | None,
             rater: dict, real_name: bool, request_key: str | None) -> tuple[dict, bool]:
        case = self.case(case_id)
        rating, new = case.rate(level=level, channel=channel, comment=comment, rater=rater, real_name=real_name,
                                today=self.today(), request_key=request_key, meta=self.meta(ctx, case_id))
        if new:
            rectification = self._open_rectification(ctx, case, rating) if rating["bad"] else None
            self._save(case, rectification)
        return rating, new

    def _open_rectification(self, ctx: CommandContext, case: CaseEvaluation, rating: dict) -> Rectification:
        opened = self.today()
        due = self.calendar.add_workdays(opened, self.rectification_workdays)
        agent = case.case_agent
        department = agent.get("department") or load_catalog().service_point(case.service_point).department
        return Rectification(
            rectification_id=rectification_id(case.case_id, rating["rating_no"]), case_id=case.case_id,
            rating_no=rating["rating_no"], level=rating["level"], real_name=rating["real_name"],
            opened_on=opened.isoformat(), due_date=due.date.isoformat(), due_date_estimated=due.estimated,
            workdays=self.rectification_workdays, service_point=case.service_point, department=department,
            agent=agent, meta=self.meta(ctx, case.case_id),
        )

    def record_default_ratings(self) -> int:
        """Scheduled: 基本满意 (defaulted) for cases unrated N natural days after concluding; off when N is unset."""
        if not self.default_rating_after_days:
            return 0
        count, now = 0, self.today()
        ctx = CommandContext.system(reason=f"{self.default_rating_after_days}日未评价，默认基本满意")
        for case_id in self.index.refresh().unrated():
            case = self.case(case_id)
            if case.record_default(now, self.default_rating_after_days, self.meta(ctx, case_id)):
                self._save(case)
                count += 1
        return count

    # -- rectifications --------------------------------------------------------------
    def act(self, ctx: CommandContext, rect_id: str, *, action: str, note: str | None, items: list[int] | None,
            reached: bool | None) -> Rectification:
        rectification = self.rectification(rect_id)
        case_items = {i["item_no"]: i["department"] for i in self.case(rectification.case_id).items}
        if rectification.act(action, note=note, items=items, reached=reached, case_items=case_items,
                             today=self.today(), meta=self.meta(ctx, rectification.case_id)):
            self._save(rectification)
        return rectification

    def flag_overdue(self) -> int:
        """Scheduled: flag each open rectification past its due date, once."""
        count, now = 0, self.today()
        ctx = CommandContext.system(reason="整改超期检查")
        for rect_id in self.index.refresh().open_rectifications():
            rectification = self.rectification(rect_id)
            if rectification.mark_overdue(now, self.meta(ctx, rectification.case_id)):
                self._save(rectification)
                count += 1
        return count

    # -- follow-up visits ------------------------------------------------------------------
    def draw(self, ctx: CommandContext, *, period_start: dt.date, period_end: dt.date, ratio: float | None,
             seed: int | None, idempotency_key: str | None) -> FollowUpDraw:
        if idempotency_key:
            draw_id = "FD" + uuid5(NAMESPACE_URL, f"{ctx.actor.username}:{idempotency_key}").hex[:12].upper()
            try:
                return self.get_draw(draw_id)
            except NotFound:
                pass
        else:
            draw_id = "FD" + secrets.token_hex(6).upper()
        ratio = ratio if ratio is not None else self.follow_up_ratio
        seed = seed if seed is not None else secrets.randbelow(2**31)
        inputs = self.index.refresh().concluded_between(period_start.isoformat(), period_end.isoformat())
        draw = FollowUpDraw(draw_id=draw_id, period_start=period_start.isoformat(), period_end=period_end.isoformat(),
                            ratio=ratio, seed=seed, inputs=inputs, sample=draw_sample(inputs, ratio, seed),
                            algorithm=ALGORITHM, drawn_on=self.today().isoformat(),
                            meta=self.meta(ctx, f"draw:{draw_id}"))
        try:
            self.save(draw)
        except IntegrityError:  # a concurrent retry with the same key won
            return self.get_draw(draw_id)
        return draw

    def visit(self, ctx: CommandContext, draw_id: str, *, case_id: str, outcome: str, level: str | None,
              note: str | None, visited_on: dt.date) -> tuple[FollowUpDraw, dict, bool]:
        draw = self.get_draw(draw_id)
        visit, new = draw.visit(case_id=case_id, outcome=outcome, level=level, note=note, visited_on=visited_on,
                                today=self.today(), meta=self.meta(ctx, case_id))
        if new:
            self._save(draw)
        return draw, visit, new

    # -- queries -----------------------------------------------------------------------
    def case(self, case_id: str) -> CaseEvaluation:
        return self._get(CaseEvaluation.create_id(case_id), f"案件 {case_id} 不存在")

    def rectification(self, rect_id: str) -> Rectification:
        return self._get(Rectification.create_id(rect_id), f"差评整改 {rect_id} 不存在")

    def get_draw(self, draw_id: str) -> FollowUpDraw:
        return self._get(FollowUpDraw.create_id(draw_id), f"回访抽取 {draw_id} 不存在")

    def _get(self, aggregate_id, message: str):  # noqa: ANN001, ANN202
        try:
            return self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFound(message) from None

    def _save(self, *aggregates) -> None:  # noqa: ANN002
        try:
            self.save(*[a for a in aggregates if a is not None])
        except IntegrityError:
            raise Conflict("记录已被同时修改，请刷新后重试", code="concurrent_update") from None
