"""Item and case clocks in working days."""

from __future__ import annotations

import datetime as dt

from shared.workcalendar import WorkCalendar
from services.coordination.clocks import case_clock, item_due, warning_date

CAL = WorkCalendar()


def test_due_date_skips_mid_autumn_and_national_day_and_counts_makeup_day():
    due = item_due(CAL, "2026-09-21", 10, [], dt.date(2026, 9, 21))
    assert due.due_date == dt.date(2026, 10, 12) and not due.estimated  # 09-25 off, 10-10 a working Saturday


def test_pause_moves_the_due_date_by_paused_working_days():
    due = item_due(CAL, "2026-09-21", 10, [("2026-09-28", "2026-10-12")], dt.date(2026, 10, 13))
    assert (due.due_date, due.paused_workdays) == (dt.date(2026, 10, 20), 6)
    open_pause = item_due(CAL, "2026-09-21", 10, [("2026-09-28", None)], dt.date(2026, 10, 9))
    assert open_pause.paused_workdays == 4  # 09-29, 09-30, 10-08, 10-09 so far


def test_2027_is_estimated_until_announced():
    assert item_due(CAL, "2026-12-24", 10, [], dt.date(2026, 12, 24)).estimated is True
    announced = WorkCalendar({dt.date(2027, 1, 1): "holiday"}, announced_years=[2027])
    due = item_due(announced, "2026-12-24", 10, [], dt.date(2026, 12, 24))
    assert (due.due_date, due.estimated) == (dt.date(2027, 1, 8), False)


def test_warning_is_one_working_day_before():
    assert warning_date(CAL, dt.date(2026, 10, 12), 1) == dt.date(2026, 10, 10)
    assert warning_date(CAL, dt.date(2026, 10, 12), 0) == dt.date(2026, 10, 12)


def test_case_clock_subtracts_days_when_every_running_item_is_paused():
    items = [
        {"accepted_on": "2026-09-21", "concluded_on": "2026-10-14", "pauses": [["2026-09-28", "2026-10-12"]],
         "due_date": "2026-10-20", "due_date_estimated": False},
        {"accepted_on": "2026-09-21", "concluded_on": "2026-09-30", "pauses": [],
         "due_date": "2026-10-12", "due_date_estimated": False},
    ]
    clock = case_clock(CAL, "2026-09-21", items, dt.date(2026, 10, 14))
    # working days after 09-21 up to 10-14: 22,23,24,28,29,30,10-08,09,10,12,13,14 = 12
    # paused for the whole case: 10-08, 10-09, 10-10, 10-12 (the other item ended on 09-30)
    assert (clock["elapsed_workdays"], clock["paused_workdays"], clock["net_workdays"]) == (12, 4, 8)
    assert clock["due_date"] == "2026-10-20"
