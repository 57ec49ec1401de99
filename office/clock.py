"""The office's clock: its time zone, its calendar day and the start of a day, whatever the
server's own zone. Rules, jobs and pages all ask here. Imports only models.base.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app

from office.models.base import utcnow


@lru_cache(maxsize=4)
def _zone_named(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone() -> ZoneInfo:
    """The office's time zone (BABEL_DEFAULT_TIMEZONE, Asia/Shanghai by default)."""
    return _zone_named(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local(moment: dt.datetime) -> dt.datetime:
    """A stored (naive UTC) time as an aware time in the office's zone."""
    return moment.replace(tzinfo=dt.timezone.utc).astimezone(zone())


def office_date(moment: dt.datetime | None = None) -> dt.date:
    """The office's calendar date at ``moment`` (naive UTC, default now): what "today" and
    "overdue" mean."""
    return local(moment or utcnow()).date()


def day_start(day: dt.date) -> dt.datetime:
    """The office's midnight starting ``day``, as naive UTC (what is stored)."""
    return dt.datetime.combine(day, dt.time(), zone()).astimezone(dt.timezone.utc).replace(tzinfo=None)
