"""Helpers of the evaluation e2e tests: a case taken through coordination to its conclusion over HTTP."""

from __future__ import annotations

from tests.support import ApiClient, confirm_closure, open_case


def conclude_case(api: ApiClient, *, applicant: str = "applicant", items: list[int] | None = None,
                  in_park: bool = True) -> str:
    """Open a case, conclude every item (file → accept → approve) and complete it: returns the case id."""
    items = items or [2, 7]
    case_id = open_case(api, applicant=applicant, items=items, in_park=in_park)
    agent = "park_agent" if in_park else "window_agent"
    for no in items:
        for action in ("file", "accept", "approve"):
            r = api.post(f"/coordination/cases/{case_id}/items/{no}/actions", agent, json={"action": action})
            assert r.status_code == 200, r.text
    r = api.post(f"/coordination/cases/{case_id}/completion", agent, json={"materials_returned": True, "note": "办结"})
    assert r.status_code == 200, r.text
    confirm_closure(api, case_id, applicant)
    api.settle()
    return case_id


def terminate_case(api: ApiClient, *, applicant: str = "applicant", in_park: bool = True) -> str:
    case_id = open_case(api, applicant=applicant, items=[2], in_park=in_park)
    agent = "park_agent" if in_park else "window_agent"
    r = api.post(f"/coordination/cases/{case_id}/termination", agent,
                 json={"reason": "项目不具备办理条件", "reason_code": "conditions_not_met"})
    assert r.status_code == 200, r.text
    confirm_closure(api, case_id, applicant)
    api.settle()
    return case_id


def rate(api: ApiClient, case_id: str, level: str, as_: str = "applicant", channel: str = "portal", **extra):
    return api.post(f"/evaluation/cases/{case_id}/rating", as_, json={"level": level, "channel": channel, **extra})


def act(api: ApiClient, rect_id: str, action: str, as_: str = "park_agent", **body):
    return api.post(f"/evaluation/rectifications/{rect_id}/actions", as_, json={"action": action, **body})
