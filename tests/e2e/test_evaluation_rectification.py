"""差评 over HTTP: verification (with the follow-up call), rectification, feedback, closure; overdue on the
working-day calendar; the invalid-差评 review."""

from __future__ import annotations

from tests.e2e.evaluation_support import act, conclude_case, rate


def _events(api, kind: str, case_id: str) -> list:
    from shared.messaging.outbox import read_log

    api.settle()
    return [e for e in read_log(api.runtime.services.evaluation, "evaluation", 0, 10_000)
            if e.type == f"evaluation.{kind}" and e.case_id == case_id]


def test_bad_rating_is_verified_rectified_fed_back_and_closed(api):
    case_id = conclude_case(api, items=[2, 7])
    r = rate(api, case_id, "dissatisfied", comment="用地预审环节来回跑了三次")
    assert r.status_code == 201
    rect_id = r.json()["rectification_id"]
    assert rect_id == f"{case_id}-R1"

    listed = api.get("/evaluation/rectifications", "park_agent").json()
    mine = next(x for x in listed if x["rectification_id"] == rect_id)
    assert mine["state"] == "pending" and mine["state_label"] == "待整改"
    assert mine["due_date"] == "2026-09-29"  # 5 working days from Mon 21 Sep; Fri 25 Sep is 中秋节
    assert mine["departments"][0]["code"] == "gyyq" and mine["agent"]["username"] == "park_agent"
    assert rect_id in [x["rectification_id"] for x in api.get("/evaluation/rectifications", "supervisor").json()]
    assert rect_id not in [x["rectification_id"] for x in api.get("/evaluation/rectifications", "window_agent").json()]
    assert api.get(f"/evaluation/rectifications/{rect_id}", "dept_zrzy").status_code == 404

    assert act(api, rect_id, "start").status_code == 200
    refused = act(api, rect_id, "verify", note="情况属实")
    assert refused.status_code == 409 and "回访电话" in refused.json()["detail"]
    assert act(api, rect_id, "rectify", note="整改").status_code == 409  # not verified yet
    assert act(api, rect_id, "record_follow_up_call", note="电话联系经办人李晓明，已接通", reached=True).status_code == 200
    bad = act(api, rect_id, "verify", note="属实", items=[30])
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "items"
    verified = act(api, rect_id, "verify", note="属实：用地预审一次性告知不完整", items=[7])
    assert verified.status_code == 200 and verified.json()["departments"][0]["code"] == "zrzy"

    # the department of the item the comment concerns now sees it and rectifies
    assert rect_id in [x["rectification_id"] for x in api.get("/evaluation/rectifications", "dept_zrzy").json()]
    done = act(api, rect_id, "rectify", as_="dept_zrzy", note="修订用地预审一次性告知清单")
    assert done.status_code == 200 and done.json()["state_label"] == "整改完成"
    no_feedback = act(api, rect_id, "close")
    assert no_feedback.status_code == 409 and "反馈" in no_feedback.json()["detail"]
    fb = act(api, rect_id, "give_feedback", note="已修订告知清单，并电话向您反馈，感谢监督")
    assert fb.status_code == 200
    assert act(api, rect_id, "give_feedback", note="已修订告知清单，并电话向您反馈，感谢监督").status_code == 200
    closed = act(api, rect_id, "close")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    assert act(api, rect_id, "rectify", note="再来").status_code == 409

    view = api.get(f"/evaluation/cases/{case_id}", "applicant").json()
    assert view["rectifications"][0]["feedback"][0]["feedback"].startswith("已修订告知清单")
    assert len(_events(api, "FeedbackGiven", case_id)) == 1  # the retried feedback was not recorded twice
    changed = _events(api, "RectificationStateChanged", case_id)
    assert [e.payload["action"] for e in changed] == ["start", "record_follow_up_call", "verify", "rectify", "close"]
    assert changed[-2].actor.username == "dept_zrzy"


def test_rectification_goes_overdue_on_the_calendar_once(api, clock):
    case_id = conclude_case(api)
    rect_id = rate(api, case_id, "very_dissatisfied", comment="没人管").json()["rectification_id"]
    clock.advance(days=8)  # Tue 29 Sep: the due date itself, not yet overdue
    api.runtime.run_scheduled()
    x = api.get(f"/evaluation/rectifications/{rect_id}", "supervisor").json()
    assert x["overdue"] is False and x["state_label"] == "待整改"
    clock.advance(days=1)  # Wed 30 Sep
    api.runtime.run_scheduled()
    api.runtime.run_scheduled()
    x = api.get(f"/evaluation/rectifications/{rect_id}", "supervisor").json()
    assert x["overdue"] is True and x["state_label"] == "整改超期" and x["overdue_since"] == "2026-09-30"
    assert [r["rectification_id"] for r in api.get("/evaluation/rectifications?overdue=true", "supervisor").json()] == [rect_id]
    clock.advance(days=10)
    api.runtime.run_scheduled()
    assert len(_events(api, "RectificationOverdue", case_id)) == 1
    # still handled afterwards, and the late resolution says so
    assert api.get(f"/evaluation/cases/{case_id}", "supervisor").json()["ratings"][0]["real_name"] is True
    act(api, rect_id, "record_follow_up_call", note="已回访")
    act(api, rect_id, "verify", note="属实")
    late = act(api, rect_id, "explain", note="向企业解释办理时限的规定")
    assert late.status_code == 200 and late.json()["resolution"]["late"] is True


def test_invalid_bad_rating_review(api):
    case_id = conclude_case(api)
    rect_id = rate(api, case_id, "very_dissatisfied", as_="supervisor", channel="phone", signed_on="2026-09-21",
                   comment="（匿名来电）与本项目无关的投诉").json()["rectification_id"]
    x = api.get(f"/evaluation/rectifications/{rect_id}", "park_agent").json()
    assert x["real_name"] is False
    assert act(api, rect_id, "verify", note="来电内容与本案无关").status_code == 200  # anonymous: no call needed
    asked = act(api, rect_id, "request_invalidation", note="评价内容与代办帮办服务无关，属无效差评")
    assert asked.status_code == 200 and asked.json()["state"] == "under_review"
    assert act(api, rect_id, "approve_review", as_="park_agent").status_code == 403
    rejected = act(api, rect_id, "reject_review", as_="supervisor", note="请补充通话记录")
    assert rejected.status_code == 200 and rejected.json()["state"] == "in_progress"
    assert act(api, rect_id, "approve_review", as_="supervisor").status_code == 409  # nothing under review
    act(api, rect_id, "request_invalidation", note="已补充通话记录，来电与本案无关")
    approved = act(api, rect_id, "approve_review", as_="supervisor", note="认定为无效差评")
    assert approved.status_code == 200 and approved.json()["state_label"] == "无效差评"
    assert approved.json()["review"]["decided_by"] == "supervisor"
    act(api, rect_id, "give_feedback", note="经核实，该评价与本项目无关，已认定为无效差评")
    assert act(api, rect_id, "close").json()["state"] == "closed"
    r = act(api, rect_id, "launch")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "action"


def test_default_rating_is_off_by_default(api, clock):
    case_id = conclude_case(api)
    clock.advance(days=30)
    api.runtime.run_scheduled()
    assert api.get(f"/evaluation/cases/{case_id}", "applicant").json()["ratings"] == []
