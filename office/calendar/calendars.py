"""The office calendar's rules: the stored calendar as a ``workhours.WorkCalendar``, and every
change admins make to it.

China's working calendar is the weekdays minus the State Council's holidays plus its 调休
make-up days, which change every year; an office keeps its own hours. Everything that counts
office time (leave days, SLA clocks) asks ``office_calendar()`` here rather than assuming Monday
to Friday. ``round_the_clock()`` is the calendar of kinds that run 24×7 (客服 during 双11).

Pure rules: models, request_cache and workhours; never views, templates or ``flask.request``.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from office import request_cache
from office.audit.trail import record
from office.db import db
from office.models.base import utcnow
from office.models.calendar import DAY_KINDS, HOLIDAY, MAKEUP, CalendarDay, CalendarSettings
from office.models.people import User
from office.rules import NotFound, RuleError
from office.workhours import ROUND_THE_CLOCK, WorkCalendar

SETTINGS_ID = 1
DEFAULT = WorkCalendar()
# A pasted range longer than this is a typing slip (2026-10-01..2026-12-07), not a holiday.
MAX_RANGE_DAYS = 31
NAME_MAX = 40
# Every change reaches everyone's leave and every SLA clock, so each one is in the audit trail.
CALENDAR_CHANGED = "calendar_changed"

_SETTINGS = request_cache.entry("calendar.settings")
_DAYS = request_cache.entry("calendar.days")
_CALENDAR = request_cache.entry("calendar.office")


class CalendarError(RuleError):
    """A refused change to the calendar; ``field`` names the form box it concerns."""


# ---------------------------------------------------------------------------------------------
# Reading.

@dataclass(frozen=True)
class Hours:
    periods: tuple[tuple[dt.time, dt.time], ...]
    workdays: frozenset[int]


def hours() -> Hours:
    """The stored periods and weekdays (the defaults without a settings row). One query, once a request."""
    def build() -> Hours:
        row = CalendarSettings.get_or_none(CalendarSettings.id == SETTINGS_ID)
        if row is None:
            return Hours(DEFAULT.periods, DEFAULT.workdays)
        return Hours(parse_periods(row.periods), frozenset(int(c) for c in row.workdays if c in "1234567"))
    return _SETTINGS.get(build)


def exceptions() -> dict[dt.date, CalendarDay]:
    """Every dated exception by its date. One query, once a request: a year holds about thirty."""
    return _DAYS.get(lambda: {row.day: row for row in CalendarDay.select().order_by(CalendarDay.day)})


def office_calendar() -> WorkCalendar:
    """The office's working calendar, built from the database once a request."""
    def build() -> WorkCalendar:
        stored, days = hours(), exceptions()
        return WorkCalendar(
            periods=stored.periods, workdays=stored.workdays,
            holidays=frozenset(d for d, row in days.items() if row.kind == HOLIDAY),
            makeup_days=frozenset(d for d, row in days.items() if row.kind == MAKEUP))
    return _CALENDAR.get(build)


def round_the_clock() -> WorkCalendar:
    """The calendar of kinds that never stop (24×7): every hour of every day counts."""
    return ROUND_THE_CLOCK


def forget() -> None:
    """Drop this request's cached calendar after a change."""
    for entry in (_SETTINGS, _DAYS, _CALENDAR):
        entry.forget()


# ---------------------------------------------------------------------------------------------
# Working periods and weekdays.

_TIME = r"(\d{1,2})[:：](\d{2})"
_PERIOD = re.compile(rf"^{_TIME}\s*(?:-|–|—|~|～|至|到)\s*{_TIME}$")


def _clock(hour: str, minute: str, part: str) -> dt.time:
    h, m = int(hour), int(minute)
    if h == 24 and m == 0:
        # "18:00-24:00" means to midnight; the arithmetic needs a time of day.
        return dt.time(23, 59, 59)
    if h > 23 or m > 59:
        raise CalendarError(_l("“%(part)s” is not a time of day.", part=part), "periods")
    return dt.time(h, m)


def parse_periods(text: str) -> tuple[tuple[dt.time, dt.time], ...]:
    """Periods as typed ("09:00-12:00, 13:30-18:00", one per line works too) in order.
    Raises CalendarError naming the bad part: not a period, ending before it starts, out of
    order or overlapping the one before."""
    text = unicodedata.normalize("NFKC", text or "")
    parts = [p.strip() for p in re.split(r"[,，;；、\n]+", text) if p.strip()]
    if not parts:
        raise CalendarError(_l("Give at least one working period, such as 09:00-12:00."), "periods")
    periods: list[tuple[dt.time, dt.time]] = []
    for part in parts:
        match = _PERIOD.match(part)
        if not match:
            raise CalendarError(_l("“%(part)s” is not a period like 09:00-12:00.", part=part), "periods")
        start = _clock(match[1], match[2], part)
        end = _clock(match[3], match[4], part)
        if end <= start:
            raise CalendarError(_l("The period %(part)s ends before it starts.", part=part), "periods")
        if periods and start < periods[-1][1]:
            raise CalendarError(_l("The periods %(first)s and %(second)s overlap or are out of order: list "
                                   "them from morning to evening, each starting after the one before ends.",
                                   first=format_period(periods[-1]), second=part), "periods")
        periods.append((start, end))
    return tuple(periods)


def format_period(period: tuple[dt.time, dt.time]) -> str:
    start, end = period
    return f"{start:%H:%M}-{'24:00' if end == dt.time(23, 59, 59) else f'{end:%H:%M}'}"


def format_periods(periods) -> str:
    return ", ".join(format_period(p) for p in periods)


def parse_workdays(values) -> frozenset[int]:
    """ISO weekday numbers from a form's checkboxes ("1" … "7")."""
    days = frozenset(int(v) for v in values if str(v) in {"1", "2", "3", "4", "5", "6", "7"})
    if not days:
        raise CalendarError(_l("Choose at least one working weekday."), "workdays")
    return days


def save_hours(periods_text: str, workday_values, by: User | None = None) -> Hours:
    """Check and store the periods and weekdays (one row, in one statement). Raises CalendarError."""
    periods = parse_periods(periods_text)
    workdays = parse_workdays(workday_values)
    values = {"periods": ",".join(format_period(p) for p in periods),
              "workdays": "".join(str(d) for d in sorted(workdays)), "updated_at": utcnow()}
    with db.atomic():
        if not CalendarSettings.update(values).where(CalendarSettings.id == SETTINGS_ID).execute():
            CalendarSettings.create(id=SETTINGS_ID, **values)
        record(CALENDAR_CHANGED, by, subject=values["periods"], workdays=values["workdays"])
    forget()
    return Hours(periods, workdays)


# ---------------------------------------------------------------------------------------------
# Dated exceptions.

def _clean_name(name: str) -> str:
    return unicodedata.normalize("NFKC", name or "").strip()[:NAME_MAX]


def add_day(day: dt.date, kind: str, name: str = "", by: User | None = None) -> CalendarDay:
    """Add one holiday or make-up day. Raises CalendarError when the date is already listed."""
    if kind not in DAY_KINDS:
        raise CalendarError(_l("Choose 放假 or 调休上班."), "kind")
    existing = CalendarDay.get_or_none(CalendarDay.day == day)
    if existing is not None:
        raise CalendarError(_l("%(day)s is already in the calendar (%(name)s); remove it first.",
                               day=day.isoformat(), name=existing.name or kind_label(existing.kind)), "day")
    with db.atomic():
        row = CalendarDay.create(day=day, kind=kind, name=_clean_name(name))
        record(CALENDAR_CHANGED, by, subject=f"+ {day.isoformat()} {row.name}", kind=kind)
    forget()
    return row


def remove_days(day_id: int, until: dt.date | None = None, by: User | None = None) -> int:
    """Remove one date, or with ``until`` the run of dates from it to ``until`` that share its kind
    and name (国庆节 10-01 to 10-07 at once), in one statement. Returns how many went."""
    row = CalendarDay.get_or_none(CalendarDay.id == day_id)
    if row is None:
        raise NotFound(day_id)
    last = until if until and until >= row.day else row.day
    with db.atomic():
        removed = CalendarDay.delete().where(
            (CalendarDay.day >= row.day) & (CalendarDay.day <= last)
            & (CalendarDay.kind == row.kind) & (CalendarDay.name == row.name)).execute()
        record(CALENDAR_CHANGED, by, subject=f"- {row.day.isoformat()}..{last.isoformat()} {row.name}",
               kind=row.kind, removed=removed)
    forget()
    return removed


HOLIDAY_WORDS = {"放假", "休", "休息", "假", "假期", "holiday", "off"}
MAKEUP_WORDS = {"调休上班", "上班", "补班", "调休", "makeup", "workday", "work"}
_DATE = r"\d{4}-\d{1,2}-\d{1,2}"
_RANGE = re.compile(rf"^({_DATE})(?:(?:\.\.|~|至|到|—|–)({_DATE}))?$")


@dataclass(frozen=True)
class ScheduleLine:
    line: int
    day: dt.date
    kind: str
    name: str


class ScheduleError(CalendarError):
    """A pasted schedule with bad lines: ``problems`` lists each, naming its line."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems), "schedule")
        self.problems = problems


def _date(text: str) -> dt.date:
    year, month, day = (int(p) for p in text.split("-"))
    return dt.date(year, month, day)


def parse_schedule(text: str) -> list[ScheduleLine]:
    """The dates of a pasted schedule, one line each:

        2026-10-01..2026-10-07 国庆节 放假
        2026-09-20 国庆节 调休上班

    a date or a range (``..``, ``~`` or 至), an optional name, then 放假 or 调休上班 (also 上班,
    补班). Blank lines and lines starting with # are skipped. Raises ScheduleError listing every
    bad line (a date twice counts as bad), so nothing is half imported."""
    text = unicodedata.normalize("NFKC", text or "")
    problems: list[str] = []
    seen: dict[dt.date, int] = {}
    found: list[ScheduleLine] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        words = line.split()
        match = _RANGE.match(words[0])
        if not match:
            problems.append(str(_l("Line %(line)d: “%(text)s” does not start with a date or a range of dates "
                                   "(2026-10-01 or 2026-10-01..2026-10-07).", line=number, text=line)))
            continue
        if len(words) < 2 or words[-1].lower() not in HOLIDAY_WORDS | MAKEUP_WORDS:
            problems.append(str(_l("Line %(line)d: “%(text)s” does not end with 放假 or 调休上班.",
                                   line=number, text=line)))
            continue
        try:
            first = _date(match[1])
            last = _date(match[2]) if match[2] else first
        except ValueError:
            problems.append(str(_l("Line %(line)d: “%(text)s” holds a date that does not exist.",
                                   line=number, text=line)))
            continue
        if last < first:
            problems.append(str(_l("Line %(line)d: the range ends before it starts.", line=number)))
            continue
        if (last - first).days >= MAX_RANGE_DAYS:
            problems.append(str(_l("Line %(line)d: a range of more than %(days)d days is not one holiday.",
                                   line=number, days=MAX_RANGE_DAYS)))
            continue
        kind = HOLIDAY if words[-1].lower() in HOLIDAY_WORDS else MAKEUP
        name = _clean_name(" ".join(words[1:-1]))
        day = first
        while day <= last:
            if day in seen:
                problems.append(str(_l("Line %(line)d: %(day)s is already on line %(other)d.",
                                       line=number, day=day.isoformat(), other=seen[day])))
                break
            seen[day] = number
            found.append(ScheduleLine(number, day, kind, name))
            day += dt.timedelta(days=1)
    if problems:
        raise ScheduleError(problems)
    if not found:
        raise ScheduleError([str(_l("Paste at least one line, such as “2026-10-01..2026-10-07 国庆节 放假”."))])
    return found


@dataclass(frozen=True)
class ImportReport:
    added: int
    changed: int
    unchanged: int


def import_schedule(text: str, by: User | None = None) -> ImportReport:
    """Import a pasted schedule all or nothing: every line is checked first (ScheduleError
    names each bad one), then each date is added, or its kind and name replaced, in one
    transaction. Dates the paste does not name are kept (an office's own days off)."""
    lines = parse_schedule(text)
    days = [entry.day for entry in lines]
    added = changed = unchanged = 0
    with db.atomic():
        existing = {row.day: row for row in CalendarDay.select().where(CalendarDay.day.in_(days))}
        new_rows = []
        for entry in lines:
            row = existing.get(entry.day)
            if row is None:
                new_rows.append({"day": entry.day, "kind": entry.kind, "name": entry.name})
                added += 1
            elif (row.kind, row.name) == (entry.kind, entry.name):
                unchanged += 1
            else:
                CalendarDay.update(kind=entry.kind, name=entry.name).where(CalendarDay.id == row.id).execute()
                changed += 1
        for start in range(0, len(new_rows), 100):
            CalendarDay.insert_many(new_rows[start:start + 100]).execute()
        record(CALENDAR_CHANGED, by, subject=f"{min(days).isoformat()}..{max(days).isoformat()}",
               added=added, changed=changed, unchanged=unchanged)
    forget()
    return ImportReport(added, changed, unchanged)


KIND_LABELS = {HOLIDAY: _l("Holiday (放假)"), MAKEUP: _l("Make-up working day (调休上班)")}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


@dataclass(frozen=True)
class Run:
    """Consecutive dates of one kind and name: how the editor lists and removes them."""
    first: CalendarDay
    last: CalendarDay
    count: int


def runs_in_year(year: int) -> list[Run]:
    """The year's exceptions in date order, consecutive days of one holiday joined (from the
    request's cached list)."""
    found: list[Run] = []
    for day, row in exceptions().items():
        if day.year != year:
            continue
        run = found[-1] if found else None
        if (run and (run.last.kind, run.last.name) == (row.kind, row.name)
                and run.last.day + dt.timedelta(days=1) == day):
            found[-1] = Run(run.first, row, run.count + 1)
        else:
            found.append(Run(row, row, 1))
    return found
