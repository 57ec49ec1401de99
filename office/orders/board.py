"""The warehouse board (仓库发货): orders to ship, priority first and then the longest waiting,
with their items, how long they have waited, and the day's figures; and what the live stream
sends an open board when orders change.

Bounded: the board shows the first LIMIT orders and says how many there are in all, so a
backlog of thousands costs the same three queries as a quiet morning. Imports models and
access.py; never views, templates or tasks.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l
from peewee import Case, fn

from office.db import atomic_for_update, locked
from office import clock
from office.clock import office_date
from office.models.base import utcnow
from office.models.orders import TO_SHIP, Order, OrderLine, Shop
from office.models.people import User
from office.orders.access import can_work_orders, mask_address
from office.orders import lifecycle
from office.orders.labels import status_label
from office.orders.lifecycle import COURIERS, OrderError

LIMIT = 200
# Orders waiting longer than this (since payment) are overdue; ORDER_SHIP_HOURS overrides it.
DEFAULT_SHIP_HOURS = 24


@dataclass
class Card:
    order: Order
    lines: list[OrderLine] = field(default_factory=list)
    waited_minutes: int = 0
    overdue: bool = False
    region: str = ""  # the masked address: province, city, district

    @property
    def waited_hours(self) -> int:
        return self.waited_minutes // 60


@dataclass
class Counts:
    to_ship: int = 0
    priority: int = 0
    overdue: int = 0
    shipped_today: int = 0


@dataclass
class Board:
    cards: list[Card]
    counts: Counts
    ship_hours: int
    limit: int = LIMIT

    @property
    def order_ids(self) -> list[int]:
        return [card.order.id for card in self.cards]

    @property
    def couriers(self) -> tuple[str, ...]:
        return COURIERS


def ship_hours() -> int:
    return int(current_app.config.get("ORDER_SHIP_HOURS", DEFAULT_SHIP_HOURS))


def _waiting_since():
    # Orders typed in by hand or pushed without a payment time wait from when we got them.
    return fn.COALESCE(Order.paid_at, Order.created_at)


def day_start(now: dt.datetime) -> dt.datetime:
    """The start of the office's day containing ``now``, as naive UTC (what is stored)."""
    return clock.day_start(office_date(now))


def counts(now: dt.datetime, hours: int) -> Counts:
    """To ship, of which priority and overdue, and shipped since the office's midnight: one query."""
    cutoff = now - dt.timedelta(hours=hours)
    shipped = Order.alias()
    shipped_today = (shipped.select(fn.COUNT(shipped.id)).where(shipped.shipped_at >= day_start(now)))
    row = (Order.select(fn.COUNT(Order.id).alias("to_ship"),
                        fn.SUM(Case(None, [(Order.is_priority == True, 1)], 0)).alias("priority"),  # noqa: E712
                        fn.SUM(Case(None, [(_waiting_since() < cutoff, 1)], 0)).alias("overdue"),
                        shipped_today.alias("shipped_today"))
           .where(Order.status == TO_SHIP).dicts().get())
    return Counts(**{key: int(value or 0) for key, value in row.items()})


def board(now: dt.datetime | None = None, limit: int | None = None) -> Board:
    """The first ``limit`` (LIMIT) orders to ship, priority first, then oldest paid first
    (three queries: orders with shops, their lines, the figures)."""
    now = now or utcnow()
    limit = limit or LIMIT
    hours = ship_hours()
    orders = list(Order.select(Order, Shop).join(Shop)
                  .where(Order.status == TO_SHIP)
                  .order_by(Order.is_priority.desc(), _waiting_since().asc(), Order.id.asc())
                  .limit(limit))
    cards = {order.id: _card(order, now, hours) for order in orders}
    _add_lines(cards)
    return Board(list(cards.values()), counts(now, hours), hours, limit)


def card(order: Order, now: dt.datetime | None = None) -> Card | None:
    """One order's card (to redraw it alone), or None once it is no longer to ship."""
    if order.status != TO_SHIP:
        return None
    cards = {order.id: _card(order, now or utcnow(), ship_hours())}
    _add_lines(cards)
    return cards[order.id]


def _card(order: Order, now: dt.datetime, hours: int) -> Card:
    since = order.paid_at or order.created_at
    minutes = max(int((now - since).total_seconds() // 60), 0)
    return Card(order, waited_minutes=minutes, overdue=minutes >= hours * 60,
                region=mask_address(order.receiver_address))


def _add_lines(cards: dict[int, Card]) -> None:
    if cards:
        lines = (OrderLine.select(OrderLine.id, OrderLine.order, OrderLine.title, OrderLine.spec,
                                  OrderLine.sku_code, OrderLine.quantity)
                 .where(OrderLine.order.in_(list(cards)))
                 .order_by(OrderLine.order, OrderLine.position, OrderLine.id))
        for line in lines:
            cards[line.order_id].lines.append(line)


def ship(order_id: int, courier: str, tracking_no: str, by: User | None) -> Order:
    """Ship an order from the board: lifecycle.set_tracking, for orders to ship only.

    set_tracking also corrects the number of a shipped order; from a board that would let a
    stale card, or a second packer a moment later, overwrite the parcel already sent (and
    hide that two parcels were packed). Here the status is checked under the write lock, so
    of two packers shipping one order the second is refused.

    Raises:
        OrderError: not (or no longer) to ship (field "status"); a number of another
            courier's shape than the chosen one (field "courier", as the board keeps the
            last courier chosen); whatever set_tracking refuses.
    """
    guessed = lifecycle.guess_courier(lifecycle.normalize_tracking(tracking_no))
    if guessed and courier and guessed != courier:
        raise OrderError(_l("This number looks like %(guessed)s's, not %(chosen)s's: choose the courier again.",
                            guessed=guessed, chosen=courier), "courier")
    with atomic_for_update():
        current = locked(Order.select(Order.id, Order.status).where(Order.id == order_id)).first()
        if current is None:
            raise OrderError(_l("This order does not exist."))
        if current.status != TO_SHIP:
            raise OrderError(_l("The order is already %(status)s.", status=status_label(current.status)))
        return lifecycle.set_tracking(order_id, courier, tracking_no, by)


def fragments(me: User, view: str | None) -> dict:
    """What the live stream sends an open board (view=warehouse) after any order changed:
    the whole board, redrawn, if the viewer still works orders."""
    if view != "warehouse":
        return {}
    if not can_work_orders(me):
        return {}
    return {"warehouse_board": board()}
