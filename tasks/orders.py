"""Jobs for orders: importing a large export in the background (with progress the upload
page polls), and flagging logistics exceptions every 30 minutes.

The rules live in office.orders.imports and office.orders.logistics; these only run them.
"""
from __future__ import annotations

import datetime as dt

from huey import crontab

from office.orders.imports import run_batch
from office.orders.logistics import flag_exceptions
from tasks.notify import deliver_notifications
from tasks.queue import app_periodic_task, app_task, huey


@app_task(retries=0)
def import_orders(batch_id: int) -> None:
    """Import the files of one upload. No retries: the batch records its own outcome
    (done, refused with row errors, or failed), and a second run of the same files would
    change nothing anyway."""
    run_batch(batch_id)


@app_periodic_task(crontab(minute="*/30"))
@huey.lock_task("flag-logistics-exceptions")
def flag_logistics_exceptions(now: dt.datetime | None = None) -> int:
    """Flag shipped orders the courier never picked up, or stuck in transit, past the
    configured hours; tell whoever must chase them. Returns how many were flagged."""
    flagged, notification_ids = flag_exceptions(now)
    if notification_ids:
        deliver_notifications(notification_ids)
    return flagged
