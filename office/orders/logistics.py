"""Logistics exceptions: shipped orders nobody picked up, or stuck in transit, flagged by the
periodic job (tasks/orders.py) and reported to whoever runs the order departments.

We hold no courier tracking data, so both kinds are judged from what we do hold:
- not picked up (LOGISTICS_NOT_PICKED_UP): shipped by us with a tracking number, and
  ORDER_PICKUP_HOURS later the platform's own status, as last imported, still says paid and
  waiting to be shipped: the platform never saw the parcel leave. Orders without a platform
  status (entered by hand, or an API that sends none) cannot be judged this way.
- stuck (LOGISTICS_STUCK): shipped more than ORDER_STUCK_HOURS ago and still not delivered.

Each order is claimed with a conditional UPDATE (its issue not yet set to this kind) in the
transaction that writes its timeline row and notifications, so overlapping runs flag it
once. A not-picked-up order that is still not delivered when it turns stuck is flagged a
second time, as stuck, since that is news. A new parcel (set_tracking / move to shipped)
clears the flag; a delivered or closed order keeps its value, and lists show the flag only
on shipped orders.
Imports models, office.inbox.notify and the lifecycle's ``record``; never views or tasks.
"""
from __future__ import annotations

import datetime as dt
import operator
from functools import reduce

from flask import current_app
from flask_babel import lazy_gettext as _l

from office.db import atomic_for_update
from office.inbox.notify import notify
from office.models.base import utcnow
from office.models.inbox import KIND_ORDER_LOGISTICS
from office.models.orders import LOGISTICS_NOT_PICKED_UP, LOGISTICS_STUCK, SHIPPED, Order
from office.models.people import ROLE_DIRECTOR, Department, User
from office.orders.labels import LOGISTICS_LABELS
from office.orders.lifecycle import EVENT_LOGISTICS, record

# Orders claimed per run; the rest wait for the next run (claimed ones drop out of the query).
BATCH = 500

# Words of the platforms' status texts (and the Taobao / JD API codes) that mean "paid,
# waiting for the seller to ship": 买家已付款，等待卖家发货 (Taobao/Tmall), 等待出库 (JD),
# 待发货 (Pinduoduo, Douyin), 备货中 (Douyin). None of them occurs in a shipped status
# (卖家已发货，等待买家确认, 已发货，待签收 ...).
PAID_NOT_SHIPPED = ("等待卖家发货", "已付款", "等待出库", "待发货", "备货中", "WAIT_SELLER_SEND_GOODS",
                    "WAIT_SELLER_STOCK_OUT")


def _hours(name: str) -> dt.timedelta:
    return dt.timedelta(hours=float(current_app.config[name]))


def _platform_still_paid():
    """SQL: the platform's status text says paid and not shipped yet."""
    return reduce(operator.or_, [Order.platform_status.contains(word) for word in PAID_NOT_SHIPPED])


def _not_picked_up(now: dt.datetime):
    return ((Order.status == SHIPPED) & (Order.tracking_no != "") & (Order.logistics_issue == "")
            & (Order.shipped_at <= now - _hours("ORDER_PICKUP_HOURS")) & _platform_still_paid())


def _stuck(now: dt.datetime):
    return ((Order.status == SHIPPED) & (Order.logistics_issue != LOGISTICS_STUCK)
            & (Order.shipped_at <= now - _hours("ORDER_STUCK_HOURS")))


def recipients() -> list[int]:
    """Who hears about logistics exceptions: the active heads of the departments marked
    "handles orders" (the people who chase couriers or assign it), else the directors."""
    heads = (User.select(User.id).join(Department, on=(Department.head == User.id))
             .where(Department.handles_orders & User.is_active).distinct().order_by(User.id))
    ids = [user.id for user in heads]
    if not ids:
        ids = [user.id for user in User.select(User.id).where((User.role == ROLE_DIRECTOR) & User.is_active)
               .order_by(User.id)]
    return ids


def _claim(order_id: int, now: dt.datetime) -> str:
    """Inside the caller's transaction: flag the order if it still qualifies; the issue or ""."""
    for issue, condition in ((LOGISTICS_STUCK, _stuck(now)), (LOGISTICS_NOT_PICKED_UP, _not_picked_up(now))):
        claimed = Order.update(logistics_issue=issue, logistics_flagged_at=now).where(
            (Order.id == order_id) & condition).execute()
        if claimed == 1:
            return issue
    return ""


def _excerpt(order: Order, issue: str, now: dt.datetime) -> str:
    hours = int((now - order.shipped_at).total_seconds() // 3600)
    parcel = f"{order.courier} {order.tracking_no}".strip()
    if issue == LOGISTICS_STUCK:
        return str(_l("Order %(no)s was shipped %(hours)d hours ago (%(parcel)s) and is not delivered yet.",
                      no=order.order_no, hours=hours, parcel=parcel))
    return str(_l("Order %(no)s was shipped %(hours)d hours ago (%(parcel)s) but the platform still shows it "
                  "waiting to be shipped.", no=order.order_no, hours=hours, parcel=parcel))


def flag_exceptions(now: dt.datetime | None = None) -> tuple[int, list[int]]:
    """Flag shipped orders not picked up or stuck (see the module docstring), each once per
    kind: its logistics_issue and logistics_flagged_at set, a "logistics" timeline row, and
    a notification to each of ``recipients()``.

    Args:
        now: naive UTC (default: now).
    Returns (orders flagged, ids of the KIND_ORDER_LOGISTICS notifications written).
    """
    now = now or utcnow()
    candidates = [order_id for (order_id,) in Order.select(Order.id)
                  .where(_stuck(now) | _not_picked_up(now))
                  .order_by(Order.shipped_at, Order.id).limit(BATCH).tuples()]
    if not candidates:
        return 0, []
    people = recipients()
    flagged = 0
    ids: list[int] = []
    for order_id in candidates:
        with atomic_for_update():
            # Conditions repeated in the claim: the order may have been delivered or
            # reshipped since it was listed, and a concurrent run may have claimed it.
            issue = _claim(order_id, now)
            if not issue:
                continue
            flagged += 1
            order = Order.get_by_id(order_id)
            excerpt = _excerpt(order, issue, now)
            record(order.id, EVENT_LOGISTICS, None, f"{LOGISTICS_LABELS[issue]}: {excerpt}", now)
            ids += notify(people, KIND_ORDER_LOGISTICS, "order", order.id, None, excerpt)
    return flagged, ids
