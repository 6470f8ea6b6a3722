"""Parallel conflicting commands on every writing service: never a 5xx, exactly one consistent state.

Each test fires the same (or rival) commands from many threads at once, released together by a
barrier, through the test client (in-process ASGI, or the distributed processes over HTTP), then
checks the event history: one event where one change was asked for, however many asked.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
import threading
from typing import Callable

from tests.e2e.coordination_support import events
from tests.e2e.evaluation_support import conclude_case
from tests.support import ApiClient, application_body, delegation_body, open_case

PARALLEL = 20


def parallel(calls: list[Callable[[], object]]) -> list:
    """Run the calls at once (one thread each, released together); their responses, in order."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], object]):  # noqa: ANN202
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def no_server_error(responses: list) -> None:
    assert all(r.status_code < 500 for r in responses), [(r.status_code, r.text[:200]) for r in responses]
    for r in responses:
        if r.status_code >= 400:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in r.json()["detail"]), r.text


def position(response) -> int:  # noqa: ANN001
    service, _, at = response.headers["X-Bangnin-Position"].partition(":")
    return int(at)


def submitted(api: ApiClient, in_park: bool = True) -> str:
    """An application with both documents signed, ready to be decided."""
    r = api.post("/intake/applications", "applicant", json=application_body(project__in_industrial_park=in_park))
    assert r.status_code == 201, r.text
    case_id = r.json()["case_id"]
    assert api.post(f"/intake/applications/{case_id}/delegation", "applicant", json=delegation_body()).status_code == 201
    assert api.post(f"/intake/applications/{case_id}/commitment", "applicant", json={"signed_by": "李晓明"}).status_code == 201
    return case_id


def login(api: ApiClient, *users: str) -> None:
    for user in users:  # tokens first: the threads then share them
        api.token(user)


def test_twenty_parallel_acceptances_accept_once_and_open_the_case_once(api):
    login(api, "applicant", "park_agent")
    case_id = submitted(api)
    responses = parallel([lambda: api.post(f"/intake/applications/{case_id}/acceptance", "park_agent")] * PARALLEL)
    no_server_error(responses)
    assert [r.status_code for r in responses] == [200] * PARALLEL
    assert {r.json()["status"] for r in responses} == {"accepted"}
    (accepted,) = events(api, "intake", case_id, "intake.ApplicationAccepted")
    assert all(position(r) >= accepted.position for r in responses)  # idempotent ones: the head, at or after it
    api.settle()
    assert len(events(api, "coordination", case_id, "coordination.CaseOpened")) == 1
    assert len(events(api, "evaluation", case_id, "evaluation.CaseRegistered")) == 1


def test_accept_reject_and_withdraw_raced_decide_once(api):
    login(api, "applicant", "park_agent")
    for _ in range(3):
        case_id = submitted(api)
        path = f"/intake/applications/{case_id}"
        rivals = [lambda: api.post(f"{path}/acceptance", "park_agent"),
                  lambda: api.post(f"{path}/rejection", "park_agent", json={"reason": "项目不属于代办帮办范围"}),
                  lambda: api.post(f"{path}/withdrawal", "applicant", json={"reason": "企业调整投资计划"})]
        responses = parallel([rivals[i % 3] for i in range(18)])
        no_server_error(responses)
        assert {r.status_code for r in responses} <= {200, 409}
        decisions = [e for e in events(api, "intake", case_id)
                     if e.type in ("intake.ApplicationAccepted", "intake.ApplicationRejected", "intake.ApplicationWithdrawn")]
        assert len(decisions) == 1, [e.type for e in decisions]
        final = api.get(path, "park_agent").json()["status"]
        assert {r.json()["status"] for r in responses if r.status_code == 200} == {final}
        refused = [r for r in responses if r.status_code == 409]
        assert all(r.json().get("code") != "concurrent_update" for r in refused)  # refused by the state, not the race
        api.settle()
        opened = events(api, "coordination", case_id, "coordination.CaseOpened")
        assert len(opened) == (1 if final == "accepted" else 0)


def test_parallel_item_actions_on_one_case_each_recorded_once(api):
    items = [2, 7, 9, 10, 24]
    case_id = open_case(api, items=items)
    login(api, "park_agent")
    path = f"/coordination/cases/{case_id}/items/{{}}/actions"
    for action in ("file", "accept"):
        responses = parallel([
            (lambda no=no: api.post(path.format(no), "park_agent", json={"action": action}))
            for no in items for _ in range(4)])
        no_server_error(responses)
        assert [r.status_code for r in responses] == [200] * len(responses)
    changed = events(api, "coordination", case_id, "coordination.ItemStateChanged")
    assert sorted((e.payload["item_no"], e.payload["action"]) for e in changed) == sorted(
        (no, action) for no in items for action in ("file", "accept"))
    case = api.get(f"/coordination/cases/{case_id}", "park_agent").json()
    assert {i["status"] for i in case["items"]} == {"accepted"}


def test_parallel_register_changes_register_once(api):
    login(api, "dept_zjj")
    change = {"items": [10], "replaced": "白芳", "replacement": {"name": "刘洋", "phone": "13900001111"},
              "effective_on": "2026-09-21", "reason": "白芳调岗"}
    other = {**change, "replacement": {"name": "赵敏", "phone": "13900002222"}, "reason": "刘洋借调"}
    responses = parallel([lambda: api.post("/coordination/agent-register/zjj/changes", "dept_zjj", json=change)] * 10
                         + [lambda: api.post("/coordination/agent-register/zjj/changes", "dept_zjj", json=other)] * 10)
    no_server_error(responses)
    assert {r.status_code for r in responses} == {201}
    recorded = events(api, "coordination", None, "coordination.AgentRegisterChanged")
    assert 2 <= len(recorded) <= 20 and sorted(e.payload["change_no"] for e in recorded) == list(range(1, len(recorded) + 1))
    # every answer names a change that was recorded, with the body that was sent
    by_no = {e.payload["change_no"]: e.payload["replacement"]["name"] for e in recorded}
    assert all(by_no[r.json()["change_no"]] == r.json()["replacement"]["name"] for r in responses)


def test_parallel_ratings_and_rectification_actions_recorded_once(api):
    case_id = conclude_case(api, items=[2, 7])
    login(api, "applicant", "park_agent", "supervisor")
    rating = {"level": "dissatisfied", "channel": "portal", "comment": "用地预审环节来回跑了三次"}
    responses = parallel([lambda: api.post(f"/evaluation/cases/{case_id}/rating", "applicant", json=rating,
                                           headers={"Idempotency-Key": "rate-once"})] * PARALLEL)
    no_server_error(responses)
    assert [r.status_code for r in responses] == [201] * PARALLEL
    assert len({r.json()["rectification_id"] for r in responses}) == 1
    assert len(events(api, "evaluation", case_id, "evaluation.RatingGiven")) == 1
    assert len(events(api, "evaluation", case_id, "evaluation.RectificationOpened")) == 1

    rect_id = responses[0].json()["rectification_id"]
    act = f"/evaluation/rectifications/{rect_id}/actions"
    call = {"action": "record_follow_up_call", "note": "电话联系经办人李晓明，已接通", "reached": True}
    for body in ({"action": "start"}, call):
        responses = parallel([lambda body=body: api.post(act, "park_agent", json=body)] * PARALLEL)
        no_server_error(responses)
        assert [r.status_code for r in responses] == [200] * PARALLEL
    changed = events(api, "evaluation", case_id, "evaluation.RectificationStateChanged")
    assert [e.payload["action"] for e in changed] == ["start", "record_follow_up_call"]

    draws = parallel([lambda: api.post("/evaluation/follow-ups/draws", "supervisor", headers={"Idempotency-Key": "d1"},
                                       json={"period_start": "2026-09-01", "period_end": "2026-09-30", "ratio": 1})] * 10)
    no_server_error(draws)
    assert {r.status_code for r in draws} == {201} and len({r.json()["draw_id"] for r in draws}) == 1
    assert len(events(api, "evaluation", None, "evaluation.FollowUpDrawn")) == 1
    draw_id = draws[0].json()["draw_id"]
    visit = {"case_id": case_id, "outcome": "reached", "level": "satisfied", "note": "回访满意", "visited_on": "2026-09-21"}
    visits = parallel([lambda: api.post(f"/evaluation/follow-ups/{draw_id}/visits", "supervisor", json=visit)] * 10)
    no_server_error(visits)
    assert {r.status_code for r in visits} == {201}
    assert len(events(api, "evaluation", case_id, "evaluation.FollowUpVisited")) == 1
