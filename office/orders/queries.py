"""Order desk queries: the list with its filters and per-status counts, the one-box lookup
(order number, buyer, phone, tracking number), item summaries for a page of orders, and what
the order page reads (lines, timeline, related orders).

Every query that lists orders asks office.orders.access first, so what it returns the user
may work. Imports models and access.py; never views, templates or tasks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from peewee import JOIN, SQL, Case, Select, fn

from office.models import orders as m
from office.models.orders import Order, OrderEvent, OrderLine, RoutingRule, Shop
from office.models.people import User
from office.orders.access import can_see_customer_data, can_work_orders, mask_phone
from office.orders.lifecycle import can_merge_where, same_merge_key_where

PAGE_SIZE = 30
LOOKUP_LIMIT = 50
# An order number shorter than this is matched whole, never as a prefix: "1" would match all.
PREFIX_MIN = 6
TAB_ALL = "all"
# The status tabs in the order the desk shows them (all first: the default).
TABS = (TAB_ALL, m.REVIEW, m.TO_SHIP, m.SHIPPED, m.DELIVERED, m.AFTERSALE, m.CLOSED, m.UNPAID)


@dataclass(frozen=True)
class DeskFilter:
    """What narrows the desk besides the status tab. Empty values mean "any"."""

    queue: str = ""
    shop_id: int | None = None
    platform: str = ""
    priority: bool = False
    logistics: bool = False
    mergeable: bool = False  # only orders that could be merged with another (lifecycle.mergeable)

    def args(self) -> dict:
        """The filter as URL arguments, to keep it in tab links, paging and forms."""
        args: dict = {}
        if self.queue:
            args["queue"] = self.queue
        if self.shop_id:
            args["shop"] = self.shop_id
        if self.platform:
            args["platform"] = self.platform
        if self.priority:
            args["priority"] = "1"
        if self.logistics:
            args["logistics"] = "1"
        if self.mergeable:
            args["mergeable"] = "1"
        return args


def _nothing(query: Select) -> Select:
    return query.where(SQL("1 = 0"))


def _filtered(query: Select, desk: DeskFilter) -> Select:
    if desk.queue:
        query = query.where(Order.queue == desk.queue)
    if desk.shop_id:
        query = query.where(Order.shop == desk.shop_id)
    if desk.platform:
        query = query.where(Order.platform == desk.platform)
    if desk.priority:
        query = query.where(Order.is_priority)
    if desk.logistics:
        query = query.where(Order.logistics_issue != "")
    if desk.mergeable:
        query = query.where(can_merge_where(Order) & fn.EXISTS(_merge_partners(SQL("1"))))
    return query


def _merge_partners(*columns) -> Select:  # columns: SQL("1") or a count, never the alias's fields
    """The orders the outer query's order could be merged with (lifecycle.mergeable's rule), as
    a correlated subquery: the desk flags them without a query of its own. The other order's
    buyer nick is indexed, so each row costs an index probe."""
    other = Order.alias("merge_other")
    return other.select(*columns).where(
        (other.id != Order.id) & same_merge_key_where(other, Order) & can_merge_where(other))


def desk_orders(user: User, order_status: str, desk: DeskFilter, before: int | None = None,
                limit: int = PAGE_SIZE + 1) -> Select:
    """Orders on the desk for ``user``: newest first (keyset paging by id, ``before``), with
    their shop joined. ``order_status`` is one of TABS; nothing for someone who may not work
    orders."""
    query = _with_merges(Order.select(Order, Shop).join(Shop, on=(Order.shop == Shop.id), attr="shop"))
    if not can_work_orders(user):
        return _nothing(query)
    if order_status != TAB_ALL:
        query = query.where(Order.status == order_status)
    if before:
        query = query.where(Order.id < before)
    return _filtered(query, desk).order_by(Order.id.desc()).limit(limit)


def _with_merges(query: Select) -> Select:
    """Adds to each order row, in the same query, ``merge_partners`` (how many orders it could be
    merged with, 0 when it cannot merge) and ``merged_target`` (the order a merge closed it
    into: id and number, or None), so a list row can say 可合并 or 已合并到 #….
    ``query`` selects Order (and may have joined others)."""
    target = Order.alias("merged_target")
    partners = Case(None, [(can_merge_where(Order), _merge_partners(fn.COUNT(SQL("*"))))], 0)
    return (query.select_extend(partners.alias("merge_partners"), target.id, target.order_no)
            .switch(Order).join(target, JOIN.LEFT_OUTER, on=(Order.merged_into == target.id), attr="merged_target"))


def status_counts(user: User, desk: DeskFilter) -> dict[str, int]:
    """How many orders each status tab holds under ``desk``'s other filters, and the total
    under TAB_ALL: one grouped query."""
    counts = {tab: 0 for tab in TABS}
    if not can_work_orders(user):
        return counts
    query = _filtered(Order.select(Order.status, fn.COUNT(Order.id)).group_by(Order.status), desk)
    for order_status, n in query.tuples():
        if order_status in counts:
            counts[order_status] = n
        counts[TAB_ALL] += n
    return counts


def shops(active_only: bool = False) -> list[Shop]:
    query = Shop.select(Shop.id, Shop.name, Shop.platform).order_by(Shop.name)
    if active_only:
        query = query.where(Shop.is_active == True)  # noqa: E712
    return list(query)


def shop_choices(active_only: bool = True) -> list[tuple[int, str]]:
    """(id, "name（platform）") for a shop select: the import, new-order and rule forms."""
    from office.orders.labels import platform_label

    return [(shop.id, f"{shop.name}（{platform_label(shop.platform)}）") for shop in shops(active_only)]


@dataclass
class Summary:
    """An order's items in one line: the first line's title and how many pieces in all."""

    title: str = ""
    pieces: int = 0
    lines: int = 0


def summaries(order_ids: list[int]) -> dict[int, Summary]:
    """Item summaries of a page of orders: one query, whatever the number of orders."""
    result: dict[int, Summary] = {order_id: Summary() for order_id in order_ids}
    if not order_ids:
        return result
    rows = (OrderLine.select(OrderLine.order, OrderLine.title, OrderLine.quantity)
            .where(OrderLine.order.in_(order_ids))
            .order_by(OrderLine.order, OrderLine.position, OrderLine.id)
            .tuples())
    for order_id, title, quantity in rows:
        summary = result[order_id]
        if not summary.lines:
            summary.title = title
        summary.lines += 1
        summary.pieces += quantity or 0
    return result


# ---------------------------------------------------------------------------------------------
# The lookup box.

_PHONE_CHARS = re.compile(r"[\s\-()（）]")


def _phone_digits(text: str) -> str:
    """The digits of something typed like a phone number ("138 1234 5678", "+86-138..."), or ""."""
    compact = _PHONE_CHARS.sub("", text)
    if compact.startswith("+"):
        compact = compact[1:]
    if not compact.isdigit() or not compact.isascii():
        return ""
    if len(compact) == 13 and compact.startswith("86"):
        compact = compact[2:]
    return compact


def lookup(text: str, user: User, limit: int = LOOKUP_LIMIT) -> Select:
    """Orders customer service means by ``text``, newest first, shop joined:

    - the order number, whole or (from PREFIX_MIN characters) its start;
    - the buyer's nick, whole or its start; the receiver's name, whole (only where the
      platform or the ERP sent it unmasked, and only for who may see customer data);
    - a phone number: the whole number (also finding orders whose platform exported it masked,
      138****5678), or only its last four digits (Order.phone_tail);
    - the tracking number.

    Nothing for empty text or for someone who may not work orders.
    """
    text = " ".join(text.split())[:80]
    query = (_with_merges(Order.select(Order, Shop).join(Shop, on=(Order.shop == Shop.id), attr="shop"))
             .order_by(Order.id.desc()).limit(limit))
    if not text or not can_work_orders(user):
        return _nothing(query)
    compact = text.replace(" ", "")
    condition = (Order.order_no == compact) | (Order.buyer_nick == text) | \
        Order.tracking_no.in_(sorted({compact, compact.upper()}))
    if len(compact) >= PREFIX_MIN:
        condition |= Order.order_no.startswith(compact)
    if len(text) >= 2:
        condition |= Order.buyer_nick.startswith(text)
        if "*" not in text and can_see_customer_data(user):
            # Only for who may read the name: for the others it would confirm a masked one.
            condition |= Order.receiver_name == text
    digits = _phone_digits(text)
    if len(digits) == 4:
        condition |= Order.phone_tail == digits
    elif len(digits) >= 7:
        condition |= Order.receiver_phone.in_(sorted({digits, mask_phone(digits)}))
    return query.where(condition)


# ---------------------------------------------------------------------------------------------
# One order.

def order_with_shop(order_id: int) -> Order | None:
    """The order with its shop and routing rule (and the rule's shop, which describing the rule
    names): one query."""
    RuleShop = Shop.alias()
    return (Order.select(Order, Shop, RoutingRule, RuleShop)
            .join(Shop, on=(Order.shop == Shop.id), attr="shop")
            .switch(Order)
            .join(RoutingRule, JOIN.LEFT_OUTER, on=(Order.rule == RoutingRule.id), attr="rule")
            .join(RuleShop, JOIN.LEFT_OUTER, on=(RoutingRule.shop == RuleShop.id), attr="shop")
            .where(Order.id == order_id)
            .first())


def lines(order_id: int) -> list[OrderLine]:
    return list(OrderLine.select().where(OrderLine.order == order_id).order_by(OrderLine.position, OrderLine.id))


def timeline(order_id: int) -> list[OrderEvent]:
    """Every event of the order, oldest first, each with who did it (one query)."""
    Actor = User.alias()
    return list(OrderEvent.select(OrderEvent, Actor.id, Actor.display_name)
                .join(Actor, JOIN.LEFT_OUTER, on=(OrderEvent.actor == Actor.id), attr="actor")
                .where(OrderEvent.order == order_id)
                .order_by(OrderEvent.id))


@dataclass
class Relations:
    """Orders tied to this one by a split or a merge."""

    parent: Order | None = None  # split from
    merged_into: Order | None = None
    split_orders: list[Order] = field(default_factory=list)  # split off from this one
    merged_orders: list[Order] = field(default_factory=list)  # merged into this one

    def __bool__(self) -> bool:
        return bool(self.parent or self.merged_into or self.split_orders or self.merged_orders)


def relations(order: Order) -> Relations:
    """One query, in both directions."""
    condition = (Order.parent == order.id) | (Order.merged_into == order.id)
    linked = [i for i in (order.parent_id, order.merged_into_id) if i]
    if linked:
        condition |= Order.id.in_(linked)
    result = Relations()
    for row in (Order.select(Order.id, Order.order_no, Order.status, Order.parent, Order.merged_into)
                .where(condition).order_by(Order.id)):
        if row.id == order.parent_id:
            result.parent = row
        if row.id == order.merged_into_id:
            result.merged_into = row
        if row.parent_id == order.id:
            result.split_orders.append(row)
        if row.merged_into_id == order.id:
            result.merged_orders.append(row)
    return result


def lines_total(rows: list[OrderLine]) -> Decimal:
    return sum((row.amount for row in rows), Decimal("0.00"))
