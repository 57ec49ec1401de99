"""Shops: finding or creating one by name, the platform a new shop is created on, and the
figures of what a shop holds (the import report's, read from the database).

Imports models, labels and office.rules; never intake, views or tasks.
"""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from peewee import Case, IntegrityError, fn

from office.db import db
from office.models.orders import PLATFORM_TAOBAO, PLATFORM_TMALL, PLATFORMS, Order, OrderLine, Shop
from office.orders.labels import platform_label
from office.rules import RuleError

SAME_NUMBERS = {PLATFORM_TAOBAO, PLATFORM_TMALL}  # one order-number space, one export format


class ShopError(RuleError):
    default_field = "shop"


def shop_stats(shop: Shop) -> dict:
    """The report's figures for what ``shop`` holds: orders, lines, the paid total over
    orders with a payment time (as a "1234.50" string) and counts by platform status.
    Three aggregate queries whatever the size."""
    # Summed in whole fen: SQLite stores the amounts as floating point, whose sum over
    # 100,000 orders would drift; integers add exactly on both databases.
    paid_fen = fn.SUM(Case(None, [(Order.paid_at.is_null(False), fn.ROUND(Order.paid_amount * 100))], None))
    orders, fen = (Order.select(fn.COUNT(Order.id), paid_fen).where(Order.shop == shop).tuples().get())
    lines = OrderLine.select(fn.COUNT(OrderLine.id)).join(Order).where(Order.shop == shop).scalar()
    counts = (Order.select(Order.platform_status, fn.COUNT(Order.id))
              .where(Order.shop == shop).group_by(Order.platform_status).tuples())
    paid_total = Decimal(int(round(fen or 0))) / 100
    return {
        "orders": orders or 0,
        "lines": lines or 0,
        "paid_total": f"{paid_total:.2f}",
        "platform_status_counts": dict(sorted(counts, key=lambda item: (-item[1], item[0]))),
    }


def new_shop_platform(detected: str, chosen: str) -> str:
    """The platform a new shop is created on: the one its owner chose, else the one the files
    say. A Tmall shop's export reads as Taobao's unless it has a shop-type column, so choosing
    天猫 for Taobao-format files is fine; choosing a platform whose format the files are not
    raises ShopError."""
    if not chosen:
        return detected
    if detected and detected != chosen and not {detected, chosen} <= SAME_NUMBERS:
        raise ShopError(_l("These files are a %(found)s export, not %(chosen)s.", found=platform_label(detected),
                           chosen=platform_label(chosen)))
    return chosen


def shop_name(name: str) -> str:
    """``name`` as a shop is called (trimmed), or ShopError for an empty or too long one."""
    name = (name or "").strip()
    if not name:
        raise ShopError(_l("Name the shop."))
    if len(name) > 60:
        raise ShopError(_l("Keep the shop name under 60 characters."))
    return name


def get_or_create_shop(name: str, platform: str) -> Shop:
    """The shop called ``name``, created on ``platform`` when there is none. Call it inside
    the transaction that saves the shop's first orders, so that a refusal takes the new shop
    back with them.

    Raises ShopError for an empty or too long name, or an unknown platform.
    """
    name = shop_name(name)
    shop = Shop.get_or_none(Shop.name == name)
    if shop is not None:
        return shop
    if platform not in PLATFORMS:
        raise ShopError(_l("The platform of these files was not recognised, so the shop cannot be created."))
    try:
        with db.atomic():
            return Shop.create(name=name, platform=platform)
    except IntegrityError:
        # Created by someone else a moment ago.
        return Shop.get(Shop.name == name)
