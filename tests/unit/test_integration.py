"""The pure parts of webhooks and inbound states: signature, allowed targets, backoff, who wants what, the code table."""

from __future__ import annotations

import random

import pytest

from deploy.examples.webhook_receiver import verify
from shared.errors import Invalid
from services.coordination import items
from services.coordination.inbound import STATES
from services.integration.application import wants
from services.integration.webhooks import check_target, retry_delay, signature


def test_the_signature_is_hmac_sha256_of_the_exact_body_and_the_example_verifies_it():
    body = '{"event_id":"e1","type":"intake.ApplicationSubmitted"}'.encode()
    header = signature("s3cret", body)
    assert header == "sha256=" + __import__("hmac").new(b"s3cret", body, "sha256").hexdigest()
    assert verify(body, header, "s3cret")
    assert not verify(body + b" ", header, "s3cret") and not verify(body, header, "other") and not verify(body, None, "s3cret")


@pytest.mark.parametrize("url", ["http://evil.example/x", "file:///etc/passwd", "http://u:p@hooks.zrzy.example/",
                                 "http://hooks.zrzy.example:99999/", "hooks.zrzy.example/x", "http:///x"])
def test_only_http_urls_to_an_allowed_host_are_taken(url):
    with pytest.raises(Invalid) as refused:
        check_target(url, ["hooks.zrzy.example"])
    assert refused.value.field == "url"


def test_an_allowed_host_is_taken_whatever_its_case_and_port():
    assert check_target("https://HOOKS.zrzy.example:8443/in", [" hooks.zrzy.example "])
    with pytest.raises(Invalid):
        check_target("https://hooks.zrzy.example/in", [])


def test_backoff_doubles_up_to_the_cap_with_jitter_below_the_delay():
    rng = random.Random(7)
    for attempt in range(1, 12):
        delay = min(3600, 30 * 2 ** (attempt - 1))
        for _ in range(20):
            assert delay * 0.5 <= retry_delay(attempt, 30, 3600, 0.5, rng) <= delay
    assert retry_delay(3, 30, 3600, 0) == 120


def test_who_wants_an_event():
    s = {"events": ["coordination.ItemStateChanged"], "case_filter": "BN2026*", "disabled_at": None}
    assert wants(s, "coordination.ItemStateChanged", "BN2026AB")
    assert not wants(s, "coordination.ItemStateChanged", "XX2026AB")
    assert not wants(s, "intake.ApplicationSubmitted", "BN2026AB")
    assert wants({"events": ["*"], "case_filter": None, "disabled_at": None}, "intake.ApplicationSubmitted", "x")
    assert not wants({"events": ["*"], "case_filter": None, "disabled_at": "2026-09-21"}, "intake.ApplicationSubmitted", "x")


def test_every_reported_state_is_an_item_action():
    assert {s.action for s in STATES.values()} <= set(items.ACTIONS)
    assert [s.code for s in STATES.values()] == [f"{n:02d}" for n in range(1, len(STATES) + 1)]
