"""How a webhook is called: the signature, the allowed targets, the retry schedule, the HTTP request.

* ``X-Bangnin-Signature: sha256=<hex>``: HMAC-SHA256 of the exact body bytes under the subscription's secret
  (GitHub's scheme, so the receivers' libraries for it work).
* A target's host must be one of ``BANGNIN_WEBHOOK_ALLOWED_HOSTS`` (checked when subscribing and again before
  every attempt); redirects are not followed, so an allowed host cannot bounce a delivery inward.
* Retries: exponential backoff ``base × 2^(n-1)`` capped at ``max``, with jitter (the delay is drawn from
  ``[delay × (1 - jitter), delay]``), so receivers coming back after an outage are not hit all at once.
"""

from __future__ import annotations

from dataclasses import dataclass
import hashlib
import hmac
import random
import time
from urllib.parse import urlsplit

import httpx

from shared.errors import Invalid

SIGNATURE_HEADER = "X-Bangnin-Signature"
EVENT_ID_HEADER = "X-Bangnin-Event-Id"
EVENT_TYPE_HEADER = "X-Bangnin-Event-Type"
DELIVERY_HEADER = "X-Bangnin-Delivery"
USER_AGENT = "Bangnin-Webhooks/1"


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def check_target(url: str, allowed_hosts: list[str]) -> str:
    """The URL, if it is http(s) to an allowed host; else 422 naming ``url``."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise Invalid("url 不是有效的网址", field="url") from None
    if parts.scheme not in ("http", "https") or not host:
        raise Invalid("url 须为 http:// 或 https:// 开头的完整网址", field="url")
    if parts.username or parts.password:
        raise Invalid("url 不得包含用户名或密码（用订阅密钥验证签名）", field="url")
    allowed = {h.strip().lower() for h in allowed_hosts if h.strip()}
    if host not in allowed:
        listed = "、".join(sorted(allowed)) or "（未配置任何主机）"
        raise Invalid(f"url 的主机 {host} 不在允许的推送目标（BANGNIN_WEBHOOK_ALLOWED_HOSTS：{listed}）之内", field="url")
    return url


def retry_delay(attempt: int, base: float, cap: float, jitter: float, rng: random.Random | None = None) -> float:
    """Seconds before attempt ``attempt + 1`` after attempt ``attempt`` failed."""
    delay = min(cap, base * 2 ** max(0, attempt - 1))
    return delay * (1 - jitter * (rng or random).random())


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(client: httpx.Client, url: str, body: str, *, secret: str, event_id: str, event_type: str,
         delivery_id: str) -> Outcome:
    """One attempt: any 2xx is delivered; anything else (another status, a timeout, a refused connection) fails."""
    data = body.encode()
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT, SIGNATURE_HEADER: signature(secret, data),
               EVENT_ID_HEADER: event_id, EVENT_TYPE_HEADER: event_type, DELIVERY_HEADER: delivery_id}
    started = time.monotonic()
    try:
        with client.stream("POST", url, content=data, headers=headers) as response:  # the body is not read
            pass
    except httpx.HTTPError as exc:
        return Outcome(None, f"{type(exc).__name__}: {exc}"[:500] or type(exc).__name__, _ms(started))
    error = None if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"
    return Outcome(response.status_code, error, _ms(started))


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
