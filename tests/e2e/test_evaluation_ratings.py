"""Ratings over HTTP: invitations, 409 before conclusion, 404 for another enterprise, 追评, consumer idempotency."""

from __future__ import annotations

from tests.e2e.evaluation_support import conclude_case, rate, terminate_case
from tests.support import open_case


def test_rating_is_refused_before_conclusion_and_private_to_the_enterprise(api):
    open_id = open_case(api, items=[2])
    r = rate(api, open_id, "satisfied")
    assert r.status_code == 409 and "尚未办结" in r.json()["detail"]
    assert rate(api, open_id, "satisfied", as_="applicant2").status_code == 404
    assert rate(api, "BN000000000000", "satisfied").status_code == 404

    case_id = conclude_case(api)
    other = rate(api, case_id, "very_satisfied", as_="applicant2")
    assert other.status_code == 404
    assert api.get(f"/evaluation/cases/{case_id}", "applicant2").status_code == 404
    assert case_id not in [i["case_id"] for i in api.get("/evaluation/invitations", "applicant2").json()]


def test_invitation_rating_and_follow_up_rating(api):
    case_id = conclude_case(api)
    invitations = api.get("/evaluation/invitations", "applicant").json()
    mine = next(i for i in invitations if i["case_id"] == case_id)
    assert mine["outcome"] == "completed" and mine["rated"] is False

    r = rate(api, case_id, "basically_satisfied", comment="总体可以")
    assert r.status_code == 201, r.text
    first = r.json()
    assert first["level_label"] == "基本满意" and first["level_label_form"] == "一般"
    assert first["real_name"] is True and first["follow_up"] is False and first["defaulted"] is False
    assert first["rater"]["kind"] == "applicant_account"

    again = rate(api, case_id, "very_satisfied", channel="mobile", comment="追评：后续服务很好")
    assert again.status_code == 201 and again.json()["follow_up"] is True and again.json()["rating_no"] == 2
    view = api.get(f"/evaluation/cases/{case_id}", "applicant").json()
    assert [x["level"] for x in view["ratings"]] == ["basically_satisfied", "very_satisfied"]
    assert view["status"] == "rated"
    assert api.get("/evaluation/invitations?pending_only=true", "applicant").json() == []


def test_retry_with_idempotency_key_records_once(api):
    case_id = conclude_case(api)
    body = {"level": "satisfied", "channel": "qr_code", "comment": "好"}
    for _ in range(2):
        r = api.post(f"/evaluation/cases/{case_id}/rating", "applicant", json=body, headers={"Idempotency-Key": "k-1"})
        assert r.status_code == 201 and r.json()["rating_no"] == 1
    assert len(api.get(f"/evaluation/cases/{case_id}", "applicant").json()["ratings"]) == 1


def test_bad_input_and_channels(api):
    case_id = conclude_case(api)
    r = rate(api, case_id, "excellent")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "level"
    r = rate(api, case_id, "satisfied", channel="written")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "channel"
    r = rate(api, case_id, "satisfied", as_="park_agent", channel="portal")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "channel"
    # the case agent (park_agent, who accepted it) may not key in a rating of its own case
    assert rate(api, case_id, "satisfied", as_="park_agent", channel="written", signed_on="2026-09-21").status_code == 403
    # a supervisor records a written form on behalf: anonymous without a name, real-name with one
    anon = rate(api, case_id, "satisfied", as_="supervisor", channel="written", signed_on="2026-09-21")
    assert anon.status_code == 201 and anon.json()["real_name"] is False and anon.json()["keyed_in"] is True
    named = rate(api, case_id, "very_satisfied", as_="supervisor", channel="phone", signed_on="2026-09-21",
                 rater={"name": "李晓明", "phone": "15714730770"})
    assert named.status_code == 201 and named.json()["real_name"] is True
    assert api.get(f"/evaluation/cases/{case_id}", "park_agent").json()["ratings"][-1]["rater"]["phone"] == \
        "15714730770"  # the service point makes the follow-up calls
    assert rate(api, case_id, "satisfied", as_="window_agent", channel="phone").status_code == 404


def test_terminated_case_is_invited_too(api):
    case_id = terminate_case(api)
    view = api.get(f"/evaluation/cases/{case_id}", "applicant").json()
    assert view["outcome"] == "terminated" and view["can_rate"] is True
    assert rate(api, case_id, "satisfied").status_code == 201


def test_duplicated_completion_event_opens_one_invitation(api):
    case_id = conclude_case(api)
    service = api.runtime.services.evaluation
    completed = next(e for e in _coordination_events(api) if e.type == "coordination.CaseCompleted"
                     and e.case_id == case_id)
    assert service.consume(completed) is False  # already processed at this position
    moved = completed.model_copy(update={"position": completed.position + 10_000})
    assert service.consume(moved) is True  # a duplicate published again elsewhere in the log
    assert service.consume(moved) is False
    api.settle()
    invited = [e for e in _evaluation_events(api) if e.type == "evaluation.RatingInvited" and e.case_id == case_id]
    assert len(invited) == 1
    assert [i["case_id"] for i in api.get("/evaluation/invitations", "applicant").json()].count(case_id) == 1


def _coordination_events(api):
    from shared.messaging.outbox import read_log

    return read_log(api.runtime.services.coordination, "coordination", 0, 10_000)


def _evaluation_events(api):
    from shared.messaging.outbox import read_log

    return read_log(api.runtime.services.evaluation, "evaluation", 0, 10_000)


def test_lists_survive_a_restart(api_factory):
    """The lookup index is folded from the event log: a restarted server lists the same."""
    with api_factory() as api:
        case_id = conclude_case(api)
        rect_id = rate(api, case_id, "dissatisfied", comment="慢").json()["rectification_id"]
        before = api.get("/evaluation/rectifications", "supervisor").json()
    with api_factory() as api:
        assert api.get("/evaluation/rectifications", "supervisor").json() == before
        assert [i["case_id"] for i in api.get("/evaluation/invitations", "applicant").json()] == [case_id]
        assert rate(api, case_id, "satisfied", comment="追评").json()["follow_up"] is True
        assert rect_id in [r["rectification_id"] for r in api.get("/evaluation/rectifications", "park_agent").json()]
