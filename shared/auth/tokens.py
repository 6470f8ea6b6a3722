"""Signed bearer tokens (JWT, HS256, PyJWT)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt

ALGORITHM = "HS256"


def issue_token(username: str, secret: str, minutes: int, *, version: int = 0,
                must_change_password: bool = False) -> tuple[str, int]:
    """A token for ``username``, good for the account's ``version`` (a change to the account ends it)."""
    now = datetime.now(timezone.utc)
    claims = {"sub": username, "iat": now, "exp": now + timedelta(minutes=minutes), "ver": version,
              "must_change_password": must_change_password}
    return jwt.encode(claims, secret, algorithm=ALGORITHM), minutes * 60


def issue_client_token(client_id: str, scopes: tuple[str, ...], secret: str, minutes: int) -> tuple[str, int]:
    """A machine client's token (``kind: client``): the client and its scopes, checked on every request."""
    now = datetime.now(timezone.utc)
    claims = {"sub": client_id, "kind": "client", "scope": " ".join(scopes), "iat": now,
              "exp": now + timedelta(minutes=minutes)}
    return jwt.encode(claims, secret, algorithm=ALGORITHM), minutes * 60


def read_claims(token: str, secret: str) -> dict | None:
    """The claims of a valid token, or None when it is forged, expired or malformed."""
    try:
        return jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["sub", "exp"]})
    except jwt.PyJWTError:
        return None


def read_token(token: str, secret: str) -> str | None:
    """The username a valid token names, or None when it is forged, expired or malformed."""
    claims = read_claims(token, secret)
    return claims["sub"] if claims else None
