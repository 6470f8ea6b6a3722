"""The coordination service: commands and queries on the Case event store."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, TypeVar

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from shared.application import CommandContext, ServiceApplication
from shared.clock import today
from shared.errors import Invalid, NotFound
from shared.reference import load_catalog
from shared.workcalendar import WorkCalendar, load_calendar
from services.coordination import access, consumers, crosslevel
from services.coordination.domain import OPEN, Case
from services.coordination.index import LogIndex
from services.coordination.register import AgentRegisterChange, effective_assignees, register_case_id

T = TypeVar("T")


class CoordinationService(ServiceApplication):
    service_name = "coordination"

    def __init__(self, env: dict[str, str] | None = None, clock=None,  # noqa: ANN001
                 calendar_source: Callable[[], WorkCalendar] | None = None, warning_workdays: int = 1) -> None:
        # Cache aggregates (fast-forwarded from the store on every get, so safe with several processes).
        super().__init__({"AGGREGATE_CACHE_MAXSIZE": "2000", **(env or {})}, clock)
        self.calendar_source = calendar_source or load_calendar
        self.warning_workdays = warning_workdays
        self.index = LogIndex()

    @property
    def calendar(self) -> WorkCalendar:
        return self.calendar_source()

    def today(self) -> dt.date:
        return today(self.clock)

    def policy(self, event, processing) -> None:  # noqa: ANN001
        consumers.policy(self, event, processing)

    # -- queries --------------------------------------------------------------------------
    def get(self, case_id: str) -> Case:
        try:
            return self.repository.get(Case.create_id(case_id))
        except AggregateNotFoundError:
            raise NotFound(f"案件 {case_id} 不存在") from None

    def case_summaries(self) -> list[dict]:
        self.index.refresh(self)
        return list(self.index.cases.values())

    def register(self, department: str | None = None) -> dict:
        self.index.refresh(self)
        changes = [c for c in self.index.register_changes if department in (None, c["department"])]
        table = effective_assignees(load_catalog(), self.index.register_changes, self.today().isoformat())
        return {"changes": changes, "assignees": table}

    # -- commands -------------------------------------------------------------------------
    def _update(self, ctx: CommandContext, case_id: str, command: Callable[[Case, dict], T]) -> tuple[Case, T]:
        """Load, run, save; on a concurrent write to the same case, run again on the fresh case."""
        for _ in range(8):
            case = self.get(case_id)
            result = command(case, self.meta(ctx, case_id))
            try:
                self.save(case)
            except IntegrityError:
                continue
            return case, result
        raise IntegrityError(f"case {case_id}: too many concurrent writes")

    def reassign(self, ctx: CommandContext, case_id: str, to_agent: dict, reason: str) -> Case:
        def run(c: Case, m: dict) -> bool:
            if ctx.actor.role not in access.READ_ALL:
                access.require_case_agent(ctx.actor, c, "变更案件代办帮办员")
            return c.reassign(to_agent, reason, m)
        return self._update(ctx, case_id, run)[0]

    def set_plan(self, ctx: CommandContext, case_id: str, steps: list[dict], note: str | None) -> Case:
        def run(c: Case, m: dict) -> bool:
            access.require_case_agent(ctx.actor, c, "编制申报计划")
            return c.set_plan(steps, note, m)
        return self._update(ctx, case_id, run)[0]

    def act(self, ctx: CommandContext, case_id: str, item_no: int, action: str, *, note: str | None = None,
            missing_materials: list[str] | None = None, until: str | None = None) -> Case:
        def run(c: Case, m: dict) -> bool:
            access.require_item_actor(ctx.actor, c, item_no)
            return c.act(item_no, action, note=note, missing_materials=missing_materials or [], until=until,
                         today=self.today(), calendar=self.calendar, meta=m)
        return self._update(ctx, case_id, run)[0]

    def give_notification(self, ctx: CommandContext, case_id: str, items: list[dict], note: str | None) -> tuple[Case, int]:
        def run(c: Case, m: dict) -> int:
            access.require_case_agent(ctx.actor, c, "一次性告知")
            return c.give_notification(items, note, self.today(), m)
        return self._update(ctx, case_id, run)

    def joint_review(self, ctx: CommandContext, case_id: str, **fields: Any) -> tuple[Case, int]:
        def run(c: Case, m: dict) -> int:
            access.require_case_agent(ctx.actor, c, "组织会商联审")
            return c.hold_joint_review(meta=m, **fields)
        return self._update(ctx, case_id, run)

    def mark_combined(self, ctx: CommandContext, case_id: str, kind: str, items: list[int],
                      note: str | None) -> tuple[Case, int]:
        def run(c: Case, m: dict) -> int:
            access.require_case_agent(ctx.actor, c, "标记联合服务")
            return c.mark_combined(kind, sorted(set(items)), note, m)
        return self._update(ctx, case_id, run)

    def request_cross_level(self, ctx: CommandContext, case_id: str, *, items: list[int], reason: str,
                            required_documents: list[str], requested_unit: str, project_contact: dict,
                            agent_phone: str | None, remark: str | None,
                            idempotency_key: str | None) -> tuple[Case, str]:
        catalog = load_catalog()

        def run(c: Case, m: dict) -> str:
            access.require_case_agent(ctx.actor, c, "提出跨层级协办")
            c.check_items(items)
            same = None if idempotency_key else crosslevel.same_request(c, items, reason, requested_unit)
            if same is not None:
                return same  # natural key: the same request again
            rid = crosslevel.new_request_id(c, idempotency_key)
            c.request_cross_level(rid, crosslevel.request_fields(
                c, catalog, self.calendar, self.today(), items=items, reason=reason,
                required_documents=required_documents, requested_unit=requested_unit,
                project_contact=project_contact, agent_phone=agent_phone, remark=remark), m)
            return rid
        return self._update(ctx, case_id, run)

    def answer_cross_level(self, ctx: CommandContext, case_id: str, request_id: str, *, result: str,
                           assisted_by: dict, assisting_center: str | None, remark: str | None) -> Case:
        def run(c: Case, m: dict) -> bool:
            access.require_case_agent(ctx.actor, c, "登记协办结果")
            center = assisting_center or c.cross_level.get(request_id, {}).get("requested_unit", "")
            return c.answer_cross_level(request_id, result, assisted_by, center, remark, self.today(), m)
        return self._update(ctx, case_id, run)[0]

    def complete(self, ctx: CommandContext, case_id: str, note: str | None) -> Case:
        def run(c: Case, m: dict) -> bool:
            access.require_case_agent(ctx.actor, c, "办结案件")
            return c.complete(note, self.today(), self.calendar, m)
        return self._update(ctx, case_id, run)[0]

    def terminate(self, ctx: CommandContext, case_id: str, reason: str, reason_code: str) -> Case:
        def run(c: Case, m: dict) -> bool:
            access.require_case_agent(ctx.actor, c, "终止代办帮办")
            return c.terminate(reason, reason_code, self.today(), m)
        return self._update(ctx, case_id, run)[0]

    def record_register_change(self, ctx: CommandContext, department: str, *, items: list[int],
                               replaced: dict | None, replacement: dict, effective_on: str, reason: str) -> dict:
        catalog = load_catalog()
        own = {i.item_no for i in catalog.items_of_department(department)}
        wrong = [n for n in items if n not in own]
        if wrong:
            raise Invalid(f"事项{wrong}不由该部门承办（该部门事项：{sorted(own)}）", field="items")
        for _ in range(8):
            self.index.refresh(self)
            mine = [c for c in self.index.register_changes if c["department"] == department]
            fields = dict(items=sorted(set(items)), replaced=replaced, replacement=replacement,
                          effective_on=effective_on, reason=reason)
            if mine and all(mine[-1][k] == v for k, v in fields.items()):
                return mine[-1]  # a retry of the change just registered
            change = AgentRegisterChange(case_id=register_case_id(department), department=department,
                                         change_no=len(mine) + 1, meta=self.meta(ctx, register_case_id(department)),
                                         **fields)
            try:
                self.save(change)
            except IntegrityError:
                continue
            return change.as_dict()
        raise IntegrityError("agent register: too many concurrent writes")

    # -- the scheduled deadline check ------------------------------------------------------------
    def check_deadlines(self) -> int:
        """Warn one working day ahead (setting) and flag overdue items; each once per due date."""
        emitted = 0
        ctx = CommandContext.system("承诺时限检查")
        on, calendar = self.today(), self.calendar
        for summary in self.case_summaries():
            if summary["status"] != OPEN:
                continue
            _, results = self._update(ctx, summary["case_id"], lambda c, m: [
                c.check_deadline(n, on, calendar, self.warning_workdays, m) for n in c.items])
            emitted += sum(1 for r in results if r)
        return emitted
