"""The office calendar's page contexts: a month of days (working, weekend, holiday, make-up
working day) and the editor's lists. Two queries for any month: the settings row and the
exceptions, both cached for the request by office/calendar/calendars.py.
"""
from __future__ import annotations

import calendar as stdlib_calendar
import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from office.calendar import calendars
from office.clock import office_date
from office.models.calendar import HOLIDAY, MAKEUP

WEEKDAY_NAMES = (_l("Mon"), _l("Tue"), _l("Wed"), _l("Thu"), _l("Fri"), _l("Sat"), _l("Sun"))
WEEKDAY_LONG = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"),
                _l("Sunday"))
MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True)
class Span:
    """Consecutive days of one kind and name (国庆节 10-01 to 10-07), as the month view lists them."""
    first: dt.date
    last: dt.date
    kind: str
    name: str


def spans(days) -> list[Span]:
    found: list[Span] = []
    for d in days:
        last = found[-1] if found else None
        if last and (last.kind, last.name) == (d.kind, d.name) and last.last + dt.timedelta(days=1) == d.date:
            found[-1] = Span(last.first, d.date, d.kind, d.name)
        else:
            found.append(Span(d.date, d.date, d.kind, d.name))
    return found


@dataclass(frozen=True)
class Day:
    date: dt.date
    in_month: bool
    working: bool
    kind: str  # "work", "rest" (a weekday off by the office's week), HOLIDAY, MAKEUP
    name: str
    today: bool

    @property
    def label(self) -> str:
        """What the day is, for screen readers and the phone's legend."""
        if self.kind == HOLIDAY:
            return str(_l("%(name)s holiday", name=self.name)) if self.name else str(_l("Holiday"))
        if self.kind == MAKEUP:
            return (str(_l("Make-up working day for %(name)s", name=self.name)) if self.name
                    else str(_l("Make-up working day")))
        return str(_l("Working day")) if self.working else str(_l("Day off"))


def parse_month(text: str | None) -> dt.date:
    """The first of the month named "2026-10", else this month (the office's today)."""
    try:
        year, month = (int(p) for p in (text or "").split("-"))
        if MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12:
            return dt.date(year, month, 1)
    except ValueError:
        pass
    return office_date().replace(day=1)


def parse_year(text: str | None) -> int:
    try:
        year = int(text or "")
    except ValueError:
        return office_date().year
    return year if MIN_YEAR <= year <= MAX_YEAR else office_date().year


def _shift(month: dt.date, by: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + by
    return dt.date(index // 12, index % 12 + 1, 1)


def month_page(month: dt.date) -> dict:
    calendar = calendars.office_calendar()
    rows = calendars.exceptions()
    today = office_date()
    weeks = []
    for week in stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
        days = []
        for day in week:
            row = rows.get(day)
            working = calendar.is_workday(day)
            kind = row.kind if row is not None else ("work" if working else "rest")
            days.append(Day(day, day.month == month.month, working, kind, row.name if row else "", day == today))
        weeks.append(days)
    in_month = [d for week in weeks for d in week if d.in_month]
    previous, following = _shift(month, -1), _shift(month, 1)
    return {
        "month": month,
        "weeks": weeks,
        "weekday_names": WEEKDAY_NAMES,
        "exceptions": spans(d for d in in_month if d.kind in (HOLIDAY, MAKEUP)),
        "working_count": sum(1 for d in in_month if d.working),
        "previous": f"{previous:%Y-%m}",
        "following": f"{following:%Y-%m}",
        "this_month": f"{today:%Y-%m}",
        "periods": calendars.format_periods(calendar.periods),
        "workdays": [WEEKDAY_LONG[n - 1] for n in sorted(calendar.workdays)],
    }


def editor_page(year: int, *, periods: str | None = None, workdays=None, errors: dict | None = None,
                schedule: str = "", problems: list[str] | None = None, new_day: dict | None = None) -> dict:
    stored = calendars.hours()
    return {
        "year": year,
        "years": (year - 1, year + 1),
        "periods": calendars.format_periods(stored.periods) if periods is None else periods,
        "workdays": ({str(d) for d in stored.workdays} if workdays is None else set(workdays)),
        "weekday_long": WEEKDAY_LONG,
        "runs": calendars.runs_in_year(year),
        "kind_label": calendars.kind_label,
        "kinds": calendars.KIND_LABELS,
        "errors": errors or {},
        "schedule": schedule,
        "problems": problems or [],
        "new_day": new_day or {"day": "", "kind": HOLIDAY, "name": ""},
    }
