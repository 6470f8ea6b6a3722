"""The CaseEvaluation and Rectification aggregates, without infrastructure."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.errors import Conflict, Invalid
from services.evaluation.domain import CaseEvaluation
from services.evaluation.rectification import Rectification

TODAY = dt.date(2026, 11, 2)
CASE_ITEMS = {2: "zrzy", 7: "zjj", 24: "sthj"}


def meta(username: str = "applicant", role: str = "applicant") -> dict:
    return {"case_id": "BN1", "actor": {"username": username, "role": role}, "occurred_at": "2026-11-02T09:00:00+08:00"}


def registered() -> CaseEvaluation:
    return CaseEvaluation.register(case_id="BN1", applicant={"name": "甲公司", "credit_code": "91150303MA0N123401"},
                          service_point="park", case_agent={"username": "park_agent", "department": "gyyq"},
                          project={"name": "碳材料项目", "code": None}, meta=meta("system", "system"))


def concluded() -> CaseEvaluation:
    case = registered()
    assert case.invite("completed", "2026-10-30", case.applicant, "park", case.case_agent, case.project,
                       [{"item_no": n, "department": d} for n, d in CASE_ITEMS.items()], meta("system", "system"))
    return case


def rate(case: CaseEvaluation, level: str, comment: str | None = None, key: str | None = None):
    rater = {"kind": "applicant_account", "username": "applicant"}
    return case.rate(level=level, channel="portal", comment=comment, rater=rater, real_name=True, today=TODAY,
                     request_key=key, meta=meta())


def test_no_rating_before_the_case_concludes():
    with pytest.raises(Conflict):
        rate(registered(), "satisfied")


def test_invitation_happens_once():
    case = concluded()
    assert not case.invite("terminated", "2026-10-31", case.applicant, "park", case.case_agent, case.project, [],
                           meta("system", "system"))
    assert case.outcome == "completed"


def test_a_later_rating_is_a_follow_up_kept_beside_the_first():
    case = concluded()
    first, new = rate(case, "dissatisfied", "材料退回太慢")
    assert new and not first["follow_up"] and first["bad"]
    second, new = rate(case, "satisfied", "已经整改，满意")
    assert new and second["follow_up"] and second["rating_no"] == 2
    assert [r["level"] for r in case.ratings] == ["dissatisfied", "satisfied"]


def test_retries_do_not_record_twice():
    case = concluded()
    rate(case, "satisfied", "好", key="k1")
    assert rate(case, "very_satisfied", "不同内容但同一个键", key="k1")[1] is False
    assert rate(case, "satisfied", "好")[1] is False  # identical to the latest rating
    assert len(case.ratings) == 1


def test_default_rating_after_n_natural_days_is_marked_and_not_a_first_rating():
    case = concluded()
    assert not case.record_default(dt.date(2026, 11, 5), 7, meta("system", "system"))
    assert case.record_default(dt.date(2026, 11, 6), 7, meta("system", "system"))
    assert case.ratings[0]["defaulted"] and case.ratings[0]["level"] == "basically_satisfied"
    assert not case.record_default(dt.date(2026, 11, 9), 7, meta("system", "system"))
    own, _ = rate(case, "satisfied")
    assert own["follow_up"] is False and own["rating_no"] == 2


def opened(real_name: bool = True) -> Rectification:
    return Rectification.open(rectification_id="BN1-R1", case_id="BN1", rating_no=1, level="dissatisfied",
                         real_name=real_name, opened_on="2026-11-02", due_date="2026-11-09", due_date_estimated=False,
                         workdays=5, service_point="park", department="gyyq", agent={"username": "park_agent"},
                         meta=meta("applicant"))


def act(r: Rectification, action: str, note: str | None = "说明", *, items=None, reached=None,
        today: dt.date = TODAY, who: str = "park_agent") -> bool:
    return r.act(action, note=note, items=items, reached=reached, case_items=CASE_ITEMS, today=today,
                 meta=meta(who, "park_agent"))


def test_real_name_bad_rating_needs_a_follow_up_call_before_verification():
    r = opened()
    act(r, "start", None)
    with pytest.raises(Conflict, match="回访电话"):
        act(r, "verify", "情况属实")
    act(r, "record_follow_up_call", "已电话联系评价人", reached=True)
    act(r, "verify", "情况属实，涉及住建事项", items=[7])
    assert r.departments == ["zjj"] and r.items == [7]


def test_anonymous_bad_rating_is_verified_without_a_call():
    r = opened(real_name=False)
    act(r, "verify", "核实：窗口排队时间长")
    assert r.state == "in_progress"


def test_rectify_feedback_close_and_guards():
    r = opened(real_name=False)
    act(r, "start", None)
    with pytest.raises(Conflict, match="尚未核实"):
        act(r, "rectify", "整改")
    act(r, "verify", "属实")
    with pytest.raises(Invalid):
        act(r, "rectify", None)
    act(r, "rectify", "增加窗口人员")
    assert r.state == "rectified" and r.resolution["late"] is False
    with pytest.raises(Conflict, match="反馈"):
        act(r, "close", None)
    act(r, "give_feedback", "已向评价人反馈整改措施")
    assert act(r, "give_feedback", "已向评价人反馈整改措施") is False  # a retry
    act(r, "close", None)
    assert r.state == "closed"
    with pytest.raises(Conflict):
        act(r, "rectify", "再次整改")


def test_invalidation_goes_through_review_by_someone_else():
    r = opened(real_name=False)
    act(r, "verify", "评价内容与本案无关")
    act(r, "request_invalidation", "恶意差评", who="park_agent")
    assert r.state == "under_review"
    with pytest.raises(Conflict, match="自己"):
        act(r, "approve_review", None, who="park_agent")
    act(r, "reject_review", "证据不足", who="supervisor")
    assert r.state == "in_progress"
    act(r, "request_impossible", "涉及上级审批权限", who="park_agent")
    act(r, "approve_review", None, who="supervisor")
    assert r.state == "impossible"


def test_items_must_belong_to_the_case():
    r = opened(real_name=False)
    with pytest.raises(Invalid) as info:
        act(r, "verify", "属实", items=[30])
    assert info.value.field == "items"


def test_overdue_is_flagged_once_and_only_while_open():
    r = opened(real_name=False)
    assert not r.mark_overdue(dt.date(2026, 11, 9), meta("system", "system"))
    assert r.mark_overdue(dt.date(2026, 11, 10), meta("system", "system"))
    assert not r.mark_overdue(dt.date(2026, 11, 11), meta("system", "system"))
    assert r.state_label() == "整改超期" and r.state == "pending"
    act(r, "verify", "属实", today=dt.date(2026, 11, 11))
    act(r, "rectify", "整改", today=dt.date(2026, 11, 11))
    assert r.resolution["late"] is True and r.state_label() == "整改完成"
