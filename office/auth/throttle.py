"""Login throttling, counted from the audit trail so it holds across workers and restarts.

Too many failures for one username, or from one address, within the window
lock further attempts until the oldest counted failure leaves the window.
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


def _wait_after(failures, limit: int, now: dt.datetime) -> int:
    """Minutes until the failures fall below ``limit``; 0 when not locked."""
    times = [row.created_at for row in failures]
    if len(times) < limit:
        return 0
    # The lock lifts when the limit-th most recent failure leaves the window.
    oldest_counted = sorted(times, reverse=True)[limit - 1]
    remaining = oldest_counted + _window() - now
    return max(1, int(remaining.total_seconds() // 60) + 1)


def minutes_locked(username: str, ip: str) -> int:
    """How long further attempts for ``username`` or from ``ip`` are refused (0: not at all)."""
    now = utcnow()
    since = now - _window()
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    # A successful login resets that username's count.
    last_success = (
        AuditEvent.select(fn.MAX(AuditEvent.created_at))
        .where((AuditEvent.action == LOGIN) & (AuditEvent.subject == username)
               & (AuditEvent.created_at >= since))
        .scalar()
    )
    by_name = (
        AuditEvent.select(AuditEvent.created_at)
        .where((AuditEvent.action == LOGIN_FAILED) & (AuditEvent.subject == username)
               & (AuditEvent.created_at >= max(since, last_success or since)))
        .order_by(AuditEvent.created_at.desc())
        .limit(limit)
    )
    by_address = []
    if ip:
        by_address = (
            AuditEvent.select(AuditEvent.created_at)
            .where((AuditEvent.action == LOGIN_FAILED) & (AuditEvent.ip == ip)
                   & (AuditEvent.created_at >= since))
            .order_by(AuditEvent.created_at.desc())
            .limit(limit * ADDRESS_FACTOR)
        )
    return max(_wait_after(by_name, limit, now), _wait_after(by_address, limit * ADDRESS_FACTOR, now))
