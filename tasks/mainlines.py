"""Time-based jobs for mainlines: due-soon reminders and overdue escalations every 15 minutes.

The rules (office.mainlines.reminders) claim each node once and write the
notifications; this job only runs them and enqueues delivery beyond the app.
"""
from __future__ import annotations

import datetime as dt

from huey import crontab

from office.mainlines.reminders import escalate_overdue, remind_due
from tasks.notify import deliver_notifications
from tasks.queue import app_periodic_task, huey


@app_periodic_task(crontab(minute="*/15"))
@huey.lock_task("remind-mainline-nodes")
def remind_mainline_nodes(now: dt.datetime | None = None) -> tuple[int, int]:
    """Every 15 minutes: remind nodes due soon, escalate overdue ones, then deliver.

    The lock keeps a slow run from overlapping the next; the claims in the rules keep
    two consumers from telling anyone twice. Returns the numbers of (reminder,
    escalation) notifications written.
    """
    reminded = remind_due(now)
    escalated = escalate_overdue(now)
    if reminded or escalated:
        deliver_notifications(reminded + escalated)
    return len(reminded), len(escalated)
