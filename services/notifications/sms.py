"""Text messages (SMS): when one may be sent, and the port it goes through.

* :func:`send_after` — none at night or on a non-working day of the working-day calendar: a message made
  outside the sending window waits for the next working morning (pure).
* :class:`SmsGateway` — the port: ``send(message)`` returns the gateway's id or raises :class:`SmsFailed`.
  :class:`RecordingGateway` (the default) keeps what it was given in memory; :class:`HttpGateway` posts it
  to the operator's SMS gateway (``BANGNIN_SMS_GATEWAY_URL``), signed with HMAC-SHA256 under
  ``BANGNIN_SMS_GATEWAY_SECRET``, naming the template id the settings give the message's kind.
"""

from __future__ import annotations

from dataclasses import dataclass
import datetime as dt
import hashlib
import hmac
import json
import threading
import time
from typing import Protocol

import httpx

from shared.clock import CHINA
from shared.workcalendar import WorkCalendar

SIGNATURE_HEADER = "X-Bangnin-Signature"
TIMESTAMP_HEADER = "X-Bangnin-Timestamp"


def _at(day: dt.date, moment: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, moment, tzinfo=CHINA)


def send_after(now: dt.datetime, calendar: WorkCalendar, window: tuple[dt.time, dt.time]) -> dt.datetime:
    """``now`` if it lies in the sending window of a working day, else the next working day's window start."""
    local, (start, end) = now.astimezone(CHINA), window
    day = local.date()
    if calendar.is_workday(day):
        if start <= local.time() < end:
            return local
        if local.time() < start:
            return _at(day, start)
    for _ in range(400):
        day += dt.timedelta(days=1)
        if calendar.is_workday(day):
            return _at(day, start)
    raise ValueError("no working day within 400 days")


@dataclass(frozen=True)
class OutgoingSms:
    sms_id: str
    phone: str
    text: str
    kind: str
    template_id: str | None
    params: dict[str, str]


class SmsFailed(Exception):
    pass


class SmsGateway(Protocol):
    def send(self, message: OutgoingSms) -> str | None: ...


class RecordingGateway:
    """The default: records what would be sent (in memory, this process only), always succeeds."""

    def __init__(self) -> None:
        self.sent: list[OutgoingSms] = []
        self._lock = threading.Lock()

    def send(self, message: OutgoingSms) -> str | None:
        with self._lock:
            self.sent.append(message)
        return f"recorded-{len(self.sent)}"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over ``<timestamp>.<body>`` under the shared secret, hex (the receiver recomputes it)."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class HttpGateway:
    """POST ``{"sms_id", "phone", "template_id", "params", "text"}`` as JSON, signed; 2xx is sent."""

    def __init__(self, url: str, secret: str | None, timeout: float = 10.0) -> None:
        self.url, self.secret, self.timeout = url, secret, timeout

    def send(self, message: OutgoingSms) -> str | None:
        body = json.dumps({"sms_id": message.sms_id, "phone": message.phone, "template_id": message.template_id,
                           "params": message.params, "text": message.text}, ensure_ascii=False).encode()
        timestamp = str(int(time.time()))
        headers = {"Content-Type": "application/json", TIMESTAMP_HEADER: timestamp,
                   "Idempotency-Key": message.sms_id}  # a retry after a lost answer is the same message
        if self.secret:
            headers[SIGNATURE_HEADER] = "sha256=" + signature(self.secret, timestamp, body)
        try:
            response = httpx.post(self.url, content=body, headers=headers, timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise SmsFailed(f"短信网关无法连接：{type(exc).__name__}") from None
        if response.status_code >= 300:
            raise SmsFailed(f"短信网关答复 {response.status_code}")
        try:
            return str(response.json().get("id") or "") or None
        except ValueError:
            return None


def gateway_for(url: str | None, secret: str | None) -> SmsGateway:
    return HttpGateway(url, secret) if url else RecordingGateway()
