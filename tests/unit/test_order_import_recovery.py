"""Imports that cannot stall or leak (issue 13, points 4-6): an Excel file is capped in what it
unpacks to, its packing ratio and its rows, before openpyxl parses it; a batch whose job is
gone (killed consumer or web worker) is run once more, then failed with a reason; its files
go whichever way it ends, and the folders no live batch owns are swept; a new shop is created
in the import's own transaction. The real kill -9 of a consumer: tests/e2e/test_import_fault.py."""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import socket
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from office.models.base import utcnow
from office.models.orders import (
    BATCH_DONE,
    BATCH_FAILED,
    BATCH_QUEUED,
    BATCH_REFUSED,
    BATCH_RUNNING,
    FAILURE_INTERRUPTED,
    FAILURE_NO_SHOP,
    ImportBatch,
    Order,
    Shop,
)
from office.orders import imports, intake
from office.orders.formats import reading, tables
from tests.unit.test_order_intake import counts, export, fake_parse, many, record

DATA = Path(__file__).resolve().parent.parent / "data" / "orders"


@pytest.fixture
def store(app):
    """huey's in-memory store (immediate mode), where progress and heartbeats live: emptied
    around each test, since a batch id of one test is another's too."""
    from tasks.queue import huey

    huey.flush()
    yield imports._progress_store()
    huey.flush()


@pytest.fixture
def shop(app):
    return Shop.create(name="旗舰店", platform="taobao")


def sample(name: str) -> tuple[str, bytes]:
    return name, (DATA / name).read_bytes()


def padded_workbook(pad_bytes: int) -> bytes:
    """jd_orders.xlsx with one more member of zeros: a workbook that unpacks to far more than it weighs."""
    source = zipfile.ZipFile(io.BytesIO((DATA / "jd_orders.xlsx").read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        target.writestr("xl/media/padding.bin", b"\0" * pad_bytes)
    return out.getvalue()


def unpacked(data: bytes) -> int:
    return sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(data)).infolist())


# -- point 4: what a file may unpack to, and its rows ----------------------------------------

def test_a_workbook_that_unpacks_past_the_cap_is_refused_before_parsing(app, monkeypatch):
    name, data = sample("jd_orders.xlsx")
    app.config["ORDER_IMPORT_XLSX_MAX_UNPACKED_BYTES"] = unpacked(data) - 1
    monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: pytest.fail("parsed"))
    parsed = reading.parse([(name, data)])
    assert parsed.orders == [] and len(parsed.errors) == 1
    error = parsed.errors[0]
    assert (error.file, error.row) == (name, 0)
    assert "解压后有 0 MB，超过单次导入可读取的 0 MB" in error.reason  # the readers' language: zh_CN
    assert reading.detect([(name, data)]) == ""  # not even its header is read

    app.config["ORDER_IMPORT_XLSX_MAX_UNPACKED_BYTES"] = unpacked(data)
    monkeypatch.undo()
    assert len(reading.parse([(name, data)]).orders) == 5


def test_a_workbook_packed_far_tighter_than_an_export_is_refused(app):
    bomb = padded_workbook(3 * 1024 * 1024)  # 3 MB of zeros pack into ~3 KB
    assert len(bomb) < 20_000 and unpacked(bomb) > 3 * 1024 * 1024
    parsed = reading.parse([("订单.xlsx", bomb)])
    assert [e.row for e in parsed.errors] == [0]
    assert re.search(r"解压后是原大小的 [\d,]+ 倍", parsed.errors[0].reason)
    # A real export packs ~15 times (measured: 20,000 JD rows, 35 MB in 2.2 MB), and a small
    # workbook may pack tighter without costing anything to read.
    app.config["ORDER_IMPORT_XLSX_MAX_RATIO"] = 100_000
    assert reading.parse([("订单.xlsx", bomb)]).errors == []
    app.config["ORDER_IMPORT_XLSX_MAX_RATIO"] = 2
    assert reading.parse([sample("jd_orders.xlsx")]).errors == []  # unpacks to under 1 MB


def test_the_refusals_are_in_the_readers_language(app):
    from flask_babel import force_locale

    app.config["ORDER_IMPORT_MAX_ROWS"] = 2
    with force_locale("en"):
        assert "more than 2 rows, more than one import may take" in reading.parse([sample("jd_orders.csv")]).errors[0].reason
        reason = reading.parse([("订单.xlsx", padded_workbook(3 * 1024 * 1024))]).errors[0].reason
        assert re.match(r"This Excel file unpacks to [\d,]+ times its size, far more than an order export", reason)
        app.config["ORDER_IMPORT_XLSX_MAX_UNPACKED_BYTES"] = 1000
        reason = reading.parse([sample("jd_orders.xlsx")]).errors[0].reason
        assert reason.startswith("This Excel file unpacks to 0 MB, more than the 0 MB one import may read")


@pytest.mark.parametrize("name", ["jd_orders.csv", "jd_orders.xlsx"])
def test_a_file_with_more_rows_than_the_cap_is_refused(app, name):
    app.config["ORDER_IMPORT_MAX_ROWS"] = 5  # the sample has 6 rows after its header
    parsed = reading.parse([sample(name)])
    assert parsed.orders == []
    assert [(e.file, e.row) for e in parsed.errors] == [(name, 0)]
    assert parsed.errors[0].reason.startswith("文件超过 5 行")
    app.config["ORDER_IMPORT_MAX_ROWS"] = 6
    assert reading.parse([sample(name)]).errors == []
    assert reading.detect([sample(name)]) == "jd"


def test_caps_apply_outside_an_app_too():
    """The command line and scripts read files with the defaults (office/config.py)."""
    from office.config import Defaults

    assert tables._limit("ORDER_IMPORT_MAX_ROWS") == Defaults.ORDER_IMPORT_MAX_ROWS
    with pytest.raises(tables.Unreadable):
        tables.check_workbook(padded_workbook(3 * 1024 * 1024))
    with pytest.raises(tables.Unreadable, match="could not be opened"):
        tables.check_workbook(b"PK\x03\x04 not a zip")


def test_only_a_small_csv_upload_runs_inline(app, shop, store):
    csv = sample("jd_orders.csv")
    assert imports.runs_inline([csv])
    assert not imports.runs_inline([sample("jd_orders.xlsx")])  # a workbook, whatever its size
    assert not imports.runs_inline([("orders.csv", b"PK\x03\x04" + b"x" * 100)])  # named csv, is a zip
    app.config["ORDER_IMPORT_INLINE_BYTES"] = len(csv[1]) - 1
    assert not imports.runs_inline([csv])
    app.config["ORDER_IMPORT_INLINE_BYTES"] = 2 * 1024 * 1024
    app.config["ORDER_IMPORT_INLINE_ROWS"] = csv[1].count(b"\n") - 1
    assert not imports.runs_inline([csv])
    app.config["ORDER_IMPORT_INLINE_ROWS"] = csv[1].count(b"\n")
    assert imports.runs_inline([csv])
    # Another import being saved: the request would wait for its lock.
    ImportBatch.create(shop=shop, status=BATCH_RUNNING)
    assert not imports.runs_inline([csv])


# -- point 5: a batch always ends ------------------------------------------------------------

def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def running_batch(shop, attempts: int = 1, started_ago: float = 0.0, files: bool = True) -> ImportBatch:
    if files:
        batch = imports.queue_batch([("a.csv", b"x")], shop, None)
    else:
        batch = ImportBatch.create(shop=shop, filenames="[]")
    started = utcnow() - dt.timedelta(seconds=started_ago)
    ImportBatch.update(status=BATCH_RUNNING, attempts=attempts, started_at=started).where(
        ImportBatch.id == batch.id).execute()
    return ImportBatch.get_by_id(batch.id)


def beat(store, batch, owner: str, age: float = 0.0) -> None:
    store.put(imports._beat_key(batch.id), (owner, time.time() - age))


HOST = socket.gethostname()


def test_the_running_job_beats_and_stops_beating_when_done(app, shop, store, monkeypatch):
    app.config["ORDER_IMPORT_STALE_SECONDS"] = 1.2  # a beat every 0.2 s
    seen = []

    def parse(files, progress=None):
        batch_id = ImportBatch.get().id
        first = store.get(imports._beat_key(batch_id), peek=True)
        time.sleep(0.5)
        seen.extend([first, store.get(imports._beat_key(batch_id), peek=True), set(imports._running)])
        return many(2)

    monkeypatch.setattr(imports.reading, "parse", parse)
    batch = imports.queue_batch([("a.csv", b"x")], shop, None)
    assert imports.run_batch(batch.id) == BATCH_DONE
    (owner, first_at), (later_owner, later_at), running = seen
    assert owner == later_owner == f"{HOST}:{os.getpid()}:{imports._TOKEN}"
    assert later_at > first_at  # the thread beat while the parse held the job
    assert running == {batch.id}
    assert store.get(imports._beat_key(batch.id), peek=True) is None and imports._running == set()
    assert imports.interrupted_batches() == []


def test_which_running_batches_have_lost_their_job(app, shop, store):
    app.config["ORDER_IMPORT_STALE_SECONDS"] = 60
    mine = f"{HOST}:{os.getpid()}:{imports._TOKEN}"
    cases = {
        "dead process here": (f"{HOST}:{dead_pid()}:abc", 0, True),
        "this pid, an earlier life": (f"{HOST}:{os.getpid()}:earlier", 0, True),
        "this process, not running it": (mine, 0, True),
        "live process here": (f"{HOST}:1:abc", 0, False),  # pid 1 lives; its beat is fresh
        "live process here, silent": (f"{HOST}:1:abc", 61, True),
        "another host, fresh": ("elsewhere:4242:abc", 59, False),
        "another host, stale": ("elsewhere:4242:abc", 61, True),
    }
    batches = {}
    for label, (owner, age, _gone) in cases.items():
        batches[label] = running_batch(shop, files=False)
        beat(store, batches[label], owner, age)
    never_beat_new = running_batch(shop, files=False, started_ago=5)
    never_beat_old = running_batch(shop, files=False, started_ago=61)
    queued = ImportBatch.create(shop=shop, status=BATCH_QUEUED)
    beat(store, queued, f"{HOST}:{dead_pid()}:abc")  # only running batches are judged

    gone = {batch.id for batch in imports.interrupted_batches()}
    expected = {batches[label].id for label, (_o, _a, is_gone) in cases.items() if is_gone} | {never_beat_old.id}
    assert gone == expected
    assert never_beat_new.id not in gone

    imports._running.add(batches["this process, not running it"].id)
    try:
        assert batches["this process, not running it"].id not in {b.id for b in imports.interrupted_batches()}
    finally:
        imports._running.clear()


def test_a_zombie_is_not_alive():
    process = subprocess.Popen(["sleep", "30"])
    try:
        assert imports._process_alive(process.pid)
        process.kill()
        deadline = time.monotonic() + 5
        while imports._process_alive(process.pid) and time.monotonic() < deadline:
            time.sleep(0.01)  # killed, not reaped: a zombie until wait()
        assert not imports._process_alive(process.pid)
    finally:
        process.wait()


def test_an_interrupted_batch_is_retried_once_then_failed(app, shop, store):
    first = running_batch(shop, attempts=1)
    assert imports.retry_or_fail(first)
    first = ImportBatch.get_by_id(first.id)
    assert (first.status, first.started_at) == (BATCH_QUEUED, None)
    assert Path(first.stored_dir).exists()  # the retry reads them

    last = running_batch(shop, attempts=2)
    beat(store, last, f"{HOST}:{dead_pid()}:abc")
    store.put(imports._progress_key(last.id), 64)
    assert not imports.retry_or_fail(last)
    last = ImportBatch.get_by_id(last.id)
    assert (last.status, last.failure) == (BATCH_FAILED, FAILURE_INTERRUPTED) and last.finished_at
    assert not Path(last.stored_dir).exists()
    assert imports.batch_progress(last.id) is None and store.get(imports._beat_key(last.id), peek=True) is None

    # Another sweep got there first: nothing happens twice.
    assert not imports.retry_or_fail(first)  # first is queued now, not running
    assert ImportBatch.get_by_id(first.id).status == BATCH_QUEUED


def test_the_recovery_runs_a_lost_batch_again_and_it_ends_done(app, shop, store, monkeypatch):
    """What the consumer's start does for a batch its predecessor was running when killed."""
    from tasks.orders import recover_imports

    monkeypatch.setattr(imports.reading, "parse", fake_parse(many(3)))
    batch = running_batch(shop, attempts=1)
    beat(store, batch, f"{HOST}:{dead_pid()}:abc")
    folder = Path(batch.stored_dir)
    done = recover_imports()
    assert done["retried"] == [batch.id] and done["failed"] == []
    batch = ImportBatch.get_by_id(batch.id)  # immediate mode: the job ran as it was enqueued
    assert (batch.status, batch.attempts) == (BATCH_DONE, 2)
    assert Order.select().count() == 3 and not folder.exists()
    assert recover_imports() == {"retried": [], "failed": [], "enqueued": [], "files_removed": []}


def test_the_recovery_fails_a_batch_lost_on_its_last_try(app, shop, store):
    from tasks.orders import recover_imports

    batch = running_batch(shop, attempts=2)
    beat(store, batch, f"{HOST}:{os.getpid()}:earlier-life")
    assert recover_imports()["failed"] == [batch.id]
    batch = ImportBatch.get_by_id(batch.id)
    assert (batch.status, batch.failure) == (BATCH_FAILED, FAILURE_INTERRUPTED)
    assert counts() == (0, 0, 0, 0) and not Path(batch.stored_dir).exists()


def test_a_queued_batch_whose_job_is_in_no_queue_is_enqueued_again(app, shop, store, monkeypatch):
    from tasks import orders as order_tasks

    app.config["ORDER_IMPORT_STALE_SECONDS"] = 60
    old = utcnow() - dt.timedelta(seconds=61)
    lost = ImportBatch.create(shop=shop, status=BATCH_QUEUED, created_at=old)
    waiting = ImportBatch.create(shop=shop, status=BATCH_QUEUED, created_at=old)
    fresh = ImportBatch.create(shop=shop, status=BATCH_QUEUED)
    assert imports.unqueued_batches({waiting.id}) == [lost.id]
    assert fresh.id not in imports.unqueued_batches(set())

    # The sweep asks the queue which jobs wait there.
    enqueued = []
    monkeypatch.setattr(order_tasks, "_waiting_batches", lambda: {waiting.id})
    monkeypatch.setattr(order_tasks, "import_orders", enqueued.append)
    assert order_tasks.recover_imports()["enqueued"] == [lost.id]
    assert enqueued == [lost.id]


def test_the_queue_is_read_for_the_import_jobs_waiting_there(app, monkeypatch):
    from huey.storage import MemoryStorage

    from tasks import orders as order_tasks
    from tasks.queue import huey

    monkeypatch.setattr(huey, "_immediate", False)
    monkeypatch.setattr(huey, "storage", MemoryStorage("test"))
    order_tasks.import_orders(7)
    order_tasks.import_orders(9)
    order_tasks.flag_logistics_exceptions.s()  # not enqueued: a signature only
    assert order_tasks._waiting_batches() == {7, 9}


def test_orphan_folders_are_swept(app, shop, store):
    app.config["ORDER_IMPORT_STALE_SECONDS"] = 60
    root = Path(app.instance_path) / "imports"
    queued = imports.queue_batch([("a.csv", b"x")], shop, None)
    running = running_batch(shop)
    ended = imports.queue_batch([("a.csv", b"x")], shop, None)
    ImportBatch.update(status=BATCH_REFUSED).where(ImportBatch.id == ended.id).execute()
    (root / "999").mkdir()  # a batch that no longer exists
    (root / "999" / "0.csv").write_bytes(b"phones")
    (root / "notes").mkdir()  # not a batch's: left alone
    old = time.time() - 61
    for folder in root.iterdir():
        os.utime(folder, (old, old))
    fresh = imports.queue_batch([("a.csv", b"x")], shop, None)  # its row may not be committed yet
    ImportBatch.delete().where(ImportBatch.id == fresh.id).execute()

    assert imports.remove_orphan_files() == [ended.id, 999]
    left = sorted(p.name for p in root.iterdir())
    assert left == sorted([str(queued.id), str(running.id), str(fresh.id), "notes"])
    assert imports.remove_orphan_files(now=time.time() + 120) == [fresh.id]


@pytest.mark.parametrize("taken_by", ["the queue", "another run"])
def test_a_run_whose_batch_was_given_to_another_saves_nothing(app, shop, store, monkeypatch, taken_by):
    """A job taken for gone but alive all along (a machine paused past the stale time): its
    batch went back to the queue, or on to another run, so its orders must not commit."""
    batch = imports.queue_batch([("a.csv", b"x")], shop, None)

    def parse(files, progress=None):
        # The sweep, meanwhile (on its own connection: no transaction is open yet).
        values = {"status": BATCH_QUEUED} if taken_by == "the queue" else {"attempts": 2}
        ImportBatch.update(**values).where(ImportBatch.id == batch.id).execute()
        return many(30)

    monkeypatch.setattr(imports.reading, "parse", parse)
    assert imports.run_batch(batch.id) == ""
    assert counts() == (0, 0, 0, 0)
    assert ImportBatch.get_by_id(batch.id).finished_at is None
    assert Path(batch.stored_dir).exists()  # the other run reads them


def test_files_go_however_a_batch_ends(app, shop, store, monkeypatch):
    monkeypatch.setattr(imports.reading, "parse", fake_parse(export(record("1"), errors=[
        imports.RowError("a.csv", 2, "x", "bad")])))
    refused = imports.queue_batch([("a.csv", b"x")], shop, None)
    assert imports.run_batch(refused.id) == BATCH_REFUSED
    assert not Path(refused.stored_dir).exists()

    no_shop = imports.queue_batch([("a.csv", b"x")], None, None)
    assert imports.run_batch(no_shop.id) == BATCH_FAILED
    no_shop = ImportBatch.get_by_id(no_shop.id)
    assert no_shop.failure == FAILURE_NO_SHOP and not Path(no_shop.stored_dir).exists()


def test_the_consumer_start_and_the_minute_run_the_recovery(app, store, monkeypatch):
    from huey.exceptions import TaskLockedException

    from tasks import orders as order_tasks
    from tasks.queue import huey

    assert "recover-order-imports" in huey._startup
    periodic = {task.__name__ for task in huey._registry._periodic_tasks}
    assert "sweep_imports" in periodic
    calls = []
    monkeypatch.setattr(order_tasks, "recover_imports", lambda: calls.append(1) or {})
    huey._startup["recover-order-imports"]()  # as a worker starts: in an app context of its own
    assert calls == [1]
    with order_tasks.RECOVERY_LOCK:  # one recovery at a time
        huey._startup["recover-order-imports"]()
        with pytest.raises(TaskLockedException):
            order_tasks.sweep_imports.call_local()
    assert calls == [1]
    order_tasks.sweep_imports.call_local()
    assert calls == [1, 1]


# -- point 6: a refused import leaves no new shop ----------------------------------------------

def test_a_new_shop_is_created_by_the_import_and_only_when_it_saves(app, store, monkeypatch):
    monkeypatch.setattr(imports.reading, "parse", fake_parse(export(record("1"), errors=[
        imports.RowError("a.csv", 2, "x", "bad")])))
    refused = imports.queue_batch([("a.csv", b"x")], None, None, "taobao", new_shop="新店")
    assert imports.run_batch(refused.id) == BATCH_REFUSED
    assert Shop.select().count() == 0

    # Refused while saving (an order of another shop): the shop goes back with the orders.
    other = Shop.create(name="老店", platform="taobao")
    intake.save(other, export(record("2")), None)
    monkeypatch.setattr(imports.reading, "parse", fake_parse(export(record("1"), record("2"))))
    clash = imports.queue_batch([("a.csv", b"x")], None, None, "taobao", new_shop="新店")
    assert imports.run_batch(clash.id) == BATCH_REFUSED
    assert [s.name for s in Shop.select()] == ["老店"]

    # The files' platform unknown until now (an Excel upload): the files say it.
    monkeypatch.setattr(imports.reading, "parse", fake_parse(export(record("1"), platform="jd")))
    wrong = imports.queue_batch([("a.csv", b"x")], None, None, "tmall", new_shop="新店")
    assert imports.run_batch(wrong.id) == BATCH_REFUSED
    assert imports.batch_errors(ImportBatch.get_by_id(wrong.id))[0].reason == "这些文件是京东的导出文件，不是天猫的。"
    assert Shop.select().count() == 1
    done = imports.queue_batch([("a.csv", b"x")], None, None, "", new_shop="新店")
    assert imports.run_batch(done.id) == BATCH_DONE
    done = ImportBatch.get_by_id(done.id)
    shop = Shop.get(Shop.name == "新店")
    assert (done.shop_id, done.platform, shop.platform) == (shop.id, "jd", "jd")
    assert json.loads(done.report)["created"] == 1
