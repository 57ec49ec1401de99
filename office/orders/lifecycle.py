"""An order's lifecycle: status moves, the exception queue, priority, courier and tracking
number, merging and splitting, and the timeline every change writes.

Concurrency: every change is one transaction (``atomic_for_update``) whose write is a
conditional UPDATE (``WHERE id = ? AND status = <what we read>``). Of two clicks, two people
or two workers acting on one order, one changes the row and the other finds 0 rows changed,
re-reads, and gets an OrderError saying what the order is now; nothing is recorded twice.
Merge and split also lock the rows they read (PostgreSQL: FOR UPDATE; SQLite: BEGIN
IMMEDIATE), because they check several rows before writing.

Every change writes OrderEvent rows (the timeline) and one live ORDER_CHANGED per order
changed. Imports models, office.rules and office.live.events; never views or tasks.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l

from office.db import atomic_for_update, locked
from office.live.events import publish
from office.models.base import utcnow
from office.models.orders import (
    ORDER_CHANGED,
    AFTERSALE,
    CLOSED,
    DELIVERED,
    QUEUE_EXCEPTION,
    QUEUE_REVIEW,
    QUEUE_SERVICE,
    QUEUE_WAREHOUSE,
    REVIEW,
    SHIPPED,
    SOURCE_MANUAL,
    STATUSES,
    TO_SHIP,
    UNPAID,
    Order,
    OrderEvent,
    OrderLine,
)
from office.models.people import User
from office.orders.labels import queue_label, status_label
from office.rules import RuleError


class OrderError(RuleError):
    default_field = "status"


# Why these and no others: an order only goes forward along the way a parcel does (paid →
# checked → packed → sent → received), with two ways back that happen in real warehouses:
# a packed order held back for review (地址有误, 客户要求改规格) and an after-sales case
# that ends in a parcel sent again (补发/换货 → shipped) or settled as received. After-sales
# can open from the moment money is paid (仅退款 before shipping) but not while unpaid;
# an unpaid order can only be paid (→ review / to ship) or closed. Closed is final: merged
# orders and refunds must not come back to life and be shipped twice.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    UNPAID: (REVIEW, TO_SHIP, CLOSED),
    REVIEW: (TO_SHIP, CLOSED, AFTERSALE),
    TO_SHIP: (SHIPPED, REVIEW, CLOSED, AFTERSALE),
    SHIPPED: (DELIVERED, AFTERSALE),
    DELIVERED: (AFTERSALE, CLOSED),
    AFTERSALE: (SHIPPED, DELIVERED, CLOSED),
    CLOSED: (),
}

# Not yet shipped: what merge, split and the exception queue work on.
UNSHIPPED = (REVIEW, TO_SHIP)
PAST_WAREHOUSE = (SHIPPED, DELIVERED, AFTERSALE, CLOSED)
# The queues an exception can be resolved into (warehouse means: ship it).
RESOLVE_QUEUES = (QUEUE_SERVICE, QUEUE_REVIEW, QUEUE_WAREHOUSE)

# Timeline event kinds (OrderEvent.kind, at most 20 characters).
EVENT_IMPORTED = "imported"  # created by an import of the platform's export
EVENT_RECEIVED = "received"  # created through the JSON API
EVENT_CREATED = "created"  # typed in by hand (office.orders.entry)
EVENT_UPDATED = "updated"  # a later export changed it
EVENT_MOVED = "moved"
EVENT_PRIORITY = "priority"
EVENT_TRACKING = "tracking"  # courier / tracking number corrected on a shipped order
EVENT_MERGED = "merged"  # on the order that received the others' lines
EVENT_MERGED_INTO = "merged_into"  # on each order closed by a merge
EVENT_SPLIT = "split"  # on the original
EVENT_SPLIT_FROM = "split_from"  # on the new order
EVENT_EXCEPTION_RESOLVED = "exception_resolved"
EVENT_NOTE = "note"
EVENT_LOGISTICS = "logistics"  # flagged: not picked up / stuck (office.orders.logistics)
EVENT_REVEALED = "revealed"  # someone read the unmasked phone or address

EVENT_LABELS = {
    EVENT_IMPORTED: _l("Imported"),
    EVENT_RECEIVED: _l("Received through the API"),
    EVENT_CREATED: _l("Entered by hand"),
    EVENT_UPDATED: _l("Updated from the platform"),
    EVENT_MOVED: _l("Status changed"),
    EVENT_PRIORITY: _l("Priority"),
    EVENT_TRACKING: _l("Tracking number"),
    EVENT_MERGED: _l("Orders merged in"),
    EVENT_MERGED_INTO: _l("Merged into another order"),
    EVENT_SPLIT: _l("Split"),
    EVENT_SPLIT_FROM: _l("Split from another order"),
    EVENT_EXCEPTION_RESOLVED: _l("Exception resolved"),
    EVENT_NOTE: _l("Note"),
    EVENT_LOGISTICS: _l("Logistics exception"),
    EVENT_REVEALED: _l("Customer data viewed"),
}


def event_label(kind: str) -> str:
    """The translated name of a timeline event kind; an unknown kind shows as itself."""
    label = EVENT_LABELS.get(kind)
    return str(label) if label is not None else kind


# Couriers offered in the form; any other name may be typed.
COURIERS = ("顺丰速运", "中通快递", "圆通速递", "韵达快递", "申通快递", "极兔速递", "京东物流", "EMS",
            "邮政快递包裹", "德邦快递")
COURIER_MAX = 40  # Order.courier
TRACKING_MIN, TRACKING_MAX = 8, 30

# Guessing the courier from a number's shape, first match wins. Only shapes that are
# unambiguous are listed: prefixes the couriers print themselves, ZTO's 75/78 numbers, and
# the UPU S10 form (EA123456789CN) EMS uses. Other all-digit numbers (韵达, 申通, 邮政 share
# lengths and leading digits) are not guessed: the form asks for the courier instead.
_COURIER_SHAPES = (
    (re.compile(r"^SF\d{10,15}$"), "顺丰速运"),
    (re.compile(r"^JD[A-Z0-9]{10,18}$"), "京东物流"),
    (re.compile(r"^JT\d{10,15}$"), "极兔速递"),
    (re.compile(r"^YT\d{10,15}$"), "圆通速递"),
    (re.compile(r"^DPK\d{9,15}$"), "德邦快递"),
    (re.compile(r"^7[58]\d{10,13}$"), "中通快递"),
    (re.compile(r"^[A-Z]{2}\d{9}CN$"), "EMS"),
)

CENT = Decimal("0.01")


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or utcnow()


def _id(value) -> int | None:
    return value.id if hasattr(value, "id") else value


def in_exception(order: Order) -> bool:
    """Waiting in the exception queue (failed validation on arrival, not yet resolved)."""
    return order.queue == QUEUE_EXCEPTION and order.status in (UNPAID, *UNSHIPPED)


def allowed_moves(order: Order) -> list[str]:
    """The statuses ``order`` may move to from here, in TRANSITIONS order.

    SHIPPED is listed although moving there needs a tracking number (set_tracking does
    both). An order in the exception queue leaves it through resolve_exception, so TO_SHIP
    is not offered for it.
    """
    moves = list(TRANSITIONS.get(order.status, ()))
    if in_exception(order):
        moves = [s for s in moves if s != TO_SHIP]
    return moves


def record(order, kind: str, by: User | None, detail: str = "", now: dt.datetime | None = None,
           live: bool = True) -> OrderEvent:
    """One timeline row, and (unless ``live`` is False: the caller publishes once for several
    rows) one live ORDER_CHANGED for the order. Call inside the change's transaction."""
    order_id = _id(order)
    event = OrderEvent.create(order=order_id, kind=kind, actor=_id(by), detail=str(detail or ""),
                              created_at=_now(now))
    if live:
        publish(ORDER_CHANGED, order_id)
    return event


def _get(order_id: int, lock: bool = False) -> Order:
    query = Order.select().where(Order.id == order_id)
    order = (locked(query) if lock else query).first()
    if order is None:
        raise OrderError(_l("This order does not exist."))
    return order


def _changed_meanwhile(order_id: int, seen_status: str) -> OrderError:
    """The error for a conditional UPDATE that changed nothing: say what the order is now."""
    current = _get(order_id)
    if current.status != seen_status:
        return OrderError(_l("The order is already %(status)s.", status=status_label(current.status)))
    return OrderError(_l("The order was changed by someone else meanwhile; reload the page and try again."))


def _refuse_move(order: Order, to_status: str) -> None:
    if to_status not in STATUSES:
        raise OrderError(_l("Unknown status."))
    if order.status == to_status:
        raise OrderError(_l("The order is already %(status)s.", status=status_label(to_status)))
    if to_status not in TRANSITIONS[order.status]:
        raise OrderError(_l("An order that is %(old)s cannot become %(new)s.", old=status_label(order.status),
                            new=status_label(to_status)))
    if to_status == TO_SHIP and in_exception(order):
        raise OrderError(_l("Resolve the exception first: %(reason)s", reason=order.exception_reason), "queue")
    if to_status == SHIPPED and not order.tracking_no:
        raise OrderError(_l("Enter the tracking number to ship the order."), "tracking_no")


def _move_values(order: Order, to_status: str, now: dt.datetime) -> dict:
    values = {Order.status: to_status, Order.updated_at: now}
    if to_status in PAST_WAREHOUSE:
        # As intake does for a later export: past the warehouse no queue holds it any more.
        values.update({Order.queue: "", Order.exception_reason: ""})
    if to_status == SHIPPED:
        # A new parcel (first shipment or 补发) is watched afresh by the logistics job.
        values.update({Order.shipped_at: now, Order.logistics_issue: "", Order.logistics_flagged_at: None})
    elif to_status == DELIVERED:
        values[Order.delivered_at] = now
    elif to_status == TO_SHIP:
        values[Order.queue] = QUEUE_WAREHOUSE
    elif to_status == REVIEW and order.queue in ("", QUEUE_WAREHOUSE):
        # Held back from the warehouse (or just paid): someone reviews it.
        values[Order.queue] = QUEUE_REVIEW
    return values


def _moved_detail(old: str, new: str, extra: str = "", note: str = "") -> str:
    parts = [f"{status_label(old)} → {status_label(new)}"]
    parts += [text for text in (extra, (note or "").strip()) if text]
    return " · ".join(parts)


def move(order_id: int, to_status: str, by: User | None, now: dt.datetime | None = None, note: str = "") -> Order:
    """Move an order to ``to_status`` along TRANSITIONS, once: a second identical request
    (double click, two people, two workers) gets OrderError "already <status>".

    Shipping needs a tracking number on the order (``set_tracking`` sets one and ships);
    an order in the exception queue goes to the warehouse through ``resolve_exception``.
    Sets shipped_at / delivered_at; writes a "moved" event with ``note``.
    """
    now = _now(now)
    with atomic_for_update():
        order = _get(order_id)
        _refuse_move(order, to_status)
        conditions = (Order.id == order.id) & (Order.status == order.status)
        if to_status == SHIPPED:
            conditions &= Order.tracking_no != ""
        if to_status == TO_SHIP:
            conditions &= Order.queue != QUEUE_EXCEPTION
        if Order.update(_move_values(order, to_status, now)).where(conditions).execute() != 1:
            raise _changed_meanwhile(order.id, order.status)
        extra = f"{order.courier} {order.tracking_no}".strip() if to_status == SHIPPED else ""
        if in_exception(order):
            extra = order.exception_reason  # cleared from the order, kept here
        record(order.id, EVENT_MOVED, by, _moved_detail(order.status, to_status, extra, note), now)
    return _get(order_id)


def set_priority(order_id: int, flag: bool, by: User | None, now: dt.datetime | None = None) -> Order:
    """Mark or unmark 加急. Setting what is already set changes and records nothing."""
    now = _now(now)
    flag = bool(flag)
    with atomic_for_update():
        order = _get(order_id)
        if order.status == CLOSED:
            raise OrderError(_l("The order is already %(status)s.", status=status_label(CLOSED)), "is_priority")
        changed = Order.update(is_priority=flag, updated_at=now).where(
            (Order.id == order.id) & (Order.is_priority != flag) & (Order.status != CLOSED)).execute()
        if changed:
            record(order.id, EVENT_PRIORITY, by, str(_l("Marked priority") if flag else _l("Priority removed")), now)
    return _get(order_id)


def normalize_tracking(text: str) -> str:
    """What a person typed or a scanner sent: full-width characters (a Chinese input method
    left on) made plain, spaces of any width removed, letters uppercased."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).upper()


def guess_courier(tracking_no: str) -> str:
    """The courier a (normalized) number belongs to, or "" when its shape says nothing sure."""
    for shape, courier in _COURIER_SHAPES:
        if shape.match(tracking_no):
            return courier
    return ""


def clean_tracking(courier: str, tracking_no: str) -> tuple[str, str]:
    """(courier, number) cleaned, or OrderError on the field at fault.

    A number is 8–30 letters and digits with at least 6 digits (every domestic courier's
    numbers are mostly digits; this catches a word typed into the wrong box). An empty
    courier is guessed from the number's shape.
    """
    number = normalize_tracking(tracking_no)
    if not number:
        raise OrderError(_l("Enter the tracking number to ship the order."), "tracking_no")
    if not re.fullmatch(r"[A-Z0-9]+", number):
        raise OrderError(_l("A tracking number has only letters and digits."), "tracking_no")
    if not TRACKING_MIN <= len(number) <= TRACKING_MAX or sum(c.isdigit() for c in number) < 6:
        raise OrderError(_l("This does not look like a tracking number (%(min)d to %(max)d letters and digits).",
                            min=TRACKING_MIN, max=TRACKING_MAX), "tracking_no")
    courier = " ".join((courier or "").split())
    if not courier:
        courier = guess_courier(number)
        if not courier:
            raise OrderError(_l("Choose the courier: it cannot be told from this number."), "courier")
    if len(courier) > COURIER_MAX:
        raise OrderError(_l("At most %(n)d characters.", n=COURIER_MAX), "courier")
    return courier, number


def set_tracking(order_id: int, courier: str, tracking_no: str, by: User | None,
                 now: dt.datetime | None = None) -> Order:
    """Give an order its courier and tracking number (typed or scanned).

    To ship → shipped (shipped_at = now); after-sales → shipped again (a replacement parcel,
    watched afresh); already shipped → the number is corrected (the same number scanned
    again changes and records nothing). Other statuses refuse.
    """
    courier, number = clean_tracking(courier, tracking_no)
    now = _now(now)
    with atomic_for_update():
        # Locked, so a parcel scanned twice at once finds the first scan's number and
        # returns quietly on PostgreSQL too, instead of one of them failing.
        order = _get(order_id, lock=True)
        if order.status == SHIPPED:
            if (order.courier, order.tracking_no) == (courier, number):
                return order
            changed = Order.update(courier=courier, tracking_no=number, updated_at=now).where(
                (Order.id == order.id) & (Order.status == SHIPPED) & (Order.tracking_no == order.tracking_no)
                & (Order.courier == order.courier)).execute()
            if changed != 1:
                raise _changed_meanwhile(order.id, order.status)
            old = f"{order.courier} {order.tracking_no}".strip()
            record(order.id, EVENT_TRACKING, by, f"{old} → {courier} {number}", now)
            return _get(order_id)
        if order.status not in (TO_SHIP, AFTERSALE):
            if order.status == REVIEW and not in_exception(order):
                raise OrderError(_l("Approve the order for shipping first."), "tracking_no")
            raise OrderError(_l("An order that is %(old)s cannot become %(new)s.", old=status_label(order.status),
                                new=status_label(SHIPPED)), "tracking_no")
        values = _move_values(order, SHIPPED, now)
        values.update({Order.courier: courier, Order.tracking_no: number})
        if Order.update(values).where((Order.id == order.id) & (Order.status == order.status)).execute() != 1:
            raise _changed_meanwhile(order.id, order.status)
        record(order.id, EVENT_MOVED, by, _moved_detail(order.status, SHIPPED, f"{courier} {number}"), now)
    return _get(order_id)


def _merge_key(order: Order) -> tuple:
    return (order.shop_id, order.buyer_nick, order.receiver_name, order.receiver_phone, order.receiver_address)


def _can_merge(order: Order) -> bool:
    return (order.status in UNSHIPPED and order.paid_at is not None and not in_exception(order)
            and order.merged_into_id is None)


def can_merge_where(model=Order):
    """``_can_merge`` as SQL over ``model`` (Order or an alias of it): the desk's flag uses it."""
    return (model.status.in_(UNSHIPPED) & model.paid_at.is_null(False) & (model.queue != QUEUE_EXCEPTION)
            & model.merged_into.is_null())


def same_merge_key_where(model, other):
    """``_merge_key(model) == _merge_key(other)`` as SQL, ``other`` an Order row or (for a
    correlated subquery) the outer query's model."""
    return ((model.shop == other.shop_id if isinstance(other, Order) else model.shop == other.shop)
            & (model.buyer_nick == other.buyer_nick) & (model.receiver_name == other.receiver_name)
            & (model.receiver_phone == other.receiver_phone) & (model.receiver_address == other.receiver_address))


def mergeable(order: Order) -> list[Order]:
    """Other orders ``order`` could be merged with: unshipped (to review / to ship), paid, not
    in the exception queue, of the same shop, buyer nick, receiver name, phone and address.
    Oldest payment first; empty when ``order`` itself cannot be merged."""
    if not _can_merge(order):
        return []
    return list(Order.select().where(
        (Order.id != order.id) & same_merge_key_where(Order, order) & can_merge_where(Order))
        .order_by(Order.paid_at, Order.id))


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def merge(order_ids: Iterable[int], by: User | None, now: dt.datetime | None = None) -> Order:
    """Merge orders into the first of ``order_ids``, in one transaction.

    The first keeps its number and status and receives the others' lines, the sum of their
    amounts (so the shop's totals do not change: the closed ones are left at zero), the
    earliest placing and payment times (its age on the board), priority if any had it, and
    their buyer messages and memos. The others are closed with merged_into set. Each order
    gets a timeline row. Refused with OrderError, nothing changed, when fewer than two
    orders are given or any of them is not mergeable with the first (see ``mergeable``),
    including one that was shipped, closed or changed since the list was shown.
    """
    ids = list(dict.fromkeys(int(i) for i in order_ids))
    if len(ids) < 2:
        raise OrderError(_l("Choose at least two orders to merge."), "order_ids")
    now = _now(now)
    with atomic_for_update():
        rows = {o.id: o for o in locked(Order.select().where(Order.id.in_(ids)).order_by(Order.id))}
        if len(rows) != len(ids):
            raise OrderError(_l("This order does not exist."), "order_ids")
        target, others = rows[ids[0]], [rows[i] for i in ids[1:]]
        for order in (target, *others):
            if not _can_merge(order) or _merge_key(order) != _merge_key(target):
                raise OrderError(_l("Order %(no)s cannot be merged: only paid orders not yet shipped, of the "
                                    "same shop, buyer and receiver, can.", no=order.order_no), "order_ids")
        group = (target, *others)
        values = {
            Order.goods_amount: sum((_money(o.goods_amount) for o in group), Decimal(0)),
            Order.shipping_fee: sum((_money(o.shipping_fee) for o in group), Decimal(0)),
            Order.discount: sum((_money(o.discount) for o in group), Decimal(0)),
            Order.paid_amount: sum((_money(o.paid_amount) for o in group), Decimal(0)),
            Order.is_priority: any(o.is_priority for o in group),
            Order.paid_at: min(o.paid_at for o in group),
            Order.buyer_message: _joined(o.buyer_message for o in group),
            Order.seller_memo: _joined(o.seller_memo for o in group),
            Order.updated_at: now,
        }
        placed = [o.placed_at for o in group if o.placed_at]
        if placed:
            values[Order.placed_at] = min(placed)
        if Order.update(values).where((Order.id == target.id) & (Order.status == target.status)).execute() != 1:
            raise _changed_meanwhile(target.id, target.status)
        position = _next_position(target.id)
        for order in others:
            closed = Order.update(status=CLOSED, merged_into=target.id, queue="", goods_amount=0, shipping_fee=0,
                                  discount=0, paid_amount=0, updated_at=now).where(
                (Order.id == order.id) & (Order.status == order.status) & Order.merged_into.is_null()).execute()
            if closed != 1:
                raise _changed_meanwhile(order.id, order.status)
            lines = list(OrderLine.select(OrderLine.id).where(OrderLine.order == order.id)
                         .order_by(OrderLine.position, OrderLine.id))
            for line in lines:
                OrderLine.update(order=target.id, position=position).where(OrderLine.id == line.id).execute()
                position += 1
            record(order.id, EVENT_MERGED_INTO, by, str(_l("Merged into %(no)s (paid %(amount)s moved with it)",
                                                             no=target.order_no, amount=_money(order.paid_amount))),
                   now)
        record(target.id, EVENT_MERGED, by, str(_l("Merged in: %(nos)s", nos=", ".join(o.order_no for o in others))),
               now)
    return _get(target.id)


def _joined(texts: Iterable[str]) -> str:
    return "\n".join(dict.fromkeys(t.strip() for t in texts if t and t.strip()))


def _next_position(order_id: int) -> int:
    last = (OrderLine.select(OrderLine.position).where(OrderLine.order == order_id)
            .order_by(OrderLine.position.desc()).first())
    return last.position + 1 if last else 0


def _split_no(order: Order) -> str:
    """<no>-S<n>: n counts the splits made before, skipping a number taken meanwhile."""
    n = Order.select().where(Order.parent == order.id).count() + 1
    while Order.select().where((Order.platform == order.platform)
                               & (Order.order_no == f"{order.order_no}-S{n}")).exists():
        n += 1
    return f"{order.order_no}-S{n}"


def _share(amount, ratio: Decimal) -> Decimal:
    return (_money(amount) * ratio).quantize(CENT, rounding=ROUND_HALF_UP)


def split(order_id: int, line_ids: Iterable[int], by: User | None, now: dt.datetime | None = None) -> Order:
    """Split the chosen lines off into a new order, in one transaction; returns the new one.

    Only an order not yet shipped (to review / to ship), and at least one line must stay
    on each side (whole lines: a line's quantity is not divided). The new order, numbered
    "<no>-S<n>", copies the platform, shop, buyer, receiver, status, queue and priority, and
    points at the original (parent). Goods amount, discount and the paid amount less
    shipping are divided in proportion to the lines' amounts (by line count when every line
    is at zero); the shipping fee stays with the original. Both orders' amounts add up to
    the original's to the cent. Both get a timeline row.
    """
    chosen = list(dict.fromkeys(int(i) for i in line_ids))
    now = _now(now)
    with atomic_for_update():
        order = _get(order_id, lock=True)
        if order.status not in UNSHIPPED:
            raise OrderError(_l("Only orders not yet shipped can be split; this one is %(status)s.",
                                status=status_label(order.status)), "line_ids")
        lines = list(OrderLine.select().where(OrderLine.order == order.id).order_by(OrderLine.position, OrderLine.id))
        by_id = {line.id: line for line in lines}
        if not chosen or any(i not in by_id for i in chosen):
            raise OrderError(_l("Choose lines of this order to split off."), "line_ids")
        if len(chosen) >= len(lines):
            raise OrderError(_l("Leave at least one line on the original order."), "line_ids")
        moving = [by_id[i] for i in chosen]
        total = sum((_money(line.amount) for line in lines), Decimal(0))
        if total > 0:
            ratio = sum((_money(line.amount) for line in moving), Decimal(0)) / total
        else:
            ratio = Decimal(len(moving)) / Decimal(len(lines))
        goods = _share(order.goods_amount, ratio)
        discount = _share(order.discount, ratio)
        paid = _share(_money(order.paid_amount) - _money(order.shipping_fee), ratio)
        changed = Order.update(goods_amount=_money(order.goods_amount) - goods,
                               discount=_money(order.discount) - discount,
                               paid_amount=_money(order.paid_amount) - paid, updated_at=now).where(
            (Order.id == order.id) & (Order.status == order.status)).execute()
        if changed != 1:
            raise _changed_meanwhile(order.id, order.status)
        new = Order.create(
            shop=order.shop_id, platform=order.platform, order_no=_split_no(order), status=order.status,
            platform_status=order.platform_status, queue=order.queue, rule=order.rule_id,
            exception_reason=order.exception_reason, is_priority=order.is_priority, buyer_nick=order.buyer_nick,
            receiver_name=order.receiver_name, receiver_phone=order.receiver_phone, phone_tail=order.phone_tail,
            receiver_address=order.receiver_address, buyer_message=order.buyer_message,
            seller_memo=order.seller_memo, goods_amount=goods, shipping_fee=0, discount=discount, paid_amount=paid,
            placed_at=order.placed_at, paid_at=order.paid_at, source=SOURCE_MANUAL, parent=order.id,
            created_at=now, updated_at=now)
        moved = OrderLine.update(order=new.id).where(
            (OrderLine.order == order.id) & OrderLine.id.in_(chosen)).execute()
        if moved != len(chosen):
            raise OrderError(_l("The order was changed by someone else meanwhile; reload the page and try again."),
                             "line_ids")
        count = len(chosen)
        record(order.id, EVENT_SPLIT, by, str(_l("Split off %(no)s (%(n)d lines)", no=new.order_no, n=count)), now)
        record(new.id, EVENT_SPLIT_FROM, by, str(_l("Split from %(no)s", no=order.order_no)), now)
    return _get(new.id)


def resolve_exception(order_id: int, by: User | None, queue: str, now: dt.datetime | None = None,
                      note: str = "") -> Order:
    """Take an order out of the exception queue into ``queue``: the warehouse (→ to ship) or
    customer service / review (stays to review). The reason is cleared from the order and
    kept in the timeline row."""
    if queue not in RESOLVE_QUEUES:
        raise OrderError(_l("Choose where the order goes next."), "queue")
    now = _now(now)
    with atomic_for_update():
        order = _get(order_id)
        if not in_exception(order):
            if order.status not in (UNPAID, *UNSHIPPED):
                raise OrderError(_l("The order is already %(status)s.", status=status_label(order.status)), "queue")
            raise OrderError(_l("This order is not in the exception queue."), "queue")
        to_status = TO_SHIP if queue == QUEUE_WAREHOUSE and order.status == REVIEW else order.status
        changed = Order.update(queue=queue, exception_reason="", status=to_status, updated_at=now).where(
            (Order.id == order.id) & (Order.status == order.status) & (Order.queue == QUEUE_EXCEPTION)).execute()
        if changed != 1:
            raise _changed_meanwhile(order.id, order.status)
        parts = [f"{order.exception_reason} → {queue_label(queue)}".strip(), (note or "").strip()]
        record(order.id, EVENT_EXCEPTION_RESOLVED, by, " · ".join(p for p in parts if p), now)
    return _get(order_id)
