"""The ASGI application: every service's API in one FastAPI app over one runtime."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Response
from fastapi_offline import FastAPIOffline

from shared.auth.accounts import AccountDirectory
from shared.auth.accounts_api import router as accounts_router
from shared.auth.api import AuthConfig, router as auth_router
from shared.auth.store import open_account_store
from shared.auth.security_api import router as security_router
from shared.auth.security_log import open_security_log
from shared.auth.throttle import LoginThrottle
from shared.body_limit import BodyLimitMiddleware
from shared.clock import Clock
from shared import positions
from shared.http import install_error_handlers, known_query_only
from shared.security_headers import SecurityHeadersMiddleware
from shared.settings import Settings
from shared.version import VERSION
from services.asyncapi import event_api_document
from services.runtime import Runtime, build_runtime

DESCRIPTION = """\
“蒙速办·帮您办”投资项目代办帮办案件系统。除 `/healthz`、文档与 `/asyncapi.yaml`（事件接口）外，所有接口需 `Authorization: Bearer <token>`，
令牌由 `POST /auth/token` 获取。错误以 JSON 返回：422 的 `detail` 逐项列出字段与原因（中文）。

读己之写：命令的响应头 `X-Bangnin-Position`（`服务:位置`）给出本次写入在该服务事件日志中的位置；
读取时带上 `X-Bangnin-After: <该值>`，本服务处理到该位置后才作答（有时限，超时 504 并带 `Retry-After`）。
不带此头时，各视图为最终一致。
"""


def create_app(settings: Settings | None = None, clock: Clock | None = None,
               runtime: Runtime | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime = runtime or build_runtime(settings, clock)

    security_log = open_security_log(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        runtime.start()
        app.state.ready = True
        try:
            yield
        finally:
            app.state.ready = False
            runtime.stop()
            security_log.close()

    # The docs' script and style are served from the fastapi-offline package (no CDN: intranets
    # have no internet); BANGNIN_DOCS=false turns the docs pages off (the OpenAPI schema stays).
    make = FastAPIOffline if settings.docs else FastAPI
    pages = {} if settings.docs else {"docs_url": None, "redoc_url": None}
    app = make(title="帮您办 Bangnin", version=VERSION, description=DESCRIPTION, lifespan=lifespan,
               dependencies=[Depends(known_query_only)], **pages)
    app.state.runtime = runtime
    app.state.services = runtime.services
    app.state.ready = False
    accounts = open_account_store(settings)
    runtime.closers.append(accounts.close)
    app.state.auth = AuthConfig(
        accounts=AccountDirectory.build(demo=settings.demo_accounts_enabled,
                                        accounts_file=settings.data_dir / "accounts.yaml", store=accounts),
        secret=settings.resolved_secret_key,
        token_minutes=settings.token_minutes,
        throttle=LoginThrottle(per_account=settings.login_failures_per_account,
                               per_client=settings.login_failures_per_client,
                               window_seconds=settings.login_window_seconds),
        security_log=security_log,
    )
    install_error_handlers(app)
    positions.install(app, positions.ServicesProgress(runtime.services, runtime.bus),
                      timeout_seconds=lambda: runtime.settings.read_after_timeout_seconds)
    # Outermost last: the headers go on every answer, the 413 included.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes, routes=lambda: app.router.routes)
    app.add_middleware(SecurityHeadersMiddleware,
                       docs_paths=(("/docs", "/redoc", "/static-offline-docs") if settings.docs else ()))

    @app.get("/healthz", tags=["ops"], summary="就绪检查")
    def healthz() -> dict:
        from fastapi import HTTPException

        if not app.state.ready:
            raise HTTPException(503, "启动中")
        return {"status": "ok", "runtime": settings.runtime, "version": VERSION}

    @app.get("/asyncapi.yaml", tags=["ops"], summary="事件接口文档（AsyncAPI 3.0）", response_class=Response,
             responses={200: {"content": {"application/yaml": {}}, "description": "docs/asyncapi.yaml"}})
    def asyncapi() -> Response:
        return Response(event_api_document(), media_type="application/yaml")

    app.include_router(auth_router)
    app.include_router(accounts_router)
    app.include_router(security_router)
    for router in runtime.routers:
        app.include_router(router)
    return app
