"""Logistics exceptions: shipped orders the platform never saw leave (not picked up) and orders
in transit too long (stuck) are flagged once per kind, with a timeline row, the order
departments' heads told (directors when there are none), overlapping runs flagging once,
and the huey job running the rule."""
import datetime as dt
from decimal import Decimal

import pytest

from office.departments.tree import update_department
from office.inbox.links import kind_label
from office.models import orders as m
from office.models.inbox import KIND_ORDER_LOGISTICS, Notification
from office.models.live import LiveEvent
from office.models.orders import ORDER_CHANGED
from office.models.orders import Order, OrderEvent, Shop
from office.orders import lifecycle
from office.orders.logistics import flag_exceptions, recipients
from tests.factories import make_department, make_user
from tests.parallel import at_once

NOW = dt.datetime(2026, 11, 20, 2, 0)  # naive UTC, like every stored time
PAID = "买家已付款，等待卖家发货"
SENT = "卖家已发货，等待买家确认"
_n = {"n": 0}


def hours_ago(hours):
    return NOW - dt.timedelta(hours=hours)


def _order(status=m.SHIPPED, shipped=30, platform_status=PAID, tracking_no="SF1234567890", **fields):
    _n["n"] += 1
    shop = Shop.get_or_none(Shop.name == "知行旗舰店") or Shop.create(name="知行旗舰店", platform=m.PLATFORM_TAOBAO)
    return Order.create(shop=shop, platform=shop.platform, order_no=f"L{_n['n']:05d}", status=status,
                        platform_status=platform_status, courier="顺丰速运" if tracking_no else "",
                        tracking_no=tracking_no, paid_amount=Decimal("99.00"), paid_at=hours_ago(200),
                        shipped_at=hours_ago(shipped) if shipped is not None else None, **fields)


def _fresh(order):
    return Order.get_by_id(order.id)


def _flags(order):
    return list(OrderEvent.select().where((OrderEvent.order == order.id)
                                          & (OrderEvent.kind == lifecycle.EVENT_LOGISTICS)))


@pytest.fixture
def org(app):
    """仓储部 and 客服部 work orders (heads 王仓, 李客); 行政部 does not (head 赵行); a director."""
    warehouse = make_department("仓储部")
    service = make_department("客服部")
    office = make_department("行政部")
    people = {
        "warehouse": make_user("wangcang", role="head", department=warehouse, display_name="王仓"),
        "service": make_user("likefu", role="head", department=service, display_name="李客"),
        "office": make_user("zhaoxing", role="head", department=office, display_name="赵行"),
        "packer": make_user("dabao", department=warehouse, display_name="打包员"),
        "director": make_user("chenjh", role="director", display_name="陈建华"),
    }
    update_department(warehouse, head=people["warehouse"], handles_orders=True)
    update_department(service, head=people["service"], handles_orders=True)
    update_department(office, head=people["office"])
    return people


def test_not_picked_up_and_stuck_orders_are_flagged_once(app, org):
    not_picked = _order(shipped=30)  # the platform still says 等待卖家发货
    picked = _order(shipped=30, platform_status=SENT)
    stuck = _order(shipped=100, platform_status=SENT)
    too_early = _order(shipped=10)
    unknown = _order(shipped=30, platform_status="")  # entered by hand: the platform's view is unknown
    delivered = _order(m.DELIVERED, shipped=200, platform_status="交易成功")
    aftersale = _order(m.AFTERSALE, shipped=200)
    to_ship = _order(m.TO_SHIP, shipped=None, tracking_no="")

    flagged, ids = flag_exceptions(NOW)

    assert flagged == 2
    assert (_fresh(not_picked).logistics_issue, _fresh(not_picked).logistics_flagged_at) == (
        m.LOGISTICS_NOT_PICKED_UP, NOW)
    assert (_fresh(stuck).logistics_issue, _fresh(stuck).logistics_flagged_at) == (m.LOGISTICS_STUCK, NOW)
    for order in (picked, too_early, unknown, delivered, aftersale, to_ship):
        assert _fresh(order).logistics_issue == "" and _flags(order) == []
    [event] = _flags(not_picked)
    assert event.actor_id is None and event.created_at == NOW and "30" in event.detail
    assert LiveEvent.select().where((LiveEvent.kind == ORDER_CHANGED) & (LiveEvent.subject_id == stuck.id)).count() == 1

    # The heads of both order departments, once per order; not 行政部's head, not the packer.
    notes = list(Notification.select().where(Notification.id.in_(ids)).order_by(Notification.id))
    assert len(notes) == 4
    assert {(n.recipient_id, n.target_id) for n in notes} == {
        (org[who].id, order.id) for who in ("warehouse", "service") for order in (not_picked, stuck)}
    assert all(n.kind == KIND_ORDER_LOGISTICS and n.target_type == "order" and n.actor_id is None for n in notes)
    assert any(stuck.order_no in n.excerpt and "100" in n.excerpt for n in notes)

    assert flag_exceptions(NOW) == (0, [])
    assert flag_exceptions(NOW + dt.timedelta(hours=1)) == (0, [])
    assert len(_flags(not_picked)) == 1 and Notification.select().count() == 4


def test_a_not_picked_up_order_is_flagged_again_when_it_turns_stuck(app, org):
    order = _order(shipped=30)
    assert flag_exceptions(NOW)[0] == 1
    assert flag_exceptions(NOW + dt.timedelta(hours=60))[0] == 0  # 90 hours: not yet stuck
    flagged, ids = flag_exceptions(NOW + dt.timedelta(hours=66))  # 96 hours after shipping
    assert flagged == 1 and len(ids) == 2
    assert _fresh(order).logistics_issue == m.LOGISTICS_STUCK
    assert len(_flags(order)) == 2
    assert flag_exceptions(NOW + dt.timedelta(days=30)) == (0, [])


def test_the_hours_are_configurable(app, org):
    order = _order(shipped=50, platform_status=SENT)
    assert flag_exceptions(NOW)[0] == 0
    app.config["ORDER_STUCK_HOURS"] = 48
    assert flag_exceptions(NOW)[0] == 1 and _fresh(order).logistics_issue == m.LOGISTICS_STUCK
    app.config["ORDER_PICKUP_HOURS"] = 2
    early = _order(shipped=3)
    assert flag_exceptions(NOW)[0] == 1 and _fresh(early).logistics_issue == m.LOGISTICS_NOT_PICKED_UP


def test_delivery_hides_the_flag_and_a_new_parcel_is_watched_again(app, org):
    clerk = org["packer"]
    delivered = _order(shipped=100)
    reshipped = _order(shipped=100)
    assert flag_exceptions(NOW)[0] == 2
    lifecycle.move(delivered.id, m.DELIVERED, clerk, now=NOW)
    # The row keeps what happened; the lists only show the flag on shipped orders.
    assert _fresh(delivered).logistics_issue == m.LOGISTICS_STUCK
    lifecycle.move(reshipped.id, m.AFTERSALE, clerk, now=NOW)
    lifecycle.set_tracking(reshipped.id, "", "SF5555555555", clerk, now=NOW)
    assert _fresh(reshipped).logistics_issue == ""
    flagged, _ = flag_exceptions(NOW + dt.timedelta(hours=100))
    assert flagged == 1 and _fresh(reshipped).logistics_issue == m.LOGISTICS_STUCK
    assert len(_flags(delivered)) == 1 and len(_flags(reshipped)) == 2


def test_without_order_department_heads_the_directors_hear(app, org):
    from office.models.people import Department

    Department.update(handles_orders=False).execute()
    assert recipients() == [org["director"].id]
    order = _order(shipped=100)
    flagged, ids = flag_exceptions(NOW)
    assert flagged == 1
    assert [(n.recipient_id, n.target_id) for n in Notification.select().where(Notification.id.in_(ids))] == [
        (org["director"].id, order.id)]
    assert kind_label(KIND_ORDER_LOGISTICS) != KIND_ORDER_LOGISTICS


def test_three_runs_at_once_flag_each_order_once(app, org):
    from office.db import db

    orders = [_order(shipped=30) for _ in range(5)] + [_order(shipped=100, platform_status=SENT) for _ in range(5)]
    db.close()
    results = at_once(app, [lambda: flag_exceptions(NOW) for _ in range(3)])
    assert sum(flagged for flagged, _ in results) == 10
    assert sum(len(ids) for _, ids in results) == 20
    assert Notification.select().count() == 20
    assert OrderEvent.select().where(OrderEvent.kind == lifecycle.EVENT_LOGISTICS).count() == 10
    assert all(_fresh(o).logistics_issue for o in orders)


def test_the_periodic_job_runs_the_rule(app, org):
    from tasks.orders import flag_logistics_exceptions

    order = _order(shipped=100)
    assert flag_logistics_exceptions.call_local(now=NOW) == 1
    assert flag_logistics_exceptions.call_local(now=NOW) == 0
    assert _fresh(order).logistics_issue == m.LOGISTICS_STUCK
    assert Notification.select().where(Notification.kind == KIND_ORDER_LOGISTICS).count() == 2
