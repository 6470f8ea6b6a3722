"""Signed bearer tokens (JWT, HS256, PyJWT)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt

ALGORITHM = "HS256"


def issue_token(username: str, secret: str, minutes: int) -> tuple[str, int]:
    now = datetime.now(timezone.utc)
    claims = {"sub": username, "iat": now, "exp": now + timedelta(minutes=minutes)}
    return jwt.encode(claims, secret, algorithm=ALGORITHM), minutes * 60


def read_token(token: str, secret: str) -> str | None:
    """The username a valid token names, or None when it is forged, expired or malformed."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["sub", "exp"]})
    except jwt.PyJWTError:
        return None
    return claims["sub"]
