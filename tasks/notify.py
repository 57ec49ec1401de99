"""Delivery of notifications beyond the app (e-mail, group robot webhooks), and the daily digest.

The rules (who, when, what, how) live in office/inbox/channels.py; these tasks
only run them and enqueue the sends. Imports rules and tasks.queue, never views.
"""
from __future__ import annotations

import datetime as dt

from flask import current_app
from huey import crontab

from office.inbox import channels
from tasks.queue import app_periodic_task, app_task, huey


def enqueue_delivery(delivery_id: int, eta: dt.datetime | None = None) -> None:
    """Queue one send, now or at ``eta`` (aware UTC), with the configured retries.

    Retries are given per call so DELIVERY_RETRIES / DELIVERY_RETRY_DELAY can
    change without code (tests use no delay); each retry waits twice as long.
    """
    options = {"retries": current_app.config["DELIVERY_RETRIES"],
               "retry_delay": current_app.config["DELIVERY_RETRY_DELAY"], "retry_backoff": 2}
    if eta is None:
        send_delivery(delivery_id, **options)
    else:
        send_delivery.schedule((delivery_id,), eta=eta, **options)


@app_task()
def deliver_notifications(notification_ids):
    """Fan the notifications out to each recipient's channels; quiet hours postpone the send.

    Enqueued by the module that wrote the rows, after its transaction commits.
    """
    for delivery_id, eta in channels.plan_deliveries(notification_ids):
        enqueue_delivery(delivery_id, eta)


@app_task(context=True, retries=5, retry_delay=30, retry_backoff=2)
def send_delivery(delivery_id, task=None):
    """Send one delivery. channels.send raises while retries remain, so huey retries it;
    the last attempt (task.retries == 0) marks it failed instead."""
    final = task is None or not task.retries
    # Nothing is returned: huey would keep every result in its store until someone read it.
    channels.send(delivery_id, final=final)


@app_periodic_task(crontab(minute="0"))
@huey.lock_task("send-digests")
def send_digests(now: dt.datetime | None = None) -> int:
    """Every hour on the hour: the daily digest of everyone whose digest hour it is.

    The lock keeps a slow run from overlapping the next; the conditional update in
    make_digests keeps anyone from getting two. Returns how many sends were queued.
    """
    planned = channels.make_digests(now)
    for delivery_id, eta in planned:
        enqueue_delivery(delivery_id, eta)
    return len(planned)
