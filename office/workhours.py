"""Working-hours arithmetic: how much office time lies between two moments, and when a budget of
office time runs out. SLA clocks (work orders, mainline nodes) count in these hours, not in
wall-clock hours: a case opened at 17:30 on Friday with an 8-hour clock is due on Monday.

China's calendar is not "Monday to Friday minus holidays": the State Council moves working days
onto weekends around long holidays (调休), so a calendar names both its holidays and its
make-up working days. A calendar can also run round the clock (客服 during 双11).

Pure functions over naive UTC times (what the database stores) and a time zone given by the
caller; no Flask, no database. Imports nothing from office.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc
# A calendar that names no working day would make add() walk for ever; it stops after this many days.
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class WorkCalendar:
    """Working periods of a working day, which days work, and the exceptions.

    periods: (start, end) local times, in order, not overlapping; a lunch break is the gap
    between two periods. workdays: ISO weekday numbers (Monday 1 … Sunday 7).
    """

    periods: tuple[tuple[dt.time, dt.time], ...] = ((dt.time(9), dt.time(12)), (dt.time(13, 30), dt.time(18)))
    workdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    makeup_days: frozenset[dt.date] = field(default_factory=frozenset)  # 调休: a weekend day that works
    round_the_clock: bool = False

    def __post_init__(self):
        previous = dt.time.min
        for start, end in self.periods:
            if not previous <= start < end:
                raise ValueError("working periods must be in order, each ending after it starts")
            previous = end

    def is_workday(self, day: dt.date) -> bool:
        if self.round_the_clock or day in self.makeup_days:
            return True
        return day.isoweekday() in self.workdays and day not in self.holidays

    def day_seconds(self) -> int:
        """Working seconds in one full working day."""
        if self.round_the_clock:
            return 86400
        return sum(_seconds(start, end) for start, end in self.periods)


ROUND_THE_CLOCK = WorkCalendar(round_the_clock=True)


def _seconds(start: dt.time, end: dt.time) -> int:
    return (end.hour - start.hour) * 3600 + (end.minute - start.minute) * 60 + (end.second - start.second)


def _aware(moment: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    return moment.replace(tzinfo=UTC).astimezone(zone)


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def _windows(calendar: WorkCalendar, day: dt.date, zone: ZoneInfo):
    """The day's working windows as aware local datetimes."""
    if not calendar.is_workday(day):
        return
    if calendar.round_the_clock:
        yield (dt.datetime.combine(day, dt.time(), zone),
               dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone))
        return
    for start, end in calendar.periods:
        yield dt.datetime.combine(day, start, zone), dt.datetime.combine(day, end, zone)


def working_seconds(start: dt.datetime, end: dt.datetime, calendar: WorkCalendar, zone: ZoneInfo) -> int:
    """Working seconds between two naive UTC moments (0 when end is not after start)."""
    if end <= start:
        return 0
    if calendar.round_the_clock:
        return int((end - start).total_seconds())
    first, last = _aware(start, zone), _aware(end, zone)
    total = 0.0
    day = first.date()
    while day <= last.date():
        for window_start, window_end in _windows(calendar, day, zone):
            overlap = (min(window_end, last) - max(window_start, first)).total_seconds()
            if overlap > 0:
                total += overlap
        day += dt.timedelta(days=1)
    return int(total)


def add(start: dt.datetime, seconds: int, calendar: WorkCalendar, zone: ZoneInfo) -> dt.datetime:
    """The naive UTC moment at which ``seconds`` of working time, counted from ``start``, run out.

    A budget that runs out exactly at a window's end is due then (18:00), not at the next
    morning's opening.
    """
    if seconds < 0:
        raise ValueError("a budget of working time cannot be negative")
    if calendar.round_the_clock:
        return start + dt.timedelta(seconds=seconds)
    moment = _aware(start, zone)
    left = float(seconds)
    day = moment.date()
    for _ in range(MAX_DAYS):
        for window_start, window_end in _windows(calendar, day, zone):
            if window_end <= moment:
                continue
            begin = max(window_start, moment)
            available = (window_end - begin).total_seconds()
            if left <= available:
                return _naive_utc(begin + dt.timedelta(seconds=left))
            left -= available
        day += dt.timedelta(days=1)
    raise ValueError("this calendar has no working time in the next three years")
