"""The fault test of issue 13: a real job consumer (``huey_consumer tasks.consumer.huey``, started
as scripts/serve starts it) is SIGKILLed in the middle of saving a large import, and started
again. The batch ends (run once more and done, or failed after a second kill), never stays
"running"; its files are gone; the orders are all there or none is.

The consumer runs in its own process over this test's database (SQLite file or PostgreSQL)
and instance folder, with a SQLite queue file that this process enqueues into and reads the
import's progress from, as the web processes do.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from office.models.orders import (
    BATCH_DONE,
    BATCH_ENDED,
    BATCH_FAILED,
    BATCH_RUNNING,
    FAILURE_INTERRUPTED,
    ImportBatch,
    Order,
    OrderLine,
    Shop,
)
from office.orders import imports
from tests.data.orders.make_samples import write_large_taobao

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
# Large enough that saving takes a second or more (30 progress steps, one per 1,000 orders),
# so the kill lands inside the save's transaction.
ORDERS = 30_000
KILL_AT = 45  # percent: parsing is the first 30, saving the rest
TIMEOUT = 180


class Consumer:
    """One job consumer process at a time, as scripts/serve runs it (thread workers, recycled
    after each job, locks flushed at start)."""

    def __init__(self, app, queue: Path, log: Path):
        self.env = {key: value for key, value in os.environ.items() if not key.startswith("OFFICE_")}
        self.env.update({
            "OFFICE_DATABASE_URL": app.config["DATABASE_URL"],
            "OFFICE_INSTANCE_PATH": app.instance_path,
            "OFFICE_HUEY_PATH": str(queue),
            "OFFICE_SECRET_KEY": app.config["SECRET_KEY"],
        })
        self.log = log
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        with self.log.open("a") as log:
            log.write(f"\n==== start {self.starts}\n")
            self.process = subprocess.Popen(
                [str(ROOT / ".venv/bin/huey_consumer"), "tasks.consumer.huey", "-k", "thread", "-w", "2", "-m", "1",
                 "-f"], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def kill(self) -> None:
        """kill -9: no shutdown hook, no rollback, no goodbye; reaped, as its parent would."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def wait_for(self, what: str, check, timeout: float = TIMEOUT, every: float = 0.01):
        deadline = time.monotonic() + timeout
        while True:
            found = check()
            if found:
                return found
            if self.process.poll() is not None:
                pytest.fail(f"the consumer exited ({self.process.returncode}) before {what}:\n{self.log.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"no {what} after {timeout} s:\n{self.log.read_text()}")
            time.sleep(every)


@pytest.fixture
def queue(tmp_path, monkeypatch):
    """The queue the consumer reads: a SQLite file, into which this process's huey (in
    immediate mode for the other tests) now enqueues, and where it reads the progress."""
    from huey.storage import SqliteStorage

    from tasks.queue import huey

    path = tmp_path / "huey.db"
    monkeypatch.setattr(huey, "_immediate", False)
    monkeypatch.setattr(huey, "storage", SqliteStorage(huey.name, filename=str(path)))
    return path


@pytest.fixture
def consumer(app, queue, tmp_path):
    consumer = Consumer(app, queue, tmp_path / "consumer.log")
    yield consumer
    consumer.stop()


@pytest.fixture
def batch(app, tmp_path):
    """A large Taobao export uploaded into a shop and handed to the job, as the upload page does."""
    from tasks.orders import import_orders

    order_file, item_file = write_large_taobao(tmp_path, ORDERS, 1, seed=13)
    files = [(path.name, path.read_bytes()) for path in (order_file, item_file)]
    shop = Shop.create(name="双11淘宝店", platform="taobao")
    batch = imports.queue_batch(files, shop, None)
    import_orders(batch.id)
    return batch


def status(batch_id: int) -> ImportBatch:
    return ImportBatch.get_by_id(batch_id)


def saving(consumer: Consumer, batch_id: int, attempt: int) -> int:
    """Wait until run ``attempt`` of the batch is saving; return the percent seen."""
    def seen():
        percent = imports.batch_progress(batch_id)
        if percent is None or percent < KILL_AT:
            return None
        row = status(batch_id)
        return percent if (row.status, row.attempts) == (BATCH_RUNNING, attempt) else None

    percent = consumer.wait_for(f"run {attempt} saving", seen)
    assert percent < 100, "the kill came too late to land inside the save"
    return percent


def ended(consumer: Consumer, batch: ImportBatch) -> ImportBatch:
    """The batch once ended, and its files gone: they are deleted just after the outcome commits."""
    row = consumer.wait_for("the batch's end", lambda: status(batch.id).status in BATCH_ENDED and status(batch.id),
                            every=0.1)
    consumer.wait_for("the files deleted", lambda: not Path(batch.stored_dir).exists(), timeout=10)
    return row


def assert_killed_mid_save(batch: ImportBatch, attempt: int) -> None:
    row = status(batch.id)
    # What the crash left: still "running" (until a consumer starts), nothing saved, the files kept.
    assert (row.status, row.attempts) == (BATCH_RUNNING, attempt)
    assert Order.select().count() == 0 and OrderLine.select().count() == 0
    assert Path(batch.stored_dir).is_dir()


def test_a_consumer_killed_mid_save_runs_the_batch_again_on_restart(consumer, batch):
    consumer.start()
    saving(consumer, batch.id, attempt=1)
    consumer.kill()
    assert_killed_mid_save(batch, attempt=1)

    consumer.start()  # its start finds the batch's process gone and runs it once more
    row = ended(consumer, batch)
    assert (row.status, row.attempts, row.failure) == (BATCH_DONE, 2, "")
    assert imports.batch_report(row).created == ORDERS
    assert Order.select().count() == ORDERS and OrderLine.select().count() == ORDERS
    assert imports.batch_progress(batch.id) is None


def test_a_batch_killed_on_its_retry_too_fails_with_the_reason(consumer, batch):
    consumer.start()
    saving(consumer, batch.id, attempt=1)
    consumer.kill()
    assert_killed_mid_save(batch, attempt=1)

    consumer.start()
    saving(consumer, batch.id, attempt=2)
    consumer.kill()
    assert_killed_mid_save(batch, attempt=2)

    consumer.start()  # no try left: failed, with why, and nothing of it kept
    row = ended(consumer, batch)
    assert (row.status, row.failure, row.attempts) == (BATCH_FAILED, FAILURE_INTERRUPTED, 2)
    assert Order.select().count() == 0 and OrderLine.select().count() == 0
    assert imports.batch_progress(batch.id) is None
