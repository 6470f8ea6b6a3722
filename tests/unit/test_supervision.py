"""The supervision loop's pure rules: routing a complaint, a submission's status, the complaint figures."""

from __future__ import annotations

from datetime import date

from shared.contracts.supervision import submission_schedule, submission_status
from services.evaluation.supervision import route
from services.reporting.periods import Period
from services.reporting.supervision import complaint_figures, complaint_overdue


def test_a_complaint_goes_to_the_department_given_else_the_cases_point_else_the_office():
    assert route("zrzy", "gyyq")[:2] == ("zrzy", "given")
    assert route(None, "gyyq")[:2] == ("gyyq", "case")
    assert route(None, None)[:2] == ("zwfw", "office")


def test_a_submission_is_due_by_the_15th_of_the_next_month():
    assert submission_schedule(2026, 12) == (date(2027, 1, 1), date(2027, 1, 15))
    due = date(2026, 12, 15)
    assert submission_status(False, date(2026, 12, 20), due) == "submitted"
    assert submission_status(True, date(2026, 12, 20), due) == "submitted_late"
    assert submission_status(None, due, due) == "not_due"
    assert submission_status(None, date(2026, 12, 16), due) == "missing"


def complaint(received: str, due: str, replied: str | None = None, late: bool = False, dept: str = "fgw") -> dict:
    return {"received_on": received, "due_date": due, "replied_on": replied, "late": late, "department": dept,
            "about_case_id": None}


def test_on_time_replies_count_over_those_answered_or_past_due():
    found = [complaint("2026-11-02", "2026-11-09", "2026-11-05"),          # on time
             complaint("2026-11-02", "2026-11-09", "2026-11-12", True),    # late
             complaint("2026-11-02", "2026-11-09"),                        # unanswered, past due
             complaint("2026-11-25", "2026-12-02"),                        # unanswered, not yet due: not counted
             complaint("2026-11-02", "2026-11-09", dept="zrzy")]           # another department
    got = complaint_figures(found, Period.month(2026, 11), date(2026, 11, 30), department="fgw")
    assert got["complaints"] == 4 and got["complaints_replied"] == 2 and got["complaints_overdue"] == 2
    assert got["on_time_reply_rate"] == {"value": 0.3333, "numerator": 1, "denominator": 3}
    assert complaint_overdue(found[1], date(2026, 11, 10)) is True  # before the late reply: past due
