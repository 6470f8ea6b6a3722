"""The coordination service: commands and queries on the Case event store."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, TypeVar

from eventsourcing.application import AggregateNotFoundError

from shared.application import CommandContext, ServiceApplication
from shared.clock import CHINA, today
from shared.errors import ConcurrentUpdate, Invalid, NotFound
from shared.reference import load_catalog
from shared.reference.materials import load_materials
from shared.contracts.calendar import calendar_subject
from shared.workcalendar import CalendarChange, CalendarSource, WorkCalendar
from services.coordination import access, consumers, crosslevel
from services.coordination.actions import check_listed
from services.coordination.calendar_changes import CalendarOverride, change_of, history_entry
from services.coordination.domain import OPEN, Case
from services.coordination.index import LogIndex
from services.coordination.register import AgentRegisterChange, register_case_id
from shared.reference.register import effective_assignees

T = TypeVar("T")


class CoordinationService(ServiceApplication):
    service_name = "coordination"

    def __init__(self, env: dict[str, str] | None = None, clock=None,  # noqa: ANN001
                 calendar: CalendarSource | None = None, warning_workdays: int = 1, acceptance_workdays: int = 5) -> None:
        # Cache aggregates (fast-forwarded from the store on every get, so safe with several processes).
        super().__init__({"AGGREGATE_CACHE_MAXSIZE": "2000", **(env or {})}, clock)
        self.calendar_source = calendar or CalendarSource.load()
        self.warning_workdays, self.acceptance_workdays = warning_workdays, acceptance_workdays
        self.index = LogIndex()
        self.calendar_source.apply(*(change_of(e) for e in self.calendar_changes()))

    @property
    def calendar(self) -> WorkCalendar:
        return self.calendar_source.current

    def today(self) -> dt.date:
        return today(self.clock)

    def policy(self, event, processing) -> None:  # noqa: ANN001
        """Look up what the consumer needs (the case, catalog, register, time); it decides."""
        if event.type not in consumers.CONSUMES:
            return
        catalog, now = load_catalog(), self.clock.now()
        seen = consumers.Seen(case=self._find(event.case_id), catalog=catalog, now=now,
                              register=effective_assignees(catalog, self.catch_up(self.index).register_changes,
                                                           now.astimezone(CHINA).date().isoformat()))
        for aggregate in consumers.policy(event, seen):
            processing.collect_events(aggregate)

    # -- queries --------------------------------------------------------------------------
    def get(self, case_id: str) -> Case:
        case = self._find(case_id)
        if case is None:
            raise NotFound(f"案件 {case_id} 不存在")
        return case

    def _find(self, case_id: str) -> Case | None:
        try:
            return self.repository.get(Case.create_id(case_id))
        except AggregateNotFoundError:
            return None

    def case_summaries(self) -> list[dict]:
        self.catch_up(self.index)
        return list(self.index.cases.values())

    def register(self, department: str | None = None) -> dict:
        self.catch_up(self.index)
        changes = [c for c in self.index.register_changes if department in (None, c["department"])]
        table = effective_assignees(load_catalog(), self.index.register_changes, self.today().isoformat())
        return {"changes": changes, "assignees": table}

    # -- commands (each under the concurrency policy: shared/application.py) -------------------
    def _update(self, ctx: CommandContext, case_id: str, command: Callable[[Case, dict], T]) -> tuple[Case, T]:
        """Load the case, run the command with fresh meta, save: retried on a concurrent write."""
        return self.update(lambda: self.get(case_id), lambda case: command(case, self.meta(ctx, case_id)))

    def reassign(self, ctx: CommandContext, case_id: str, to_agent: dict, to_point: str | None, reason: str) -> Case:
        def run(c: Case, m: dict) -> bool:
            if ctx.actor.role not in access.READ_ALL:
                access.require_case_agent(ctx.actor, c, "变更案件代办帮办员", self.today().isoformat())
            return c.reassign(to_agent, to_point, reason, m)
        return self._update(ctx, case_id, run)[0]

    def arrange_cover(self, ctx: CommandContext, case_id: str, deputy: dict, deputy_point: str | None,
                      from_date: str, to_date: str, reason: str) -> tuple[Case, int]:
        def run(c: Case, m: dict) -> int:
            if ctx.actor.role not in access.READ_ALL:
                access.require_case_agent(ctx.actor, c, "安排代岗")  # the case agent, not a deputy
            return c.arrange_cover(deputy, deputy_point, from_date, to_date, reason, self.today(), m)
        return self._update(ctx, case_id, run)

    def set_plan(self, ctx: CommandContext, case_id: str, steps: list[dict], note: str | None) -> Case:
        def run(c: Case, m: dict) -> bool:
            access.require_case_agent(ctx.actor, c, "编制申报计划", self.today().isoformat())
            return c.set_plan(steps, note, m)
        return self._update(ctx, case_id, run)[0]

    def act(self, ctx: CommandContext, case_id: str, item_no: int, action: str, *, note: str | None = None,
            missing_materials: list[str] | None = None, until: str | None = None, verify_by: str | None = None,
            result: dict | None = None) -> Case:
        def run(c: Case, m: dict) -> bool:
            access.require_item_actor(ctx.actor, c, item_no, self.today().isoformat())
            if (listed := load_materials()).has_item(item_no):
                check_listed(listed.for_item(item_no), action, missing_materials or [])
            return c.act(item_no, action, note=note, missing_materials=missing_materials or [], until=until,
                         today=self.today(), calendar=self.calendar, acceptance_workdays=self.acceptance_workdays, meta=m,
                         verify_by=verify_by, result=result)
        return self._update(ctx, case_id, run)[0]

    def verify_commitment(self, ctx: CommandContext, case_id: str, item_no: int, result: str, note: str | None) -> Case:
        def run(c: Case, m: dict) -> bool:
            access.require_item_actor(ctx.actor, c, item_no, self.today().isoformat())
            return c.verify_commitment(item_no, result, note, self.today(), m)
        return self._update(ctx, case_id, run)[0]

    def give_notification(self, ctx: CommandContext, case_id: str, items: list[dict], note: str | None) -> tuple[Case, int]:
        """一次性告知: each item's requirements as given, or, where none are given, its whole 材料清单."""
        listed = load_materials()
        items = [i if i.get("requirements") else {**i, "requirements": listed.notice(i["item_no"])}
                 if listed.has_item(i["item_no"]) else i for i in items]

        def run(c: Case, m: dict) -> int:
            access.require_case_agent(ctx.actor, c, "一次性告知", self.today().isoformat())
            return c.give_notification(items, note, self.today(), m)
        return self._update(ctx, case_id, run)

    def joint_review(self, ctx: CommandContext, case_id: str, **fields: Any) -> tuple[Case, int]:
        def run(c: Case, m: dict) -> int:
            access.require_case_agent(ctx.actor, c, "组织会商联审", self.today().isoformat())
            return c.hold_joint_review(meta=m, **fields)
        return self._update(ctx, case_id, run)

    def mark_combined(self, ctx: CommandContext, case_id: str, kind: str, items: list[int],
                      note: str | None) -> tuple[Case, int]:
        def run(c: Case, m: dict) -> int:
            access.require_case_agent(ctx.actor, c, "标记联合服务", self.today().isoformat())
            return c.mark_combined(kind, sorted(set(items)), note, m)
        return self._update(ctx, case_id, run)

    def request_cross_level(self, ctx: CommandContext, case_id: str, *, items: list[int], reason: str,
                            required_documents: list[str], requested_unit: str, project_contact: dict,
                            agent_phone: str | None, remark: str | None, idempotency_key: str | None,
                            upper_items: list[dict] | None = None, waiting_items: list[int] | None = None,
                            ) -> tuple[Case, str]:
        catalog = load_catalog()
        upper_items, waiting_items = upper_items or [], waiting_items or []

        def run(c: Case, m: dict) -> str:
            access.require_case_agent(ctx.actor, c, "提出跨层级协办", self.today().isoformat())
            crosslevel.check_request(c, items, upper_items, waiting_items)
            same = None if idempotency_key else crosslevel.same_request(c, items, upper_items, reason, requested_unit)
            if same is not None:
                return same  # natural key: the same request again
            rid = crosslevel.new_request_id(c, idempotency_key)
            if rid in c.cross_level:
                crosslevel.check_retry(c.cross_level[rid], items=items, upper_items=upper_items, reason=reason,
                                       required_documents=required_documents, requested_unit=requested_unit,
                                       project_contact=project_contact, agent_phone=agent_phone, remark=remark)
            c.request_cross_level(rid, crosslevel.request_fields(
                c, catalog, self.calendar, self.today(), items=items, upper_items=upper_items,
                waiting_items=waiting_items, reason=reason,
                required_documents=required_documents, requested_unit=requested_unit,
                project_contact=project_contact, agent_phone=agent_phone, remark=remark), m)
            return rid
        return self._update(ctx, case_id, run)

    def answer_cross_level(self, ctx: CommandContext, case_id: str, request_id: str, *, result: str,
                           assisted_by: dict, assisting_center: str | None, remark: str | None) -> Case:
        def run(c: Case, m: dict) -> bool:
            access.require_case_agent(ctx.actor, c, "登记协办结果", self.today().isoformat())
            center = assisting_center or c.cross_level.get(request_id, {}).get("requested_unit", "")
            return c.answer_cross_level(request_id, result, assisted_by, center, remark, self.today(), m)
        return self._update(ctx, case_id, run)[0]

    def complete(self, ctx: CommandContext, case_id: str, note: str | None, returned_materials: list[str] | None,
                 signed_on: str | None) -> Case:
        """The agent's side of the 办结单; the applicant confirms (:meth:`confirm_closure`)."""
        def run(c: Case, m: dict) -> bool:
            access.require_case_agent(ctx.actor, c, "办结案件", self.today().isoformat())
            return c.propose_closure("completion", "agent", note=note, returned_materials=returned_materials,
                                     signed_on=signed_on, today=self.today(), meta=m)
        return self._update(ctx, case_id, run)[0]

    def terminate(self, ctx: CommandContext, case_id: str, reason: str, reason_code: str,
                  returned_materials: list[str] | None, signed_on: str | None) -> Case:
        """One side of the 终止单: the case agent, or the applicant ending its voluntary delegation (自愿委托)."""
        def run(c: Case, m: dict) -> bool:
            side = access.closure_side(ctx.actor, c, "终止代办帮办", self.today().isoformat())
            return c.propose_closure("termination", side, reason=reason, reason_code=reason_code,
                                     returned_materials=returned_materials, signed_on=signed_on, today=self.today(), meta=m)
        return self._update(ctx, case_id, run)[0]

    def confirm_closure(self, ctx: CommandContext, case_id: str, signed_on: str | None, material_id: str | None) -> Case:
        """The other side: the applicant online; or the case agent, online for a termination the applicant
        proposed, else recording the applicant's signed paper form (its scan's material_id and the date on it)."""
        def run(c: Case, m: dict) -> bool:
            side = access.closure_side(ctx.actor, c, "确认办结或终止", self.today().isoformat())
            if side == "agent" and c.proposal and c.proposal["side"] == "agent":
                if not material_id or not signed_on:
                    field = "material_id" if not material_id else "signed_on"
                    raise Invalid("代录申请人签字的纸质单据须填写扫描件的材料编号（material_id）和签字日期（signed_on）",
                                  field=field)
                side, way = "applicant", "paper"
            else:
                way = "online"
            return c.confirm_closure(side, way, signed_on=signed_on, material_id=material_id, today=self.today(),
                                     calendar=self.calendar, meta=m)
        return self._update(ctx, case_id, run)[0]

    def record_register_change(self, ctx: CommandContext, department: str, *, items: list[int],
                               replaced: dict | None, replacement: dict, effective_on: str, reason: str) -> dict:
        catalog = load_catalog()
        own = {i.item_no for i in catalog.items_of_department(department)}
        wrong = [n for n in items if n not in own]
        if wrong:
            raise Invalid(f"事项{wrong}不由该部门承办（该部门事项：{sorted(own)}）", field="items")
        fields = dict(items=sorted(set(items)), replaced=replaced, replacement=replacement,
                      effective_on=effective_on, reason=reason)

        def attempt(processing) -> dict:  # noqa: ANN001
            self.catch_up(self.index)
            mine = [c for c in self.index.register_changes if c["department"] == department]
            if mine and all(mine[-1][k] == v for k, v in fields.items()):
                return mine[-1]  # a retry of the change just registered
            change = AgentRegisterChange.record(case_id=register_case_id(department), department=department,
                                         change_no=len(mine) + 1, meta=self.meta(ctx, register_case_id(department)),
                                         **fields)
            processing.collect_events(change)
            return change.as_dict()
        return self.execute(attempt)

    # -- the working-day calendar ---------------------------------------------------------------
    def calendar_changes(self, year: int | None = None) -> list:
        """Every recorded calendar change (stored domain events, in log order), or those of one year."""
        return [e for e in self.stored_events(CalendarOverride.CalendarOverridden) if year in (None, e.year)]

    def calendar_history(self, year: int) -> list[dict]:
        return [history_entry(e) for e in self.calendar_changes(year)]

    def override_calendar(self, ctx: CommandContext, year: int, overrides: dict[dt.date, str], announced: bool,
                          reason: str) -> int:
        """Record a year's holidays and make-up days, move the due dates of running items it changes, in one
        transaction; then apply it here.  The same table again records nothing.  Returns the change number."""
        table = {d.isoformat(): k for d, k in sorted(overrides.items())}
        for _ in range(8):
            latest = self.calendar_source.latest_for(year)
            if latest and latest.payload_overrides() == table and latest.announced == announced:
                return latest.change_no
            change = CalendarChange.from_payload({"change_no": self.calendar_source.last_change_no() + 1,
                                                  "year": year, "overrides": table, "announced": announced})
            record = CalendarOverride.record(change_no=change.change_no, year=year, overrides=table, announced=announced,
                                      reason=reason, meta=self.meta(ctx, calendar_subject(year)))
            before, after, on = self.calendar, self.calendar_source.with_change(change), self.today()
            moved = []
            for summary in self.case_summaries():
                if summary["status"] == OPEN:
                    case = self.get(summary["case_id"])
                    if case.redate(before, after, on, change.change_no, self.meta(ctx, case.case_id)):
                        moved.append(case)
            try:
                self.save(record, *moved)
            except IntegrityError:  # a concurrent change took the number, or a case moved on: read them again
                self.calendar_source.apply(*(change_of(e) for e in self.calendar_changes()))
                continue
            self.calendar_source.apply(change)
            return change.change_no
        raise ConcurrentUpdate(8)

    # -- the scheduled deadline check ------------------------------------------------------------
    def check_deadlines(self) -> int:
        """Warn one working day ahead (setting) and flag overdue items, each once per due date; record 容缺
        materials not supplied by their promised date, once per date."""
        emitted = 0
        ctx = CommandContext.system("承诺时限检查")
        on, calendar = self.today(), self.calendar
        for summary in self.case_summaries():
            open_case = summary["status"] == OPEN
            try:  # a commitment is checked after 办结 too (告知承诺制)
                _, results = self._update(ctx, summary["case_id"], lambda c, m: [
                    *(c.check_deadline(n, on, calendar, self.warning_workdays, m) for n in c.items if open_case),
                    *(c.check_deficiency(n, on, m) for n in c.items if open_case),
                    *(c.check_commitment(n, on, m) for n in c.items)])
            except ConcurrentUpdate:  # busy with commands: the next check catches up (each warning once per due date)
                continue
            emitted += sum(1 for r in results if r)
        return emitted
