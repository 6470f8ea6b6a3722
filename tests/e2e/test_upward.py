"""好差评 upward (issue 15): each rating pushed once to the provincial 好差评 system as the national interface's
record — signed, retried with backoff, logged — even when the receiver fails twice; and, for a district without
an endpoint, the same records as a file to upload (``GET /evaluation/upward/export``).  The receiver is a real
HTTP server on 127.0.0.1 (tests/e2e/test_webhooks.py's)."""

from __future__ import annotations

import json

import pytest

from deploy.examples.webhook_receiver import verify
from shared.reference import load_catalog
from shared.settings import Settings
from tests.conftest import DISTRIBUTED
from tests.e2e.evaluation_support import conclude_case, rate
from tests.e2e.test_webhooks import Receiver, retry_round, wait_for

pytestmark = pytest.mark.skipif(DISTRIBUTED, reason="the receiver's URL is a setting of the in-process runtime")

SECRET = "upward-test-secret-0123456789"
PHONE = "13912345678"


class FailsEachTwice(Receiver):
    """Answers 500 to the first two pushes of each record (by its 评价编号), then 204."""

    def __init__(self) -> None:
        super().__init__()
        receiver, handler = self, self.server.RequestHandlerClass
        seen: dict[str, int] = {}

        class Handler(handler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                key = json.loads(body)["evaluateId"]
                with receiver.lock:
                    seen[key] = seen.get(key, 0) + 1
                    status = 500 if seen[key] <= 2 else 204
                    receiver.received.append({"headers": dict(self.headers), "body": body, "status": status})
                self.send_response(status)
                self.end_headers()

        self.server.RequestHandlerClass = Handler


@pytest.fixture
def hooks():  # noqa: ANN201
    r = FailsEachTwice()
    r.thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()


@pytest.fixture
def settings(data_dir, hooks):  # noqa: ANN001, ANN201
    return Settings(data_dir=data_dir, relay_poll_seconds=0.05, webhook_allowed_hosts=["127.0.0.1"],
                    webhook_retry_base_seconds=60, webhook_max_attempts=5, webhook_timeout_seconds=5,
                    upward_url=hooks.url, upward_secret=SECRET, upward_item_codes={"2": "11150303MB0000000X-001"})


def upward(api) -> list[dict]:  # noqa: ANN001
    r = api.get("/integration/subscriptions/upward/deliveries", "admin")
    assert r.status_code == 200, r.text
    return r.json()


def test_each_rating_is_pushed_once_in_the_interface_format_though_the_receiver_fails_twice(api, clock, hooks):  # noqa: ANN001
    case_id = conclude_case(api, items=[2, 7])
    assert rate(api, case_id, "dissatisfied", comment=f"用地预审来回跑了三次，请回电 {PHONE}").status_code == 201
    assert rate(api, case_id, "satisfied", channel="mobile", comment="整改后很快办好了").status_code == 201  # 追评
    api.settle()
    wait_for(lambda: len(upward(api)) == 2 and all(d["attempts"] for d in upward(api)), what="both ratings attempted")
    for _ in range(3):
        retry_round(api, clock)
    rows = wait_for(lambda: (d := upward(api)) and all(x["status"] == "delivered" for x in d) and d,
                    what="both records delivered")

    # The log: two failures (HTTP 500) and then the delivery, for each record; every attempt recorded.
    assert len(hooks.received) == 6 and [r["status"] for r in hooks.received].count(500) == 4
    for row in rows:
        assert [(a["status_code"], a["outcome"]) for a in row["attempts"]] == [
            (500, "pending"), (500, "pending"), (204, "delivered")]
    assert {d["event_type"] for d in rows} == {"haochaping.rating"} and {d["case_id"] for d in rows} == {case_id}

    # Each rating once, signed under the upward secret, in the interface's format and code lists.
    delivered = hooks.delivered()
    records = [json.loads(p["body"]) for p in delivered]
    assert sorted(r["evaluateId"] for r in records) == [f"{case_id}-P1", f"{case_id}-P2"]
    for p in delivered:
        assert verify(p["body"], p["headers"]["X-Bangnin-Signature"], SECRET)
        assert p["headers"]["X-Bangnin-Event-Type"] == "haochaping.rating"
    bad, follow_up = sorted(records, key=lambda r: r["evaluateId"])
    catalog = load_catalog()
    assert bad["recordFormat"] == "haochaping-record/1" and bad["projectNo"] == case_id and bad["areaCode"] == "150303"
    assert bad["alternate"] == 2 and bad["alternateName"] == "不满意" and bad["codeList"] == "haochaping"
    assert follow_up["alternate"] == 4 and follow_up["isFollowUp"] == 1 and bad["isFollowUp"] == 0
    assert bad["pf"] == 1 and bad["pfName"] == "PC端" and follow_up["pf"] == 2 and follow_up["pfName"] == "移动端"
    assert bad["isBad"] == 1 and follow_up["isBad"] == 0 and bad["isRealName"] == 1 and bad["isDefault"] == 0
    assert bad["taskCode"] == f"11150303MB0000000X-001;150303BNB007"  # the province's code where configured
    assert [t["taskName"] for t in bad["tasks"]] == [catalog.item(2).name, catalog.item(7).name]
    assert bad["deptCode"] == "gyyq" and bad["proStatus"] == 1 and bad["concludedOn"]
    assert bad["assessTime"].startswith("2026-09-") and len(bad["assessTime"]) == 19
    # Nothing personal whole: the phone in the comment masked, the rater's name masked, the same rater one userId.
    assert PHONE not in p["body"].decode() and "139****5678" in bad["writingEvaluation"]
    assert bad["userName"].endswith("*") and len(bad["userId"]) == 32 and bad["userId"] == follow_up["userId"]

    # Nothing more is pushed: another round of the scheduled checks, a restart of the delivery loop.
    retry_round(api, clock)
    assert len(hooks.received) == 6

    # The file for upload holds the same records, built by the same function from evaluation's own store.
    r = api.get("/evaluation/upward/export", "supervisor", params={"month": "2026-09"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    exported = [json.loads(line) for line in r.text.splitlines()]
    assert sorted(exported, key=lambda x: x["evaluateId"]) == [bad, follow_up]
    assert api.get("/evaluation/upward/export", "supervisor", params={"month": "2026-10"}).text == ""
    r = api.get("/evaluation/upward/export", "supervisor", params={"month": "2026-13"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "month"
    assert api.get("/evaluation/upward/export", "window_agent", params={"month": "2026-09"}).status_code == 403
