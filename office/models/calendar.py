"""The office calendar (issue 15, point 2): the working periods of a working day, which weekdays
work, and the dated exceptions the State Council publishes each year: holidays (放假) and make-up
working days (调休上班). office/calendar/calendars.py turns these rows into a
``workhours.WorkCalendar`` that SLA clocks and leave counting read.
"""
from __future__ import annotations

from peewee import CharField, DateField, DateTimeField

from office.models.base import BaseModel, utcnow

HOLIDAY = "holiday"  # 放假: a day that would work does not
MAKEUP = "makeup"    # 调休上班: a weekend day that works
DAY_KINDS = (HOLIDAY, MAKEUP)


class CalendarSettings(BaseModel):
    """One row (id 1): the office's working periods ("09:00-12:00,13:30-18:00": a lunch break is
    the gap between two) and its working weekdays as ISO numbers ("12345": Monday to Friday).
    Without the row the defaults of ``workhours.WorkCalendar`` apply."""

    periods = CharField(max_length=200)
    workdays = CharField(max_length=7)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "calendar_settings"


class CalendarDay(BaseModel):
    """A dated exception: ``kind`` HOLIDAY or MAKEUP, ``name`` the festival (国庆节)."""

    day = DateField(unique=True)
    kind = CharField(max_length=10)
    name = CharField(max_length=40, default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "calendar_days"
