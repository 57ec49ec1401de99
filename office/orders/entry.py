"""Orders typed in by hand (a sale over WeChat or the phone, a replacement parcel): the form's
values become one OrderRecord saved through intake like any import, so validation, routing,
the exception queue and the timeline apply the same. Imports intake, records and models;
never views.
"""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from office.models.base import utcnow
from office.models.orders import SOURCE_MANUAL, Order, Shop
from office.models.people import User
from office.orders import intake
from office.orders.records import STAGE_PAID, ZERO, LineRecord, OrderRecord, ParsedExport
from office.rules import RuleError

BEIJING = dt.timedelta(hours=8)
MAX_AMOUNT = Decimal("9999999999.99")  # the amount columns' numeric(12, 2)


class EntryError(RuleError):
    default_field = "order_no"


@dataclass
class EntryLine:
    title: str
    sku_code: str
    quantity: int
    unit_price: Decimal


def new_order_no(now: dt.datetime | None = None) -> str:
    """A number for an order that has none on any platform: SD, Beijing date and time, and
    six random digits (two people entering orders in the same second still differ; a clash
    anyway is refused by intake, never saved over the other)."""
    beijing = (now or utcnow()) + BEIJING
    return f"SD{beijing:%Y%m%d%H%M%S}{secrets.randbelow(10**6):06d}"


def enter_order(shop: Shop, by: User, lines: list[EntryLine], order_no: str = "", buyer_nick: str = "",
                receiver_name: str = "", receiver_phone: str = "", receiver_address: str = "",
                buyer_message: str = "", seller_memo: str = "", shipping_fee: Decimal = ZERO,
                discount: Decimal = ZERO, now: dt.datetime | None = None) -> Order:
    """Save one paid order typed in by ``by`` into ``shop``; returns it.

    The buyer has paid goods − discount + shipping, now. The order is validated and routed
    on arrival as an imported one is (a missing receiver or a price far from the list price
    sends it to the exception queue), with a "created" timeline row.

    Raises:
        EntryError: no line, a discount above the goods, an amount too large, or an order
            number already stored.
        intake.Refused: a value too long, or another import holding the database.
    """
    now = now or utcnow()
    if not lines:
        raise EntryError(_l("Enter at least one item: its title or SKU, quantity and price."), field="lines")
    records = [LineRecord(title=line.title or line.sku_code, quantity=line.quantity, unit_price=line.unit_price,
                          amount=line.unit_price * line.quantity, sku_code=line.sku_code) for line in lines]
    goods = sum((line.amount for line in records), ZERO)
    if discount > goods:
        raise EntryError(_l("The discount is more than the goods are worth."), field="discount")
    if goods + shipping_fee > MAX_AMOUNT:
        raise EntryError(_l("The amounts are too large for one order."), field="lines")
    order_no = "".join((order_no or "").split()) or new_order_no(now)
    if Order.select().where((Order.platform == shop.platform) & (Order.order_no == order_no)).exists():
        raise EntryError(_l("Order %(no)s is already stored: open it rather than entering it again.", no=order_no))
    record = OrderRecord(
        order_no=order_no, stage=STAGE_PAID, buyer_nick=buyer_nick.strip(), receiver_name=receiver_name.strip(),
        receiver_phone=receiver_phone.strip(), receiver_address=receiver_address.strip(),
        buyer_message=buyer_message.strip(), seller_memo=seller_memo.strip(), goods_amount=goods,
        shipping_fee=shipping_fee, discount=discount, paid_amount=goods - discount + shipping_fee,
        placed_at=now, paid_at=now, lines=records)
    # create_only: the check above is for a quick answer; the one inside save's transaction
    # is what stops two people saving one number at once.
    intake.save(shop, ParsedExport(platform=shop.platform, orders=[record]), by, source=SOURCE_MANUAL,
                create_only=True)
    return Order.get((Order.platform == shop.platform) & (Order.order_no == order_no))
