"""The pages' client of the public HTTP API, with the logged-in user's own token.

Embedded default: the API of the process the pages run in, called in-process (ASGI, no socket), with the
browser's address as the client's (the login throttle counts per address).  Distributed runtime: each
service's base URL from ``BANGNIN_WEB_API_URLS`` (JSON: ``{"intake": "http://intake:8000", …}``).
"""

from __future__ import annotations

from typing import Any

import httpx
from starlette.requests import Request

from shared.positions import answering_service

# Which service answers a path (the distributed runtime): ``shared.positions.answering_service``, but for the
# paths every process serves (``/auth``: asked of intake).
SERVICE_OF_PREFIX = {"auth": "intake"}
TIMEOUT = 10.0


class Api:
    """One request's view of the API: ``get``/``post``/``put`` a path as the session's user."""

    def __init__(self, request: Request, token: str | None = None) -> None:
        self.request, self.token = request, token
        self.urls: dict[str, str] = request.app.state.runtime.settings.web_api_urls

    def _client(self, timeout: float = TIMEOUT) -> httpx.AsyncClient:
        if self.urls:
            return httpx.AsyncClient(timeout=timeout)
        host = self.request.client.host if self.request.client else "127.0.0.1"
        transport = httpx.ASGITransport(app=self.request.app, client=(host, 0))
        return httpx.AsyncClient(transport=transport, base_url="http://bangnin.local", timeout=timeout)

    def url(self, path: str) -> str:
        if not self.urls:
            return path
        service = answering_service(path)
        service = SERVICE_OF_PREFIX.get(service, service)
        return self.urls[service].rstrip("/") + path

    async def call(self, method: str, path: str, *, after: str | None = None, json: Any = None,
                   data: dict | None = None, params: dict | None = None, content: Any = None,
                   headers: dict[str, str] | None = None, timeout: float = TIMEOUT) -> httpx.Response:
        """``content``: a body as it is (an upload passed on as it streams in), with its own ``headers``."""
        headers = {"Accept": "application/json", **(headers or {})}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if after:
            headers["X-Bangnin-After"] = after
        async with self._client(timeout) as client:
            return await client.request(method, self.url(path), headers=headers, json=json, data=data, params=params,
                                        content=content)

    async def get(self, path: str, **kw: Any) -> httpx.Response:
        return await self.call("GET", path, **kw)

    async def post(self, path: str, **kw: Any) -> httpx.Response:
        return await self.call("POST", path, **kw)

    async def put(self, path: str, **kw: Any) -> httpx.Response:
        return await self.call("PUT", path, **kw)
