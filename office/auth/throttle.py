"""Login throttling, counted from the audit trail so it holds across workers and restarts.

Three counts of failed sign-ins within the window (LOGIN_FAILURE_WINDOW_MINUTES), each lifting
when its oldest counted failure leaves the window:

- one username from one address: LOGIN_MAX_FAILURES lock that address out for that username;
- one username from every address together: as many lock out only the addresses that took part.
  An address that has not failed for the username is let through to the password check, so
  nobody can lock a colleague out by typing wrong passwords for them from another machine
  (their next wrong guess from a fresh address makes that address take part, so a guesser
  spread over many addresses still gets one try per address);
- one address for every username: ADDRESS_FACTOR times as many lock that address out.

A successful sign-in clears the username's counts: the all-addresses count at once, the
one-address count for that address.
"""
from __future__ import annotations

import datetime as dt

from flask import current_app
from peewee import fn

from office.models.audit import LOGIN, LOGIN_FAILED, AuditEvent
from office.models.base import utcnow

# One office often shares one address, so the per-address limit is looser.
ADDRESS_FACTOR = 10


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])


def _wait_after(times: list[dt.datetime], limit: int, now: dt.datetime) -> int:
    """Minutes until the failures at ``times`` fall below ``limit``; 0 when not locked."""
    if len(times) < limit:
        return 0
    # The lock lifts when the limit-th most recent failure leaves the window.
    oldest_counted = sorted(times, reverse=True)[limit - 1]
    remaining = oldest_counted + _window() - now
    return max(1, int(remaining.total_seconds() // 60) + 1)


def _last_success(username: str, since: dt.datetime, ip: str | None = None) -> dt.datetime:
    query = AuditEvent.select(fn.MAX(AuditEvent.created_at)).where(
        (AuditEvent.action == LOGIN) & (AuditEvent.subject == username) & (AuditEvent.created_at >= since))
    if ip is not None:
        query = query.where(AuditEvent.ip == ip)
    return max(since, query.scalar() or since)


def _failure_times(condition, since: dt.datetime, limit: int) -> list[dt.datetime]:
    rows = (AuditEvent.select(AuditEvent.created_at)
            .where((AuditEvent.action == LOGIN_FAILED) & condition & (AuditEvent.created_at >= since))
            .order_by(AuditEvent.created_at.desc())
            .limit(limit))
    return [row.created_at for row in rows]


def minutes_locked(username: str, ip: str) -> int:
    """How long attempts for ``username`` from ``ip`` are refused unchecked (0: not at all)."""
    now = utcnow()
    since = now - _window()
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    named = AuditEvent.subject == username
    here = _failure_times(named & (AuditEvent.ip == ip), _last_success(username, since, ip), limit)
    locked = _wait_after(here, limit, now)
    everywhere_since = _last_success(username, since)
    if any(time >= everywhere_since for time in here):
        # This address took part, so the count over every address holds it too.
        locked = max(locked, _wait_after(_failure_times(named, everywhere_since, limit), limit, now))
    if ip:
        by_address = _failure_times(AuditEvent.ip == ip, since, limit * ADDRESS_FACTOR)
        locked = max(locked, _wait_after(by_address, limit * ADDRESS_FACTOR, now))
    return locked
