"""Douyin (抖店): the shop back office's order export by goods (商品维度: one row per sub-order,
子订单编号, grouped under its 主订单编号), CSV in UTF-8 or XLSX. Text cells are guarded with a
leading tab ("\\t6938…", quoted in the CSV) or an apostrophe so spreadsheets keep their digits;
"-" marks an empty cell. 快递信息 holds courier and tracking number in one cell.

Line-level (each row's own, for its 子订单): 商品单价 (older: 商品金额, the unit price),
商品数量, 订单应付金额 (what the buyer pays for the sub-order, its freight included), 运费
(often on one row of the order only), 优惠总金额 and its parts (平台优惠, 商家优惠, 达人优惠,
支付优惠; older versions: 平台/商家/达人实际承担优惠金额), 订单状态, 售后状态, 发货时间,
快递信息. The order's amounts are the sums of its rows, as sellers reconcile them: paid =
Σ 订单应付金额, shipping = Σ 运费, discount = Σ 优惠总金额 (else Σ the three 实际承担 parts),
goods = Σ 商品单价 × 商品数量. Each line keeps its own 订单应付金额 as its amount, its own status
and its own 售后状态, so refunds can be matched per 子订单编号.

Order-level (the same on every row of a 主订单, read from its first): 订单提交时间, 支付完成时间
(one payment per 主订单; a required column: without it no order could count as paid),
receiver and address (收件人, 收件人手机号, 省 市 区 街道 详细地址), 买家留言, 商家备注. The order
takes the first status of a line not closed (one refunded line and one to ship: still to
ship), and its shipping time and tracking number from the first row that has them.

The order-level export (订单维度: one row per 主订单, its sub-orders' values joined by ";") is
a different file: it is refused with a request to export 商品维度 instead.
"""
from __future__ import annotations

from flask_babel import gettext as _

from office.models.orders import PLATFORM_DOUYIN
from office.orders.formats import cells
from office.orders.formats.common import (
    MISSING,
    Sheet,
    address_in_parts,
    column,
    courier_and_tracking,
)
from office.orders.formats.grouped import derived_discount, group
from office.orders.formats.status import refund_text, stage_of
from office.orders.formats.tables import Table
from office.orders.records import STAGE_CLOSED, LineRecord, OrderRecord, RowError

COLUMNS = (
    column("order_no", "主订单编号", required=True),
    column("sub_no", "子订单编号"),
    column("title", "选购商品", "商品名称", required=True),
    column("spec", "商品规格"),
    column("quantity", "商品数量", required=True),
    column("goods_id", "商品id"),
    column("sku", "商家编码", "货号", "sku编码"),
    column("price", "商品单价", "商品金额", "单价", required=True),
    column("paid", "订单应付金额", "应付金额", "实付金额", required=True),
    column("shipping", "运费"),
    column("discount", "优惠总金额"),
    column("platform_discount", "平台实际承担优惠金额"),
    column("shop_discount", "商家实际承担优惠金额"),
    column("author_discount", "达人实际承担优惠金额"),
    column("status", "订单状态", required=True),
    column("refund", "售后状态"),
    column("placed", "订单提交时间", "下单时间"),
    column("paid_at", "支付完成时间", "支付时间", required=True),
    column("shipped_at", "发货时间"),
    column("receiver", "收件人", "收件人姓名", "收货人"),
    column("phone", "收件人手机号", "收件人电话", "收件人手机", "联系电话"),
    column("province", "省", "省份"),
    column("city", "市", "城市"),
    column("district", "区", "区县"),
    column("street", "街道"),
    column("detail", "详细地址", "收货地址"),
    column("message", "买家留言"),
    column("memo", "商家备注"),
    column("express", "快递信息"),
    column("courier", "快递公司", "物流公司"),
    column("tracking", "快递单号", "物流单号", "运单号"),
)

# Every amount of a row is its sub-order's: the order's are their sums.
SUMMED = ("paid", "shipping", "discount", "platform_discount", "shop_discount", "author_discount")
DISCOUNT_PARTS = ("platform_discount", "shop_discount", "author_discount")
_JOINED = (";", "；")  # how the 订单维度 export joins the values of an order's sub-orders


class _OrderLevelExport(Exception):
    """The file is the 订单维度 export: one row per 主订单, sub-order values joined by ";"."""


def is_export(keys: frozenset[str]) -> bool:
    return "主订单编号" in keys and ("子订单编号" in keys or "选购商品" in keys)


def parse(tables: list[Table], errors: list[RowError]) -> tuple[str, list[OrderRecord]]:
    orders: dict[str, OrderRecord] = {}
    sheets = [Sheet(table, COLUMNS, errors) for table in tables]
    if not all(sheet.complete for sheet in sheets):
        return PLATFORM_DOUYIN, []
    for sheet in sheets:
        before = len(errors)
        try:
            group(sheet, orders, (), _order, _line, summed=SUMMED, add_row=_add_row)
        except _OrderLevelExport:
            # Its rows' errors say nothing useful (quantities "1;2"): one reason for the file.
            del errors[before:]
            errors.append(RowError(sheet.name, 0, "", _(
                "This is Douyin's order-level export (订单维度: one row per order, the values of its items "
                "joined by semicolons). Export the orders again choosing 商品维度 (one row per item) and upload "
                "that file.")))
            return PLATFORM_DOUYIN, []
    discount_given = any(sheet.has(field) for sheet in sheets for field in ("discount",) + DISCOUNT_PARTS)
    for order in orders.values():
        order.goods_amount = sum((line.unit_price * line.quantity for line in order.lines), cells.ZERO)
        if not discount_given:
            order.discount = derived_discount(order.goods_amount, order.shipping_fee, order.paid_amount, order.paid_at)
        open_lines = [line for line in order.lines if stage_of(line.platform_status) != STAGE_CLOSED]
        if open_lines and open_lines[0].platform_status != order.platform_status:
            order.platform_status = open_lines[0].platform_status
            order.stage = stage_of(order.platform_status)
    return PLATFORM_DOUYIN, list(orders.values())


def _discount(sheet: Sheet, amounts: dict):
    if sheet.has("discount"):
        return amounts["discount"]
    return amounts["platform_discount"] + amounts["shop_discount"] + amounts["author_discount"]


def _tracking(sheet: Sheet, row: list) -> tuple[str, str]:
    ix, text = sheet.ix, cells.text
    courier, tracking = text(row[ix["courier"]]), text(row[ix["tracking"]])
    if not tracking and ix["express"] != MISSING:
        courier, tracking = courier_and_tracking(text(row[ix["express"]]))
    return courier, tracking


def _order(sheet: Sheet, row: list, number: int, order_no: str, amounts: dict) -> OrderRecord:
    ix, text = sheet.ix, cells.text
    status = text(row[ix["status"]])
    courier, tracking = _tracking(sheet, row)
    return OrderRecord(
        order_no=order_no,
        platform_status=status,
        stage=stage_of(status),
        receiver_name=text(row[ix["receiver"]]),
        receiver_phone=text(row[ix["phone"]]),
        receiver_address=address_in_parts(row, ix),
        buyer_message=text(row[ix["message"]]),
        seller_memo=text(row[ix["memo"]]),
        shipping_fee=amounts["shipping"],
        discount=_discount(sheet, amounts),
        paid_amount=amounts["paid"],
        placed_at=sheet.moment(row, number, "placed"),
        paid_at=sheet.moment(row, number, "paid_at"),
        shipped_at=sheet.moment(row, number, "shipped_at"),
        courier=courier,
        tracking_no=tracking,
        file=sheet.name,
        row=number,
    )


def _add_row(sheet: Sheet, row: list, number: int, order: OrderRecord, amounts: dict) -> None:
    """A later row of the order: its sub-order's amounts add to the order's, and a sub-order
    shipped before the first row's gives the order its shipping time and tracking number."""
    order.paid_amount += amounts["paid"]
    order.shipping_fee += amounts["shipping"]
    order.discount += _discount(sheet, amounts)
    if order.shipped_at is None:
        order.shipped_at = sheet.moment(row, number, "shipped_at")
    if not order.tracking_no:
        courier, tracking = _tracking(sheet, row)
        if tracking:
            order.courier, order.tracking_no = courier, tracking


def _line(sheet: Sheet, row: list, number: int) -> LineRecord:
    ix, text = sheet.ix, cells.text
    sub_no, quantity, price = text(row[ix["sub_no"]]), text(row[ix["quantity"]]), text(row[ix["price"]])
    if any(mark in value for value in (sub_no, quantity, price) for mark in _JOINED):
        raise _OrderLevelExport
    paid = cells.amount(row[ix["paid"]])  # an unreadable one was reported by group()
    return LineRecord(
        title=text(row[ix["title"]]),
        quantity=sheet.quantity(row, number, "quantity"),
        unit_price=sheet.amount(row, number, "price"),
        amount=cells.ZERO if paid is cells.BAD else paid,
        sku_code=text(row[ix["sku"]]),
        spec=text(row[ix["spec"]]),
        sub_order_no=sub_no,
        platform_status=text(row[ix["status"]]),
        refund_status=refund_text(text(row[ix["refund"]])),
    )
