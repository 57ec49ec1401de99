"""Pinduoduo (拼多多): the merchant back office's order export (UTF-8 CSV with a BOM, or XLSX).
Its 27 default columns are 商品, 订单号, 订单状态, 商品总价(元), 邮费(元), 店铺优惠折扣(元),
平台优惠折扣(元), 多多支付立减金额(元), 用户实付金额(元), 商家实收金额(元), 商品数量(件),
发货时间, 确认收货时间, 商品id, 商品规格, 样式ID, 商家编码-规格维度, 商家编码-商品维度, 商家备注,
售后状态, 快递单号, 快递公司, 订单成交时间, 是否分期, 分期期数, 手续费承担方, 分期方式; the
seller may tick more (收货人, 手机, 省 市 区 街道 详细地址, 买家留言, 支付时间, 拼单成功时间 ...).
Numbers that a spreadsheet would mangle (快递单号, 商品id, 样式ID) are written after a tab, "-"
or a lone tab marks an empty cell. 商家编码-规格维度 (also 商家编码-SKU维度) is the seller's SKU
code, 商家编码-商品维度 the product's, used when the SKU has none; the address, when ticked,
comes in parts (省, 市, 区, 街道, 详细地址).

Paid time: the default export has no 支付时间. A Pinduoduo order is 成交 when its group order
is paid, so 订单成交时间 is the payment moment, empty (or a lone tab) for 待付款 and for
orders cancelled unpaid; when 支付时间 is absent the order's paid time is its 订单成交时间.
With 支付时间 ticked, that column says, and 订单成交时间 is when the order was placed.

Paid amount: 用户实付金额(元), what the buyer paid: 商品总价 + 邮费 − 店铺优惠折扣 − 平台优惠折扣
− 多多支付立减金额. Not 商家实收金额(元), which is what Pinduoduo credits the shop before its fees
(the buyer's payment plus the discounts Pinduoduo funds itself): that is the shop's income, not
the buyer's payment, so it would break goods − discount + shipping = paid that every
platform's paid amount obeys, and the refund a buyer gets is of what the buyer paid.

Order-level versus line-level: a Pinduoduo order is one goods item (one 商品 and 样式ID, in
商品数量 pieces), so each row is an order and every amount on it is both the order's and its
line's; the export has no unit price (goods ÷ quantity). Should an order number come on
several rows (one per SKU), the amounts are taken as the order's, repeated on each: rows that
disagree are refused rather than guessed at, and the lines share 商品总价 by quantity.
订单状态, 售后状态, the times, 快递单号 / 快递公司 and 商家备注 are the order's.
"""
from __future__ import annotations

from flask_babel import gettext as _

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
    column("deal_at", "订单成交时间"),
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
    before = len(errors)
    for sheet in sheets:
        if not sheet.has("paid_at") and not sheet.has("deal_at"):
            # Neither column: no order could count as paid, and a paid total of 0.00 would be wrong.
            errors.append(RowError(sheet.name, 1, "订单成交时间", _("This column is missing.")))
    if len(errors) > before:
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
        # 订单成交时间 when the export has no 支付时间 (see the module's docstring).
        paid_at=sheet.moment(row, number, "paid_at" if sheet.has("paid_at") else "deal_at"),
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
