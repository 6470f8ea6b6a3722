"""Webhooks (API.md, Other systems): each integration event POSTed to a subscription's URL, signed, once;
failures retried with backoff and recorded, dead-lettered after the limit and redeliverable; only allowed hosts;
nothing pending lost across a restart.  The receiver is a real HTTP server on 127.0.0.1 in a thread."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import json
import threading
import time
from typing import Iterator

import pytest

from deploy.examples.webhook_receiver import verify
from shared.settings import Settings
from tests.support import open_case


@pytest.fixture
def settings(data_dir):  # noqa: ANN001, ANN201
    return Settings(data_dir=data_dir, relay_poll_seconds=0.05, webhook_allowed_hosts=["127.0.0.1"],
                    webhook_retry_base_seconds=60, webhook_max_attempts=5, webhook_timeout_seconds=5)


class Receiver:
    """Records every push; answers ``fail_first`` requests (per event type given, else all) with 500 first."""

    def __init__(self, fail_first: int = 0) -> None:
        self.fail_first = fail_first
        self.received: list[dict] = []  # every request, failed ones too: headers, body, status answered
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    status = 500 if receiver.fail_first > 0 else 204
                    receiver.fail_first -= status == 500
                    receiver.received.append({"headers": dict(self.headers), "body": body, "status": status})
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args) -> None:  # noqa: ANN002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/bangnin"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def delivered(self) -> list[dict]:
        with self.lock:
            return [r for r in self.received if r["status"] == 204]


@contextmanager
def receiver(fail_first: int = 0) -> Iterator[Receiver]:
    r = Receiver(fail_first)
    r.thread.start()
    try:
        yield r
    finally:
        r.server.shutdown()
        r.server.server_close()


def subscribe(api, url: str, events: list[str], **extra) -> dict:  # noqa: ANN001, ANN003
    r = api.post("/integration/subscriptions", "admin", json={"url": url, "events": events, **extra})
    assert r.status_code == 201, r.text
    return r.json()


def deliveries(api, subscription_id: str) -> list[dict]:  # noqa: ANN001
    r = api.get(f"/integration/subscriptions/{subscription_id}/deliveries", "admin")
    assert r.status_code == 200, r.text
    return r.json()


def wait_for(predicate, timeout: float = 60.0, what: str = "condition"):  # noqa: ANN001, ANN201
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def all_settled(api, subscription_id: str):  # noqa: ANN001, ANN201
    rows = deliveries(api, subscription_id)
    return rows if rows and all(d["status"] != "pending" or d["attempts"] for d in rows) else None


def retry_round(api, clock) -> None:  # noqa: ANN001
    """Move past the longest backoff and run the scheduled checks (the retries that are due)."""
    clock.advance(hours=7)
    api.runtime.run_scheduled()


def test_a_subscription_receives_a_cases_events_signed_and_each_once(api, clock):  # noqa: ANN001
    with receiver() as hooks:
        sub = subscribe(api, hooks.url, ["*"])
        assert sub["secret"] and sub["active"] and sub["deliveries"] == {"pending": 0, "delivered": 0, "dead": 0}
        listed = api.get("/integration/subscriptions", "admin").json()
        assert [s["subscription_id"] for s in listed] == [sub["subscription_id"]] and "secret" not in listed[0]

        case_id = open_case(api)
        api.settle()
        rows = wait_for(lambda: (d := deliveries(api, sub["subscription_id"])) and all(x["status"] == "delivered" for x in d) and d,
                        what="every delivery delivered")
        pushed = hooks.delivered()
        bodies = [json.loads(p["body"]) for p in pushed]
        ids = [b["event_id"] for b in bodies]
        assert len(ids) == len(set(ids)) == len(rows), "each event once"
        for p, body in zip(pushed, bodies):
            assert verify(p["body"], p["headers"]["X-Bangnin-Signature"], sub["secret"])
            assert not verify(p["body"], p["headers"]["X-Bangnin-Signature"], "another secret")
            assert p["headers"]["X-Bangnin-Event-Id"] == body["event_id"]
            assert p["headers"]["X-Bangnin-Event-Type"] == body["type"]
        # the case's events, from every publisher, as published
        published = {e.event_id for svc in ("intake", "coordination", "evaluation")
                     for e in _events(api, svc) if e.case_id == case_id}
        assert published <= set(ids)
        assert {b["service"] for b in bodies if b["case_id"] == case_id} >= {"intake", "coordination"}
        assert all(len(d["attempts"]) == 1 and d["attempts"][0]["status_code"] == 204 for d in rows)

        # a subscription filtered to one event type and one case gets only those
        sub2 = subscribe(api, hooks.url, ["coordination.ItemStateChanged"], case_filter=case_id)
        r = api.post(f"/coordination/cases/{case_id}/items/7/actions", "dept_zrzy", json={"action": "file"})
        assert r.status_code == 200, r.text
        api.settle()
        rows2 = wait_for(lambda: (d := deliveries(api, sub2["subscription_id"])) and d[0]["status"] == "delivered" and d,
                         what="the filtered delivery")
        assert [(d["event_type"], d["case_id"]) for d in rows2] == [("coordination.ItemStateChanged", case_id)]


def _events(api, service: str) -> list:  # noqa: ANN001
    from tests.e2e.coordination_support import events

    return events(api, service)


def test_a_receiver_failing_three_times_gets_the_event_and_the_log_shows_the_failures(api, clock):  # noqa: ANN001
    with receiver(fail_first=3) as hooks:
        sub = subscribe(api, hooks.url, ["intake.ApplicationAccepted"])
        case_id = open_case(api)
        api.settle()
        first = wait_for(lambda: all_settled(api, sub["subscription_id"]), what="the first attempt")
        assert first[0]["status"] == "pending" and first[0]["attempts"][0]["status_code"] == 500
        for _ in range(3):
            retry_round(api, clock)
        [d] = wait_for(lambda: (rows := deliveries(api, sub["subscription_id"])) and rows[0]["status"] == "delivered" and rows,
                       what="delivered after three failures")
    assert d["case_id"] == case_id and d["event_type"] == "intake.ApplicationAccepted"
    assert [(a["attempt"], a["status_code"], a["outcome"]) for a in d["attempts"]] == [
        (1, 500, "pending"), (2, 500, "pending"), (3, 500, "pending"), (4, 204, "delivered")]
    assert all(a["error"] == "HTTP 500" and a["next_attempt_at"] for a in d["attempts"][:3])
    assert d["attempts"][3]["next_attempt_at"] is None and d["next_attempt_at"] is None
    # exponential backoff with jitter: each wait within [delay/2, delay], delay 60 s doubling
    from datetime import datetime

    waits = [(datetime.fromisoformat(a["next_attempt_at"]) - datetime.fromisoformat(a["at"])).total_seconds()
             for a in d["attempts"][:3]]
    for n, wait in enumerate(waits):
        assert 60 * 2 ** n * 0.5 <= wait <= 60 * 2 ** n, waits
    bodies = {json.loads(r["body"])["event_id"] for r in hooks.received}
    assert bodies == {d["event_id"]} and len(hooks.received) == 4 and len(hooks.delivered()) == 1


def test_dead_letter_after_the_limit_then_redelivery_and_replay(api, clock):  # noqa: ANN001
    with receiver(fail_first=5) as hooks:
        sub = subscribe(api, hooks.url, ["intake.ApplicationAccepted"])
        open_case(api)
        api.settle()
        wait_for(lambda: all_settled(api, sub["subscription_id"]), what="the first attempt")
        for _ in range(4):
            retry_round(api, clock)
        [d] = wait_for(lambda: (rows := deliveries(api, sub["subscription_id"])) and rows[0]["status"] == "dead" and rows,
                       what="dead letter")
        assert len(d["attempts"]) == 5 and d["attempts"][-1]["outcome"] == "dead" and d["next_attempt_at"] is None
        retry_round(api, clock)  # a dead letter is not retried
        assert len(deliveries(api, sub["subscription_id"])[0]["attempts"]) == 5
        assert api.get(f"/integration/subscriptions/{sub['subscription_id']}/deliveries?status=dead", "admin").json()[0][
            "delivery_id"] == d["delivery_id"]

        path = f"/integration/subscriptions/{sub['subscription_id']}/deliveries/{d['delivery_id']}/redelivery"
        r = api.post(path, "admin", json={"reason": "对方系统已恢复"})
        assert r.status_code == 200, r.text
        assert r.json()["status"] in ("pending", "delivered")
        api.runtime.run_scheduled()
        [d] = wait_for(lambda: (rows := deliveries(api, sub["subscription_id"])) and rows[0]["status"] == "delivered" and rows,
                       what="redelivered")
        assert [a["attempt"] for a in d["attempts"]] == [1, 2, 3, 4, 5, 6]
        assert d["redeliveries"][0]["by"] == "admin" and d["redeliveries"][0]["after_attempt"] == 5
        r = api.post(path, "admin", json={})
        assert r.status_code == 409, r.text  # delivered: a replay sends it again, not a redelivery

        # replay from a position of intake's event stream: what the subscription received from there, again
        r = api.post(f"/integration/subscriptions/{sub['subscription_id']}/replay", "admin",
                     json={"service": "intake", "from_position": d["position"]})
        assert r.status_code == 200 and r.json()["deliveries"] == [d["delivery_id"]], r.text
        api.runtime.run_scheduled()
        wait_for(lambda: len(hooks.delivered()) == 2, what="the replayed push")
        assert json.loads(hooks.delivered()[1]["body"])["event_id"] == d["event_id"]
        r = api.post(f"/integration/subscriptions/{sub['subscription_id']}/replay", "admin",
                     json={"service": "intake", "from_position": d["position"] + 1})
        assert r.status_code == 200 and r.json()["deliveries"] == []

        # disabled: no more pushes, the log stays
        r = api.client.delete(f"/integration/subscriptions/{sub['subscription_id']}", headers=api.headers("admin"))
        assert r.status_code == 200 and r.json()["active"] is False, r.text
        open_case(api, applicant="applicant2")
        api.settle()
        api.runtime.run_scheduled()
        assert len(deliveries(api, sub["subscription_id"])) == 1


@pytest.mark.parametrize("url", ["http://10.0.0.5/hook", "http://localhost:8000/auth/accounts", "ftp://127.0.0.1/x",
                                 "http://user:pw@127.0.0.1/x", "not a url"])
def test_a_target_outside_the_allowed_hosts_is_refused(api, url):  # noqa: ANN001
    r = api.post("/integration/subscriptions", "admin", json={"url": url, "events": ["*"]})
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["field"] == "url", r.text
    assert api.get("/integration/subscriptions", "admin").json() == []


def test_unknown_event_types_are_refused_and_only_the_admin_subscribes(api):  # noqa: ANN001
    r = api.post("/integration/subscriptions", "admin", json={"url": "http://127.0.0.1:9/x", "events": ["intake.Nope"]})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "events", r.text
    for who in ("supervisor", "dept_zrzy", "window_agent"):
        r = api.post("/integration/subscriptions", who, json={"url": "http://127.0.0.1:9/x", "events": ["*"]})
        assert r.status_code == 403, r.text


def test_a_restart_loses_no_pending_delivery(api_factory, clock):  # noqa: ANN001
    with receiver(fail_first=10**6) as down:
        with api_factory() as api:
            sub = subscribe(api, down.url, ["intake.ApplicationAccepted", "coordination.CaseOpened"])
            open_case(api)
            api.settle()
            rows = wait_for(lambda: (d := all_settled(api, sub["subscription_id"])) and len(d) == 2 and d,
                            what="two failed first attempts")
            assert {d["status"] for d in rows} == {"pending"}
        # the receiver comes back on the same address; a new runtime over the same store
        port = down.server.server_address[1]
        down.fail_first = 0
        with api_factory() as api:
            retry_round(api, clock)
            rows = wait_for(lambda: (d := deliveries(api, sub["subscription_id"])) and all(x["status"] == "delivered" for x in d) and d,
                            what="delivered after the restart")
    assert len(rows) == 2 and all([a["outcome"] for a in d["attempts"]] == ["pending", "delivered"] for d in rows)
    got = [json.loads(r["body"])["event_id"] for r in down.delivered()]
    assert sorted(got) == sorted(d["event_id"] for d in rows) and port
