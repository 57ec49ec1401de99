"""Validation on arrival: what is wrong with an order the warehouse is about to ship.

``problems`` judges one OrderRecord (receiver present, amounts consistent, prices sane
against the product list) and returns translated reasons; intake puts an order with any
into the exception queue. Pure apart from ``known_prices`` (one query over Product).
Imports models and records only.
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from flask_babel import gettext as _

from office.models.inventory import Product
from office.orders.formats.status import is_locked
from office.orders.records import STAGE_PAID, OrderRecord

# Rounding and apportioned discounts leave a few fen either way; more than this is a
# real mismatch. Each line may round by one fen on its own.
TOLERANCE = Decimal("0.05")
LINE_TOLERANCE = Decimal("0.01")
# A price below half the list price (or above three times it) is a typo or a mistaken
# coupon far more often than a real deal.
PRICE_FLOOR = Decimal("0.5")
PRICE_CEILING = Decimal("3")


def money(value: Decimal) -> str:
    return f"¥{value:,.2f}"


def known_prices(sku_codes: Iterable[str]) -> dict[str, Decimal]:
    """The list price of every known product among ``sku_codes``, in one query (none when empty)."""
    wanted = {code.strip() for code in sku_codes if code and code.strip()}
    if not wanted:
        return {}
    # IN (...) of a huge import would exceed SQLite's variable limit; chunk it.
    prices: dict[str, Decimal] = {}
    codes = sorted(wanted)
    for start in range(0, len(codes), 500):
        chunk = codes[start:start + 500]
        query = Product.select(Product.sku_code, Product.price).where(Product.sku_code.in_(chunk)).tuples()
        prices.update({code: Decimal(price) for code, price in query})
    return prices


def locked_reason(platform_status: str) -> str:
    return _("The platform has locked this order (%(status)s): a cancellation or refund is being handled, so "
             "do not ship it until the platform releases it.", status=platform_status)


def to_be_judged(record: OrderRecord) -> bool:
    """Only orders waiting to be shipped are judged: an unpaid, shipped or closed order is
    past the point where a missing address or a wrong price could still be caught."""
    if record.stage == STAGE_PAID:
        return True
    return record.stage == "" and record.paid_at is not None


def _present(text: str) -> bool:
    return bool(text and text.strip() and text.strip() != "-")


def _has_phone(phone: str) -> bool:
    # Platforms export masked numbers (138****5678) and virtual ones with an extension
    # (13800000000-1234); any digit shows the platform gave one.
    return any(char.isdigit() for char in phone or "")


def problems(record: OrderRecord, prices: dict[str, Decimal]) -> list[str]:
    """Why this order cannot go straight to the warehouse; empty when nothing is wrong.

    Args:
        record: the order as read from a file or the API.
        prices: list prices by SKU code (``known_prices``); lines with other SKUs are not
            judged on price.
    """
    if not to_be_judged(record):
        return []
    found: list[str] = []
    if is_locked(record.platform_status):
        found.append(locked_reason(record.platform_status))
    if not _present(record.receiver_name):
        found.append(_("Receiver name missing"))
    if not _has_phone(record.receiver_phone):
        found.append(_("Receiver phone missing"))
    if not _present(record.receiver_address):
        found.append(_("Receiver address missing"))

    expected = record.goods_amount - record.discount + record.shipping_fee
    if abs(expected - record.paid_amount) > TOLERANCE:
        found.append(_("Paid amount %(paid)s does not match goods − discount + shipping = %(expected)s",
                       paid=money(record.paid_amount), expected=money(expected)))

    if not record.lines:
        found.append(_("The order has no lines"))
    else:
        lines_total = sum((line.amount for line in record.lines), Decimal("0"))
        tolerance = TOLERANCE + LINE_TOLERANCE * len(record.lines)
        # A line's amount is price × quantity, the buyer's share after the discount, or what
        # the buyer pays for it freight included (Douyin's 订单应付金额 per sub-order),
        # depending on the export: each sum is consistent.
        candidates = (record.goods_amount, record.goods_amount - record.discount,
                      record.goods_amount - record.discount + record.shipping_fee)
        if all(abs(lines_total - candidate) > tolerance for candidate in candidates):
            found.append(_("Lines add up to %(lines)s but the goods amount is %(goods)s",
                           lines=money(lines_total), goods=money(record.goods_amount)))

    for line in record.lines:
        listed = prices.get(line.sku_code.strip()) if line.sku_code else None
        if not listed or listed <= 0:
            continue
        if line.unit_price < listed * PRICE_FLOOR:
            found.append(_("SKU %(sku)s unit price %(price)s far below list price %(listed)s",
                           sku=line.sku_code, price=money(line.unit_price), listed=money(listed)))
        elif line.unit_price > listed * PRICE_CEILING:
            found.append(_("SKU %(sku)s unit price %(price)s far above list price %(listed)s",
                           sku=line.sku_code, price=money(line.unit_price), listed=money(listed)))
    return found
