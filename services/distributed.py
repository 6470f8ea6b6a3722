"""The distributed runtime's adapters: Kafka bus, PostgreSQL relay positions, MongoDB read store, ops endpoints.

Chosen by ``BANGNIN_RUNTIME=distributed``; each process builds only the services it serves
(``bangnin serve SERVICE``) from the one declaration (services/system.py), over these adapters.  Event
stores are already PostgreSQL via :func:`shared.eventstore.store_env` (one schema per service).
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from shared.clock import Clock, ManualClock, SystemClock
from shared.messaging.kafka import KafkaBus
from shared.messaging.kafka_relay import KafkaOutboxRelay
from shared.messaging.pg_positions import PostgresPositionStore
from shared.settings import Settings
from services.adapters import Adapters


def distributed_adapters(settings: Settings) -> Adapters:
    def read_store():  # noqa: ANN202 (imported only where reporting runs)
        from services.reporting.mongo_store import MongoReadStore

        return MongoReadStore(settings)

    bus = KafkaBus(settings)
    positions = PostgresPositionStore(settings.postgres_dsn)
    return Adapters(bus=bus, positions=positions, read_store=read_store,
                    relay_class=KafkaOutboxRelay, starters=[bus.start],
                    closers=[bus.stop, positions.close],  # the bus stops first, then the positions, then the apps
                    routers=lambda runtime: [ops_router(runtime)])


def distributed_clock(settings: Settings) -> Clock:
    """The system clock; with test hooks and a start time, a clock the tests set (``PUT /ops/test/clock``)."""
    if settings.test_hooks and settings.test_clock_start:
        return ManualClock(datetime.fromisoformat(settings.test_clock_start))
    return SystemClock()


class ClockSet(BaseModel):
    now: datetime


def ops_router(runtime) -> APIRouter:  # noqa: ANN001 (a services.runtime.Runtime)
    router = APIRouter(prefix="/ops", tags=["ops"])

    @router.get("/progress", summary="中继与消费进度（运维与测试用）")
    def progress() -> dict:
        relays = {r.app.service_name: {"head": r.app.head(), "published": r.position} for r in runtime.relays}
        return {"relays": relays, "consumers": runtime.bus.lag()}

    if not runtime.settings.test_hooks:
        return router

    @router.put("/test/clock", summary="测试钩子：设置时钟")
    def set_clock(body: ClockSet) -> dict:
        if not isinstance(runtime.clock, ManualClock):
            raise HTTPException(409, "时钟不可设置")
        runtime.clock.set(body.now)
        return {"now": runtime.clock.now().isoformat()}

    @router.put("/test/settings", summary="测试钩子：修改运行中的设置（与嵌入式测试改 runtime.settings 相同）")
    def change_settings(body: dict) -> dict:
        for name, value in body.items():
            if name not in Settings.model_fields:
                raise HTTPException(422, f"{name}: 无此设置")
            setattr(runtime.settings, name, value)
        return body

    @router.post("/test/run-scheduled", summary="测试钩子：立即执行定时检查")
    def run_scheduled() -> dict:
        runtime.run_scheduled()
        return {"ran": [c.name for c in runtime.scheduled]}

    return router
