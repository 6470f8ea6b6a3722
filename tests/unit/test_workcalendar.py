from datetime import date

import chinese_calendar
import pytest
import yaml

from shared.workcalendar import SHIPPED_OVERRIDES, WorkCalendar, load_calendar, read_overrides, save_overrides


@pytest.fixture
def cal() -> WorkCalendar:
    return load_calendar()


def test_2025_spring_festival_and_national_day(cal):
    assert cal.is_workday(date(2025, 1, 26))  # Sunday, make-up working day
    assert cal.is_workday(date(2025, 2, 8))  # Saturday, make-up working day
    assert not any(cal.is_workday(date(2025, 1, d)) for d in range(28, 32))
    assert not any(cal.is_workday(date(2025, 10, d)) for d in range(1, 9))
    assert cal.is_workday(date(2025, 9, 28)) and cal.is_workday(date(2025, 10, 11))
    assert cal.is_workday(date(2025, 10, 9))
    assert not cal.is_workday(date(2025, 10, 12))  # ordinary Sunday


def test_2026_published_arrangement_from_package_data(cal):
    # The package ships the State Council's 2026 arrangement; check it is the one used.
    spring = [d for d, name in chinese_calendar.holidays.items() if d.year == 2026 and "Spring" in name]
    assert (min(spring), max(spring)) == (date(2026, 2, 15), date(2026, 2, 23))
    assert not any(cal.is_workday(date(2026, 2, d)) for d in range(15, 24))
    assert cal.is_workday(date(2026, 2, 14)) and cal.is_workday(date(2026, 2, 28))  # Saturdays
    assert not any(cal.is_workday(date(2026, 10, d)) for d in range(1, 8))
    assert cal.is_workday(date(2026, 9, 20)) and cal.is_workday(date(2026, 10, 10))  # Sun, Sat
    assert cal.is_workday(date(2026, 10, 8))
    assert not cal.is_estimated(2026)


def test_add_workdays_across_national_day_2026(cal):
    result = cal.add_workdays(date(2026, 9, 28), 5)  # Sep 29, 30, Oct 8, 9, 10 (Saturday)
    assert result.date == date(2026, 10, 10) and result.estimated is False
    assert cal.add_workdays(date(2026, 9, 30), 1).date == date(2026, 10, 8)
    assert cal.add_workdays(date(2026, 9, 28), 0).date == date(2026, 9, 28)
    assert cal.add_workdays(date(2026, 10, 8), -1).date == date(2026, 9, 30)
    assert cal.workdays_between(date(2026, 9, 28), date(2026, 10, 10)) == 5
    assert cal.workdays_between(date(2026, 10, 10), date(2026, 9, 28)) == -5


def test_20_working_day_licence_deadline_over_spring_festival_2025(cal):
    # Application 2025-01-20 (Mon): the 20th working day skips 28 Jan–4 Feb and counts 26 Jan, 8 Feb.
    assert cal.add_workdays(date(2025, 1, 20), 20).date == date(2025, 2, 21)


def test_2027_is_estimated_until_announced(cal, tmp_path):
    assert cal.is_estimated(2027) and 2027 not in cal.covered_years()
    guess = cal.add_workdays(date(2026, 12, 28), 5)
    assert guess.estimated is True
    assert cal.add_workdays(date(2026, 12, 21), 5).estimated is False

    admin_file = tmp_path / "calendar_overrides.yaml"
    save_overrides(admin_file, {date(2027, 1, 1): "holiday", "2027-01-02": "holiday"}, [2027])
    cal2 = load_calendar(admin_file)
    assert not cal2.is_estimated(2027) and 2027 in cal2.covered_years()
    result = cal2.add_workdays(date(2026, 12, 28), 5)  # Dec 29, 30, 31, (Jan 1 off) Jan 4, 5
    assert result == type(result)(date(2027, 1, 5), False)
    assert guess.date == date(2027, 1, 4)


def test_override_file_round_trip_and_json(tmp_path):
    json_file = tmp_path / "cal.json"
    save_overrides(json_file, {"2027-02-06": "workday"}, [])
    entries, years = read_overrides(json_file)
    assert entries == {date(2027, 2, 6): "workday"} and years == set()
    cal = load_calendar(json_file)
    assert cal.is_workday(date(2027, 2, 6))  # a Saturday made a working day
    assert cal.is_estimated(2027)  # entries alone do not make a year announced
    with pytest.raises(ValueError, match="workday 或 holiday"):
        save_overrides(json_file, {"2027-02-06": "maybe"}, [])


def test_shipped_override_file_is_valid_and_2027_empty():
    data = yaml.safe_load(SHIPPED_OVERRIDES.read_text(encoding="utf-8"))
    assert data["announced_years"] == [] and data["overrides"] == {}
    assert "2027" in SHIPPED_OVERRIDES.read_text(encoding="utf-8")


def test_override_beats_package_data():
    cal = WorkCalendar({date(2025, 10, 8): "workday"})
    assert cal.is_workday(date(2025, 10, 8)) and not cal.is_workday(date(2025, 10, 7))


def test_calendar_source_applies_each_change_once_in_any_order_the_latest_of_a_year_winning():
    from shared.workcalendar import CalendarChange, CalendarSource

    source = CalendarSource.load()
    first = CalendarChange(1, 2027, {date(2027, 1, 4): "holiday"}, announced=False)
    second = CalendarChange(2, 2027, {date(2027, 1, 5): "holiday"}, announced=True)
    other_year = CalendarChange(3, 2026, {date(2026, 12, 1): "holiday"})
    before = source.current
    assert source.apply(second, other_year) is True
    assert source.current is not before and before.is_workday(date(2027, 1, 5))  # replaced, not mutated
    assert source.apply(first) is True  # arrives late: the year keeps its latest change
    assert source.apply(first, second) is False
    cal = source.current
    assert cal.is_workday(date(2027, 1, 4)) and not cal.is_workday(date(2027, 1, 5))
    assert not cal.is_estimated(2027) and not cal.is_workday(date(2026, 12, 1))
    assert source.last_change_no() == 3 and source.latest_for(2027) == second
    assert source.with_change(CalendarChange(4, 2027, {})).is_workday(date(2027, 1, 5))
    with pytest.raises(ValueError, match="不属于 2027 年"):
        CalendarChange.from_payload({"change_no": 5, "year": 2027, "overrides": {"2026-01-05": "holiday"}})
