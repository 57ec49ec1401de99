"""The office calendar's rules (issue 15, point 2): office_calendar() builds a WorkCalendar from
the stored rows (defaults without them) once a request; periods are checked (ordered, not
overlapping); a pasted schedule is all or nothing with each bad line named; the seeded 2026
schedule matches the State Council's notice."""
from __future__ import annotations

import datetime as dt
import importlib

import pytest
from playhouse.test_utils import assert_query_count

from office import workhours
from office.calendar import calendars
from office.calendar.calendars import CalendarError, ScheduleError
from office.models.calendar import HOLIDAY, MAKEUP, CalendarDay, CalendarSettings

d = dt.date
t = dt.time


@pytest.fixture
def empty(app):
    """No settings row and no dates, on both databases (SQLite keeps what the migration seeded)."""
    CalendarDay.delete().execute()
    CalendarSettings.delete().execute()
    calendars.forget()


def test_office_calendar_is_built_from_the_rows(empty):
    CalendarSettings.create(id=1, periods="08:30-12:00,13:00-17:30", workdays="123456")
    CalendarDay.create(day=d(2026, 10, 1), kind=HOLIDAY, name="国庆节")
    CalendarDay.create(day=d(2026, 10, 2), kind=HOLIDAY, name="国庆节")
    CalendarDay.create(day=d(2026, 10, 11), kind=MAKEUP, name="国庆节")
    calendar = calendars.office_calendar()
    assert calendar == workhours.WorkCalendar(
        periods=((t(8, 30), t(12)), (t(13), t(17, 30))), workdays=frozenset({1, 2, 3, 4, 5, 6}),
        holidays=frozenset({d(2026, 10, 1), d(2026, 10, 2)}), makeup_days=frozenset({d(2026, 10, 11)}))
    assert calendar.day_seconds() == 8 * 3600
    assert calendar.is_workday(d(2026, 10, 3))  # a Saturday, and this office works Saturdays
    assert calendar.is_workday(d(2026, 10, 11)) and not calendar.is_workday(d(2026, 10, 1))


def test_without_rows_the_calendar_is_the_default_week(empty):
    assert calendars.office_calendar() == workhours.WorkCalendar()


def test_the_calendar_is_read_once_a_request(app, empty):
    with app.test_request_context():
        with assert_query_count(2):  # the settings row, the dates
            first = calendars.office_calendar()
            assert calendars.office_calendar() is first
            calendars.exceptions()
        calendars.add_day(d(2026, 12, 31), HOLIDAY, "公司年会")  # a change forgets the cached calendar
        assert d(2026, 12, 31) in calendars.office_calendar().holidays


def test_round_the_clock_counts_every_hour():
    calendar = calendars.round_the_clock()
    assert calendar.round_the_clock and calendar.day_seconds() == 86400
    assert calendar.is_workday(d(2026, 10, 1))


def test_sla_arithmetic_on_the_stored_calendar_skips_the_holiday(empty):
    from zoneinfo import ZoneInfo

    calendars.import_schedule("2026-10-01..2026-10-07 国庆节 放假\n2026-10-10 国庆节 调休上班")
    zone = ZoneInfo("Asia/Shanghai")
    # 09-30 17:00 Shanghai (09:00 UTC) with 2 working hours: 1 h that evening, then 10-08 09:00-10:00.
    due = workhours.add(dt.datetime(2026, 9, 30, 9, 0), 2 * 3600, calendars.office_calendar(), zone)
    assert due == dt.datetime(2026, 10, 8, 2, 0)


@pytest.mark.parametrize("text,periods", [
    ("09:00-12:00, 13:30-18:00", ((t(9), t(12)), (t(13, 30), t(18)))),
    ("９：００－１２：００，13:00~17:00", ((t(9), t(12)), (t(13), t(17)))),
    ("8:30-12:00\n13:00至17:30", ((t(8, 30), t(12)), (t(13), t(17, 30)))),
    ("00:00-24:00", ((t(0), t(23, 59, 59)),)),
])
def test_periods_as_typed(text, periods):
    assert calendars.parse_periods(text) == periods


@pytest.mark.parametrize("text,words", [
    ("", "请至少填写一个工作时段"),
    ("9点到12点", "不是 09:00-12:00 这样的时段"),
    ("09:00-25:00", "不是有效的时刻"),
    ("12:00-09:00", "结束时间早于开始时间"),
    ("13:30-18:00, 09:00-12:00", "重叠或顺序颠倒"),
    ("09:00-12:00, 11:00-18:00", "09:00-12:00 与 11:00-18:00 重叠"),
])
def test_bad_periods_are_refused_with_a_reason(app, text, words):
    with app.test_request_context(), pytest.raises(CalendarError) as refused:
        calendars.parse_periods(text)
    assert words in str(refused.value) and refused.value.field == "periods"


def test_saving_hours_stores_one_row(empty):
    calendars.save_hours("09:00-12:00,13:00-18:00", ["1", "2", "3", "4", "5", "6"])
    calendars.save_hours("09:30-12:00, 13:30-18:30", ["1", "2", "3", "4", "5"])
    row = CalendarSettings.get()
    assert (CalendarSettings.select().count(), row.periods, row.workdays) == (1, "09:30-12:00,13:30-18:30", "12345")
    with pytest.raises(CalendarError):
        calendars.save_hours("09:00-12:00", [])


def test_a_schedule_is_parsed_line_by_line():
    lines = calendars.parse_schedule("# 2026\n2026-10-01..2026-10-03 国庆节 放假\n\n2026-9-20 国庆节 调休上班\n"
                                     "2026-12-31 补班")
    assert [(x.line, x.day, x.kind, x.name) for x in lines] == [
        (2, d(2026, 10, 1), HOLIDAY, "国庆节"), (2, d(2026, 10, 2), HOLIDAY, "国庆节"),
        (2, d(2026, 10, 3), HOLIDAY, "国庆节"), (4, d(2026, 9, 20), MAKEUP, "国庆节"), (5, d(2026, 12, 31), MAKEUP, "")]


def test_a_bad_schedule_names_every_bad_line_and_saves_nothing(app, empty):
    text = ("2026-10-01..2026-10-07 国庆节 放假\n"
            "2026-10-32 国庆节 放假\n"
            "国庆节 2026-10-10 调休上班\n"
            "2026-10-10 国庆节\n"
            "2026-10-07..2026-10-01 国庆节 放假\n"
            "2026-10-05 重复 放假\n"
            "2026-01-01..2026-03-01 寒假 放假")
    with app.test_request_context(), pytest.raises(ScheduleError) as refused:
        calendars.import_schedule(text)
    problems = refused.value.problems
    # The office's language is Chinese by default: 第 N 行 names each bad line.
    assert [p.split("：")[0] for p in problems] == ["第 2 行", "第 3 行", "第 4 行", "第 5 行", "第 6 行", "第 7 行"]
    assert "日期不存在" in problems[0] and "开头不是日期" in problems[1]
    assert "结尾不是“放假”或“调休上班”" in problems[2] and "结束早于开始" in problems[3]
    assert "2026-10-05 已在第 1 行出现" in problems[4] and "超过 31 天" in problems[5]
    assert CalendarDay.select().count() == 0


def test_importing_adds_and_updates_in_one_go(empty):
    CalendarDay.create(day=d(2026, 10, 1), kind=MAKEUP, name="旧")
    CalendarDay.create(day=d(2026, 10, 2), kind=HOLIDAY, name="国庆节")
    CalendarDay.create(day=d(2026, 12, 31), kind=HOLIDAY, name="公司年会")
    report = calendars.import_schedule("2026-10-01..2026-10-07 国庆节 放假\n2026-10-10 国庆节 调休上班")
    assert (report.added, report.changed, report.unchanged) == (6, 1, 1)
    rows = {r.day: (r.kind, r.name) for r in CalendarDay.select()}
    assert rows[d(2026, 10, 1)] == (HOLIDAY, "国庆节") and rows[d(2026, 10, 10)] == (MAKEUP, "国庆节")
    assert rows[d(2026, 12, 31)] == (HOLIDAY, "公司年会")  # the office's own day off is kept
    assert len(rows) == 9


def test_adding_a_listed_date_is_refused_and_removing_a_missing_one_is_not_found(app, empty):
    calendars.add_day(d(2026, 10, 1), HOLIDAY, "国庆节")
    with app.test_request_context(), pytest.raises(CalendarError) as refused:
        calendars.add_day(d(2026, 10, 1), MAKEUP, "")
    assert "已在日历中（国庆节）" in str(refused.value)
    with pytest.raises(CalendarError):
        calendars.add_day(d(2026, 10, 2), "weekend")
    from office.rules import NotFound
    with pytest.raises(NotFound):
        calendars.remove_days(99999)


def test_the_seeded_2026_schedule_is_the_state_councils():
    """国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04): 33 days off, 6 weekend days worked."""
    seed = importlib.import_module("office.migrations.0012_office_calendar")
    days = {}
    for first, last, name in seed.HOLIDAYS_2026:
        day = dt.date.fromisoformat(first)
        while day <= dt.date.fromisoformat(last):
            days[day] = name
            day += dt.timedelta(days=1)
    assert len(days) == 3 + 9 + 3 + 5 + 3 + 3 + 7
    assert days[d(2026, 2, 15)] == "春节" and days[d(2026, 2, 23)] == "春节"
    assert days[d(2026, 10, 1)] == "国庆节" and days[d(2026, 10, 7)] == "国庆节"
    makeup = [dt.date.fromisoformat(day) for day, _ in seed.MAKEUP_DAYS_2026]
    assert makeup == [d(2026, 1, 4), d(2026, 2, 14), d(2026, 2, 28), d(2026, 5, 9), d(2026, 9, 20), d(2026, 10, 10)]
    assert all(day.isoweekday() in (6, 7) for day in makeup) and not set(makeup) & set(days)


def test_removing_a_run_removes_only_its_own_dates(empty):
    calendars.import_schedule("2026-10-01..2026-10-07 国庆节 放假\n2026-10-08 公司 放假\n2026-10-10 国庆节 调休上班")
    runs = calendars.runs_in_year(2026)
    assert [(r.first.day.day, r.last.day.day, r.count) for r in runs] == [(1, 7, 7), (8, 8, 1), (10, 10, 1)]
    assert calendars.remove_days(runs[0].first.id, until=d(2026, 10, 10)) == 7
    assert sorted(r.day.day for r in CalendarDay.select()) == [8, 10]
    assert calendars.remove_days(runs[1].first.id) == 1


def test_a_fresh_sqlite_install_knows_2026(app):
    """The migration seeds the rows (PostgreSQL's test reset empties tables, so SQLite only)."""
    if app.config["DATABASE_URL"].startswith("postgres"):
        pytest.skip("the PostgreSQL test database is emptied between tests")
    calendars.forget()
    calendar = calendars.office_calendar()
    assert d(2026, 10, 1) in calendar.holidays and d(2026, 10, 10) in calendar.makeup_days
    assert calendar.periods == ((t(9), t(12)), (t(13, 30), t(18)))
