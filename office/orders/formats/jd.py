"""JD (京东): the merchant back office's order export, one row per order line, GBK CSV or XLSX
(the workbook stores order numbers and amounts as numbers, times as date cells or bare Excel
serial numbers). 货号 / 商家编码 is the seller's own product code; 商品ID is JD's.

Line-level (the row's own): 商品ID, 商品名称, 订购数量, 京东价 (the unit price), 货号.
Order-level, repeated on each of the order's rows and required to agree: 订单金额 (the goods),
运费金额, 应付金额 (what the buyer pays; 结算金额 and 余额支付 beside it are ignored). The
rest of goods + shipping is JD's and the shop's discounts, which have no column. The order's
status, times, receiver and address, 订单备注 and 商家备注 are read from its first row.

Paid time: 付款确认时间 (newer: 付款时间 / 支付时间), a required column: without it no order
could count as paid. A cash-on-delivery order (货到付款) has it empty until paid.
"""
from __future__ import annotations

from office.models.orders import PLATFORM_JD
from office.orders.formats import cells
from office.orders.formats.common import Sheet, column, priced_line
from office.orders.formats.grouped import group
from office.orders.formats.status import stage_of
from office.orders.formats.tables import Table
from office.orders.records import LineRecord, OrderRecord, RowError

COLUMNS = (
    column("order_no", "订单号", "订单编号", required=True),
    column("title", "商品名称", required=True),
    column("quantity", "订购数量", "商品数量", "购买数量", required=True),
    column("price", "京东价", "商品单价", "单价", required=True),
    column("goods", "订单金额", "商品金额", required=True),
    column("paid", "应付金额", "实付金额", required=True),
    column("shipping", "运费金额", "运费"),
    column("status", "订单状态", required=True),
    column("placed", "下单时间"),
    column("paid_at", "付款确认时间", "付款时间", "支付时间", required=True),
    column("shipped_at", "出库时间", "发货时间"),
    column("buyer", "下单帐号", "下单账号", "用户账号"),
    column("receiver", "客户姓名", "收货人姓名", "收货人"),
    column("address", "客户地址", "收货地址"),
    column("phone", "联系电话", "联系手机", "手机号"),
    column("message", "订单备注", "买家备注"),
    column("memo", "商家备注"),
    column("sku", "货号", "商家编码", "商家skuid", "商家sku"),
    column("courier", "承运商", "快递公司", "物流公司"),
    column("tracking", "运单号", "快递单号", "物流单号"),
)

REPEATED = ("goods", "shipping", "paid")


SIGNS = ("京东价", "订购数量", "客户姓名", "下单帐号", "下单账号", "付款确认时间")


def is_export(keys: frozenset[str]) -> bool:
    return "订单号" in keys and any(sign in keys for sign in SIGNS)


def parse(tables: list[Table], errors: list[RowError]) -> tuple[str, list[OrderRecord]]:
    orders: dict[str, OrderRecord] = {}
    sheets = [Sheet(table, COLUMNS, errors) for table in tables]
    if not all(sheet.complete for sheet in sheets):
        return PLATFORM_JD, []
    for sheet in sheets:
        group(sheet, orders, REPEATED, _order, _line)
    return PLATFORM_JD, list(orders.values())


def _order(sheet: Sheet, row: list, number: int, order_no: str, amounts: dict) -> OrderRecord:
    ix, text = sheet.ix, cells.text
    status = text(row[ix["status"]])
    paid_at = sheet.moment(row, number, "paid_at")
    goods, shipping, paid = amounts["goods"], amounts["shipping"], amounts["paid"]
    return OrderRecord(
        order_no=order_no,
        platform_status=status,
        stage=stage_of(status),
        buyer_nick=text(row[ix["buyer"]]),
        receiver_name=text(row[ix["receiver"]]),
        receiver_phone=text(row[ix["phone"]]),
        receiver_address=cells.single_line(row[ix["address"]]),
        buyer_message=text(row[ix["message"]]),
        seller_memo=text(row[ix["memo"]]),
        goods_amount=goods,
        shipping_fee=shipping,
        # 应付金额 is what the buyer owes, paid or not: the rest of goods + shipping is JD's and
        # the shop's discounts (the export has no column for them).
        discount=max(goods + shipping - paid, cells.ZERO),
        paid_amount=paid,
        placed_at=sheet.moment(row, number, "placed"),
        paid_at=paid_at,
        shipped_at=sheet.moment(row, number, "shipped_at"),
        courier=text(row[ix["courier"]]),
        tracking_no=text(row[ix["tracking"]]),
        file=sheet.name,
        row=number,
    )


def _line(sheet: Sheet, row: list, number: int) -> LineRecord:
    return priced_line(sheet, row, number)
