"""代岗 (issue 11): a named deputy of the same service point acts for the case agent over a period, recorded
and shown on the case (the applicant reads it); 属地服务 (seed 三(一)) keeps the deputy at the case's service
point, and 代办人无转委托权 (附件5) keeps the case agent named on the 委托书: the deputy acts for them, not in
their place."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import DISTRIBUTED
from tests.e2e.coordination_support import act, case
from tests.support import open_case

ITEMS = [2, 7]  # a park case: park_agent is its agent; cpit_agent (区贸易促进会) serves at the same point


TODAY = dt.date(2026, 9, 21)  # the tests' clock (tests/conftest.py)


def cover(api, case_id: str, as_: str = "park_agent", **changes):  # noqa: ANN001, ANN201
    today = TODAY
    body = {"username": "cpit_agent", "from_date": today.isoformat(),
            "to_date": (today + dt.timedelta(days=7)).isoformat(), "reason": "年休假", **changes}
    return api.post(f"/coordination/cases/{case_id}/cover", as_, json=body)


def test_a_deputy_acts_for_the_case_agent_during_the_period_and_the_case_shows_it(api):
    case_id = open_case(api, items=ITEMS)
    r = act(api, case_id, 2, "file", "cpit_agent", expect=403)
    assert "本案件代办帮办员" in r["detail"]

    r = cover(api, case_id)
    assert r.status_code == 201, r.text
    assert r.json()["cover_no"] == 1
    assert cover(api, case_id).json()["cover_no"] == 1  # a retry records nothing new

    assert act(api, case_id, 2, "file", "cpit_agent")["item"]["status"] == "received"
    assert act(api, case_id, 7, "file", "park_agent")["item"]["status"] == "received"  # the agent too
    shown = case(api, case_id, "applicant")
    assert shown["case_agent"]["username"] == "park_agent"  # the 委托书's agent stays the case agent
    (c,) = shown["covers"]
    assert (c["deputy"]["username"], c["agent"]["username"], c["reason"], c["active"]) == ("cpit_agent", "park_agent", "年休假", True)
    api.settle()
    history = api.get(f"/reporting/cases/{case_id}/history", "applicant").json()["events"]
    assert any(e["type"] == "coordination.CaseCoverArranged" for e in history)  # in the history the applicant reads
    told = [m for m in api.get("/inbox", "applicant").json()["messages"] if m["kind"] == "cover" and m["case_id"] == case_id]
    assert len(told) == 1 and "由区贸易促进会帮您办代办员代岗办理" in told[0]["text"]  # and told
    asked = [m for m in api.get("/inbox", "cpit_agent").json()["messages"] if m["kind"] == "cover"]
    assert len(asked) == 1 and "请代岗办理" in asked[0]["text"]


def test_outside_the_period_the_deputy_may_not_act(api):
    case_id = open_case(api, items=ITEMS)
    later = TODAY + dt.timedelta(days=10)
    r = cover(api, case_id, from_date=later.isoformat(), to_date=(later + dt.timedelta(days=3)).isoformat())
    assert r.status_code == 201, r.text
    act(api, case_id, 2, "file", "cpit_agent", expect=403)
    assert case(api, case_id)["covers"][0]["active"] is False


def test_the_deputy_is_of_the_same_service_point_and_the_period_is_sane(api):
    case_id = open_case(api, items=ITEMS)
    r = cover(api, case_id, username="window_agent")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "username"
    assert "属地服务" in r.json()["detail"][0]["msg"]
    r = cover(api, case_id, username="park_agent")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "username"
    r = cover(api, case_id, username="dept_fgw")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "username"
    today = TODAY
    r = cover(api, case_id, from_date=today.isoformat(), to_date=(today - dt.timedelta(days=1)).isoformat())
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "to_date"
    assert cover(api, case_id, as_="window_agent").status_code == 403  # not this case's agent
    assert cover(api, case_id, as_="applicant").status_code == 403
    assert cover(api, case_id, as_="supervisor").status_code == 201  # the office may arrange it
    assert case(api, case_id)["covers"][0]["arranged_by"] == "supervisor"


@pytest.mark.skipif(DISTRIBUTED, reason="the pages are served by the embedded app here (as in test_web.py)")
def test_the_case_page_arranges_the_cover_and_gives_the_deputy_the_agents_forms(api):
    from tests.e2e.test_web import csrf_of, logged_in

    case_id = open_case(api, items=ITEMS)
    deputy = logged_in(api, "cpit_agent")
    assert "安排代岗（休假" not in deputy.get(f"/cases/{case_id}").text
    assert "一次性告知" not in deputy.get(f"/cases/{case_id}").text  # not theirs yet

    agent = logged_in(api, "park_agent")
    page = agent.get(f"/cases/{case_id}").text
    r = agent.post(f"/cases/{case_id}/cover", data={"csrf": csrf_of(page), "username": "window_agent",
                                                     "from_date": "2026-09-21", "to_date": "2026-09-28", "reason": "年休假"})
    assert r.status_code == 422 and "属地服务" in r.text and "年休假" in r.text  # said next to it, nothing lost
    r = agent.post(f"/cases/{case_id}/cover", data={"csrf": csrf_of(page), "username": "cpit_agent",
                                                     "from_date": "2026-09-21", "to_date": "2026-09-28", "reason": "年休假"},
                   follow_redirects=True)
    assert r.status_code == 200 and "代岗" in r.text and "2026年9月28日" in r.text

    deputy = logged_in(api, "cpit_agent")
    page = deputy.get(f"/cases/{case_id}").text
    assert "一次性告知" in page and "安排代岗（休假" not in page  # the agent's forms, not the cover form
