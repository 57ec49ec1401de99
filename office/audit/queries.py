"""List queries for the audit trail; they return unevaluated queries."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app
from peewee import JOIN

from office.models.audit import AuditEvent
from office.models.people import User


def filtered_events(action: str = "", who: str = "", since=None, until=None):
    """Events newest first with the actor joined; ``who`` matches actor names or the subject."""
    Actor = User.alias()
    query = (AuditEvent.select(AuditEvent, Actor)
             .join(Actor, JOIN.LEFT_OUTER, on=(AuditEvent.actor == Actor.id), attr="actor"))
    if action:
        query = query.where(AuditEvent.action == action)
    if who:
        query = query.where(Actor.display_name.contains(who) | Actor.username.contains(who)
                            | AuditEvent.subject.contains(who))
    if since:
        query = query.where(AuditEvent.created_at >= dt.datetime.combine(since, dt.time.min) - _utc_offset())
    if until:
        query = query.where(AuditEvent.created_at < dt.datetime.combine(until, dt.time.min)
                            + dt.timedelta(days=1) - _utc_offset())
    return query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())


def _utc_offset() -> dt.timedelta:
    # Dates in the filter are local (the app's display zone); rows are stored in UTC.
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return zone.utcoffset(dt.datetime.now())
