"""Read-your-writes: the ``X-Bangnin-Position`` and ``X-Bangnin-After`` headers.

* A command's response carries ``X-Bangnin-Position: <service>:<position>``, the
  notification-log position of the last event the command recorded.  A command that
  recorded nothing (idempotent: it changed nothing) carries the service's head, the
  latest position of its log when it answered: every event it could have been based on
  is at or before that position.
* A request sent with ``X-Bangnin-After: <service>:<position>[, …]`` is answered only once
  the answering side (the service whose path prefix the request has: ``/coordination/…``
  is coordination) has processed each named position: its own log holds it, or, for a
  service it consumes, its tracking of that service has reached it.  A service it does
  not consume is no reason to wait.  The wait is bounded (``BANGNIN_READ_AFTER_TIMEOUT_SECONDS``,
  default 2 s); when it runs out the answer is 504 with ``Retry-After``, naming the
  position not yet reached.  A malformed header is a 422 naming it.

The waiting is done in an ASGI middleware, on the event loop (sleeps, never blocks it;
each progress check runs in the thread pool, since stores are synchronous).  The
positions a command records reach the middleware through a context variable holding a
per-request dict (the endpoint's worker thread runs in a copy of the request's context,
so it writes into the same dict).
"""

from __future__ import annotations

from contextvars import ContextVar
import re
import time
from typing import Any, Callable, Iterable, Protocol

import anyio
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.http import invalid_response

POSITION_HEADER = "X-Bangnin-Position"
AFTER_HEADER = "X-Bangnin-After"
COMMAND_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_ENTRY = r"[a-z][a-z_]*:[0-9]{1,18}"
AFTER_PATTERN = rf"^ *{_ENTRY} *(, *{_ENTRY} *)*$"
_AFTER = re.compile(AFTER_PATTERN)
RETRY_AFTER_SECONDS = 1

_written: ContextVar[dict[str, int] | None] = ContextVar("bangnin_written", default=None)


# -- what a command recorded ----------------------------------------------------------------
def note_recorded(service: str, position: int) -> None:
    """Called after a save: remember the position for the response of the request being served (if any)."""
    written = _written.get()
    if written is not None and position > written.get(service, 0):
        written[service] = position


def format_positions(positions: dict[str, int]) -> str:
    return ", ".join(f"{service}:{position}" for service, position in sorted(positions.items()))


def parse_after(value: str) -> dict[str, int]:
    """``intake:12, coordination:40`` → {service: position} (the highest, when a service is named twice)."""
    if not _AFTER.match(value):
        raise ValueError(value)
    wanted: dict[str, int] = {}
    for entry in value.split(","):
        service, _, position = entry.strip().partition(":")
        wanted[service] = max(int(position), wanted.get(service, 0))
    return wanted


# -- how far the answering side got ----------------------------------------------------------
class Progress(Protocol):
    """What the middleware asks of a runtime."""

    def reached(self, answering: str, service: str) -> int | None:
        """How far ``answering`` has processed ``service``'s log; None when it does not consume it."""

    def head(self, service: str) -> int | None:
        """The latest position of ``service``'s own log; None when it is not a writing service here."""


class ServicesProgress:
    """:class:`Progress` over the services a process serves and the bus that feeds them.

    A service object answers ``processed(service)`` (a writing service: its own head, or its
    tracking of an upstream; reporting: the highest position its read store holds).  Which
    upstreams a service consumes is what it subscribed to on the bus.
    """

    def __init__(self, services: Any, bus: Any) -> None:  # a namespace of service objects; the Bus port
        self.services = services
        self.bus = bus

    def _service(self, name: str) -> Any:
        return getattr(self.services, name, None) if name.isidentifier() else None

    def reached(self, answering: str, service: str) -> int | None:
        app = self._service(answering)
        if app is None:
            return None
        own = service == answering and hasattr(app, "head")
        if not own and service not in self.bus.subscribed(answering):
            return None
        return app.processed(service)

    def head(self, service: str) -> int | None:
        app = self._service(service)
        return app.head() if app is not None and hasattr(app, "head") else None

    def served(self) -> list[str]:
        return list(vars(self.services))

    def writers(self) -> list[str]:
        return [name for name, app in vars(self.services).items() if hasattr(app, "head")]


class ReadYourWrites:
    """ASGI middleware: waits for ``X-Bangnin-After``, stamps ``X-Bangnin-Position`` on commands."""

    def __init__(self, app: ASGIApp, progress: Progress, timeout_seconds: Callable[[], float]) -> None:
        self.app = app
        self.progress = progress
        self.timeout_seconds = timeout_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        answering = answering_service(scope["path"])
        after = Headers(scope=scope).get(AFTER_HEADER)
        if after is not None:
            try:
                wanted = parse_after(after)
            except ValueError:
                await malformed_after()(scope, receive, send)
                return
            missing = await self.wait(answering, wanted)
            if missing is not None:
                await not_reached(answering, *missing)(scope, receive, send)
                return
        if scope["method"] not in COMMAND_METHODS:
            await self.app(scope, receive, send)
            return
        written: dict[str, int] = {}
        token = _written.set(written)

        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] < 400:
                positions = dict(written)
                if not positions:  # nothing recorded: the head of the service that answered
                    head = await anyio.to_thread.run_sync(self.progress.head, answering)
                    positions = {answering: head} if head is not None else {}
                if positions:
                    MutableHeaders(scope=message)[POSITION_HEADER] = format_positions(positions)
            await send(message)

        try:
            await self.app(scope, receive, stamped)
        finally:
            _written.reset(token)

    async def wait(self, answering: str, wanted: dict[str, int]) -> tuple[str, int, int] | None:
        """None once every wanted position is processed; else (service, wanted, reached) at the deadline."""
        deadline = time.monotonic() + self.timeout_seconds()
        delay = 0.005
        while True:
            missing = await anyio.to_thread.run_sync(self._missing, answering, wanted)
            if missing is None:
                return None
            if time.monotonic() >= deadline:
                return missing
            await anyio.sleep(min(delay, max(deadline - time.monotonic(), 0)))
            delay = min(delay * 2, 0.05)

    def _missing(self, answering: str, wanted: dict[str, int]) -> tuple[str, int, int] | None:
        for service, position in wanted.items():
            reached = self.progress.reached(answering, service)
            if reached is not None and reached < position:
                return service, position, reached
        return None


# Paths not answered by the service their first segment names: path prefix (segments) → the service that answers
# it; the longest prefix wins.  The one table: the read-your-writes wait, the web pages' client and the test
# harness's routing all ask :func:`answering_service`.
ANSWERED_BY: dict[str, str] = {
    "inbox": "notifications",  # each account's messages (with the to-dos read from reporting's store)
    "supervision": "evaluation",  # complaints and suggestions: evaluation keeps them with the 差评 rectifications
    "reporting/monthly-submissions": "evaluation",  # the departments' submissions are recorded by evaluation
}


def answering_service(path: str) -> str:
    """The service a path belongs to: the service of its longest prefix in :data:`ANSWERED_BY`, else its first
    segment (``/coordination/cases/…`` → coordination; ``/reporting/monthly-submissions/2026-11`` → evaluation)."""
    segments = path.strip("/").split("/")
    for n in range(len(segments), 0, -1):
        if (found := ANSWERED_BY.get("/".join(segments[:n]))) is not None:
            return found
    return segments[0]


def malformed_after() -> JSONResponse:
    return invalid_response([{"field": AFTER_HEADER, "loc": ["header", AFTER_HEADER], "type": "value_error",
                              "msg": "格式应为 服务:位置（如 intake:12），多个以逗号分隔；服务名为小写字母，位置为非负整数"}])


def not_reached(answering: str, service: str, wanted: int, reached: int) -> JSONResponse:
    return JSONResponse(
        status_code=504, headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        content={"detail": f"等待超时：{answering} 服务在 {AFTER_HEADER} 的时限内尚未处理到 {service}:{wanted}"
                           f"（目前处理到 {service}:{reached}），请稍后重试",
                 "code": "read_after_timeout", "service": service, "position": wanted, "reached": reached})


# -- the OpenAPI schema ----------------------------------------------------------------------
AFTER_PARAMETER = {
    "name": AFTER_HEADER, "in": "header", "required": False,
    "description": "读己之写：先等待本服务处理到该位置（取自某次命令响应的 X-Bangnin-Position，可逗号分隔多个），"
                   "再作答；超过设置的等待时限（BANGNIN_READ_AFTER_TIMEOUT_SECONDS，默认 2 秒）返回 504。"
                   "不带此头时视图为最终一致。",
    "schema": {"type": "string", "pattern": AFTER_PATTERN, "maxLength": 500, "examples": ["intake:12"]},
}
POSITION_RESPONSE_HEADER = {
    "description": "本命令最后一个事件在该服务事件日志中的位置（服务:位置）；未记录事件（幂等重复）时为该服务日志的当前末位。"
                   "读取时放入 X-Bangnin-After 即可读到本次写入。",
    "schema": {"type": "string", "examples": ["intake:12"]},
}
TIMEOUT_RESPONSE = {
    "description": "X-Bangnin-After 所指的位置在等待时限内尚未处理到（带 Retry-After）",
    "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "建议几秒后重试"}},
    "content": {"application/json": {"schema": {
        "type": "object", "required": ["detail"], "properties": {
            "detail": {"type": "string"}, "code": {"type": "string"}, "service": {"type": "string"},
            "position": {"type": "integer"}, "reached": {"type": "integer"}}}}},
}
INVALID_RESPONSE = {"description": "输入不合法（含格式错误的 X-Bangnin-After）",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}}}


def document(schema: dict[str, Any], services: Iterable[str], writers: Iterable[str]) -> dict[str, Any]:
    """Add both headers to the operations of ``services`` (the position header to the writers' commands)."""
    services, writers = set(services), set(writers)
    has_validation_error = "HTTPValidationError" in schema.get("components", {}).get("schemas", {})
    for path, operations in schema.get("paths", {}).items():
        service = answering_service(path)
        if service not in services:
            continue
        for method, operation in operations.items():
            parameters = operation.setdefault("parameters", [])
            if not any(p.get("name") == AFTER_HEADER for p in parameters):
                parameters.append(AFTER_PARAMETER)
            responses = operation.setdefault("responses", {})
            if has_validation_error:
                responses.setdefault("422", INVALID_RESPONSE)
            responses.setdefault("504", TIMEOUT_RESPONSE)
            if method.upper() in COMMAND_METHODS and service in writers:
                for status, response in responses.items():
                    if status.startswith("2"):
                        response.setdefault("headers", {})[POSITION_HEADER] = POSITION_RESPONSE_HEADER
    return schema


def install(app: FastAPI, progress: ServicesProgress, timeout_seconds: Callable[[], float]) -> None:
    """The middleware, and both headers in the app's OpenAPI schema."""
    app.add_middleware(ReadYourWrites, progress=progress, timeout_seconds=timeout_seconds)
    plain = app.openapi
    documented: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        if not documented:
            documented.append(document(plain(), progress.served(), progress.writers()))
        return documented[0]

    app.openapi = openapi  # type: ignore[method-assign]
