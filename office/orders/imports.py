"""Importing the platforms' export files: at once (``import_files``, the command line), or as an
ImportBatch whose files are stored under instance/imports/<id>/ and imported by ``run_batch``
(during the upload's request when ``runs_inline`` says it is small enough, else by the job),
with its progress, report and row errors; and ending the batches a crash left behind.

A batch always ends: done, refused or failed, and its files (buyers' names, phones and
addresses) are deleted then, whichever way it ended. A running batch's job tells that it is
alive with a heartbeat beside its progress; one whose job is gone (the consumer or web worker
was killed, the machine restarted) is found by ``interrupted_batches`` and run once more or
failed (``retry_or_fail``, on the consumer's start and every minute: tasks/orders.py), and
``remove_orphan_files`` deletes what no live batch owns.

Imports formats, intake, shops and models; never views. The one exception to "rules never
import tasks": the job's progress and heartbeat live in huey's key-value store (see
``_progress_store``).
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import socket
import threading
import time
import uuid
from pathlib import Path

from flask import current_app

from office.db import db
from office.models.base import utcnow
from office.models.orders import (
    BATCH_DONE,
    BATCH_FAILED,
    BATCH_QUEUED,
    BATCH_REFUSED,
    BATCH_RUNNING,
    FAILURE_CRASHED,
    FAILURE_INTERRUPTED,
    FAILURE_NO_SHOP,
    ImportBatch,
    Shop,
)
from office.models.people import User
from office.orders.formats import reading
from office.orders.intake import Progress, Refused, Report, save, transaction
from office.orders.records import ParsedExport, RowError
from office.orders.shops import ShopError, get_or_create_shop, new_shop_platform

log = logging.getLogger(__name__)

Files = list[tuple[str, bytes]]
# Parsing takes about this share (%) of an import's time: the progress bar's first part.
PARSE_PERCENT = 30
# A batch is claimed by at most this many runs: a job that vanished is run once more, then
# the batch fails (a file that kills its job every time must not loop forever).
MAX_ATTEMPTS = 2


def import_files(files: Files, by: User | None, shop: Shop | None = None, shop_name: str = "",
                 progress: Progress | None = None, platform: str = "") -> tuple[Shop, Report]:
    """Parse ``files`` and save them into ``shop``, or into the shop called ``shop_name``
    (created on ``platform`` if given, else on the one detected from the files, in the same
    transaction: a refused import leaves no empty shop behind).

    Raises Refused (row errors, nothing saved) or ShopError.
    """
    parsed = reading.parse(files)
    if parsed.errors:
        raise Refused(parsed.errors)
    with transaction():
        if shop is None:
            shop = get_or_create_shop(shop_name, new_shop_platform(parsed.platform, platform))
        report = save(shop, parsed, by, progress=progress)
    return shop, report


def batch_dir(batch_id: int) -> Path:
    return Path(current_app.instance_path) / "imports" / str(batch_id)


def stored_name(index: int, filename: str) -> str:
    """Files are stored by position, never under the name the browser sent."""
    ext = filename.rpartition(".")[2].lower() if "." in filename else "bin"
    return f"{index}.{ext if ext.isalnum() else 'bin'}"


def queue_batch(files: Files, shop: Shop | None, by: User | None, platform: str = "",
                new_shop: str = "") -> ImportBatch:
    """Store the upload under instance/imports/<batch id>/ and record the batch, into ``shop``
    or into the shop called ``new_shop`` that the import creates (on ``platform``, else the
    files'); the caller runs it now or enqueues ``tasks.orders.import_orders(batch.id)``
    (after this has committed)."""
    with db.atomic():
        batch = ImportBatch.create(user=by, shop=shop, new_shop="" if shop is not None else new_shop,
                                   platform=platform or (shop.platform if shop is not None else ""),
                                   filenames=json.dumps([name for name, _data in files], ensure_ascii=False),
                                   size_bytes=sum(len(data) for _name, data in files))
        folder = batch_dir(batch.id)
        folder.mkdir(parents=True, exist_ok=True)
        for index, (name, data) in enumerate(files):
            (folder / stored_name(index, name)).write_bytes(data)
        batch.stored_dir = str(folder)
        batch.save(only=[ImportBatch.stored_dir])
    return batch


def runs_inline(files: Files) -> bool:
    """Whether an upload is imported during its request: CSV only (openpyxl reads a workbook
    at ~1,000 rows a second, and a small .xlsx can unpack to hundreds of MB), at most
    ORDER_IMPORT_INLINE_BYTES and ORDER_IMPORT_INLINE_ROWS lines (2 MB, ~3,000 orders, import
    in well under a second), and no other import running (on SQLite the request would wait for
    its write lock, holding up every stream of its gevent worker). Everything else goes to the
    job: a web worker blocked longer than gunicorn's timeout is killed with all its requests."""
    config = current_app.config
    if any(name.rpartition(".")[2].lower() != "csv" or data.startswith(b"PK\x03\x04") for name, data in files):
        return False
    if sum(len(data) for _name, data in files) > config["ORDER_IMPORT_INLINE_BYTES"]:
        return False
    if sum(data.count(b"\n") for _name, data in files) > config["ORDER_IMPORT_INLINE_ROWS"]:
        return False
    return not ImportBatch.select().where(ImportBatch.status == BATCH_RUNNING).exists()


def _progress_store():
    """huey's key-value store: the job's progress must be readable by the web processes
    while the import's transaction is open, and on SQLite that transaction holds the
    database's write lock. Loading tasks.queue loads only office.config (the app only when a
    task runs), so this drags no task into the rules' imports."""
    from tasks.queue import huey

    return huey


def _progress_key(batch_id: int) -> str:
    return f"orders-import-progress:{batch_id}"


def batch_progress(batch_id: int) -> int | None:
    """How far the job of ``batch_id`` is, in percent, while it runs; None when unknown."""
    value = _progress_store().get(_progress_key(batch_id), peek=True)
    return int(value) if value is not None else None


class _BatchProgress:
    """Tells the progress store, only when the whole percent changes."""

    def __init__(self, batch_id: int):
        self.key = _progress_key(batch_id)
        self.percent = -1

    def set(self, percent: int) -> None:
        percent = max(0, min(100, percent))
        if percent != self.percent:
            self.percent = percent
            _progress_store().put(self.key, percent)

    def parsing(self, done: int, total: int) -> None:
        self.set(PARSE_PERCENT * done // total if total else PARSE_PERCENT)

    def saving(self, done: int, total: int) -> None:
        self.set(PARSE_PERCENT + (100 - PARSE_PERCENT) * done // total if total else 100)

    def clear(self) -> None:
        _progress_store().delete(self.key)


def batch_filenames(batch: ImportBatch) -> list[str]:
    return json.loads(batch.filenames or "[]")


def batch_files(batch: ImportBatch) -> Files:
    names = batch_filenames(batch)
    folder = Path(batch.stored_dir)
    return [(name, (folder / stored_name(index, name)).read_bytes()) for index, name in enumerate(names)]


def _remove_files(batch: ImportBatch) -> None:
    if batch.stored_dir:
        shutil.rmtree(batch.stored_dir, ignore_errors=True)


# -- the heartbeat -----------------------------------------------------------------------
# Beside the progress, for the same reason: while the import's transaction is open, a
# write to the batch's row would wait for it (SQLite) or stay unseen until it commits.

# This process among all that may run imports: the host, the pid (a process gone from this
# host is known at once to be gone) and a token drawn at start (a restarted consumer may get
# its predecessor's pid back, in a container always).
_TOKEN = uuid.uuid4().hex[:12]
# The batches this process is running now (each in its own thread).
_running: set[int] = set()


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{_TOKEN}"


def _beat_key(batch_id: int) -> str:
    return f"orders-import-alive:{batch_id}"


def stale_seconds() -> float:
    return float(current_app.config["ORDER_IMPORT_STALE_SECONDS"])


class _Heartbeat:
    """While a batch runs: (owner, time) in the progress store, from a thread of its own every
    sixth of ORDER_IMPORT_STALE_SECONDS, so that a long parse or save still beats."""

    def __init__(self, batch_id: int):
        self.batch_id = batch_id
        self.key = _beat_key(batch_id)
        self.every = max(0.2, stale_seconds() / 6)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat_on, name=f"order-import-{batch_id}-heartbeat", daemon=True)

    def beat(self) -> None:
        _progress_store().put(self.key, (_owner(), time.time()))

    def _beat_on(self) -> None:
        while not self.stop.wait(self.every):
            try:
                self.beat()
            except Exception:  # noqa: BLE001  (a missed beat is retried; the import goes on)
                log.warning("order import %s: heartbeat failed", self.batch_id, exc_info=True)

    def __enter__(self):
        _running.add(self.batch_id)
        self.beat()
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        _running.discard(self.batch_id)
        _progress_store().delete(self.key)
        return False


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (killed, not yet reaped by its parent) still answers kill(0)
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


def _owner_gone(owner: str, batch_id: int) -> bool:
    """Known for sure to be gone: the owner ran on this host and its process is gone (or is
    this very process, which no longer runs the batch). A process on another host is judged
    by its heartbeat's age alone."""
    host, _sep, rest = owner.partition(":")
    pid, _sep, token = rest.partition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return token != _TOKEN or batch_id not in _running
    return not _process_alive(int(pid))


def interrupted_batches(now: float | None = None) -> list[ImportBatch]:
    """Running batches whose job is gone: its process is known to be gone, or its heartbeat is
    older than ORDER_IMPORT_STALE_SECONDS (none at all: its claim is)."""
    now = time.time() if now is None else now
    stale = stale_seconds()
    store = _progress_store()
    found = []
    for batch in ImportBatch.select().where(ImportBatch.status == BATCH_RUNNING).order_by(ImportBatch.id):
        beat = store.get(_beat_key(batch.id), peek=True)
        if beat is None:
            # Claimed but never beating: the run died between its claim and its first beat, or
            # the store was emptied (a new Redis). Judged by the claim's age.
            started = batch.started_at
            gone = started is None or (utcnow() - started).total_seconds() > stale
        else:
            owner, beat_at = beat
            gone = _owner_gone(owner, batch.id) or now - beat_at > stale
        if gone:
            found.append(batch)
    return found


def retry_or_fail(batch: ImportBatch) -> bool:
    """End the run of ``batch`` (an interrupted one): back to the queue while it has a try left
    (True: the caller enqueues its job), else failed, its files deleted (False). Nothing of the
    lost run was saved: its transaction died with it."""
    _forget(batch.id)
    if batch.attempts < MAX_ATTEMPTS:
        moved = (ImportBatch.update(status=BATCH_QUEUED, started_at=None)
                 .where((ImportBatch.id == batch.id) & (ImportBatch.status == BATCH_RUNNING)
                        & (ImportBatch.attempts == batch.attempts)).execute())
        if moved:
            log.warning("order import %s: its job is gone (try %s of %s); queued again", batch.id, batch.attempts,
                        MAX_ATTEMPTS)
        return bool(moved)
    if _finish(batch, BATCH_FAILED, failure=FAILURE_INTERRUPTED):
        log.warning("order import %s: its job is gone on its last try; failed", batch.id)
        _remove_files(batch)
    return False


def unqueued_batches(pending: set[int]) -> list[int]:
    """Queued batches whose job is in no queue (``pending``: the batch ids of the jobs waiting
    there): the process that stored the upload died before it ran or enqueued it, or the queue
    was emptied. Only those older than ORDER_IMPORT_STALE_SECONDS: a batch's job is enqueued
    just after its row commits."""
    cutoff = utcnow() - dt.timedelta(seconds=stale_seconds())
    query = (ImportBatch.select(ImportBatch.id)
             .where((ImportBatch.status == BATCH_QUEUED) & (ImportBatch.created_at < cutoff)).order_by(ImportBatch.id))
    return [batch_id for (batch_id,) in query.tuples() if batch_id not in pending]


def remove_orphan_files(now: float | None = None) -> list[int]:
    """Delete the folders under instance/imports/ that no queued or running batch owns (its
    batch ended, or no longer exists); return their batch ids. A folder changed in the last
    ORDER_IMPORT_STALE_SECONDS is left alone: ``queue_batch`` writes it before its batch's row
    commits."""
    root = Path(current_app.instance_path) / "imports"
    if not root.is_dir():
        return []
    cutoff = (time.time() if now is None else now) - stale_seconds()
    folders = {}
    for folder in root.iterdir():
        try:
            if folder.name.isdigit() and folder.is_dir() and folder.stat().st_mtime < cutoff:
                folders[int(folder.name)] = folder
        except OSError:
            continue
    if not folders:
        return []
    alive = {batch_id for (batch_id,) in ImportBatch.select(ImportBatch.id).where(
        ImportBatch.id.in_(list(folders)) & ImportBatch.status.in_((BATCH_QUEUED, BATCH_RUNNING))).tuples()}
    removed = sorted(set(folders) - alive)
    for batch_id in removed:
        shutil.rmtree(folders[batch_id], ignore_errors=True)
    return removed


def _forget(batch_id: int) -> None:
    store = _progress_store()
    store.delete(_beat_key(batch_id))
    store.delete(_progress_key(batch_id))


# -- running a batch -----------------------------------------------------------------------

class _Superseded(Exception):
    """This run's batch was given to another run (its job was taken for gone): its orders roll back."""


def _finish(batch: ImportBatch, status: str, **values) -> bool:
    """Record the outcome of the run that claimed ``batch`` (its ``attempts``); False when the
    batch is no longer that run's."""
    return bool(ImportBatch.update(status=status, finished_at=utcnow(), **values)
                .where((ImportBatch.id == batch.id) & (ImportBatch.status == BATCH_RUNNING)
                       & (ImportBatch.attempts == batch.attempts)).execute())


def _shop_of(batch: ImportBatch, parsed: ParsedExport) -> Shop:
    """The batch's shop; a new one is created here, inside the import's transaction, so that a
    refusal takes it back with the orders."""
    if batch.shop_id is not None:
        return batch.shop
    try:
        return get_or_create_shop(batch.new_shop, new_shop_platform(parsed.platform, batch.platform))
    except ShopError as error:
        raise Refused([RowError("", 0, "", str(error))]) from None


def run_batch(batch_id: int) -> str:
    """The job: read the batch's stored files, parse, save, and record the outcome on the
    batch (done with its report, refused with row errors, failed with the reason), then
    delete the files. A batch is run by one run at a time: a second delivery of the same job
    finds it no longer queued, and a run whose batch was given to another (see
    ``retry_or_fail``) saves nothing.

    Returns the batch's final status ("" when this run did not end it).
    """
    claimed = (ImportBatch.update(status=BATCH_RUNNING, started_at=utcnow(), attempts=ImportBatch.attempts + 1)
               .where((ImportBatch.id == batch_id) & (ImportBatch.status == BATCH_QUEUED)).execute())
    if not claimed:
        return ""
    batch = ImportBatch.get_by_id(batch_id)
    progress = _BatchProgress(batch_id)
    status = ""
    with _Heartbeat(batch_id):
        progress.set(0)
        try:
            if batch.shop_id is None and not batch.new_shop:
                status = BATCH_FAILED if _finish(batch, BATCH_FAILED, failure=FAILURE_NO_SHOP) else ""
            else:
                parsed = reading.parse(batch_files(batch), progress=progress.parsing)
                if parsed.errors:
                    raise Refused(parsed.errors)
                # The outcome commits with the orders: a batch is done exactly when they are saved.
                with transaction():
                    shop = _shop_of(batch, parsed)
                    report = save(shop, parsed, batch.user, progress=progress.saving)
                    if not _finish(batch, BATCH_DONE, shop=shop.id, platform=shop.platform,
                                   report=json.dumps(report.to_dict(), ensure_ascii=False)):
                        raise _Superseded()
                status = BATCH_DONE
        except _Superseded:
            log.warning("order import %s: run %s was superseded; nothing saved", batch_id, batch.attempts)
        except Refused as refusal:
            errors = json.dumps([e.to_dict() for e in refusal.errors], ensure_ascii=False)
            status = BATCH_REFUSED if _finish(batch, BATCH_REFUSED, errors=errors) else ""
        except Exception as error:  # noqa: BLE001  (any crash is the batch's outcome, with its reason)
            log.exception("order import %s failed", batch_id)
            reason = json.dumps([RowError("", 0, "", f"{type(error).__name__}: {error}").to_dict()], ensure_ascii=False)
            status = BATCH_FAILED if _finish(batch, BATCH_FAILED, failure=FAILURE_CRASHED, errors=reason) else ""
        finally:
            progress.clear()
    if status:
        # The upload holds buyers' phones and addresses: not kept once the batch has ended.
        _remove_files(batch)
    return status


def batch_report(batch: ImportBatch) -> Report | None:
    return Report.from_dict(json.loads(batch.report)) if batch.report else None


def batch_errors(batch: ImportBatch) -> list[RowError]:
    return [RowError(**e) for e in json.loads(batch.errors)] if batch.errors else []
