"""Security headers on every response (ASGI middleware).

* ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer``, ``X-Frame-Options: DENY``
  and a Content-Security-Policy: ``default-src 'none'; frame-ancestors 'none'`` for the API (JSON
  and files are never run as a page), one that lets the API docs load their own bundled script and
  style for the docs pages (``/docs``).
* ``Cache-Control: no-store`` on every answer to an authenticated request (it carried a bearer
  token) and on the token endpoint's answers, unless the endpoint set its own.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# The docs page is FastAPI's: its bootstrap script is inline; its assets come from this server.
DOCS_CSP = ("default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
_ALWAYS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
_NO_CACHE_PATHS = ("/auth/token",)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, docs_paths: tuple[str, ...] = ()) -> None:
        self.app = app
        self.docs_paths = tuple(p for p in docs_paths if p)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        authenticated = any(k.lower() == b"authorization" for k, _ in scope.get("headers", ()))
        no_store = authenticated or path in _NO_CACHE_PATHS
        csp = (DOCS_CSP if any(path == p or path.startswith(p + "/") for p in self.docs_paths) else API_CSP).encode()

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server"]
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in _ALWAYS if k not in present]
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", csp))
                if no_store and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
