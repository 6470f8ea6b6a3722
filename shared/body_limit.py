"""Request bodies have a size limit, enforced before anything reads them (ASGI middleware).

A request whose ``Content-Length`` is over the limit is answered 413 at once, its body unread; a
body without one (chunked) is counted while it streams in and refused with 413 as soon as it passes
the limit. Only then is the request routed, its token checked and its JSON parsed, so an anonymous
caller cannot make the server hold or parse a large body. The limit is a setting
(``BANGNIN_MAX_BODY_BYTES``); a route that takes more (uploads) says so with :func:`body_limit`.

An upload route is marked ``stream=True``: its body is not read here but passed on as it arrives (the
endpoint streams it to disk), still refused at once when its ``Content-Length`` is over the route's limit
and cut off with 413 when more arrives than that.  Its limit may be a function of the app (a setting read
when the request comes), and its 413 then names the field the limit is for.
"""

from __future__ import annotations

from dataclasses import dataclass
import json
from typing import Any, Callable

from fastapi.routing import iter_route_contexts
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_ATTRIBUTE = "bangnin_body_limit"


@dataclass(frozen=True)
class RouteLimit:
    limit: int | Callable[[Any], int]  # bytes, or a function of the app giving them
    stream: bool = False
    field: str | None = None  # the field the limit is for (an upload's file)
    overhead: int = 0  # what the rest of the body may add to the limit (form fields, multipart framing)

    def resolve(self, scope: Scope) -> tuple[int, int]:
        """(the limit as people are told it, the body limit enforced)."""
        limit = self.limit(scope.get("app")) if callable(self.limit) else self.limit
        return limit, limit + self.overhead


def body_limit(max_bytes: int | Callable[[Any], int], *, stream: bool = False, field: str | None = None,
               overhead: int = 0) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate an endpoint to give its route its own body limit (above or below the default); ``stream``: pass
    the body on unread (the endpoint reads it as it arrives)."""

    def mark(endpoint: Callable[..., Any]) -> Callable[..., Any]:
        setattr(endpoint, _ATTRIBUTE, RouteLimit(max_bytes, stream, field, overhead))
        return endpoint

    return mark


class BodyTooLarge(Exception):
    pass


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_bytes: int, routes: Callable[[], list] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.routes = routes  # the app's routes, looked up lazily (they are added after the middleware)
        self._marked: list[tuple[Any, RouteLimit]] | None = None

    def limit_for(self, scope: Scope) -> RouteLimit:
        if self._marked is None:  # the routes that set their own limit, found once (included routers flattened)
            contexts = iter_route_contexts(self.routes()) if self.routes else ()
            self._marked = [(c, mark) for c in contexts
                            if isinstance(mark := getattr(getattr(c, "endpoint", None), _ATTRIBUTE, None), RouteLimit)]
        for context, mark in self._marked:
            match, _ = context.matches(scope)
            if match == Match.FULL:
                return mark
        return RouteLimit(self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = self.limit_for(scope)
        told, limit = route.resolve(scope)
        length = _content_length(scope)
        if length is None and _header(scope, b"content-length") is not None:
            await _refuse(send, 400, "Content-Length 请求头不合法")
            return
        if length is not None and length > limit:
            await _too_large(send, told, route.field)
            return
        if route.stream:
            await self._streamed(scope, receive, send, told, limit, route.field)
            return
        try:
            body = await _read(receive, limit)
        except BodyTooLarge:
            await _too_large(send, limit)
            return
        if body is None:  # the client went away
            return

        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: wait for the disconnect, as a server would

        await self.app(scope, replay, send)

    async def _streamed(self, scope: Scope, receive: Receive, send: Send, told: int, limit: int,
                        field: str | None) -> None:
        """The body passed on as it arrives, counted: past the limit the app is stopped and 413 answered."""
        total, started = 0, False

        async def counted() -> Message:
            nonlocal total
            message = await receive()
            total += len(message.get("body", b""))
            if total > limit:
                raise BodyTooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if not started:
                await _too_large(send, told, field)


async def _read(receive: Receive, limit: int) -> bytes | None:
    chunks, total = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        total += len(chunk)
        if total > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value
    return None


def _content_length(scope: Scope) -> int | None:
    value = _header(scope, b"content-length")
    if value is None or not value.isdigit() or len(value) > 18:
        return None
    return int(value)


def limit_text(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit % (1024 * 1024) == 0 else f"{limit} 字节"


async def _too_large(send: Send, limit: int, field: str | None = None) -> None:
    if field is None:
        await _refuse(send, 413, f"请求体过大：不能超过 {limit_text(limit)}")
        return
    message = f"文件过大：不能超过 {limit_text(limit)}"
    await _refuse(send, 413, [{"field": field, "loc": ["body", field], "msg": message, "type": "TooLarge"}],
                  message=f"{field}：{message}")


async def _refuse(send: Send, status: int, detail: str | list, message: str | None = None) -> None:
    content: dict[str, Any] = {"detail": detail} | ({"message": message} if message else {})
    body = json.dumps(content, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]})
    await send({"type": "http.response.body", "body": body})
