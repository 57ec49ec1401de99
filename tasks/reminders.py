"""Time-based jobs for memos: deliver one at its time, and a sweeper for any the queue lost.

The rules (office.memos.delivery) claim each memo at most once and write its
notification; these jobs enqueue delivery beyond the app after that commits.
"""
from __future__ import annotations

import datetime as dt

from huey import crontab

from office.memos.delivery import deliver, deliver_due
from tasks.notify import deliver_notifications
from tasks.queue import app_periodic_task, app_task, huey


def queue_memo(memo_id: int, remind_at: dt.datetime) -> None:
    """Enqueue ``deliver_memo`` for ``remind_at`` (naive UTC); call after the memo is committed."""
    # Aware, because huey reads a naive eta as the server's local time.
    deliver_memo.schedule((memo_id,), eta=remind_at.replace(tzinfo=dt.timezone.utc))


@app_task(retries=3, retry_delay=30)
def deliver_memo(memo_id: int) -> int:
    """Deliver one memo at its time; a deleted or already delivered memo is a no-op. Returns rows written."""
    ids = deliver(memo_id)
    if ids:
        deliver_notifications(ids)
    return len(ids)


@app_periodic_task(crontab(minute="*"))
@huey.lock_task("sweep-memos")
def sweep_memos(now: dt.datetime | None = None) -> int:
    """Every minute: deliver every due memo still undelivered. Returns how many were delivered.

    The lock keeps two runs from overlapping; the claim in ``deliver`` keeps a run
    and a queued ``deliver_memo`` from both delivering.
    """
    delivered = deliver_due(now)
    ids = [notification_id for item in delivered for notification_id in item.notification_ids]
    if ids:
        deliver_notifications(ids)
    return len(delivered)
