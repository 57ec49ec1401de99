"""The work-order engine (issue 15): opening, every action with its timeline row, who may see
and do what, the clocks in working hours (a weekend, a pause), the breach sweep run twice, and
twenty people claiming or closing one case at once, on both databases."""
import datetime as dt

import pytest

from office.models.inbox import Notification
from office.models.workorders import WorkOrder, WorkOrderEvent, WorkOrderWatcher
from office.rules import NotFound
from office.workorders import engine, sla, visibility
from office.workorders.engine import WorkOrderError
from tests.factories import make_user, work_order_org
from tests.parallel import at_once

# Friday 2026-11-20, 17:30 in Shanghai (naive UTC, like every stored time).
FRIDAY_1730 = dt.datetime(2026, 11, 20, 9, 30)
NOW = dt.datetime(2026, 11, 18, 2, 0)  # Wednesday 10:00 in Shanghai


@pytest.fixture
def org(app):
    return work_order_org()


def _events(order):
    return [e.action for e in WorkOrderEvent.select().where(WorkOrderEvent.work_order == order.id)
            .order_by(WorkOrderEvent.id)]


def _complaint(org, now=NOW):
    return engine.open_order(org["operator"], "complaint", "买家投诉发错颜色", "订单 123 发错了颜色",
                             queue=org["service"], now=now).order


def _task(org, now=NOW, **kw):
    kw.setdefault("queue", org["design"])
    return engine.open_order(org["operator"], "task", "双12主图 5 张", "尺寸 800x800",
                             deadline=now + dt.timedelta(days=2), now=now, **kw).order


def test_opening_numbers_the_order_starts_its_clocks_and_tells_the_queue(org):
    order = _complaint(org)
    assert order.number == f"WO-2026-{order.id:06d}"
    assert order.status == "open" and order.assignee_id is None and order.queue_id == org["service"].id
    # Complaints run round the clock: a first response within 10 minutes.
    assert order.response_due_at == NOW + dt.timedelta(minutes=10)
    assert order.resolve_due_at == NOW + dt.timedelta(hours=24)
    assert _events(order) == ["open"]
    told = {n.recipient_id for n in Notification.select().where(Notification.kind == "wo_assigned")}
    assert told == {org["agent"].id, org["agent2"].id, org["head_service"].id}


def test_a_task_order_needs_a_future_deadline_and_a_person_or_department(org):
    with pytest.raises(WorkOrderError):
        engine.open_order(org["operator"], "task", "主图", queue=org["design"], now=NOW)
    with pytest.raises(WorkOrderError):
        engine.open_order(org["operator"], "task", "主图", queue=org["design"], deadline=NOW, now=NOW)
    with pytest.raises(WorkOrderError):
        engine.open_order(org["operator"], "other", "主图", now=NOW)
    order = _task(org)
    assert order.resolve_due_at == NOW + dt.timedelta(days=2)


def test_claim_deliver_send_back_and_accept(org):
    order = _task(org, departments=[org["service"]])
    with pytest.raises(WorkOrderError):
        engine.claim(order.id, org["agent"], now=NOW)  # sees it (客服部 is named) but is not in the queue
    with pytest.raises(NotFound):
        engine.claim(order.id, org["outsider"], now=NOW)
    later = NOW + dt.timedelta(minutes=30)
    order = engine.claim(order.id, org["designer"], now=later).order
    assert order.assignee_id == org["designer"].id and order.status == "in_progress"
    assert order.first_response_at == later
    order = engine.submit(order.id, org["designer"], "已交付", now=later).order
    assert order.status == "review"
    with pytest.raises(WorkOrderError):
        engine.accept(order.id, org["designer"], now=later)  # only the requester accepts
    with pytest.raises(WorkOrderError):
        engine.send_back(order.id, org["operator"], "", now=later)  # a reason is required
    order = engine.send_back(order.id, org["operator"], "第三张颜色不对", now=later).order
    assert order.status == "in_progress"
    engine.submit(order.id, org["designer"], now=later)
    order = engine.accept(order.id, org["operator"], now=later).order
    assert order.status == "done" and order.resolved_at == later
    assert _events(order) == ["open", "claim", "submit", "send_back", "submit", "accept"]


def test_transfer_reassign_close_and_reopen(org):
    order = _complaint(org)
    order = engine.claim(order.id, org["agent"], now=NOW).order
    order = engine.transfer(order.id, org["agent"], org["design"], "需要设计重做图片", now=NOW).order
    assert order.queue_id == org["design"].id and order.assignee_id is None and order.status == "open"
    with pytest.raises(WorkOrderError):
        engine.assign(order.id, org["designer"], org["designer"], now=NOW)  # a member is not a head
    order = engine.assign(order.id, org["head_design"], org["designer"], now=NOW).order
    assert order.assignee_id == org["designer"].id
    with pytest.raises(WorkOrderError):
        engine.close(order.id, org["designer"], "", now=NOW)
    order = engine.close(order.id, org["designer"], "买家撤诉", now=NOW).order
    assert (order.status, order.closed_by_id, order.closed_at, order.close_reason) == (
        "closed", org["designer"].id, NOW, "买家撤诉")
    order = engine.reopen(order.id, org["operator"], "买家又来了", now=NOW).order
    assert order.status == "in_progress" and order.closed_at is None
    assert _events(order) == ["open", "claim", "transfer", "assign", "close", "reopen"]


def test_who_may_see_an_order(org):
    order = _task(org, departments=[org["service"]])
    for name in ("operator", "designer", "head_design", "boss", "director", "agent", "head_service"):
        assert visibility.can_see(org[name], order), name
    assert not visibility.can_see(org["outsider"], order)
    with pytest.raises(NotFound):
        engine.get_visible(order.id, org["outsider"])
    with pytest.raises(NotFound):
        engine.comment(order.id, org["outsider"], "我也看看", now=NOW)
    # The list condition agrees with the check.
    for name in ("operator", "designer", "outsider", "agent", "boss"):
        query = WorkOrder.select()
        clause = visibility.condition(org[name])
        if clause is not None:
            query = query.where(clause)
        assert (order.id in [o.id for o in query]) == visibility.can_see(org[name], order), name


def test_a_mention_makes_a_watcher_who_may_then_see_it_and_unwatching_hides_it(org):
    order = _task(org)
    outsider = org["outsider"]
    engine.comment(order.id, org["operator"], "@路人 请看一下", now=NOW)
    assert WorkOrderWatcher.select().where(WorkOrderWatcher.user == outsider.id).count() == 1
    assert Notification.select().where((Notification.recipient == outsider.id)
                                       & (Notification.kind == "mention")).count() == 1
    assert visibility.can_see(outsider, order)
    engine.unwatch(order.id, outsider, now=NOW)
    assert not visibility.can_see(outsider, order)


def test_office_hours_clock_runs_over_the_weekend_into_monday(org):
    order = engine.open_order(org["operator"], "refund", "退款", queue=org["service"], now=FRIDAY_1730).order
    # 8 working hours from Friday 17:30: half an hour on Friday, 7.5 on Monday: Monday 18:00 local.
    assert order.resolve_due_at == dt.datetime(2026, 11, 23, 10, 0)
    # 1 working hour to respond: Friday 18:00 is 30 minutes in, then Monday 09:30 local.
    assert order.response_due_at == dt.datetime(2026, 11, 23, 1, 30)
    clock = sla.current(order, dt.datetime(2026, 11, 22, 4, 0))  # Sunday: no working time passes
    assert clock.which == "response" and clock.seconds_left == 30 * 60 and not clock.breached


def test_pausing_stops_the_clock_and_moves_the_due_times(org):
    order = engine.open_order(org["operator"], "refund", "退款", queue=org["service"], now=NOW).order
    order = engine.claim(order.id, org["agent"], now=NOW).order
    due = order.resolve_due_at
    order = engine.pause(order.id, org["agent"], "等待买家寄回", now=NOW + dt.timedelta(hours=1)).order
    assert order.status == "paused"
    frozen = sla.current(order, NOW + dt.timedelta(days=3))
    assert frozen.stopped and not frozen.breached
    # Paused Wednesday 11:00 to 15:00 local: 1 h before lunch, 1.5 h after: 2.5 working hours.
    order = engine.resume(order.id, org["agent"], now=NOW + dt.timedelta(hours=5)).order
    assert order.status == "in_progress" and order.paused_at is None
    assert order.paused_seconds == int(2.5 * 3600)
    assert order.resolve_due_at == sla.shifted(due, "refund", int(2.5 * 3600))
    assert order.resolve_due_at > due


def test_sweep_reminds_then_escalates_to_the_head_then_the_heads_head_once_each(org, app):
    order = _complaint(org)
    engine.assign(order.id, org["head_service"], org["agent"], now=NOW)

    def kinds_for(user):
        return sorted(n.kind for n in Notification.select().where(
            (Notification.recipient == user.id) & Notification.kind.in_(["wo_due", "wo_breached"])))

    # 10-minute response clock: near breach in its last 2 minutes.
    for _ in range(2):
        sla.sweep(NOW + dt.timedelta(minutes=9))
    assert kinds_for(org["agent"]) == ["wo_due"]
    assert kinds_for(org["head_service"]) == []
    for _ in range(2):
        sla.sweep(NOW + dt.timedelta(minutes=11))
    assert kinds_for(org["head_service"]) == ["wo_breached"]
    assert kinds_for(org["boss"]) == []
    # Breached for as long again as its budget: the head's head.
    for _ in range(2):
        sla.sweep(NOW + dt.timedelta(minutes=21))
    assert kinds_for(org["boss"]) == ["wo_breached"]
    assert kinds_for(org["agent"]) == ["wo_due"] and kinds_for(org["head_service"]) == ["wo_breached"]
    assert _events(order).count("escalate") == 2 and _events(order).count("remind") == 1
    # A response stops the response clock; the resolution clock has nothing due yet.
    engine.comment(order.id, org["agent"], "您好，马上为您处理", now=NOW + dt.timedelta(minutes=22))
    assert sla.sweep(NOW + dt.timedelta(minutes=23)) == []


def test_a_paused_order_is_not_swept(org):
    order = _complaint(org)
    engine.pause(order.id, org["head_service"], "等待买家", now=NOW)
    assert sla.sweep(NOW + dt.timedelta(hours=30)) == []


def _race(app, actions):
    from office.db import db

    db.close()
    results = at_once(app, actions, expected=(WorkOrderError,))
    return ["refused" if isinstance(r, WorkOrderError) else "done" for r in results]


def test_twenty_people_claiming_one_case_leave_one_owner(app, org):
    order = _complaint(org)
    people = [make_user(f"cs{n}", department=org["service"]) for n in range(20)]
    results = _race(app, [lambda p=p: engine.claim(order.id, p, now=NOW) for p in people])
    assert results.count("done") == 1
    order = WorkOrder.get_by_id(order.id)
    assert order.assignee_id in {p.id for p in people}
    assert _events(order).count("claim") == 1


def test_twenty_closes_at_once_close_once(app, org):
    order = _complaint(org)
    heads = [make_user(f"director{n}", role="director") for n in range(20)]
    results = _race(app, [lambda p=p: engine.close(order.id, p, "重复工单", now=NOW) for p in heads])
    assert results.count("done") == 1
    order = WorkOrder.get_by_id(order.id)
    assert order.status == "closed" and order.closed_by_id in {p.id for p in heads}
    assert _events(order).count("close") == 1


def test_the_periodic_sweep_runs_every_minute_and_notifies_once(org):
    from tasks.queue import huey
    from tasks.workorders import sweep_work_order_clocks

    _complaint(org)
    late = NOW + dt.timedelta(minutes=12)
    first = sweep_work_order_clocks.call_local(now=late)
    assert first == 1  # the 客服部 head: the response clock breached (its reminder is skipped)
    assert sweep_work_order_clocks.call_local(now=late) == 0
    assert any(task.name.endswith("sweep_work_order_clocks")
               for task in huey.read_periodic(dt.datetime(2026, 11, 1, 9, 46)))


def test_sweeps_running_at_once_notify_once(app, org):
    from office.db import db

    _complaint(org)
    late = NOW + dt.timedelta(minutes=12)
    db.close()
    results = at_once(app, [lambda: sla.sweep(late) for _ in range(5)])
    assert sum(len(r) for r in results) == 1
    assert Notification.select().where(Notification.kind == "wo_breached").count() == 1


def test_a_holiday_on_the_calendar_moves_the_due_time_past_it(org):
    from office.calendar import calendars
    from office.models.calendar import HOLIDAY, CalendarDay

    # Monday 2026-11-23 made a holiday on the office calendar (/calendar/edit), which clocks count on.
    CalendarDay.create(day=dt.date(2026, 11, 23), kind=HOLIDAY, name="店庆")
    calendars.forget()
    order = engine.open_order(org["operator"], "refund", "退款", queue=org["service"], now=FRIDAY_1730).order
    # Half an hour on Friday, nothing on the weekend or the holiday, 7.5 h on Tuesday: Tuesday 18:00 local.
    assert order.resolve_due_at == dt.datetime(2026, 11, 24, 10, 0)
