"""Working-hours arithmetic (office/workhours.py): weekends, holidays, 调休 make-up days, the
lunch break, round-the-clock calendars, and budgets that end exactly at closing time."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from office.workhours import ROUND_THE_CLOCK, WorkCalendar, add, working_seconds

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOUR = 3600
# 2026-10-01..07 is the National Day holiday; Sunday 2026-09-20 and Saturday 2026-10-10 are its make-up
# working days (国务院办公厅关于2026年部分节假日安排的通知).
NATIONAL_DAY = WorkCalendar(holidays=frozenset(dt.date(2026, 10, d) for d in range(1, 8)),
                            makeup_days=frozenset({dt.date(2026, 9, 20), dt.date(2026, 10, 10)}))
OFFICE = WorkCalendar()  # 9:00–12:00 and 13:30–18:00, Monday to Friday: 7.5 h a day


def utc(y, m, d, hh=0, mm=0):
    """A Shanghai wall-clock time as the naive UTC the database stores."""
    return dt.datetime(y, m, d, hh, mm, tzinfo=SHANGHAI).astimezone(dt.timezone.utc).replace(tzinfo=None)


def test_a_working_day_has_its_periods_and_no_lunch():
    assert OFFICE.day_seconds() == 7.5 * HOUR
    assert working_seconds(utc(2026, 12, 7, 9), utc(2026, 12, 7, 18), OFFICE, SHANGHAI) == 7.5 * HOUR
    assert working_seconds(utc(2026, 12, 7, 12), utc(2026, 12, 7, 13, 30), OFFICE, SHANGHAI) == 0
    assert working_seconds(utc(2026, 12, 7, 11), utc(2026, 12, 7, 14), OFFICE, SHANGHAI) == 1.5 * HOUR


def test_the_weekend_does_not_count():
    # Friday 17:00 to Monday 10:00: one hour on Friday, one on Monday.
    assert working_seconds(utc(2026, 12, 4, 17), utc(2026, 12, 7, 10), OFFICE, SHANGHAI) == 2 * HOUR


def test_an_eight_hour_clock_opened_late_on_friday_is_due_on_monday():
    due = add(utc(2026, 12, 4, 17, 30), 8 * HOUR, OFFICE, SHANGHAI)
    # 0.5 h on Friday, 7.5 h on Monday: due at Monday's close.
    assert due == utc(2026, 12, 7, 18)
    assert working_seconds(utc(2026, 12, 4, 17, 30), due, OFFICE, SHANGHAI) == 8 * HOUR


def test_a_budget_ending_at_closing_time_is_due_at_closing_not_next_morning():
    assert add(utc(2026, 12, 7, 9), int(7.5 * HOUR), OFFICE, SHANGHAI) == utc(2026, 12, 7, 18)
    assert add(utc(2026, 12, 7, 9), 3 * HOUR, OFFICE, SHANGHAI) == utc(2026, 12, 7, 12)


def test_time_outside_hours_starts_counting_at_the_next_opening():
    assert add(utc(2026, 12, 5, 22), HOUR, OFFICE, SHANGHAI) == utc(2026, 12, 7, 10)
    assert add(utc(2026, 12, 7, 12, 10), HOUR, OFFICE, SHANGHAI) == utc(2026, 12, 7, 14, 30)


def test_holidays_stop_the_clock_and_make_up_days_run_it():
    # Wednesday 30 September 17:00 + 2 h: 1 h that day, then the week of National Day is off,
    # Thursday 8 October 10:00 is the due time.
    assert add(utc(2026, 9, 30, 17), 2 * HOUR, NATIONAL_DAY, SHANGHAI) == utc(2026, 10, 8, 10)
    # Sunday 20 September works (调休); a plain calendar would skip it.
    assert working_seconds(utc(2026, 9, 20), utc(2026, 9, 21), NATIONAL_DAY, SHANGHAI) == 7.5 * HOUR
    assert working_seconds(utc(2026, 9, 20), utc(2026, 9, 21), OFFICE, SHANGHAI) == 0
    assert NATIONAL_DAY.is_workday(dt.date(2026, 10, 10)) and not NATIONAL_DAY.is_workday(dt.date(2026, 10, 5))


def test_round_the_clock_counts_every_second():
    assert working_seconds(utc(2026, 11, 10, 23), utc(2026, 11, 11, 1), ROUND_THE_CLOCK, SHANGHAI) == 2 * HOUR
    assert add(utc(2026, 11, 10, 23, 55), 600, ROUND_THE_CLOCK, SHANGHAI) == utc(2026, 11, 11, 0, 5)


def test_add_and_working_seconds_agree_over_many_starts():
    start = utc(2026, 12, 3, 8)
    for step in range(0, 60 * 24 * 4, 47):  # every 47 minutes over four days, weekend included
        opened = start + dt.timedelta(minutes=step)
        for budget in (600, HOUR, 8 * HOUR, 20 * HOUR):
            due = add(opened, budget, OFFICE, SHANGHAI)
            assert working_seconds(opened, due, OFFICE, SHANGHAI) == budget


def test_bad_calendars_and_budgets_are_refused():
    with pytest.raises(ValueError):
        WorkCalendar(periods=((dt.time(13), dt.time(18)), (dt.time(9), dt.time(12))))
    with pytest.raises(ValueError):
        add(utc(2026, 12, 7), -1, OFFICE, SHANGHAI)
    with pytest.raises(ValueError):
        add(utc(2026, 12, 7), HOUR, WorkCalendar(workdays=frozenset()), SHANGHAI)
    assert working_seconds(utc(2026, 12, 7, 10), utc(2026, 12, 7, 9), OFFICE, SHANGHAI) == 0
