"""Taobao and Tmall (淘宝 / 天猫): 「已卖出的宝贝」 exports two files per download, the order
list (订单报表, ExportOrderList*.csv: one row per order) and the items file (宝贝报表,
ExportOrderDetailList*.csv: one row per line, joined to its order by 订单编号). Both are GBK
CSV with text cells guarded as ="…" and phones as '138…; header cells carry trailing spaces
("收货地址 ", "订单付款时间 "); later versions add columns (支付单号, 主订单编号 ...).

Order-level: everything in the order list, one row per order: 买家应付货款 (the goods),
买家应付邮费 (the shipping), 买家实际支付金额 (what the buyer paid), status, times, receiver.
The export has no discount column, so a paid order's discount is what the buyer did not pay of
goods + shipping. Line-level: the items file, one row per line: 价格 (the unit price), 购买数量,
商家编码 / 外部系统编号, 商品属性, and the line's own 订单状态 and 退款状态; its amount is price ×
quantity (the export does not say how a discount falls on the lines).

Paid time: 订单付款时间, a required column (every version of the order list has it; without
it no order could count as paid); empty for 等待买家付款 and for orders closed unpaid.

Tmall shops download the same two files. The order list says Tmall only through a shop-type
column (店铺类型: 天猫 / B店), which few versions have; otherwise the upload is read as Taobao
and the shop it is imported into decides (intake treats taobao and tmall files alike).
"""
from __future__ import annotations

from flask_babel import gettext as _

from office.models.orders import PLATFORM_TAOBAO, PLATFORM_TMALL
from office.orders.formats import cells
from office.orders.formats.common import MISSING, Sheet, column, prefix_free_tracking
from office.orders.formats.status import refund_text, stage_of
from office.orders.formats.tables import Table
from office.orders.records import LineRecord, OrderRecord, RowError

ORDER_COLUMNS = (
    column("order_no", "订单编号", required=True),
    column("buyer", "买家会员名", "买家昵称"),
    column("goods", "买家应付货款", "商品总价", required=True),
    column("shipping", "买家应付邮费", "邮费"),
    column("paid", "买家实际支付金额", "实际支付金额", "支付金额", "实付金额", required=True),
    column("status", "订单状态", required=True),
    column("message", "买家留言"),
    column("receiver", "收货人姓名", "收货人"),
    column("address", "收货地址"),
    column("new_address", "修改后的收货地址"),
    column("mobile", "联系手机", "手机"),
    column("phone", "联系电话"),
    column("placed", "订单创建时间", "创建时间", "下单时间"),
    column("paid_at", "订单付款时间", "付款时间", required=True),
    column("shipped_at", "发货时间"),
    column("tracking", "物流单号", "运单号"),
    column("courier", "物流公司"),
    column("memo", "订单备注", "卖家备注", "商家备注"),
    column("shop_type", "店铺类型", "店铺类别"),
)

ITEM_COLUMNS = (
    column("order_no", "订单编号", required=True),
    column("title", "标题", "宝贝标题", "商品标题", required=True),
    column("price", "价格", "单价", "商品价格", required=True),
    column("quantity", "购买数量", "数量", "宝贝数量", required=True),
    column("sku", "商家编码", "商家编码(sku)", "sku商家编码"),
    column("outer_id", "外部系统编号"),
    column("props", "商品属性", "销售属性", "规格名称"),
    column("package", "套餐信息"),
    column("status", "订单状态"),
    column("refund", "退款状态"),
    column("sub_no", "子订单编号"),
)

ORDER_KEYS = ({"订单编号", "买家会员名"}, {"订单编号", "买家实际支付金额"}, {"订单编号", "买家应付货款"})
ITEM_KEYS = ({"订单编号", "标题", "价格", "购买数量"}, {"订单编号", "宝贝标题", "价格", "购买数量"})


def is_order_list(keys: frozenset[str]) -> bool:
    return any(signature <= keys for signature in ORDER_KEYS)


def is_items_file(keys: frozenset[str]) -> bool:
    return any(signature <= keys for signature in ITEM_KEYS)


def says_tmall(shop_type: str) -> bool:
    return "天猫" in shop_type or "tmall" in shop_type.lower() or shop_type in ("B", "B店", "B商家")


def parse(order_tables: list[Table], item_tables: list[Table], errors: list[RowError]) -> tuple[str, list[OrderRecord]]:
    """(platform, orders) from the order lists and items files of one upload."""
    if not item_tables:
        for table in order_tables:
            errors.append(RowError(table.name, 0, "", _("This is Taobao's order list (订单报表): upload it together with "
                                                         "its items file (宝贝报表) from the same export.")))
        return PLATFORM_TAOBAO, []
    if not order_tables:
        for table in item_tables:
            errors.append(RowError(table.name, 0, "", _("This is Taobao's items file (宝贝报表): upload it together with "
                                                         "its order list (订单报表) from the same export.")))
        return PLATFORM_TAOBAO, []
    orders: dict[str, OrderRecord] = {}
    tmall = False
    order_sheets = [Sheet(table, ORDER_COLUMNS, errors) for table in order_tables]
    item_sheets = [Sheet(table, ITEM_COLUMNS, errors) for table in item_tables]
    if not all(sheet.complete for sheet in order_sheets + item_sheets):
        return PLATFORM_TAOBAO, []
    for sheet in order_sheets:
        tmall = _read_orders(sheet, orders) or tmall
    for sheet in item_sheets:
        _read_items(sheet, orders)
    for order in orders.values():
        if not order.lines:
            errors.append(RowError(order.file, order.row, "订单编号",
                                   _("No lines for this order in the items file (宝贝报表): upload the items file "
                                     "of the same export.")))
    return (PLATFORM_TMALL if tmall else PLATFORM_TAOBAO), list(orders.values())


def _read_orders(sheet: Sheet, orders: dict[str, OrderRecord]) -> bool:
    """Reads one order list into ``orders``; True when it says the shop is on Tmall."""
    ix = sheet.ix
    i_no, i_goods, i_shipping, i_paid = ix["order_no"], ix["goods"], ix["shipping"], ix["paid"]
    i_placed, i_paid_at, i_shipped_at = ix["placed"], ix["paid_at"], ix["shipped_at"]
    i_status, i_buyer, i_receiver = ix["status"], ix["buyer"], ix["receiver"]
    i_address, i_new_address, i_mobile, i_phone = ix["address"], ix["new_address"], ix["mobile"], ix["phone"]
    i_message, i_memo, i_tracking, i_courier = ix["message"], ix["memo"], ix["tracking"], ix["courier"]
    i_shop_type = ix["shop_type"]
    text, amount, moment, BAD, ZERO = cells.text, cells.amount, cells.moment, cells.BAD, cells.ZERO
    single_line, order_number = cells.single_line, cells.order_number
    name = sheet.name
    tmall = False
    share = {}.setdefault  # one copy of each status, masked name and courier
    for number, row in sheet.rows():
        order_no = order_number(row[i_no])
        if not order_no or order_no is BAD:
            order_no = sheet.order_number(row, number, "order_no")
            if not order_no:
                continue
        if order_no in orders:
            first = orders[order_no]
            sheet.error(number, "order_no", _("This order is listed twice: first in %(file)s, row %(row)d.",
                                              file=first.file, row=first.row))
            continue
        # Unrolled on purpose: the plain reader on the fast path, the Sheet's (which records the
        # row error) only for a bad cell; a helper would add six calls a row to the import's
        # hottest loop (bench/import_ratio.py).
        goods = amount(row[i_goods])
        if goods is BAD:
            goods = sheet.amount(row, number, "goods")
        shipping = amount(row[i_shipping])
        if shipping is BAD:
            shipping = sheet.amount(row, number, "shipping")
        paid = amount(row[i_paid])
        if paid is BAD:
            paid = sheet.amount(row, number, "paid")
        placed = moment(row[i_placed])
        if placed is BAD:
            placed = sheet.moment(row, number, "placed")
        paid_at = moment(row[i_paid_at])
        if paid_at is BAD:
            paid_at = sheet.moment(row, number, "paid_at")
        shipped_at = moment(row[i_shipped_at])
        if shipped_at is BAD:
            shipped_at = sheet.moment(row, number, "shipped_at")
        discount = ZERO
        if paid:
            discount = goods + shipping - paid
            if discount < ZERO:
                discount = ZERO
        status, receiver, courier = text(row[i_status]), text(row[i_receiver]), text(row[i_courier])
        if i_shop_type != MISSING and not tmall:
            tmall = says_tmall(text(row[i_shop_type]))
        # Positional, in OrderRecord's field order (twice as fast as keywords on the
        # benchmark's 100,000 orders; test_order_formats pins the order of the fields).
        orders[order_no] = OrderRecord(
            order_no,
            share(status, status),
            stage_of(status),
            text(row[i_buyer]),
            share(receiver, receiver),
            text(row[i_mobile]) or text(row[i_phone]),  # receiver_phone
            single_line(row[i_new_address]) or single_line(row[i_address]),  # receiver_address
            text(row[i_message]),  # buyer_message
            text(row[i_memo]),  # seller_memo
            goods,
            shipping,
            discount,
            paid,
            placed,
            paid_at,
            shipped_at,
            share(courier, courier),
            prefix_free_tracking(text(row[i_tracking])),
            [],  # lines
            name,
            number,
        )
    return tmall


def _read_items(sheet: Sheet, orders: dict[str, OrderRecord]) -> None:
    ix = sheet.ix
    i_no, i_title, i_price, i_quantity = ix["order_no"], ix["title"], ix["price"], ix["quantity"]
    i_sku, i_outer, i_props, i_package = ix["sku"], ix["outer_id"], ix["props"], ix["package"]
    i_status, i_refund, i_sub = ix["status"], ix["refund"], ix["sub_no"]
    has_outer, has_package, has_refund, has_sub = (index != MISSING for index in (i_outer, i_package, i_refund, i_sub))
    # Titles, specs, SKU codes and statuses repeat on thousands of lines: keep one copy of each.
    share = {}.setdefault
    text, amount, quantity, BAD, order_number = cells.text, cells.amount, cells.quantity, cells.BAD, cells.order_number
    for number, row in sheet.rows():
        order_no = order_number(row[i_no])
        if not order_no or order_no is BAD:
            order_no = sheet.order_number(row, number, "order_no")
            if not order_no:
                continue
        order = orders.get(order_no)
        if order is None:
            sheet.error(number, "order_no", _("This order is not in the order list (订单报表) of this upload."))
            continue
        price = amount(row[i_price])
        if price is BAD:
            price = sheet.amount(row, number, "price")
        raw = row[i_quantity]
        count = (int(raw) or BAD) if raw.__class__ is str and raw.isdecimal() else quantity(raw)
        if count is BAD:
            count = sheet.quantity(row, number, "quantity")
        spec = text(row[i_props])
        if has_package:
            package = text(row[i_package])
            if package:
                spec = f"{spec} {package}" if spec else package
        sku = text(row[i_sku])
        if not sku and has_outer:
            sku = text(row[i_outer])
        title, status = text(row[i_title]), text(row[i_status])
        # Positional, in LineRecord's field order (see OrderRecord above).
        order.lines.append(LineRecord(
            share(title, title),
            count,
            price,
            price if count == 1 else price * count,  # amount
            share(sku, sku),
            share(spec, spec),
            text(row[i_sub]) if has_sub else "",  # sub_order_no
            share(status, status),
            refund_text(text(row[i_refund])) if has_refund else "",
        ))
