"""The intake service: commands and queries on the Application event store."""

from __future__ import annotations

import secrets
from uuid import NAMESPACE_URL, uuid5

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from shared.application import CommandContext, ServiceApplication
from shared.contracts import Role
from shared.contracts.intake import DelegatedAgent, ProjectInfo, UnitInfo
from shared.errors import Forbidden, NotFound
from shared.reference import load_catalog
from services.intake.domain import Application, route

SERVICE_POINT_ROLE = {"district": Role.window_agent, "park": Role.park_agent}


class IntakeService(ServiceApplication):
    service_name = "intake"

    # -- commands ----------------------------------------------------------------
    def submit(self, ctx: CommandContext, *, channel: str, unit: UnitInfo, project: ProjectInfo,
               items: list[int], applicant: dict, idempotency_key: str | None = None) -> Application:
        """A new application. With an idempotency key, a retry returns the application it created."""
        case_id = self._new_case_id(ctx, idempotency_key)
        if idempotency_key:
            try:
                return self.get(case_id)
            except NotFound:
                pass
        service_point, reason = route(project.in_industrial_park)
        application = Application(
            case_id=case_id, channel=channel, unit=unit.model_dump(mode="json"),
            project=project.model_dump(mode="json"), items=sorted(set(items)), applicant=applicant,
            service_point=service_point, routing_reason=reason, catalog_version=load_catalog().version,
            meta=self.meta(ctx, case_id),
        )
        try:
            self.save(application)
        except IntegrityError:  # a concurrent retry with the same key won the race
            return self.get(case_id)
        return application

    def sign_delegation(self, ctx: CommandContext, case_id: str, *, legal_representative: str,
                        agent: DelegatedAgent, items: list[int]) -> Application:
        application = self.get(case_id)
        if application.sign_delegation(legal_representative, agent.model_dump(mode="json"), items,
                                       self.meta(ctx, case_id)):
            self.save(application)
        return application

    def sign_commitment(self, ctx: CommandContext, case_id: str, *, signed_by: str) -> Application:
        application = self.get(case_id)
        if application.sign_commitment(signed_by, self.meta(ctx, case_id)):
            self.save(application)
        return application

    def accept(self, ctx: CommandContext, case_id: str) -> Application:
        application = self.get(case_id)
        self._require_service_point_agent(ctx, application, "受理")
        agent = {"username": ctx.actor.username, "name": ctx.actor.name, "department": ctx.actor.department}
        if application.accept(agent, self.meta(ctx, case_id)):
            self.save(application)
        return application

    def reject(self, ctx: CommandContext, case_id: str, *, reason: str) -> Application:
        application = self.get(case_id)
        self._require_service_point_agent(ctx, application, "作出不予受理决定")
        if application.reject(reason, self.meta(ctx, case_id)):
            self.save(application)
        return application

    def withdraw(self, ctx: CommandContext, case_id: str, *, reason: str | None) -> Application:
        application = self.get(case_id)
        if application.withdraw(reason, self.meta(ctx, case_id)):
            self.save(application)
        return application

    # -- queries -----------------------------------------------------------------
    def get(self, case_id: str) -> Application:
        try:
            return self.repository.get(Application.create_id(case_id))
        except AggregateNotFoundError:
            raise NotFound(f"申请 {case_id} 不存在") from None

    # -- helpers -----------------------------------------------------------------
    def _new_case_id(self, ctx: CommandContext, idempotency_key: str | None) -> str:
        """``BN`` + 12 hex digits; derived from the key when there is one, so a retry names the same case."""
        if idempotency_key:
            suffix = uuid5(NAMESPACE_URL, f"{ctx.actor.username}:{idempotency_key}").hex[:12]
        else:
            suffix = secrets.token_hex(6)
        return f"BN{suffix.upper()}"

    @staticmethod
    def _require_service_point_agent(ctx: CommandContext, application: Application, action: str) -> None:
        required = SERVICE_POINT_ROLE[application.service_point]
        if ctx.actor.role != required:
            point = "工业园区管委会帮您办服务点" if application.service_point == "park" else "区政务服务局帮您办窗口"
            raise Forbidden(f"本申请由{point}负责，只有该服务点的代办帮办员可以{action}")
