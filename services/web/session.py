"""The browser session: the user's API token in a signed, HttpOnly, SameSite cookie, and the CSRF token.

The session cookie holds the bearer token the API gave at login, the account's name and role and a random
CSRF token, signed with HMAC-SHA256 under the process's secret key (a changed cookie is no session).
Every state-changing form carries the CSRF token in a hidden field; a POST whose field does not match the
session's (or, before login, the ``bangnin_csrf`` cookie's) is refused with 403.  The cookies are
``HttpOnly`` (no script reads them) and ``SameSite=Lax`` (another site's form posts carry none).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
import hashlib
import hmac
import json
import secrets
import time

from starlette.requests import Request
from starlette.responses import Response

SESSION_COOKIE = "bangnin_session"
CSRF_COOKIE = "bangnin_csrf"  # before login: the login form's token (double submit)


@dataclass(frozen=True)
class Session:
    token: str
    username: str
    role: str
    name: str
    csrf: str
    expires: float
    department: str | None = None


def _secret(request: Request) -> bytes:
    return request.app.state.auth.secret.encode()


def _sign(secret: bytes, body: bytes) -> str:
    return base64.urlsafe_b64encode(hmac.new(secret, body, hashlib.sha256).digest()).decode().rstrip("=")


def encode(request: Request, session: Session) -> str:
    body = base64.urlsafe_b64encode(json.dumps(session.__dict__, ensure_ascii=False).encode()).decode().rstrip("=")
    return body + "." + _sign(_secret(request), body.encode())


def decode(request: Request, value: str | None) -> Session | None:
    if not value or "." not in value:
        return None
    body, signature = value.rsplit(".", 1)
    if not hmac.compare_digest(signature, _sign(_secret(request), body.encode())):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        session = Session(**data)
    except (ValueError, TypeError):
        return None
    return session if session.expires > time.time() else None


def current(request: Request) -> Session | None:
    return decode(request, request.cookies.get(SESSION_COOKIE))


def _cookie(request: Request, response: Response, name: str, value: str, max_age: int | None) -> None:
    secure = request.app.state.runtime.settings.web_secure_cookies
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax", secure=secure, path="/")


def start(request: Request, response: Response, *, token: str, me: dict, minutes: int) -> Session:
    session = Session(token=token, username=me["username"], role=me["role"], name=me.get("name") or me["username"],
                      csrf=new_token(), expires=time.time() + minutes * 60, department=me.get("department"))
    _cookie(request, response, SESSION_COOKIE, encode(request, session), minutes * 60)
    response.delete_cookie(CSRF_COOKIE, path="/")
    return session


def end(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def set_login_csrf(request: Request, response: Response, token: str) -> None:
    _cookie(request, response, CSRF_COOKIE, token, None)


def csrf_ok(request: Request, given: str | None, session: Session | None) -> bool:
    expected = session.csrf if session else request.cookies.get(CSRF_COOKIE)
    return bool(given and expected and hmac.compare_digest(given, expected))
