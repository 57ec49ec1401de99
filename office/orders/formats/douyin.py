"""Douyin (抖店): the shop back office's order export (CSV or XLSX), one row per sub-order
(子订单编号) grouped under 主订单编号. Long numbers are guarded with a leading tab (CSV) or
apostrophe so spreadsheets keep their digits. The line's 商品单价 (older: 商品金额) is the
unit price; 订单应付金额, 运费 and 优惠总金额 are the order's, repeated on each of its rows
(older versions split the discount into the platform's, the shop's and the streamer's part).
快递信息 holds courier and tracking number in one cell.

Each row has its own 订单状态: the order takes the first status of a line not closed, so an
order with one refunded line and one to ship is still to ship.
"""
from __future__ import annotations

from office.models.orders import PLATFORM_DOUYIN
from office.orders.formats import cells
from office.orders.formats.common import (
    MISSING,
    Sheet,
    address_in_parts,
    column,
    courier_and_tracking,
    priced_line,
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
    column("paid_at", "支付完成时间", "支付时间"),
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

REPEATED = ("paid", "shipping", "discount", "platform_discount", "shop_discount", "author_discount")


def is_export(keys: frozenset[str]) -> bool:
    return "主订单编号" in keys and ("子订单编号" in keys or "选购商品" in keys)


def parse(tables: list[Table], errors: list[RowError]) -> tuple[str, list[OrderRecord]]:
    orders: dict[str, OrderRecord] = {}
    sheets = [Sheet(table, COLUMNS, errors) for table in tables]
    if not all(sheet.complete for sheet in sheets):
        return PLATFORM_DOUYIN, []
    for sheet in sheets:
        group(sheet, orders, REPEATED, _order, _line)
    discount_given = any(sheet.has(field) for sheet in sheets
                         for field in ("discount", "platform_discount", "shop_discount", "author_discount"))
    for order in orders.values():
        order.goods_amount = sum((line.amount for line in order.lines), cells.ZERO)
        if not discount_given:
            order.discount = derived_discount(order.goods_amount, order.shipping_fee, order.paid_amount, order.paid_at)
        open_lines = [line for line in order.lines if stage_of(line.platform_status) != STAGE_CLOSED]
        if open_lines and open_lines[0].platform_status != order.platform_status:
            order.platform_status = open_lines[0].platform_status
            order.stage = stage_of(order.platform_status)
    return PLATFORM_DOUYIN, list(orders.values())


def _order(sheet: Sheet, row: list, number: int, order_no: str, amounts: dict) -> OrderRecord:
    ix, text = sheet.ix, cells.text
    status = text(row[ix["status"]])
    courier, tracking = text(row[ix["courier"]]), text(row[ix["tracking"]])
    if not tracking and ix["express"] != MISSING:
        courier, tracking = courier_and_tracking(text(row[ix["express"]]))
    discount = amounts["discount"]
    if not sheet.has("discount"):
        discount = amounts["platform_discount"] + amounts["shop_discount"] + amounts["author_discount"]
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
        discount=discount,
        paid_amount=amounts["paid"],
        placed_at=sheet.moment(row, number, "placed"),
        paid_at=sheet.moment(row, number, "paid_at"),
        shipped_at=sheet.moment(row, number, "shipped_at"),
        courier=courier,
        tracking_no=tracking,
        file=sheet.name,
        row=number,
    )


def _line(sheet: Sheet, row: list, number: int) -> LineRecord:
    ix, text = sheet.ix, cells.text
    return priced_line(sheet, row, number, spec=text(row[ix["spec"]]), sub_order_no=text(row[ix["sub_no"]]),
                       refund_status=refund_text(text(row[ix["refund"]])))
