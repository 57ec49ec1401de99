"""What every way in (an export file, the JSON API, a form) turns an order into before it is
saved: plain records, checked for form but not yet against the database.

office/orders/formats reads the platforms' files into these; office/orders/intake saves
them. Amounts are Decimals with two places, times are naive UTC datetimes (converted from
the platforms' Beijing time), and text is stripped of the spreadsheet guards.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(slots=True)
class LineRecord:
    title: str
    quantity: int
    unit_price: Decimal
    # What the buyer paid for this line, when the export says (Douyin: the sub-order's 订单应付金额,
    # with the freight of the row that carries it); else price × quantity.
    amount: Decimal
    sku_code: str = ""  # 商家编码 / 外部系统编号
    spec: str = ""  # 颜色分类：黑色;尺码：XL
    sub_order_no: str = ""  # the platform's id of the line (子订单编号), when it has one
    platform_status: str = ""
    refund_status: str = ""


# Where the platform says the order is, whatever its wording (等待买家付款, 待发货,
# 卖家已发货，等待买家确认, 交易成功, 交易关闭 ...): the formats map their status texts onto these.
STAGE_UNPAID = "unpaid"
STAGE_PAID = "paid"  # paid, not shipped yet
STAGE_SHIPPED = "shipped"
STAGE_DELIVERED = "delivered"  # received / 交易成功
STAGE_CLOSED = "closed"  # cancelled, refunded in full, 交易关闭
STAGES = (STAGE_UNPAID, STAGE_PAID, STAGE_SHIPPED, STAGE_DELIVERED, STAGE_CLOSED)


@dataclass(slots=True)
class OrderRecord:
    order_no: str
    platform_status: str = ""  # the platform's own words, kept as exported
    stage: str = ""  # one of STAGES; "" when the status text is unknown (then judged by paid_at)
    buyer_nick: str = ""
    receiver_name: str = ""
    receiver_phone: str = ""
    receiver_address: str = ""
    buyer_message: str = ""
    seller_memo: str = ""
    goods_amount: Decimal = ZERO
    shipping_fee: Decimal = ZERO
    discount: Decimal = ZERO
    paid_amount: Decimal = ZERO  # what the buyer actually paid (实付)
    placed_at: dt.datetime | None = None
    paid_at: dt.datetime | None = None
    shipped_at: dt.datetime | None = None
    courier: str = ""
    tracking_no: str = ""
    lines: list[LineRecord] = field(default_factory=list)
    # Where it came from, for messages: "订单报表.csv, row 7".
    file: str = ""
    row: int = 0


@dataclass(slots=True, frozen=True)
class RowError:
    """One reason a file is refused. ``row`` is the spreadsheet row (the header is row 1);
    0 when the problem is the file itself (unknown format, unreadable encoding)."""

    file: str
    row: int
    column: str
    reason: str

    def to_dict(self) -> dict:
        return {"file": self.file, "row": self.row, "column": self.column, "reason": self.reason}


@dataclass(slots=True)
class ParsedExport:
    """The result of reading one upload (one or more files of one platform)."""

    platform: str  # office.models.orders.PLATFORM_*; "" when no file was recognised
    orders: list[OrderRecord] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def line_count(self) -> int:
        return sum(len(order.lines) for order in self.orders)

    @property
    def ok(self) -> bool:
        return not self.errors
