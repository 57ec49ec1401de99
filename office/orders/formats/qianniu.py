"""Taobao and Tmall, the current 千牛 order export: ONE workbook (xlsx, or CSV in GBK or UTF-8)
with one row per order and no separate items file (宝贝报表). Its columns vary by account and
version and are found by name: 订单编号, 支付单号, 买家会员名, 买家应付货款, 买家应付邮费, 总金额,
买家实付金额 (not the older list's 买家实际支付金额: that is how the two are told apart), 订单状态,
买家留言, 收货人姓名, 收货地址, 联系手机, 订单创建时间, 订单付款时间, 商品标题, 宝贝总数量,
商品属性SKU, 物流单号, 物流公司, 订单关闭原因, 商家备注, 退款金额, 店铺名称, 发货时间, 确认收货时间 ...

Order-level: 买家应付货款 (the goods), 买家应付邮费 (the shipping), 买家实付金额 (what the buyer
paid). A refunded order's 买家实付金额 may come net of the refund: when it is below 退款金额 the
refund is added back, so that the paid amount is what the buyer paid (as the two-file export
says it, and as the importers written for this export do). No discount column: a paid order's
discount is what the buyer did not pay of goods + shipping. 退款金额 is the order's, and the
export does not say which goods it was for: every line of a refunded order carries it as its
refund text ("订单退款 79.00"), written in Chinese whatever the importer's language, since it is
stored platform data (and part of the order's fingerprint).

Paid time: 订单付款时间 (required), empty for unpaid orders and orders closed unpaid.

Lines: the export has no unit price. An order's line is its 商品标题, 宝贝总数量 pieces, spec
商品属性SKU, SKU code 商家编码 when the account exports it; the goods amount is shared by
quantity (as Pinduoduo's, see grouped.split_by_quantity). Multi-item orders come two ways,
both read:
- several rows with the same 订单编号, one per item (each row's 宝贝总数量 is its item's):
  one line per row, the order-level amounts repeated on each row and checked to agree;
- one row whose 商品标题 lists the goods joined by "，" (as the older 订单报表 writes them),
  with 宝贝种类 saying how many: split into that many lines only when the title splits into
  exactly that many parts and each can be given a quantity (宝贝总数量 = 宝贝种类: one each);
  otherwise the order keeps one line with the whole title, which is all the row says.

Receivers come masked (张**, 138****5678) and are kept as they are. Tmall shops download the
same workbook; it says Tmall only through a shop-type column (店铺类型), else the upload is read
as Taobao and the shop it is imported into decides (intake treats taobao and tmall alike).
"""
from __future__ import annotations

from office.models.orders import PLATFORM_TAOBAO, PLATFORM_TMALL
from office.orders.formats import cells
from office.orders.formats.common import MISSING, Sheet, column, prefix_free_tracking
from office.orders.formats.grouped import derived_discount, group, split_by_quantity
from office.orders.formats.status import stage_of
from office.orders.formats.tables import Table
from office.orders.formats.taobao import says_tmall
from office.orders.records import LineRecord, OrderRecord, RowError

COLUMNS = (
    column("order_no", "订单编号", required=True),
    column("buyer", "买家会员名", "买家昵称"),
    column("goods", "买家应付货款", required=True),
    column("shipping", "买家应付邮费"),
    column("paid", "买家实付金额", required=True),
    column("refund", "退款金额"),
    column("status", "订单状态", required=True),
    column("message", "买家留言"),
    column("receiver", "收货人姓名", "收货人"),
    column("address", "收货地址"),
    column("new_address", "修改后的收货地址"),
    column("mobile", "联系手机"),
    column("phone", "联系电话"),
    column("placed", "订单创建时间"),
    column("paid_at", "订单付款时间", required=True),
    column("shipped_at", "发货时间"),
    column("title", "商品标题", "宝贝标题", required=True),
    column("quantity", "宝贝总数量", required=True),
    column("kinds", "宝贝种类"),
    column("spec", "商品属性SKU", "商品属性", "销售属性"),
    column("sku", "商家编码", "商品商家编码", "sku商家编码"),
    column("tracking", "物流单号"),
    column("courier", "物流公司"),
    column("memo", "商家备注", "订单备注", "卖家备注"),
    column("shop_type", "店铺类型", "店铺类别"),
)

REPEATED = ("goods", "shipping", "paid", "refund")
# Any one of them marks the export; a missing one is then reported by name (Sheet).
LINE_KEYS = ("商品标题", "宝贝标题", "宝贝总数量")
JOINED = "，"  # how a row's 商品标题 joins the titles of several goods
REFUND_TEXT = "订单退款 {amount}"  # stored platform data, not a UI string (see the docstring)


def is_workbook(keys: frozenset[str]) -> bool:
    """The one-workbook export: 买家实付金额 and a line column, and not the older order list's
    买家实际支付金额 (that list needs its items file)."""
    return ("订单编号" in keys and "买家实付金额" in keys and "买家实际支付金额" not in keys
            and any(key in keys for key in LINE_KEYS))


def parse(tables: list[Table], errors: list[RowError]) -> tuple[str, list[OrderRecord]]:
    orders: dict[str, OrderRecord] = {}
    sheets = [Sheet(table, COLUMNS, errors) for table in tables]
    if not all(sheet.complete for sheet in sheets):
        return PLATFORM_TAOBAO, []
    kinds: dict[str, int] = {}  # order number → its 宝贝种类, when the export has it
    refunds: dict[str, object] = {}
    tmall = False

    def read_order(sheet: Sheet, row: list, number: int, order_no: str, amounts: dict) -> OrderRecord:
        nonlocal tmall
        ix, text, line = sheet.ix, cells.text, cells.single_line
        status = text(row[ix["status"]])
        paid_at = sheet.moment(row, number, "paid_at")
        goods, shipping, paid, refund = amounts["goods"], amounts["shipping"], amounts["paid"], amounts["refund"]
        if refund > cells.ZERO:
            refunds[order_no] = refund
            if paid < refund:
                paid += refund  # paid net of the refund: what the buyer paid is the sum
        if sheet.has("kinds"):
            count = cells.quantity(row[ix["kinds"]])
            if count is not cells.BAD:
                kinds[order_no] = count
        if sheet.has("shop_type") and not tmall:
            tmall = says_tmall(text(row[ix["shop_type"]]))
        return OrderRecord(
            order_no=order_no,
            platform_status=status,
            stage=stage_of(status),
            buyer_nick=text(row[ix["buyer"]]),
            receiver_name=text(row[ix["receiver"]]),
            receiver_phone=text(row[ix["mobile"]]) or text(row[ix["phone"]]),
            receiver_address=line(row[ix["new_address"]]) or line(row[ix["address"]]),
            buyer_message=text(row[ix["message"]]),
            seller_memo=text(row[ix["memo"]]),
            goods_amount=goods,
            shipping_fee=shipping,
            discount=derived_discount(goods, shipping, paid, paid_at),
            paid_amount=paid,
            placed_at=sheet.moment(row, number, "placed"),
            paid_at=paid_at,
            shipped_at=sheet.moment(row, number, "shipped_at"),
            courier=text(row[ix["courier"]]),
            tracking_no=prefix_free_tracking(text(row[ix["tracking"]])),
            file=sheet.name,
            row=number,
        )

    for sheet in sheets:
        group(sheet, orders, REPEATED, read_order, _line)
    for order in orders.values():
        count = kinds.get(order.order_no, 1)
        if count > 1 and len(order.lines) == 1:
            order.lines = _split_joined(order.lines[0], count)
        # unit_price and amount: the goods shared by quantity (the export has no unit price).
        split_by_quantity(order, order.goods_amount)
        refund = refunds.get(order.order_no)
        if refund is not None:
            for line in order.lines:
                line.refund_status = REFUND_TEXT.format(amount=refund)
    return (PLATFORM_TMALL if tmall else PLATFORM_TAOBAO), list(orders.values())


def _line(sheet: Sheet, row: list, number: int) -> LineRecord:
    ix, text = sheet.ix, cells.text
    sku = text(row[ix["sku"]]) if ix["sku"] != MISSING else ""
    return LineRecord(
        title=text(row[ix["title"]]),
        quantity=sheet.quantity(row, number, "quantity"),
        unit_price=cells.ZERO,
        amount=cells.ZERO,
        sku_code=sku,
        spec=text(row[ix["spec"]]),
        platform_status=text(row[ix["status"]]),
    )


def _split_joined(line: LineRecord, count: int) -> list[LineRecord]:
    """The lines of a row whose title joins ``count`` goods (see the docstring); the row's
    one line when the title or the quantities cannot be told apart."""
    titles = [title.strip() for title in line.title.split(JOINED)]
    if len(titles) != count or not all(titles) or line.quantity != count:
        return [line]
    specs = [spec.strip() for spec in line.spec.split(JOINED)] if line.spec else []
    if len(specs) != count:
        specs = [line.spec] * count
    return [LineRecord(title=title, quantity=1, unit_price=cells.ZERO, amount=cells.ZERO, sku_code="",
                       spec=spec, platform_status=line.platform_status)
            for title, spec in zip(titles, specs)]
