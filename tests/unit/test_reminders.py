"""Memo delivery: quick times, exactly-once delivery (also under concurrency), the sweeper, the queue."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from office.db import db
from office.memos.delivery import (
    WHEN_CUSTOM,
    WHEN_HOUR,
    WHEN_TOMORROW,
    MemoError,
    create_memo,
    deliver,
    remind_time,
)
from office.models.base import utcnow
from office.models.inbox import KIND_MEMO, Notification
from office.models.notices import Memo
from tests.factories import make_user
from tests.parallel import at_once

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("when,custom,expected", [
    (WHEN_HOUR, None, dt.datetime(2026, 5, 1, 17, 30)),
    # 16:30 UTC is 00:30 on 2 May in Shanghai: "tomorrow" is 3 May, 09:00 local = 01:00 UTC.
    (WHEN_TOMORROW, None, dt.datetime(2026, 5, 3, 1, 0)),
    (WHEN_CUSTOM, dt.datetime(2026, 5, 2, 8, 0), dt.datetime(2026, 5, 2, 0, 0)),
    (WHEN_CUSTOM, None, None),
])
def test_remind_time(when, custom, expected):
    assert remind_time(when, custom, dt.datetime(2026, 5, 1, 16, 30), SHANGHAI) == expected


def test_remind_time_accepts_pytz_zones():
    import pytz

    zone = pytz.timezone("Asia/Shanghai")
    local = dt.datetime(2026, 5, 2, 8, 0)
    assert remind_time(WHEN_CUSTOM, local, dt.datetime(2026, 5, 1), zone) == dt.datetime(2026, 5, 2)


@pytest.fixture
def owner(app):
    return make_user("xiaoli", display_name="李小丽")


@pytest.mark.parametrize("text,offset,field", [
    ("", 60, "text"), ("   ", 60, "text"), ("长" * 201, 60, "text"), ("ok", 0, "remind_at"), ("ok", -60, "remind_at")])
def test_create_memo_refuses_bad_input(owner, text, offset, field):
    now = utcnow()
    with pytest.raises(MemoError) as error:
        create_memo(owner, text, now + dt.timedelta(seconds=offset), now=now)
    assert error.value.field == field and Memo.select().count() == 0


def _memo(owner, minutes_from_now=-1, text="给王总回电话"):
    now = utcnow()
    memo = create_memo(owner, text, now + dt.timedelta(minutes=1), now=now)
    Memo.update(remind_at=now + dt.timedelta(minutes=minutes_from_now)).where(Memo.id == memo.id).execute()
    return Memo.get_by_id(memo.id)


def test_deliver_writes_one_notification_once(owner):
    memo = _memo(owner)
    ids = deliver(memo.id)
    assert len(ids) == 1
    notification = Notification.get_by_id(ids[0])
    assert (notification.recipient_id, notification.kind, notification.target_type, notification.target_id,
            notification.excerpt) == (owner.id, KIND_MEMO, "memo", memo.id, "给王总回电话")
    assert Memo.get_by_id(memo.id).delivered_at is not None
    assert deliver(memo.id) == []
    assert Notification.select().count() == 1


def test_deliver_waits_for_the_time_and_ignores_deleted_memos(owner):
    future = _memo(owner, minutes_from_now=5)
    assert deliver(future.id) == [] and Memo.get_by_id(future.id).delivered_at is None
    assert deliver(future.id, now=future.remind_at) != []
    gone = _memo(owner)
    Memo.delete().where(Memo.id == gone.id).execute()
    assert deliver(gone.id) == []


def test_sweeper_delivers_every_due_memo_at_the_given_time(owner):
    from tasks.reminders import sweep_memos

    base = utcnow()
    due = [_memo(owner, minutes_from_now=m, text=f"到期{m}") for m in (-30, -1)]
    later = _memo(owner, minutes_from_now=10, text="还没到")
    done = _memo(owner, minutes_from_now=-5, text="已送达")
    deliver(done.id)
    assert sweep_memos.call_local(now=base) == 2
    delivered = {n.target_id for n in Notification.select().where(Notification.kind == KIND_MEMO)}
    assert delivered == {done.id} | {m.id for m in due}
    assert Memo.get_by_id(later.id).delivered_at is None
    assert sweep_memos.call_local(now=base) == 0  # nothing twice
    assert sweep_memos.call_local(now=base + dt.timedelta(minutes=11)) == 1
    assert Memo.get_by_id(later.id).delivered_at is not None
    assert Notification.select().count() == 4


def test_deliver_memo_task_body(owner):
    from tasks.reminders import deliver_memo

    memo = _memo(owner)
    assert deliver_memo.call_local(memo.id) == 1
    assert deliver_memo.call_local(memo.id) == 0


def test_queue_memo_schedules_the_task_at_its_time(owner):
    from huey.storage import MemoryStorage

    from tasks.queue import huey
    from tasks.reminders import queue_memo

    assert isinstance(huey.storage, MemoryStorage)  # never the real queue
    huey.flush()  # immediate mode keeps the schedule in memory across tests
    memo = _memo(owner, minutes_from_now=90)
    queue_memo(memo.id, memo.remind_at)
    scheduled = [task for task in huey.scheduled() if task.name.endswith("deliver_memo") and task.args == (memo.id,)]
    assert len(scheduled) == 1 and scheduled[0].eta == memo.remind_at
    assert Notification.select().count() == 0  # not delivered before its time


def test_concurrent_deliveries_write_one_notification(app, owner):
    """The queued task and the sweeper (or a retry) racing on one memo: one notification."""
    memos = [_memo(owner, text=f"并发{n}") for n in range(5)]
    db.close()
    for memo in memos:
        results = at_once(app, [lambda memo_id=memo.id: deliver(memo_id)] * 2)
        assert sorted(len(r) for r in results) == [0, 1]
        assert Notification.select().where(Notification.target_id == memo.id).count() == 1
        db.close()
