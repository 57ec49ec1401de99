"""Time-based jobs for approvals: reminders past a template's time limit and escalations to
department heads past twice the limit, every 15 minutes.

The rules (office.approvals.reminders) claim each step once and write the notifications
and history rows; this job only runs them and enqueues delivery beyond the app.
"""
from __future__ import annotations

import datetime as dt

from huey import crontab

from office.approvals.reminders import escalate_waiting, remind_waiting
from tasks.notify import deliver_notifications
from tasks.queue import app_periodic_task, huey


@app_periodic_task(crontab(minute="*/15"))
@huey.lock_task("remind-pending-approvals")
def remind_pending_approvals(now: dt.datetime | None = None) -> tuple[int, int]:
    """Every 15 minutes: remind approvers of steps waiting past the limit, escalate those
    waiting twice as long, then deliver.

    The lock keeps a slow run from overlapping the next; the claims in the rules keep
    two consumers from telling anyone twice. Returns the numbers of (reminder,
    escalation) notifications written.
    """
    reminded = remind_waiting(now)
    escalated = escalate_waiting(now)
    if reminded or escalated:
        deliver_notifications(reminded + escalated)
    return len(reminded), len(escalated)
