"""The ASGI application: every service's API in one FastAPI app over one runtime."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI

from shared.auth.accounts import AccountDirectory
from shared.auth.api import AuthConfig, router as auth_router
from shared.clock import Clock
from shared.http import install_error_handlers
from shared.settings import Settings
from services.runtime import Runtime, build_runtime

DESCRIPTION = """\
“蒙速办·帮您办”投资项目代办帮办案件系统。除 `/healthz` 与文档外，所有接口需 `Authorization: Bearer <token>`，
令牌由 `POST /auth/token` 获取。错误以 JSON 返回：422 的 `detail` 逐项列出字段与原因（中文）。
"""


def create_app(settings: Settings | None = None, clock: Clock | None = None,
               runtime: Runtime | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime = runtime or build_runtime(settings, clock)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        runtime.start()
        app.state.ready = True
        try:
            yield
        finally:
            app.state.ready = False
            runtime.stop()

    app = FastAPI(title="帮您办 Bangnin", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    app.state.runtime = runtime
    app.state.services = runtime.services
    app.state.ready = False
    app.state.auth = AuthConfig(
        accounts=AccountDirectory.build(demo=settings.demo_accounts_enabled,
                                        accounts_file=settings.data_dir / "accounts.yaml"),
        secret=settings.resolved_secret_key,
        token_minutes=settings.token_minutes,
    )
    install_error_handlers(app)

    @app.get("/healthz", tags=["ops"], summary="就绪检查")
    def healthz() -> dict:
        from fastapi import HTTPException

        if not app.state.ready:
            raise HTTPException(503, "启动中")
        return {"status": "ok", "runtime": settings.runtime}

    app.include_router(auth_router)
    for router in runtime.routers:
        app.include_router(router)
    return app
