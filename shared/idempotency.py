"""Idempotency keys: a retry with the same key and the same body returns what the first request made;
the same key with a different body is refused (422, as draft-ietf-httpapi-idempotency-key-header says),
never answered silently with the first request's result.

The fingerprint of the body (SHA-256 of its canonical JSON) is kept in the event the first request
recorded (``meta.extra.request_hash``), so the check holds across restarts and processes.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel

from shared.errors import Invalid

HEADER = "Idempotency-Key"
META_KEY = "request_hash"


def fingerprint(body: BaseModel | dict[str, Any]) -> str:
    data = body.model_dump(mode="json") if isinstance(body, BaseModel) else body
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def recorded_hash(meta: dict[str, Any]) -> str | None:
    """The fingerprint an event's meta keeps (None for events recorded before fingerprints were kept)."""
    return (meta.get("extra") or {}).get(META_KEY)


def check_same_body(recorded: str | None, given: str | None) -> None:
    """Raise when a key is used again with a different body. Without a recorded fingerprint there is
    nothing to compare (older records): the retry is taken as the same request."""
    if recorded is not None and given is not None and recorded != given:
        raise Invalid(f"该 {HEADER} 已用于内容不同的另一次请求；重试请发送与首次完全相同的内容，新的请求请使用新的键",
                      field=HEADER, location="header", code="idempotency_key_reused")
