"""Reading the JSON body of POST /api/orders into OrderRecords, collecting every problem as a
RowError(file="request", row=<order's place, from 1>, column=<field>, reason) instead of
stopping at the first. Pure: no database, no request. Imports records and models' constants.

Amounts are JSON numbers or strings ("1,299.00" too), kept as Decimals with two places (the
body is parsed with parse_float=Decimal, so no float ever touches money). Times are ISO 8601:
with an offset they are converted to UTC; without one they are Beijing time, as on every
platform's back office.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from office.models.orders import PLATFORMS
from office.orders.records import STAGES, ZERO, LineRecord, OrderRecord, RowError

FILE = "request"
BEIJING = dt.timezone(dt.timedelta(hours=8))
MAX_AMOUNT = Decimal("9999999999.99")
CENT = Decimal("0.01")

# Text fields of an order and the longest value each may carry (the columns' sizes).
ORDER_TEXT = {
    "platform_status": 40, "buyer_nick": 80, "receiver_name": 80, "receiver_phone": 40,
    "receiver_address": 300, "buyer_message": 2000, "seller_memo": 2000, "courier": 40, "tracking_no": 60,
}
# Titles and specs are only shown: intake shortens long ones instead of refusing them.
LINE_TEXT = {"title": 1000, "sku_code": 64, "spec": 1000, "sub_order_no": 64, "platform_status": 40,
             "refund_status": 40}
ORDER_AMOUNTS = ("goods_amount", "shipping_fee", "discount", "paid_amount")
ORDER_TIMES = ("placed_at", "paid_at", "shipped_at")


@dataclass
class Payload:
    shop: str = ""
    platform: str = ""
    orders: list[OrderRecord] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class _Reader:
    """Reads one order (row = its place in the request), noting errors as it goes."""

    def __init__(self, row: int, errors: list[RowError]):
        self.row = row
        self.errors = errors

    def error(self, column: str, reason) -> None:
        self.errors.append(RowError(FILE, self.row, column, str(reason)))

    def text(self, data: dict, name: str, limit: int, column: str | None = None) -> str:
        value = data.get(name)
        column = column or name
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            self.error(column, _l("Expected text."))
            return ""
        text = str(value).strip()
        if len(text) > limit:
            self.error(column, _l("Longer than %(n)d characters.", n=limit))
        return text

    def amount(self, data: dict, name: str, column: str | None = None) -> Decimal | None:
        """The amount, or None when absent (or wrong: the error is noted)."""
        value = data.get(name)
        column = column or name
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            self.error(column, _l("Expected an amount such as 129.00."))
            return None
        try:
            number = Decimal(str(value).replace(",", "").replace("¥", "").strip())
        except InvalidOperation:
            self.error(column, _l("Expected an amount such as 129.00."))
            return None
        if not number.is_finite():
            self.error(column, _l("Expected an amount such as 129.00."))
            return None
        if number < 0:
            self.error(column, _l("The amount cannot be negative."))
            return None
        if number > MAX_AMOUNT:
            self.error(column, _l("The amount is too large."))
            return None
        if number != number.quantize(CENT):
            # Rounding money silently would hide an ERP's mistake.
            self.error(column, _l("At most two decimal places."))
            return None
        return number.quantize(CENT)

    def time(self, data: dict, name: str) -> dt.datetime | None:
        value = data.get(name)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            self.error(name, _l("Expected a time such as 2026-11-11T00:02:03+08:00."))
            return None
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            self.error(name, _l("Expected a time such as 2026-11-11T00:02:03+08:00."))
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=BEIJING)
        return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)

    def quantity(self, data: dict, column: str) -> int:
        value = data.get("quantity", 1)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        elif isinstance(value, Decimal) and value == value.to_integral_value():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(column, _l("Expected a whole number."))
            return 0
        if value < 0 or value > 1_000_000:
            self.error(column, _l("The quantity must be between 0 and 1,000,000."))
            return 0
        return value

    def line(self, data, index: int) -> LineRecord | None:
        where = f"lines[{index}]"
        if not isinstance(data, dict):
            self.error(where, _l("Expected an object."))
            return None
        values = {name: self.text(data, name, limit, f"{where}.{name}") for name, limit in LINE_TEXT.items()}
        if not values["title"] and not values["sku_code"]:
            self.error(f"{where}.title", _l("Give the line a title or a SKU code."))
        quantity = self.quantity(data, f"{where}.quantity")
        unit_price = self.amount(data, "unit_price", f"{where}.unit_price")
        amount = self.amount(data, "amount", f"{where}.amount")
        if unit_price is None and amount is None and "unit_price" not in data:
            self.error(f"{where}.unit_price", _l("The unit price is missing."))
        if unit_price is None:
            unit_price = (amount / quantity).quantize(CENT) if amount is not None and quantity else ZERO
        if amount is None:
            amount = (unit_price * quantity).quantize(CENT)
        values["title"] = values["title"] or values["sku_code"]
        return LineRecord(quantity=quantity, unit_price=unit_price, amount=amount, **values)

    def order(self, data) -> OrderRecord | None:
        if not isinstance(data, dict):
            self.error("", _l("Expected an order object."))
            return None
        order_no = self.text(data, "order_no", 64)
        if not order_no and "order_no" not in {e.column for e in self.errors if e.row == self.row}:
            self.error("order_no", _l("The order number is missing."))
        stage = data.get("stage") or ""
        if stage and stage not in STAGES:
            self.error("stage", _l("Expected one of: %(stages)s.", stages=", ".join(STAGES)))
            stage = ""
        texts = {name: self.text(data, name, limit) for name, limit in ORDER_TEXT.items()}
        times = {name: self.time(data, name) for name in ORDER_TIMES}
        raw_lines = data.get("lines", [])
        lines: list[LineRecord] = []
        if raw_lines is None:
            raw_lines = []
        if not isinstance(raw_lines, list):
            self.error("lines", _l("Expected a list of lines."))
        else:
            lines = [line for index, item in enumerate(raw_lines) if (line := self.line(item, index)) is not None]
        amounts = {name: self.amount(data, name) for name in ORDER_AMOUNTS}
        # Omitted totals follow from the lines: an ERP that sends lines need not add them up.
        goods = amounts["goods_amount"]
        if goods is None:
            goods = sum((line.unit_price * line.quantity for line in lines), ZERO).quantize(CENT)
        discount = amounts["discount"] or ZERO
        shipping = amounts["shipping_fee"] or ZERO
        paid = amounts["paid_amount"]
        if paid is None:
            paid = goods - discount + shipping
        return OrderRecord(order_no=order_no, stage=stage, goods_amount=goods, discount=discount,
                           shipping_fee=shipping, paid_amount=paid, lines=lines, file=FILE, row=self.row,
                           **texts, **times)


def read(body, max_orders: int) -> tuple[Payload, bool]:
    """Read a decoded JSON body: ``{"shop", "platform"?, "orders": [...]}`` or a single
    order object with "shop" beside its fields. Returns the payload and whether it holds
    more than ``max_orders`` orders (then nothing is read)."""
    payload = Payload()
    errors = payload.errors
    top = _Reader(0, errors)
    if not isinstance(body, dict):
        top.error("", _l("Expected a JSON object."))
        return payload, False
    payload.shop = top.text(body, "shop", 60)
    if not payload.shop:
        top.error("shop", _l("Name the shop the orders belong to."))
    platform = body.get("platform") or ""
    if platform and platform not in PLATFORMS:
        top.error("platform", _l("Expected one of: %(platforms)s.", platforms=", ".join(PLATFORMS)))
        platform = ""
    payload.platform = platform
    if "orders" in body:
        items = body["orders"]
        if not isinstance(items, list):
            top.error("orders", _l("Expected a list of orders."))
            return payload, False
    else:
        items = [body]
    if len(items) > max_orders:
        return payload, True
    if not items:
        top.error("orders", _l("There are no orders."))
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        reader = _Reader(index + 1, errors)
        record = reader.order(item)
        if record is None:
            continue
        if record.order_no:
            first = seen.setdefault(record.order_no, index + 1)
            if first != index + 1:
                reader.error("order_no", _l("Order %(no)s also comes as order %(first)d of this request.",
                                            no=record.order_no, first=first))
        payload.orders.append(record)
    return payload, False
