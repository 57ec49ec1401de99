"""Routing rules: which queue a new paid order waits in (客服确认, 审核, 仓库).

Rules are tried in ``position`` order and the first whose every set condition holds wins;
no match sends the order to the warehouse. ``choose`` is pure (intake calls it once per
order with the rules loaded once); the admin functions below keep positions dense and
validate what the rules page submits. Imports models, records and labels only.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from peewee import JOIN, fn

from office.db import atomic_for_update, locked
from office.models.orders import PLATFORMS, QUEUE_EXCEPTION, QUEUE_WAREHOUSE, QUEUES, RoutingRule, Shop
from office.orders.labels import platform_label, queue_label
from office.orders.records import OrderRecord
from office.rules import RuleError

# The exception queue is for orders that failed validation; a rule cannot send orders there.
RULE_QUEUES = tuple(queue for queue in QUEUES if queue != QUEUE_EXCEPTION)
# Where an order goes when no rule matches.
FALLBACK_QUEUE = QUEUE_WAREHOUSE
MAX_AMOUNT = Decimal("9999999999.99")  # DecimalField(max_digits=12, decimal_places=2)
UP = "up"
DOWN = "down"


class RoutingError(RuleError):
    pass


def _rules_query():
    # The shop is joined so describe() and the list never query per rule.
    return (RoutingRule.select(RoutingRule, Shop)
            .join(Shop, JOIN.LEFT_OUTER, on=(RoutingRule.shop == Shop.id))
            .order_by(RoutingRule.position, RoutingRule.id))


def active_rules() -> list[RoutingRule]:
    """The rules intake tries, in order, in one query."""
    return list(_rules_query().where(RoutingRule.is_active == True))  # noqa: E712


def all_rules() -> list[RoutingRule]:
    """Every rule, active or not, in order (the rules page), in one query."""
    return list(_rules_query())


def matches(rule: RoutingRule, record: OrderRecord, shop: Shop) -> bool:
    """Whether every condition ``rule`` sets holds for ``record`` arriving in ``shop``."""
    if rule.has_message is not None:
        if bool(record.buyer_message.strip()) != rule.has_message:
            return False
    if rule.min_amount is not None and not record.paid_amount > Decimal(rule.min_amount):
        return False
    if rule.shop_id is not None and rule.shop_id != shop.id:
        return False
    if rule.platform and rule.platform != shop.platform:
        return False
    if rule.sku_code:
        wanted = rule.sku_code.strip().casefold()
        if not any(line.sku_code.strip().casefold() == wanted for line in record.lines):
            return False
    return True


def choose(record: OrderRecord, shop: Shop, rules: list[RoutingRule]) -> RoutingRule | None:
    """The first of ``rules`` (already ordered, active ones) that matches; None → warehouse."""
    for rule in rules:
        if matches(rule, record, shop):
            return rule
    return None


def conditions(rule: RoutingRule) -> list[str]:
    """The rule's conditions in words, in the order they are checked."""
    parts: list[str] = []
    if rule.has_message is True:
        parts.append(_("Buyer message present"))
    elif rule.has_message is False:
        parts.append(_("No buyer message"))
    if rule.min_amount is not None:
        parts.append(_("Paid > %(amount)s", amount=f"¥{Decimal(rule.min_amount):,.2f}"))
    if rule.shop_id is not None:
        parts.append(_("Shop %(name)s", name=rule.shop.name))
    if rule.platform:
        parts.append(_("Platform %(name)s", name=platform_label(rule.platform)))
    if rule.sku_code:
        parts.append(_("Contains SKU %(sku)s", sku=rule.sku_code))
    return parts


def describe(rule: RoutingRule) -> str:
    """"买家留言不为空 且 实付 > ¥500.00 → 客服确认" (plain text; templates escape it)."""
    parts = conditions(rule)
    left = (" " + _("and") + " ").join(parts) if parts else _("Every order")
    return f"{left} → {queue_label(rule.queue)}"


# --- editing (admins) -------------------------------------------------------------------

def _clean(name: str, queue: str, has_message: bool | None, min_amount, shop_id: int | None,
           platform: str, sku_code: str, is_active: bool) -> dict:
    name = (name or "").strip()
    if not name:
        raise RoutingError(_l("Give the rule a name."), field="name")
    if len(name) > 60:
        raise RoutingError(_l("The name is too long (at most 60 characters)."), field="name")
    if queue not in RULE_QUEUES:
        raise RoutingError(_l("Choose a queue."), field="queue")
    if has_message not in (None, True, False):
        raise RoutingError(_l("Choose whether a buyer message is required."), field="has_message")
    amount = None
    if min_amount not in (None, ""):
        try:
            amount = Decimal(str(min_amount).replace(",", "").strip())
        except InvalidOperation:
            raise RoutingError(_l("Enter an amount such as 500 or 99.50."), field="min_amount") from None
        if not amount.is_finite() or amount < 0:
            raise RoutingError(_l("The amount cannot be negative."), field="min_amount")
        if amount > MAX_AMOUNT:
            raise RoutingError(_l("The amount is too large."), field="min_amount")
        amount = amount.quantize(Decimal("0.01"))
    shop = None
    if shop_id:
        shop = Shop.get_or_none(Shop.id == shop_id)
        if shop is None:
            raise RoutingError(_l("That shop does not exist."), field="shop")
    platform = (platform or "").strip()
    if platform and platform not in PLATFORMS:
        raise RoutingError(_l("Choose a platform."), field="platform")
    sku_code = (sku_code or "").strip()
    if len(sku_code) > 64:
        raise RoutingError(_l("The SKU code is too long (at most 64 characters)."), field="sku_code")
    return {"name": name, "queue": queue, "has_message": has_message, "min_amount": amount,
            "shop": shop, "platform": platform, "sku_code": sku_code, "is_active": bool(is_active)}


def create_rule(name: str, queue: str, *, has_message: bool | None = None, min_amount=None,
                shop_id: int | None = None, platform: str = "", sku_code: str = "",
                is_active: bool = True) -> RoutingRule:
    """Add a rule after the existing ones.

    Raises:
        RoutingError: with the offending field (name, queue, min_amount, shop, platform, sku_code).
    """
    values = _clean(name, queue, has_message, min_amount, shop_id, platform, sku_code, is_active)
    with atomic_for_update():
        last = RoutingRule.select(fn.MAX(RoutingRule.position)).scalar()
        return RoutingRule.create(position=(last or 0) + 1, **values)


def get_rule(rule_id: int) -> RoutingRule:
    rule = RoutingRule.get_or_none(RoutingRule.id == rule_id)
    if rule is None:
        raise RoutingError(_l("That rule no longer exists."))
    return rule


def update_rule(rule_id: int, name: str, queue: str, *, has_message: bool | None = None, min_amount=None,
                shop_id: int | None = None, platform: str = "", sku_code: str = "",
                is_active: bool = True) -> RoutingRule:
    """Replace a rule's name, conditions and queue; its place in the order stays.

    Raises:
        RoutingError: as create_rule, or when the rule is gone.
    """
    rule = get_rule(rule_id)
    values = _clean(name, queue, has_message, min_amount, shop_id, platform, sku_code, is_active)
    for key, value in values.items():
        setattr(rule, key, value)
    rule.save()
    return rule


def delete_rule(rule_id: int) -> None:
    """Remove a rule. Orders it routed keep their queue; their ``rule`` becomes empty."""
    with atomic_for_update():
        RoutingRule.delete().where(RoutingRule.id == rule_id).execute()
        _renumber()


def _renumber() -> list[int]:
    """Positions 1..n in the current order; returns the ids in that order."""
    # FOR UPDATE on PostgreSQL: a second move waits and then sees this one's positions.
    rows = list(locked(RoutingRule.select(RoutingRule.id, RoutingRule.position)
                       .order_by(RoutingRule.position, RoutingRule.id)).tuples())
    ids = [rule_id for rule_id, _position in rows]
    for position, (rule_id, current) in enumerate(rows, start=1):
        if current != position:
            RoutingRule.update(position=position).where(RoutingRule.id == rule_id).execute()
    return ids


def move_rule(rule_id: int, direction: str) -> bool:
    """Swap a rule with its neighbour above (``up``) or below (``down``).

    Returns False when it is already first (or last). Positions are renumbered in the same
    transaction, so two admins moving at once never leave two rules on one position.

    Raises:
        RoutingError: when the rule is gone or the direction is unknown.
    """
    if direction not in (UP, DOWN):
        raise RoutingError(_l("Move a rule up or down."))
    with atomic_for_update():
        ids = _renumber()
        if rule_id not in ids:
            raise RoutingError(_l("That rule no longer exists."))
        index = ids.index(rule_id)
        other = index - 1 if direction == UP else index + 1
        if other < 0 or other >= len(ids):
            return False
        RoutingRule.update(position=other + 1).where(RoutingRule.id == rule_id).execute()
        RoutingRule.update(position=index + 1).where(RoutingRule.id == ids[other]).execute()
    return True
