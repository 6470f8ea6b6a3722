"""Ratings keyed in by an agent (代录: a paper 评价表, a phone call) and the applicant's own rating (issue 10).

The applicant's own rating is the case's rating; a keyed-in one is recorded on the rater's behalf with
the rater's identity and the date on the paper, marked 代录, and never precedes or displaces the
applicant's own; the agent whose work is rated cannot key one in for their own case; 追评 are bounded."""

from __future__ import annotations

from shared.settings import Settings
from tests.e2e.evaluation_support import act, conclude_case, rate, terminate_case
from tests.support import start_app

PAPER = {"name": "赵志刚", "phone": "13904731234"}


def test_the_agent_being_rated_cannot_decide_the_rating(api):
    case_id = terminate_case(api, in_park=False)  # the district window's case: window_agent is its case agent
    mine = rate(api, case_id, "very_satisfied", as_="window_agent", channel="written", rater=PAPER, signed_on="2026-09-21")
    assert mine.status_code == 403 and "被评价的代办帮办员不能代录" in mine.json()["detail"]
    keyed = rate(api, case_id, "very_satisfied", as_="supervisor", channel="written", rater=PAPER, signed_on="2026-09-21")
    assert keyed.status_code == 201, keyed.text
    own = rate(api, case_id, "very_dissatisfied", comment="办理拖沓")
    assert own.status_code == 201 and own.json()["follow_up"] is False and own.json()["case_rating"] is True
    api.settle()
    ratings = {r["rating_no"]: r for r in api.get(f"/evaluation/cases/{case_id}", "supervisor").json()["ratings"]}
    assert ratings[1]["keyed_in"] is True and ratings[1]["keyed_in_label"] == "代录" and ratings[1]["case_rating"] is False
    assert ratings[1]["rater"]["recorded_by"] == "supervisor" and ratings[1]["signed_on"] == "2026-09-21"
    assert ratings[1]["rater"]["name"] == "赵志刚" and ratings[1]["real_name"] is True
    # the case counts as the applicant rated it, in every figure
    assert api.get(f"/reporting/cases?status=terminated", "supervisor").json()["items"][0]["rating"] == "very_dissatisfied"
    by_level = api.get("/reporting/satisfaction", "supervisor").json()
    assert by_level["ratings"] == 1 and by_level["by_level"]["very_dissatisfied"] == 1
    assert by_level["by_level"].get("very_satisfied", 0) == 0


def test_a_keyed_in_rating_counts_only_until_the_applicant_rates(api):
    case_id = conclude_case(api)
    keyed = rate(api, case_id, "satisfied", as_="supervisor", channel="phone", rater=PAPER, signed_on="2026-09-21")
    assert keyed.status_code == 201 and keyed.json()["case_rating"] is True  # no own rating yet: the paper counts
    api.settle()
    assert api.get("/reporting/satisfaction", "supervisor").json()["by_level"]["satisfied"] == 1
    assert rate(api, case_id, "basically_satisfied").json()["case_rating"] is True
    api.settle()
    figures = api.get("/reporting/satisfaction", "supervisor").json()
    assert figures["ratings"] == 1 and figures["by_level"]["basically_satisfied"] == 1


def test_a_keyed_in_rating_needs_the_date_on_the_paper(api):
    case_id = conclude_case(api)
    r = rate(api, case_id, "satisfied", as_="supervisor", channel="written", rater=PAPER)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "signed_on"
    r = rate(api, case_id, "satisfied", as_="supervisor", channel="written", rater=PAPER, signed_on="2026-09-20")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "signed_on" and "不能早于" in r.text
    r = rate(api, case_id, "satisfied", as_="supervisor", channel="written", rater=PAPER, signed_on="2026-09-30")
    assert r.status_code == 422 and "不能晚于今日" in r.text
    r = rate(api, case_id, "satisfied", signed_on="2026-09-21")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "signed_on"


def test_follow_ups_are_bounded_one_open_rectification_per_rater(api):
    case_id = conclude_case(api)
    first = rate(api, case_id, "dissatisfied", comment="慢")
    rect_id = first.json()["rectification_id"]
    again = rate(api, case_id, "very_dissatisfied", comment="还是慢")
    assert again.status_code == 201 and again.json()["follow_up"] is True
    assert again.json()["rectification_id"] == rect_id  # the same open rectification, not a second one
    other = rate(api, case_id, "dissatisfied", as_="supervisor", channel="phone", rater=PAPER, signed_on="2026-09-21")
    assert other.status_code == 201 and other.json()["rectification_id"] not in (None, rect_id)  # another rater
    api.settle()
    rects = api.get(f"/evaluation/cases/{case_id}", "supervisor").json()["rectifications"]
    assert len(rects) == 2
    for n in range(2):
        assert rate(api, case_id, "satisfied", comment=f"追评{n}").status_code == 201
    capped = rate(api, case_id, "satisfied", comment="再追评")
    assert capped.status_code == 409 and capped.json()["code"] == "follow_up_limit"
    # once the rater's rectification is finished, their next 差评 opens a new one
    paper_rect = other.json()["rectification_id"]
    for action, body in (("start", {}), ("record_follow_up_call", {"reached": True, "note": "已回访"}),
                         ("verify", {"note": "属实"}), ("rectify", {"note": "已整改"})):
        assert act(api, paper_rect, action, as_="supervisor", **body).status_code == 200, action
    later = rate(api, case_id, "dissatisfied", as_="supervisor", channel="phone", rater=PAPER, signed_on="2026-09-21",
                 comment="整改后仍不满意")
    assert later.status_code == 201 and later.json()["rectification_id"] not in (None, rect_id, paper_rect)


def test_the_cap_is_a_setting(data_dir, clock):
    with start_app(Settings(data_dir=data_dir, relay_poll_seconds=0.05, max_follow_up_ratings=0), clock) as api:
        case_id = conclude_case(api)
        assert rate(api, case_id, "satisfied").status_code == 201
        r = rate(api, case_id, "very_satisfied")
        assert r.status_code == 409 and "最多追评 0 次" in r.json()["detail"]
