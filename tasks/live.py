"""Housekeeping for live updates: the event log only needs to outlive the slowest open page."""
from __future__ import annotations

import datetime as dt

from huey import crontab

from tasks.queue import app_periodic_task, huey

KEEP = dt.timedelta(days=1)


@app_periodic_task(crontab(minute="17"))
@huey.lock_task("prune-live-events")
def prune_live_events() -> int:
    """Delete live events older than a day (an open page that old reloads anyway)."""
    from office.models.base import utcnow
    from office.models.live import LiveEvent

    return LiveEvent.delete().where(LiveEvent.created_at < utcnow() - KEEP).execute()
