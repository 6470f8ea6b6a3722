"""Faults on the distributed runtime: each run ends with the views of a clean run and every event once.

Runs whenever the servers are available (Tansu, SecantusDB, PostgreSQL), in
either test mode; CI requires them (BANGNIN_REQUIRE_SERVERS=1).
"""

from __future__ import annotations

from datetime import datetime
import signal

import pytest

from shared.clock import CHINA, ManualClock
from tests.distributed.harness import new_deployment, running
from tests.distributed.workload import assert_exactly_once, log_positions, run_stream, views, without_positions

CASES = 6
START = datetime(2026, 9, 21, 9, 0, tzinfo=CHINA)


@pytest.fixture(scope="module")
def clean_views(cluster):
    clock = ManualClock(START)
    deployment = new_deployment(cluster, clock)
    try:
        with running(deployment, clock) as api:
            run_stream(api, CASES)
            clean = views(api)
            assert_exactly_once(clean, log_positions(api))
    finally:
        deployment.stop(drop=True)
    assert len(clean["coordination"]) == CASES
    return clean


def faulty_run(cluster, faults, **env) -> tuple[dict, dict]:  # noqa: ANN001, ANN003
    clock = ManualClock(START)
    deployment = new_deployment(cluster, clock, **env)
    try:
        with running(deployment, clock) as api:
            run_stream(api, CASES, {n: (lambda f=f: f(api, deployment)) for n, f in faults.items()})
            return views(api), log_positions(api)
    finally:
        deployment.stop(drop=True)


def check(result: tuple[dict, dict], clean: dict) -> None:
    view, logs = result
    assert_exactly_once(view, logs)
    assert without_positions(view) == without_positions(clean)


@pytest.mark.parametrize("service", ["intake", "coordination", "reporting"])
def test_a_service_killed_mid_stream_and_restarted(cluster, clean_views, service):
    def kill(api, deployment):  # noqa: ANN001
        deployment.kill(service, signal.SIGKILL)
        if service == "intake":  # its own commands wait for it: restart at once
            deployment.start([service])

    def restart(api, deployment):  # noqa: ANN001
        if service not in deployment.processes:
            deployment.start([service])

    check(faulty_run(cluster, {5: kill, 14: restart}), clean_views)


def test_the_broker_restarted_empty_mid_stream(cluster, clean_views):
    def wipe(api, deployment):  # noqa: ANN001
        api.settle()
        cluster.broker.restart()  # Tansu is memory-only: it comes back with no topics, no offsets

    check(faulty_run(cluster, {9: wipe}), clean_views)


def test_consumers_restarted_mid_stream(cluster, clean_views):
    def restart(api, deployment):  # noqa: ANN001
        for service in ("coordination", "evaluation", "reporting"):
            deployment.restart(service)

    check(faulty_run(cluster, {7: restart}), clean_views)


def test_every_message_delivered_twice(cluster, clean_views):
    check(faulty_run(cluster, {}, BANGNIN_TEST_PUBLISH_TWICE="true"), clean_views)
