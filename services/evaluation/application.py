"""The evaluation service: commands and queries on the 好差评 event store."""

from __future__ import annotations

from dataclasses import replace
import datetime as dt
import secrets
from uuid import NAMESPACE_URL, uuid5

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent

from shared import haochaping
from shared.application import CommandContext, ServiceApplication
from shared.clock import Clock, today
from shared.contracts import IntegrationEvent
from shared.errors import ConcurrentUpdate, NotFound
from shared.idempotency import META_KEY, check_same_body
from shared.reference import load_catalog
from shared.workcalendar import CalendarSource, WorkCalendar
from services.evaluation import calendar_adoption, consumers
from services.evaluation.calendar_adoption import CalendarAdoption
from services.evaluation.domain import CaseEvaluation, FollowUpDraw
from services.evaluation.index import EvaluationIndex
from services.evaluation.rectification import Rectification, rectification_id
from services.evaluation.sampling import ALGORITHM, draw_sample
from services.evaluation.supervision import (
    Complaint, MonthlySubmission, SubmissionLateFlag, SubmissionReminder, ThirdPartyReport, route,
)
from shared.contracts.supervision import (
    complaint_subject, submission_reminder_day, submission_schedule, submission_subject, third_party_subject,
)


class EvaluationService(ServiceApplication):
    service_name = "evaluation"

    def __init__(self, env: dict[str, str] | None = None, clock: Clock | None = None, *,
                 calendar: CalendarSource, rectification_workdays: int = 5,
                 default_rating_after_days: int | None = None, follow_up_ratio: float = 0.2,
                 max_follow_ups: int | None = None, complaint_workdays: int = 5,
                 upward_options: haochaping.Options | None = None) -> None:
        super().__init__(env, clock)
        self.upward_options = upward_options or haochaping.Options(secrets.token_urlsafe(32), "150303", {})
        self.complaint_workdays = complaint_workdays
        self.max_follow_ups = max_follow_ups
        self.calendar_source = calendar
        self.rectification_workdays = rectification_workdays
        self.default_rating_after_days = default_rating_after_days
        self.follow_up_ratio = follow_up_ratio
        self.index = EvaluationIndex()
        adopted = self.stored_events(CalendarAdoption.CalendarOverrideAdopted)  # this service's own record
        calendar.apply(*(calendar_adoption.change_of(e) for e in adopted))

    @property
    def calendar(self) -> WorkCalendar:
        return self.calendar_source.current

    def policy(self, event: IntegrationEvent, processing: ProcessingEvent) -> None:
        if event.type == calendar_adoption.CALENDAR_CHANGED:
            adopted_before = CalendarAdoption.create_id(event.payload["change_no"]) in self.repository
            ctx = CommandContext.system(reason=f"{event.type} #{event.position}")
            for aggregate in calendar_adoption.policy(
                    event, adopted_before=adopted_before,
                    open_rectifications=[] if adopted_before else
                    [self.rectification(r) for r in self.catch_up(self.index).open_rectifications()],
                    calendar_after=self.calendar_source.with_change(calendar_adoption.change_of(event.payload)),
                    meta=self.meta(ctx, event.case_id)):
                processing.collect_events(aggregate)
            return
        if event.type not in consumers.CONSUMES:
            return
        seen = consumers.Seen(case=self._find(CaseEvaluation.create_id(event.case_id)), now=self.clock.now())
        for aggregate in consumers.policy(event, seen):
            processing.collect_events(aggregate)

    def consume(self, event: IntegrationEvent) -> bool:
        new = super().consume(event)
        if event.type == calendar_adoption.CALENDAR_CHANGED:  # recorded (now or before): count on it from now on
            self.calendar_source.apply(calendar_adoption.change_of(event.payload))
        return new

    def today(self) -> dt.date:
        return today(self.clock)

    # -- ratings -------------------------------------------------------------------
    # Every command below runs under the concurrency policy (shared/application.py).
    def rate(self, ctx: CommandContext, case_id: str, *, level: str, channel: str, comment: str | None,
             rater: dict, real_name: bool, request_key: str | None, signed_on: str | None = None) -> tuple[dict, bool]:
        def attempt(processing: ProcessingEvent) -> tuple[dict, bool]:
            case = self.case(case_id)
            rating, new = case.rate(level=level, channel=channel, comment=comment, rater=rater, real_name=real_name,
                                    today=self.today(), request_key=request_key, meta=self.meta(ctx, case_id),
                                    signed_on=signed_on, max_follow_ups=self.max_follow_ups)
            if new:  # the rating and the rectification a 差评 opens: one transaction
                opens = case.opens_rectification(rating, self.open_rating_nos(case_id))
                processing.collect_events(case, self._open_rectification(ctx, case, rating) if opens else None)
            return rating, new
        return self.execute(attempt)

    def open_rating_nos(self, case_id: str) -> set[int]:
        """The ratings of the case whose rectification is still open."""
        return {self.rectification(rid).rating_no for rid in self.catch_up(self.index).unfinished_of(case_id)}

    def _open_rectification(self, ctx: CommandContext, case: CaseEvaluation, rating: dict) -> Rectification:
        opened = self.today()
        due = self.calendar.add_workdays(opened, self.rectification_workdays)
        agent = case.case_agent
        department = agent.get("department") or load_catalog().service_point(case.service_point).department
        return Rectification.open(
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
        for case_id in self.catch_up(self.index).unrated():
            _, recorded = self._scheduled(lambda: self.case(case_id), lambda case: case.record_default(
                now, self.default_rating_after_days, self.meta(ctx, case_id)))
            count += bool(recorded)
        return count

    # -- rectifications --------------------------------------------------------------
    def act(self, ctx: CommandContext, rect_id: str, *, action: str, note: str | None, items: list[int] | None,
            reached: bool | None) -> Rectification:
        def command(rectification: Rectification) -> bool:
            case_items = {i["item_no"]: i["department"] for i in self.case(rectification.case_id).items}
            return rectification.act(action, note=note, items=items, reached=reached, case_items=case_items,
                                     today=self.today(), meta=self.meta(ctx, rectification.case_id))
        return self.update(lambda: self.rectification(rect_id), command)[0]

    def flag_overdue(self) -> int:
        """Scheduled: flag each open rectification past its due date, once."""
        count, now = 0, self.today()
        ctx = CommandContext.system(reason="整改超期检查")
        for rect_id in self.catch_up(self.index).open_rectifications():
            _, flagged = self._scheduled(lambda: self.rectification(rect_id), lambda rectification: rectification.mark_overdue(
                now, self.meta(ctx, rectification.case_id)))
            count += bool(flagged)
        return count

    # -- follow-up visits ------------------------------------------------------------------
    def draw(self, ctx: CommandContext, *, period_start: dt.date, period_end: dt.date, ratio: float | None,
             seed: int | None, idempotency_key: str | None, request_hash: str | None = None) -> FollowUpDraw:
        if idempotency_key:
            draw_id = "FD" + uuid5(NAMESPACE_URL, f"{ctx.actor.username}:{idempotency_key}").hex[:12].upper()
            if request_hash:
                ctx = replace(ctx, extra={**ctx.extra, META_KEY: request_hash})
        else:
            draw_id = "FD" + secrets.token_hex(6).upper()
        ratio = ratio if ratio is not None else self.follow_up_ratio
        seed = seed if seed is not None else secrets.randbelow(2**31)

        def attempt(processing: ProcessingEvent) -> FollowUpDraw:
            if idempotency_key:
                try:
                    return self._replayed_draw(draw_id, request_hash)  # a retry, or a concurrent request with the same key won
                except NotFound:
                    pass
            inputs = self.catch_up(self.index).concluded_between(period_start.isoformat(), period_end.isoformat())
            draw = FollowUpDraw.draw(draw_id=draw_id, period_start=period_start.isoformat(),
                                period_end=period_end.isoformat(), ratio=ratio, seed=seed, inputs=inputs,
                                sample=draw_sample(inputs, ratio, seed), algorithm=ALGORITHM,
                                drawn_on=self.today().isoformat(), meta=self.meta(ctx, f"draw:{draw_id}"))
            processing.collect_events(draw)
            return draw
        return self.execute(attempt)

    def _replayed_draw(self, draw_id: str, request_hash: str | None) -> FollowUpDraw:
        draw = self.get_draw(draw_id)
        check_same_body(getattr(draw, "request_hash", None), request_hash)
        return draw

    def visit(self, ctx: CommandContext, draw_id: str, *, case_id: str, outcome: str, level: str | None,
              note: str | None, visited_on: dt.date) -> tuple[FollowUpDraw, dict, bool]:
        draw, (visit, new) = self.update(lambda: self.get_draw(draw_id), lambda d: d.visit(
            case_id=case_id, outcome=outcome, level=level, note=note, visited_on=visited_on, today=self.today(),
            meta=self.meta(ctx, case_id)))
        return draw, visit, new

    # -- complaints and suggestions (投诉建议) ------------------------------------------------
    def file_complaint(self, ctx: CommandContext, *, channel: str, content: str, case_id: str | None,
                       department: str | None, contact: str | None, enterprise: str | None,
                       idempotency_key: str | None, request_hash: str | None = None) -> tuple[Complaint, bool]:
        """Record and route a complaint; with an ``Idempotency-Key`` a retry answers the first one (not new)."""
        if idempotency_key:
            complaint_id = "TS" + uuid5(NAMESPACE_URL, f"{ctx.actor.username}:{idempotency_key}").hex[:12].upper()
            if request_hash:
                ctx = replace(ctx, extra={**ctx.extra, META_KEY: request_hash})
        else:
            complaint_id = "TS" + secrets.token_hex(6).upper()
        case = self.case(case_id) if case_id else None
        case_department = load_catalog().service_point(case.service_point).department if case else None
        to, routing, reason = route(department, case_department)

        def attempt(processing: ProcessingEvent) -> tuple[Complaint, bool]:
            found = self._find(Complaint.create_id(complaint_id))
            if found is not None:  # a retry, or a concurrent request with the same key won
                check_same_body(found.request_hash, request_hash)
                return found, False
            today = self.today()
            due = self.calendar.add_workdays(today, self.complaint_workdays)
            complaint = Complaint.receive(
                complaint_id=complaint_id, channel=channel, content=content, about_case_id=case_id, department=to,
                routing=routing, routing_reason=reason, contact=contact, enterprise=enterprise,
                received_on=today.isoformat(), due_date=due.date.isoformat(), due_date_estimated=due.estimated,
                workdays=self.complaint_workdays, meta=self.meta(ctx, complaint_subject(complaint_id)))
            processing.collect_events(complaint)
            return complaint, True
        return self.execute(attempt)

    def reply_complaint(self, ctx: CommandContext, complaint_id: str, reply: str) -> Complaint:
        return self.update(lambda: self.complaint(complaint_id), lambda c: c.answer(
            reply, self.today(), self.meta(ctx, complaint_subject(complaint_id))))[0]

    def flag_overdue_complaints(self) -> int:
        """Scheduled: flag each unanswered complaint past its due date, once."""
        count, now = 0, self.today()
        ctx = CommandContext.system(reason="投诉建议答复超期检查")
        for complaint_id in self.catch_up(self.index).open_complaints():
            _, flagged = self._scheduled(lambda: self.complaint(complaint_id), lambda c: c.mark_overdue(
                now, self.meta(ctx, complaint_subject(c.complaint_id))))
            count += bool(flagged)
        return count

    def complaint(self, complaint_id: str) -> Complaint:
        return self._get(Complaint.create_id(complaint_id), f"投诉建议 {complaint_id} 不存在")

    def find_complaint(self, complaint_id: str) -> Complaint | None:
        return self._find(Complaint.create_id(complaint_id))

    # -- departments' monthly submissions (月度报送) --------------------------------------------
    def submit_monthly(self, ctx: CommandContext, department: str, year: int, month: int, *, progress: str,
                       practices: str, typical_cases: str | None) -> tuple[MonthlySubmission, bool]:
        label = f"{year:04d}-{month:02d}"
        _, due_by = submission_schedule(year, month)

        def attempt(processing: ProcessingEvent) -> tuple[MonthlySubmission, bool]:
            previous = self.submission(department, label)
            made = MonthlySubmission.submit(
                department=department, month=label, previous=previous, progress=progress, practices=practices,
                typical_cases=typical_cases, today=self.today(), due_by=due_by,
                meta=self.meta(ctx, submission_subject(department, label)))
            if made is None:
                return previous, False
            processing.collect_events(made)
            return made, True
        return self.execute(attempt)

    def chase_monthly_submissions(self) -> int:
        """Scheduled: the last month's departments that have not submitted are reminded once from the reminder
        day (the 10th, or the next working day) to the due date, and flagged late once after the due date (the
        15th). Returns how many reminders and flags it recorded."""
        today = self.today()
        year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
        label = f"{year:04d}-{month:02d}"
        _, due_by = submission_schedule(year, month)
        if today > due_by:
            chase, done, reason = SubmissionLateFlag.flag, self.catch_up(self.index).flagged_late, "月度报送逾期检查"
        elif today >= submission_reminder_day(year, month, self.calendar.is_workday):
            chase, done, reason = SubmissionReminder.remind, self.catch_up(self.index).reminded, "月度报送提醒"
        else:
            return 0
        ctx = CommandContext.system(reason=reason)
        count = 0
        for code in (d.code for d in load_catalog().departments):
            if (code, label) in self.index.submissions or (code, label) in done:
                continue

            def attempt(processing: ProcessingEvent, code: str = code) -> bool:
                made = chase(department=code, month=label, due_by=due_by, today=today,
                             meta=self.meta(ctx, submission_subject(code, label)))
                if made.id in self.repository:  # a concurrent run recorded it first
                    return False
                processing.collect_events(made)
                return True
            try:
                count += self.execute(attempt)
            except ConcurrentUpdate:
                continue  # left to the next run
        return count

    def submission_chased(self, department: str, month: str) -> dict[str, str | None]:
        """When the department was reminded of its month's submission and flagged late for it (None: not)."""
        reminder = self._find(SubmissionReminder.create_id(department, month))
        flag = self._find(SubmissionLateFlag.create_id(department, month))
        return {"reminded_on": reminder.reminded_on if reminder else None,
                "flagged_late_on": flag.detected_on if flag else None}

    def submission(self, department: str, month: str) -> MonthlySubmission | None:
        """The latest submission of a department for a month (YYYY-MM), if any."""
        version = self.catch_up(self.index).submissions.get((department, month))
        return self.submission_version(department, month, version) if version else None

    def submission_version(self, department: str, month: str, version: int) -> MonthlySubmission | None:
        return self._find(MonthlySubmission.create_id(department, month, version))

    # -- third-party evaluation (第三方评估) ---------------------------------------------------
    def import_third_party_report(self, ctx: CommandContext, *, idempotency_key: str | None, request_hash: str | None,
                                  **fields) -> tuple[ThirdPartyReport, bool]:  # noqa: ANN003
        """Record an assessor's report once; with an ``Idempotency-Key`` a retry returns the report it recorded."""
        report_id = (f"TPR-{uuid5(NAMESPACE_URL, f'third-party:{ctx.actor.username}:{idempotency_key}').hex[:12].upper()}"
                     if idempotency_key else f"TPR-{secrets.token_hex(6).upper()}")

        if request_hash:
            ctx = replace(ctx, extra={**ctx.extra, META_KEY: request_hash})

        def attempt(processing: ProcessingEvent) -> tuple[ThirdPartyReport, bool]:
            found = self._find(ThirdPartyReport.create_id(report_id))
            if found is not None:
                check_same_body(found.request_hash, request_hash)
                return found, False
            meta = self.meta(ctx, third_party_subject(report_id))
            report = ThirdPartyReport.imported(report_id=report_id, imported_on=self.today().isoformat(), meta=meta,
                                               **fields)
            processing.collect_events(report)
            return report, True
        return self.execute(attempt)

    def third_party_report(self, report_id: str) -> ThirdPartyReport:
        return self._get(ThirdPartyReport.create_id(report_id), f"第三方评估报告 {report_id} 不存在")

    def third_party_reports(self) -> list[ThirdPartyReport]:
        return [self.third_party_report(r) for r in self.catch_up(self.index).third_party_reports]

    # -- queries -----------------------------------------------------------------------
    def case(self, case_id: str) -> CaseEvaluation:
        return self._get(CaseEvaluation.create_id(case_id), f"案件 {case_id} 不存在")

    def find_case(self, case_id: str) -> CaseEvaluation | None:
        return self._find(CaseEvaluation.create_id(case_id))

    def rectification(self, rect_id: str) -> Rectification:
        return self._get(Rectification.create_id(rect_id), f"差评整改 {rect_id} 不存在")

    def find_rectification(self, rect_id: str) -> Rectification | None:
        return self._find(Rectification.create_id(rect_id))

    def get_draw(self, draw_id: str) -> FollowUpDraw:
        return self._get(FollowUpDraw.create_id(draw_id), f"回访抽取 {draw_id} 不存在")

    def _get(self, aggregate_id, message: str):  # noqa: ANN001, ANN202
        found = self._find(aggregate_id)
        if found is None:
            raise NotFound(message)
        return found

    def _find(self, aggregate_id):  # noqa: ANN001, ANN202
        try:
            return self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None

    def _scheduled(self, load, command):  # noqa: ANN001, ANN202
        """A scheduled check's command: one busy with concurrent commands is left to the next run."""
        try:
            return self.update(load, command)
        except ConcurrentUpdate:
            return None, False
