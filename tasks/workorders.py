"""Time-based jobs for work orders: every minute (a complaint's first response is due in 10),
remind assignees of clocks near breach and escalate breached ones to the department head, then
the head's head.

The rule (office.workorders.sla.sweep) moves each clock's level once, in a locked transaction,
and writes the notifications and timeline rows; this job only runs it and enqueues delivery.
"""
from __future__ import annotations

import datetime as dt

from huey import crontab

from office.workorders.sla import sweep
from tasks.notify import deliver_notifications
from tasks.queue import app_periodic_task, huey


@app_periodic_task(crontab(minute="*"))
@huey.lock_task("sweep-work-order-clocks")
def sweep_work_order_clocks(now: dt.datetime | None = None) -> int:
    """One sweep; returns how many notifications it wrote (0 when run again at once)."""
    ids = sweep(now)
    if ids:
        deliver_notifications(ids)
    return len(ids)
