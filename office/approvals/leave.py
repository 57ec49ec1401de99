"""Leave (请假): how many days a request takes, and what is left of a person's yearly allowance.

- Days are counted, never typed: the office calendar's working days (office/calendar: weekdays
  minus holidays, plus 调休 make-up days) from the first to the last date, both included. ``with_days`` writes that count over whatever a form sent, so the stored
  ``days`` (which routes and leave records read) cannot be forged.
- A balance is per person, leave type and calendar year: the allowance (the person's own
  LeaveAllowance row, else the company default in config LEAVE_ALLOWANCES; a type in neither
  has no balance), minus the approved leave of that year (LeaveRecord), with the days still
  waiting for approval shown apart. Leave across New Year counts in each year by its own days.

These apply to the 请假 form (template key "leave") and its fields leave_type, dates and days,
the names outcomes.record_leave reads too. Half days and allowances by seniority (issue 17)
replace ``working_days`` and ``allowance_for`` here, and every caller follows.

Pure rules: models and config only; never views, templates, ``flask.request`` or tasks.
"""
from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from office.approvals.fields import DATERANGE, FieldError, FieldErrors, FieldSpec, clean
from office.calendar.calendars import office_calendar
from office.db import db
from office.models.approvals import PENDING, ApprovalRequest, ApprovalTemplate, LeaveAllowance, LeaveRecord

LEAVE_TEMPLATE = "leave"
TYPE_FIELD, DATES_FIELD, DAYS_FIELD = "leave_type", "dates", "days"

DAYS_RANGE = _l("Give a number of days from 0 to 366, in whole or half days.")
NO_WORKING_DAY = _l("These dates hold no working day (weekends and holidays do not count).")


# ---------------------------------------------------------------------------------------------
# Counting days.

def is_working_day(day: dt.date) -> bool:
    """Whether the office works on ``day``: its calendar's weekdays, minus holidays, plus 调休
    make-up days."""
    return office_calendar().is_workday(day)


def working_days(start: dt.date, end: dt.date) -> int:
    """Working days from ``start`` to ``end``, both included; 0 when ``end`` is before ``start``."""
    if end < start:
        return 0
    calendar = office_calendar()
    return sum(1 for n in range((end - start).days + 1) if calendar.is_workday(start + dt.timedelta(days=n)))


def applies(template_key: str, specs: list[FieldSpec]) -> bool:
    """Whether a form counts leave days: the 请假 form while it still has its dates and days."""
    if template_key != LEAVE_TEMPLATE:
        return False
    names = {spec.name: spec.type for spec in specs}
    return names.get(DATES_FIELD) == DATERANGE and DAYS_FIELD in names


def dates_of(specs: list[FieldSpec], raw: Mapping[str, object]) -> tuple[dt.date, dt.date] | None:
    """The first and last day a form (or stored data) gives, or None while they are missing or invalid."""
    spec = next((s for s in specs if s.name == DATES_FIELD), None)
    if spec is None:
        return None
    try:
        pair = clean([spec], raw)[DATES_FIELD]
    except FieldErrors:
        return None
    if not pair:
        return None
    return dt.date.fromisoformat(pair[0]), dt.date.fromisoformat(pair[1])


def with_days(template_key: str, specs: list[FieldSpec], raw: Mapping[str, object]):
    """``raw`` (a form's MultiDict or a dict) with ``days`` replaced by the count of its dates.

    Without valid dates the days are emptied, so a typed value never stands in for a count.
    Other forms' values are returned as they are.
    """
    if not applies(template_key, specs):
        return raw
    copy = MultiDict(raw) if isinstance(raw, MultiDict) else dict(raw)
    dates = dates_of(specs, raw)
    copy[DAYS_FIELD] = str(working_days(*dates)) if dates else ""
    return copy


def no_working_day(template_key: str, specs: list[FieldSpec], raw: Mapping[str, object]) -> bool:
    """Valid dates that hold no working day (a weekend): the request would take 0 days."""
    dates = dates_of(specs, raw) if applies(template_key, specs) else None
    return dates is not None and working_days(*dates) == 0


# ---------------------------------------------------------------------------------------------
# Balances.

@dataclass(frozen=True)
class Balance:
    leave_type: str
    year: int
    allowance: float  # days a year
    used: float  # approved leave in the year
    pending: float  # requests still waiting for a decision (not counting the one being looked at)

    @property
    def left(self) -> float:
        return self.allowance - self.used

    @property
    def left_after_pending(self) -> float:
        return self.left - self.pending


def default_allowances() -> dict[str, float]:
    return {str(k): float(v) for k, v in (current_app.config.get("LEAVE_ALLOWANCES") or {}).items()}


def allowance_for(user_id: int, leave_type: str) -> float | None:
    """Days of ``leave_type`` a year for the person: their own setting, else the company
    default; None when the type has no balance."""
    own = LeaveAllowance.get_or_none((LeaveAllowance.user == user_id) & (LeaveAllowance.leave_type == leave_type))
    if own is not None:
        return own.days
    return default_allowances().get(leave_type)


def set_allowance(user_id: int, leave_type: str, days: float | None) -> None:
    """Give a person their own allowance of ``leave_type``; None returns them to the default."""
    if days is None:
        LeaveAllowance.delete().where((LeaveAllowance.user == user_id)
                                      & (LeaveAllowance.leave_type == leave_type)).execute()
        return
    if days < 0 or days > 366 or days * 2 != int(days * 2):
        raise FieldError(DAYS_RANGE, "days")
    (LeaveAllowance.insert(user=user_id, leave_type=leave_type, days=float(days))
     .on_conflict(conflict_target=[LeaveAllowance.user, LeaveAllowance.leave_type],
                  update={LeaveAllowance.days: float(days)})
     .execute())


def own_allowances(leave_types: list[str]) -> dict[tuple[int, str], float]:
    """Every person's own allowance of these types, keyed (user id, type): one query."""
    if not leave_types:
        return {}
    return {(row.user_id, row.leave_type): row.days for row in LeaveAllowance.select().where(
        LeaveAllowance.leave_type.in_(leave_types))}


def parse_days(text: str) -> float | None:
    """An allowance as typed ("10", "７.５"); None for blank (the company default). Raises
    FieldError for anything else than whole or half days from 0 to 366."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text:
        return None
    try:
        days = float(text)
    except ValueError:
        raise FieldError(DAYS_RANGE, "days") from None
    if not (0 <= days <= 366) or days * 2 != int(days * 2):
        raise FieldError(DAYS_RANGE, "days")
    return days


def save_allowances(changes: dict[tuple[int, str], float | None]) -> None:
    """Set (or, with None, clear back to the default) many allowances in one transaction."""
    with db.atomic():
        for (user_id, leave_type), days in changes.items():
            set_allowance(user_id, leave_type, days)


def days_in_year(start: dt.date, end: dt.date, days: float, year: int) -> float:
    """How many of a leave's ``days`` fall in ``year``: all of them when it lies inside the
    year; the working days of its part in the year when it crosses New Year."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if end < first or start > last:
        return 0.0
    if start >= first and end <= last:
        return float(days)
    return float(working_days(max(start, first), min(end, last)))


def balance(user_id: int, leave_type: str, year: int, *, excluding: int | None = None) -> Balance | None:
    """The person's balance of ``leave_type`` in ``year``, or None when the type has none.
    ``excluding`` leaves one pending request out of ``pending`` (the one on the page, shown apart).
    Three queries: the allowance, the approved leave, the pending requests."""
    allowance = allowance_for(user_id, leave_type)
    if allowance is None:
        return None
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    used = sum(days_in_year(r.starts_on, r.ends_on, r.days, year) for r in LeaveRecord.select(
        LeaveRecord.starts_on, LeaveRecord.ends_on, LeaveRecord.days).where(
        (LeaveRecord.user == user_id) & (LeaveRecord.leave_type == leave_type)
        & (LeaveRecord.starts_on <= last) & (LeaveRecord.ends_on >= first)))
    waiting = (ApprovalRequest.select(ApprovalRequest.id, ApprovalRequest.data)
               .join(ApprovalTemplate, on=(ApprovalRequest.template == ApprovalTemplate.id))
               .where((ApprovalTemplate.key == LEAVE_TEMPLATE) & (ApprovalRequest.initiator == user_id)
                      & (ApprovalRequest.status == PENDING)))
    if excluding is not None:
        waiting = waiting.where(ApprovalRequest.id != excluding)
    pending = 0.0
    for row in waiting:
        taken = leave_of(json.loads(row.data or "{}"))
        if taken and taken[0] == leave_type:
            pending += days_in_year(taken[1], taken[2], taken[3], year)
    return Balance(leave_type, year, allowance, used, pending)


def leave_of(data: Mapping[str, object]) -> tuple[str, dt.date, dt.date, float] | None:
    """(type, first day, last day, days) of a stored request's data; None if it lacks them."""
    dates, days = data.get(DATES_FIELD), data.get(DAYS_FIELD)
    if not dates or len(dates) != 2 or days is None:
        return None
    try:
        return (str(data.get(TYPE_FIELD) or ""), dt.date.fromisoformat(str(dates[0])),
                dt.date.fromisoformat(str(dates[1])), float(days))
    except ValueError:
        return None


def plain(days: float) -> str:
    """2, 2.5: how days are shown."""
    return str(int(days)) if float(days) == int(days) else f"{days:g}"
