"""Importing the platforms' export files: at once (``import_files``, the command line), or as an
ImportBatch whose files are stored under instance/imports/<id>/ and imported by ``run_batch``
(during the upload's request, or by the job for a large one), with its progress, report and
row errors.

Imports formats, intake, shops and models; never views. The one exception to "rules never
import tasks": the job's progress lives in huey's key-value store (see ``_progress_store``).
"""
from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

from flask import current_app

from office.db import db
from office.models.base import utcnow
from office.models.orders import BATCH_DONE, BATCH_FAILED, BATCH_QUEUED, BATCH_REFUSED, BATCH_RUNNING, ImportBatch, Shop
from office.models.people import User
from office.orders.formats import reading
from office.orders.intake import Progress, Refused, Report, save, transaction
from office.orders.records import RowError
from office.orders.shops import get_or_create_shop, new_shop_platform

log = logging.getLogger(__name__)

Files = list[tuple[str, bytes]]
# Parsing takes about this share (%) of an import's time: the progress bar's first part.
PARSE_PERCENT = 30


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


def queue_batch(files: Files, shop: Shop, by: User | None, platform: str = "") -> ImportBatch:
    """Store the upload under instance/imports/<batch id>/ and record the batch; the caller
    enqueues ``tasks.orders.import_orders(batch.id)`` (after this has committed)."""
    with db.atomic():
        batch = ImportBatch.create(user=by, shop=shop, platform=platform or shop.platform,
                                   filenames=json.dumps([name for name, _data in files], ensure_ascii=False),
                                   size_bytes=sum(len(data) for _name, data in files))
        folder = batch_dir(batch.id)
        folder.mkdir(parents=True, exist_ok=True)
        for index, (name, data) in enumerate(files):
            (folder / stored_name(index, name)).write_bytes(data)
        batch.stored_dir = str(folder)
        batch.save(only=[ImportBatch.stored_dir])
    return batch


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


def _finish(batch_id: int, status: str, **values) -> None:
    ImportBatch.update(status=status, finished_at=utcnow(), **values).where(ImportBatch.id == batch_id).execute()


def run_batch(batch_id: int) -> str:
    """The job: read the batch's stored files, parse, save, and record the outcome on the
    batch (done with its report, refused with row errors, failed with the reason). A batch
    is run once: a second delivery of the same job finds it no longer queued.

    Returns the batch's final status ("" when it was not queued).
    """
    claimed = (ImportBatch.update(status=BATCH_RUNNING, started_at=utcnow())
               .where((ImportBatch.id == batch_id) & (ImportBatch.status == BATCH_QUEUED)).execute())
    if not claimed:
        return ""
    batch = ImportBatch.get_by_id(batch_id)
    progress = _BatchProgress(batch_id)
    progress.set(0)
    status = BATCH_FAILED
    try:
        if batch.shop_id is None:
            raise RuntimeError("the shop of this import no longer exists")
        parsed = reading.parse(batch_files(batch), progress=progress.parsing)
        if parsed.errors:
            raise Refused(parsed.errors)
        # The outcome commits with the orders: a batch is done exactly when they are saved.
        with transaction():
            report = save(batch.shop, parsed, batch.user, progress=progress.saving)
            _finish(batch_id, BATCH_DONE, report=json.dumps(report.to_dict(), ensure_ascii=False))
        status = BATCH_DONE
    except Refused as refusal:
        status = BATCH_REFUSED
        _finish(batch_id, BATCH_REFUSED, errors=json.dumps([e.to_dict() for e in refusal.errors], ensure_ascii=False))
    except Exception as error:  # noqa: BLE001  (any crash is the batch's outcome, with its reason)
        log.exception("order import %s failed", batch_id)
        reason = f"{type(error).__name__}: {error}"
        _finish(batch_id, BATCH_FAILED, errors=json.dumps([RowError("", 0, "", reason).to_dict()], ensure_ascii=False))
    finally:
        progress.clear()
    if status != BATCH_FAILED:
        # The upload holds buyers' phones and addresses: kept only while it may explain a failure.
        shutil.rmtree(batch.stored_dir, ignore_errors=True)
    return status


def batch_report(batch: ImportBatch) -> Report | None:
    return Report.from_dict(json.loads(batch.report)) if batch.report else None


def batch_errors(batch: ImportBatch) -> list[RowError]:
    return [RowError(**e) for e in json.loads(batch.errors)] if batch.errors else []
