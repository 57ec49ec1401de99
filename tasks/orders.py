"""Jobs for orders: importing a large export in the background (with progress the upload
page polls), ending the imports a crash cut off (on the consumer's start and every minute),
and flagging logistics exceptions every 30 minutes.

The rules live in office.orders.imports and office.orders.logistics; these only run them.
"""
from __future__ import annotations

import datetime as dt
import logging

from huey import crontab
from huey.exceptions import TaskLockedException

from office.orders import imports
from office.orders.imports import run_batch
from office.orders.logistics import flag_exceptions
from tasks.notify import deliver_notifications
from tasks.queue import app_on_startup, app_periodic_task, app_task, huey

log = logging.getLogger(__name__)
# One recovery at a time, whether the consumer's start or the minute's sweep runs it.
# A consumer killed during one leaves the lock behind: scripts/serve starts it with -f
# (--flush-locks), which clears it.
RECOVERY_LOCK = huey.lock_task("recover-order-imports")


@app_task(retries=0)
def import_orders(batch_id: int) -> None:
    """Import the files of one upload. No retries: the batch records its own outcome
    (done, refused with row errors, or failed), and a second run of the same files would
    change nothing anyway."""
    run_batch(batch_id)


def _waiting_batches() -> set[int]:
    """The batch ids of the import jobs waiting in the queue."""
    return {task.args[0] for task in huey.pending()
            if isinstance(task, import_orders.task_class) and task.args}


def recover_imports() -> dict:
    """End what a crash left: each running batch whose job is gone is queued again once, or
    failed; each queued batch whose job is in no queue is enqueued again; files no live batch
    owns are deleted. Returns what it did, by batch id."""
    retried, failed = [], []
    for batch in imports.interrupted_batches():
        (retried if imports.retry_or_fail(batch) else failed).append(batch.id)
    enqueued = imports.unqueued_batches(_waiting_batches() | set(retried))
    for batch_id in retried + enqueued:
        import_orders(batch_id)
    removed = imports.remove_orphan_files()
    if retried or failed or enqueued or removed:
        log.warning("order imports recovered: retried %s, failed %s, enqueued %s, files removed %s",
                    retried, failed, enqueued, removed)
    return {"retried": retried, "failed": failed, "enqueued": enqueued, "files_removed": removed}


@app_on_startup("recover-order-imports")
def recover_imports_on_start() -> None:
    """The consumer's start: a batch running when the last one stopped is known to be gone at
    once (its process is), without waiting for its heartbeat to go stale."""
    try:
        with RECOVERY_LOCK:
            recover_imports()
    except TaskLockedException:
        pass  # another worker of this consumer (or the minute's sweep) is at it


@app_periodic_task(crontab(minute="*"))
@RECOVERY_LOCK
def sweep_imports() -> dict:
    """Every minute: a web worker killed during an inline import, or a job on another machine
    gone silent, is found here (ORDER_IMPORT_STALE_SECONDS after its last heartbeat)."""
    return recover_imports()


@app_periodic_task(crontab(minute="*/30"))
@huey.lock_task("flag-logistics-exceptions")
def flag_logistics_exceptions(now: dt.datetime | None = None) -> int:
    """Flag shipped orders the courier never picked up, or stuck in transit, past the
    configured hours; tell whoever must chase them. Returns how many were flagged."""
    flagged, notification_ids = flag_exceptions(now)
    if notification_ids:
        deliver_notifications(notification_ids)
    return flagged
