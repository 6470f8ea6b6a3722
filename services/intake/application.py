"""The intake service: commands and queries on the Application event store."""

from __future__ import annotations

from dataclasses import replace
import secrets
from typing import Callable
from uuid import NAMESPACE_URL, uuid5

from eventsourcing.application import AggregateNotFoundError
from pydantic import ValidationError

from shared.application import CommandContext, ServiceApplication
from shared.blobs import BlobStore
from shared.blobs.sealed import SealedWriter
from shared.clock import Clock
from shared.contracts import SERVICE_POINT_ROLE
from shared.contracts.intake import DelegatedAgent, ProjectInfo, UnitInfo
from shared.errors import Forbidden, Invalid, NotFound
from shared.idempotency import META_KEY, check_same_body
from shared.reference import load_catalog
from services.intake.domain import Application, route



class IntakeService(ServiceApplication):
    service_name = "intake"

    def __init__(self, env: dict[str, str] | None = None, clock: Clock | None = None,
                 blobs: BlobStore | None = None) -> None:
        super().__init__(env, clock)
        self.blobs = blobs  # the materials' bytes (shared/blobs): files or PostgreSQL, as the event store

    def close(self) -> None:
        if self.blobs is not None:
            self.blobs.close()
        super().close()

    # -- commands (each under the concurrency policy: shared/application.py) -------------------
    def submit(self, ctx: CommandContext, *, channel: str, unit: UnitInfo, project: ProjectInfo,
               items: list[int], applicant: dict, idempotency_key: str | None = None,
               request_hash: str | None = None) -> Application:
        """A new application. With an idempotency key, a retry returns the application it created;
        the same key with a different body (``request_hash``, kept in the event) is a 422."""
        case_id = self._new_case_id(ctx, idempotency_key)
        if idempotency_key and request_hash:
            ctx = replace(ctx, extra={**ctx.extra, META_KEY: request_hash})

        def attempt(processing) -> Application:  # noqa: ANN001
            if idempotency_key:
                try:
                    return self._replayed(case_id, request_hash)  # a retry, or a concurrent request with the same key won
                except NotFound:
                    pass
            service_point, reason = route(project.in_industrial_park, project.approval_level)
            application = Application.submit(
                case_id=case_id, channel=channel, unit=unit.model_dump(mode="json"),
                project=project.model_dump(mode="json"), items=sorted(set(items)), applicant=applicant,
                service_point=service_point, routing_reason=reason, catalog_version=load_catalog().version,
                meta=self.meta(ctx, case_id),
            )
            processing.collect_events(application)
            return application
        return self.execute(attempt)

    def _replayed(self, case_id: str, request_hash: str | None) -> Application:
        application = self.get(case_id)
        check_same_body(getattr(application, "request_hash", None), request_hash)
        return application

    def sign_delegation(self, ctx: CommandContext, case_id: str, *, legal_representative: str,
                        agent: DelegatedAgent, items: list[int]) -> Application:
        return self._update(case_id, lambda a: a.sign_delegation(
            legal_representative, agent.model_dump(mode="json"), items, self.meta(ctx, case_id)))

    def sign_commitment(self, ctx: CommandContext, case_id: str, *, signed_by: str) -> Application:
        def command(application: Application) -> bool:
            catalog = load_catalog()
            authority = catalog.department(catalog.service_point(application.service_point).department).name
            return application.sign_commitment(signed_by, authority, self.meta(ctx, case_id))
        return self._update(case_id, command)

    def amend(self, ctx: CommandContext, case_id: str, unit: dict, project: dict, reason: str) -> Application:
        """``unit`` / ``project``: the fields to change; the whole parts after them are checked as the contract
        says (a 项目代码 in the wrong form is a 422 naming it) before anything is recorded."""
        def command(application: Application) -> bool:
            try:
                new_unit = UnitInfo(**{**application.unit, **unit}).model_dump(mode="json")
                new_project = ProjectInfo(**{**application.project, **project}).model_dump(mode="json")
            except ValidationError as exc:
                error = exc.errors()[0]
                part = "unit" if error["loc"][0] in UnitInfo.model_fields and error["loc"][0] in unit else "project"
                raise Invalid(str(error.get("ctx", {}).get("error", error["msg"])),
                              field=".".join(["changes", part, *map(str, error["loc"])])) from None
            return application.amend(new_unit, new_project, reason, self.meta(ctx, case_id))
        return self._update(case_id, command)

    def accept(self, ctx: CommandContext, case_id: str) -> Application:
        agent = {"username": ctx.actor.username, "name": ctx.actor.name, "department": ctx.actor.department}

        def command(application: Application) -> bool:
            self._require_service_point_agent(ctx, application, "受理")
            return application.accept(agent, self.meta(ctx, case_id))
        return self._update(case_id, command)

    def reject(self, ctx: CommandContext, case_id: str, *, reason: str) -> Application:
        def command(application: Application) -> bool:
            self._require_service_point_agent(ctx, application, "作出不予受理决定")
            return application.reject(reason, self.meta(ctx, case_id))
        return self._update(case_id, command)

    def withdraw(self, ctx: CommandContext, case_id: str, *, reason: str | None) -> Application:
        return self._update(case_id, lambda a: a.withdraw(reason, self.meta(ctx, case_id)))

    # -- materials (services/intake/materials.py) ---------------------------------------
    def add_material(self, ctx: CommandContext, case_id: str, staged: SealedWriter, material: dict) -> dict:
        """Keep the bytes (sealed, by address), then record the upload: an event never names bytes not stored."""
        self.blobs.put(staged)
        material_id = "MT" + secrets.token_hex(6).upper()
        _, added = self.update(lambda: self.get(case_id),
                               lambda a: a.add_material(material, material_id, self.meta(ctx, case_id)))
        return added

    def record_download(self, ctx: CommandContext, case_id: str, material_id: str) -> None:
        self._update(case_id, lambda a: a.record_download(material_id, self.meta(ctx, case_id)))

    def withdraw_material(self, ctx: CommandContext, case_id: str, material_id: str, reason: str | None,
                          check: Callable[[dict], None]) -> dict:
        def command(application: Application) -> bool:
            check(application.material(material_id))
            return application.withdraw_material(material_id, reason, self.meta(ctx, case_id))
        return self._update(case_id, command).material(material_id)

    def _update(self, case_id: str, command: Callable[[Application], object]) -> Application:
        return self.update(lambda: self.get(case_id), command)[0]

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
