"""Pinduoduo (拼多多): the merchant back office's order export (UTF-8 CSV with a BOM, or
XLSX), one row per order line with the order's amounts repeated: 商品总价(元) (goods),
店铺优惠折扣(元) + 平台优惠折扣(元) + 多多支付立减金额(元) (discount), 邮费(元),
用户实付金额(元) (paid). "-" marks empty cells; the receiver's address comes in parts
(省, 市, 区, 街道, 详细地址). 商家编码-SKU维度 (older: 商家编码-规格维度) is the seller's
SKU code.

The export has no unit price: a one-line order's price is its goods total over its quantity;
an order of several lines (several SKUs in one order) shares the goods total by quantity.
"""
from __future__ import annotations

from office.models.orders import PLATFORM_PDD
from office.orders.formats import cells
from office.orders.formats.common import Sheet, address_in_parts, column
from office.orders.formats.grouped import group, split_by_quantity
from office.orders.formats.status import refund_text, stage_of
from office.orders.formats.tables import Table
from office.orders.records import LineRecord, OrderRecord, RowError

COLUMNS = (
    column("order_no", "订单号", required=True),
    column("title", "商品", "商品名称", "商品标题", required=True),
    column("quantity", "商品数量(件)", "商品数量", required=True),
    column("goods", "商品总价(元)", "商品总价", required=True),
    column("paid", "用户实付金额(元)", "用户实付金额", "实付金额(元)", required=True),
    column("shipping", "邮费(元)", "邮费", "运费(元)"),
    column("shop_discount", "店铺优惠折扣(元)", "店铺优惠(元)"),
    column("platform_discount", "平台优惠折扣(元)", "平台优惠(元)"),
    column("pay_discount", "多多支付立减金额(元)"),
    column("status", "订单状态", required=True),
    column("refund", "售后状态"),
    column("placed", "订单成交时间", "拼单成功时间", "订单创建时间", "下单时间"),
    column("paid_at", "支付时间"),
    column("shipped_at", "发货时间"),
    column("receiver", "收货人", "收货人姓名", "收件人"),
    column("phone", "手机", "收货人手机", "收货人手机号", "手机号"),
    column("province", "省", "省份"),
    column("city", "市", "城市"),
    column("district", "区", "区县"),
    column("street", "街道"),
    column("detail", "详细地址", "收货地址"),
    column("goods_id", "商品id"),
    column("spec", "商品规格"),
    column("sku", "商家编码-sku维度", "商家编码-规格维度", "sku编码"),
    column("product_code", "商家编码-商品维度", "商家编码"),
    column("tracking", "快递单号", "运单号"),
    column("courier", "快递公司"),
    column("memo", "商家备注"),
    column("message", "买家留言"),
)

REPEATED = ("goods", "shipping", "shop_discount", "platform_discount", "pay_discount", "paid")
SIGNS = ("商品数量(件)", "用户实付金额(元)", "商家实收金额(元)", "商品总价(元)")


def is_export(keys: frozenset[str]) -> bool:
    return "订单号" in keys and any(sign in keys for sign in SIGNS)


def parse(tables: list[Table], errors: list[RowError]) -> tuple[str, list[OrderRecord]]:
    orders: dict[str, OrderRecord] = {}
    sheets = [Sheet(table, COLUMNS, errors) for table in tables]
    if not all(sheet.complete for sheet in sheets):
        return PLATFORM_PDD, []
    for sheet in sheets:
        group(sheet, orders, REPEATED, _order, _line)
    for order in orders.values():
        split_by_quantity(order, order.goods_amount)
    return PLATFORM_PDD, list(orders.values())


def _order(sheet: Sheet, row: list, number: int, order_no: str, amounts: dict) -> OrderRecord:
    ix, text = sheet.ix, cells.text
    status = text(row[ix["status"]])
    return OrderRecord(
        order_no=order_no,
        platform_status=status,
        stage=stage_of(status),
        receiver_name=text(row[ix["receiver"]]),
        receiver_phone=text(row[ix["phone"]]),
        receiver_address=address_in_parts(row, ix),
        buyer_message=text(row[ix["message"]]),
        seller_memo=text(row[ix["memo"]]),
        goods_amount=amounts["goods"],
        shipping_fee=amounts["shipping"],
        discount=amounts["shop_discount"] + amounts["platform_discount"] + amounts["pay_discount"],
        paid_amount=amounts["paid"],
        placed_at=sheet.moment(row, number, "placed"),
        paid_at=sheet.moment(row, number, "paid_at"),
        shipped_at=sheet.moment(row, number, "shipped_at"),
        courier=text(row[ix["courier"]]),
        tracking_no=text(row[ix["tracking"]]),
        file=sheet.name,
        row=number,
    )


def _line(sheet: Sheet, row: list, number: int) -> LineRecord:
    ix, text = sheet.ix, cells.text
    # unit_price and amount are set once the order's lines are all read (split_by_quantity).
    return LineRecord(
        title=text(row[ix["title"]]),
        quantity=sheet.quantity(row, number, "quantity"),
        unit_price=cells.ZERO,
        amount=cells.ZERO,
        sku_code=text(row[ix["sku"]]) or text(row[ix["product_code"]]),
        spec=text(row[ix["spec"]]),
        platform_status=text(row[ix["status"]]),
        refund_status=refund_text(text(row[ix["refund"]])),
    )
