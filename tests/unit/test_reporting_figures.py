"""Figures over hand-made case views: 好差评 definitions, due states, the scorecard formula, the monthly schedule."""

from __future__ import annotations

from datetime import date

import pytest

from shared.workcalendar import load_calendar
from services.reporting.assessment import scorecard
from services.reporting.caseview import new_view
from services.reporting.figures import Basis, item_near_due, item_past_due, satisfaction
from services.reporting.monthly import monthly_report, schedule
from services.reporting.periods import Period, parse_month

CAL = load_calendar()
WEIGHTS = {"on_time": 40, "overdue": 15, "satisfaction": 25, "rectification": 10, "follow_up": 10}


def basis(today=date(2026, 11, 30), **kw) -> Basis:
    return Basis(today=today, calendar=CAL, warning_workdays=1, weights=WEIGHTS, **kw)


def item(no=2, dept="fgw", due="2026-11-16", status="approved", concluded="2026-11-10", on_time=True, paused=False):
    return {"item_no": no, "department": dept, "due_date": due, "status": status, "concluded_on": concluded,
            "on_time": on_time, "paused": paused, "assignees": ["陈起"], "accepted_on": "2026-11-02"}


def rating(level, no=1, follow_up=False, defaulted=False, real_name=True, channel="portal", on="2026-11-20"):
    return {"rating_no": no, "level": level, "follow_up": follow_up, "defaulted": defaulted, "real_name": real_name,
            "channel": channel, "rated_on": on, "bad": level in ("dissatisfied", "very_dissatisfied")}


def rect(no, state, finished=None, calls=(), real_name=True, due="2026-11-27", depts=("fgw",)):
    return {"rectification_id": f"X-R{no}", "rating_no": no, "real_name": real_name, "opened_on": "2026-11-20",
            "due_date": due, "departments": list(depts), "state": state,
            "rectified_on": finished if state == "rectified" else None, "finished_on": finished, "late": False, "overdue_on": None,
            "follow_up_calls": [{"reached": r} for r in calls]}


def case(case_id="C1", items=(), ratings=(), rects=(), status="completed", concluded="2026-11-18", agent="park_agent"):
    v = new_view(case_id)
    v.update(status=status, opened_on="2026-11-02", concluded_on=concluded, service_point="park",
             case_agent={"username": agent}, items=list(items), ratings=list(ratings), rectifications=list(rects))
    v["departments"] = sorted({i["department"] for i in items})
    return v


def test_the_good_rate_counts_basically_satisfied_only_by_setting_and_follow_ups_apart():
    c = case(items=[item()], ratings=[rating("very_satisfied"), rating("satisfied", 2, follow_up=True)])
    d = case("C2", items=[item()], ratings=[rating("basically_satisfied")])
    e = case("C3", items=[item()], ratings=[rating("very_dissatisfied")], rects=[rect(1, "pending")])
    s = satisfaction([c, d, e], basis())
    assert (s["ratings"], s["follow_up_ratings"]) == (3, 1)
    assert s["good_rate"] == {"value": 0.3333, "numerator": 1, "denominator": 3}
    assert s["bad_rate"]["numerator"] == 1
    assert satisfaction([c, d, e], basis(good_includes_basic=True))["good_rate"]["numerator"] == 2


def test_rectification_rate_excludes_invalid_and_follow_up_rate_needs_a_reached_call():
    ratings = [rating("dissatisfied", n) for n in (1, 2, 3, 4)]
    rects = [rect(1, "rectified", "2026-11-24", calls=[True]), rect(2, "invalid", "2026-11-23", calls=[False, True]),
             rect(3, "in_progress", calls=[False], due="2026-12-04"), rect(4, "pending", real_name=False, due="2026-11-25")]
    s = satisfaction([case(items=[item()], ratings=ratings, rects=rects)], basis())
    assert s["rectification_rate"] == {"value": 0.3333, "numerator": 1, "denominator": 3}
    assert s["real_name_follow_up_rate"] == {"value": 0.6667, "numerator": 2, "denominator": 3}
    assert s["overdue_rectifications"] == 1  # #4: open past its due date
    assert s["mean_rectification_workdays"] == 2  # 11-20 (Fri) → 11-24 (Tue)


def test_rating_rates_count_concluded_cases_and_active_ones_leave_defaults_out():
    rated = case("C1", items=[item()], ratings=[rating("satisfied")])
    defaulted = case("C2", items=[item()], ratings=[rating("basically_satisfied", defaulted=True, channel=None)])
    unrated = case("C3", items=[item()], status="terminated")
    running = case("C4", items=[item(status="accepted", concluded=None, on_time=None)], status="in_progress", concluded=None)
    s = satisfaction([rated, defaulted, unrated, running], basis())
    assert s["rating_rate"] == {"value": 0.6667, "numerator": 2, "denominator": 3}
    assert s["active_rating_rate"]["numerator"] == 1
    assert s["by_channel"] == {"portal": 1, "system_default": 1}


def test_near_and_past_due_use_working_days_and_ignore_paused_items():
    c = case(status="in_progress", concluded=None)
    friday = date(2026, 11, 27)
    due_monday = item(due="2026-11-30", status="accepted", concluded=None, on_time=None)
    assert item_near_due(c, due_monday, friday, basis(friday))  # one working day away over the weekend
    assert not item_past_due(c, due_monday, friday)
    assert item_past_due(c, due_monday, date(2026, 12, 1))
    assert not item_past_due(c, {**due_monday, "paused": True}, date(2026, 12, 1))


def test_scorecard_leaves_out_indicators_without_a_basis_and_shows_its_formula():
    late = item(no=3, due="2026-11-09", concluded="2026-11-10", on_time=False)
    c = case(items=[item(), late], ratings=[rating("satisfied")])
    card = scorecard([c], basis(), Period.month(2026, 11), department="fgw")
    [row] = card["departments"]
    values = {k: v["value"] for k, v in row["indicators"].items()}
    assert values == {"on_time": 0.5, "overdue": 0.5, "satisfaction": 1.0, "rectification": None, "follow_up": None,
                      "complaints": None}
    assert row["applicable"] == ["on_time", "overdue", "satisfaction"]
    assert row["score"] == round((40 * 0.5 + 15 * 0.5 + 25 * 1.0) / 80 * 100, 2)
    assert "40×on_time" in card["formula"]["score"] and "不适用" in card["formula"]["not_applicable"]


def test_monthly_schedule_and_status():
    assert schedule(2026, 11) == (date(2026, 12, 1), date(2026, 12, 15))
    assert schedule(2026, 12) == (date(2027, 1, 1), date(2027, 1, 15))
    c = case(items=[item()])
    assert monthly_report([c], basis(date(2026, 11, 28)), 2026, 11)["status"] == "provisional"
    report = monthly_report([c], basis(date(2026, 12, 16)), 2026, 11)
    assert report["status"] == "final" and report["totals"]["deadlines_kept"] == 1


@pytest.mark.parametrize("text", ["2026-13", "2026-1", "26-11", "十一月", "2026-11-01"])
def test_a_month_must_be_yyyy_mm(text):
    with pytest.raises(ValueError, match="YYYY-MM"):
        parse_month(text)


def test_each_department_computed_from_its_own_cases_gives_the_figures_of_all_cases(tmp_path, monkeypatch):
    """The monthly report and the scorecard compute each department from the cases naming it
    (``cases_by_department``); over a generated year, every figure equals the one computed from every case."""
    from bench.history import YEAR, History
    from services.reporting import assessment, monthly
    from services.reporting.projector import CASES, Projector
    from services.reporting.sqlite_store import SQLiteReadStore

    store = SQLiteReadStore(tmp_path / "r.sqlite")
    try:
        projector = Projector(store)
        for batch in History(60).batches():
            projector.handle_many(batch)
        cases = [c for c in store.find(CASES) if c.get("status")]
    finally:
        store.close()
    on = basis(today=date(YEAR + 1, 1, 11))
    narrowed = (monthly_report(cases, on, YEAR, 6), scorecard(cases, on, Period.month(YEAR, 6)),
                scorecard(cases, on))
    every = {code: cases for code in {i["department"] for c in cases for i in c["items"]}}
    monkeypatch.setattr(monthly, "cases_by_department", lambda _: every)
    monkeypatch.setattr(assessment, "cases_by_department", lambda _: every)
    assert narrowed == (monthly_report(cases, on, YEAR, 6), scorecard(cases, on, Period.month(YEAR, 6)),
                        scorecard(cases, on))
    assert len(narrowed[0]["departments"]) > 5 and narrowed[0]["totals"]["items_concluded"] > 0
