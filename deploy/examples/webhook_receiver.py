"""A department's webhook receiver: verifies each push from 帮您办 and handles each event once.

Standard library only (copy it, put your handling in ``handle``)::

    BANGNIN_WEBHOOK_SECRET=<the secret POST /integration/subscriptions showed> \\
        python webhook_receiver.py --port 8080

Each push is one integration event (docs/events.schema.json) as the JSON body, with
``X-Bangnin-Signature: sha256=<hex HMAC-SHA256 of the exact body under the secret>``,
``X-Bangnin-Event-Id`` and ``X-Bangnin-Event-Type``.  Answer 2xx once it is safely handled; anything else
(or no answer within the timeout) is retried later, so the same event may arrive again: keep the event ids
you handled.  Personal fields arrive sealed (``enc1:…``), as on the Kafka topics.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import json
import os


def verify(body: bytes, signature_header: str | None, secret: str) -> bool:
    """Whether ``X-Bangnin-Signature`` is the HMAC-SHA256 of these exact bytes under the secret."""
    if not signature_header or not signature_header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature_header.removeprefix("sha256="))


SEEN: set[str] = set()  # a real receiver keeps these in its database, with what it did


def handle(event: dict) -> None:
    print(f"{event['type']} #{event['position']} case {event['case_id']}", flush=True)


class Receiver(BaseHTTPRequestHandler):
    secret = os.environ.get("BANGNIN_WEBHOOK_SECRET", "")

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if not verify(body, self.headers.get("X-Bangnin-Signature"), self.secret):
            self.send_response(401)
            self.end_headers()
            return
        event = json.loads(body)
        if event["event_id"] not in SEEN:  # a redelivery of what was handled: answer 2xx again, do nothing
            handle(event)
            SEEN.add(event["event_id"])
        self.send_response(204)
        self.end_headers()


def main() -> None:
    parser = argparse.ArgumentParser(description="receive 帮您办 webhooks")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    if not Receiver.secret:
        raise SystemExit("set BANGNIN_WEBHOOK_SECRET")
    ThreadingHTTPServer((args.host, args.port), Receiver).serve_forever()


if __name__ == "__main__":
    main()
