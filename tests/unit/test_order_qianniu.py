"""千牛's one-workbook order export for Taobao and Tmall (issue 20): reading it (xlsx, GBK and
UTF-8 CSV), saving it (re-import, the cross-over with the older two-file download in either
order) and the CLI report. The samples: tests/data/orders/qianniu_orders.{csv,xlsx}."""
from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from office.models.orders import CLOSED, DELIVERED, SHIPPED, TO_SHIP, UNPAID, Order, OrderLine, Shop
from office.orders import imports
from office.orders.formats.reading import detect, parse
from office.orders.formats.status import stage_of
from office.orders.records import STAGE_CLOSED, STAGE_DELIVERED, STAGE_PAID, STAGE_SHIPPED, STAGE_UNPAID

DATA = Path(__file__).resolve().parents[1] / "data" / "orders"
WORKBOOKS = ("qianniu_orders.xlsx", "qianniu_orders.csv")
TAOBAO = ("taobao_orders.csv", "taobao_items.csv")
STATUSES = {"买家已付款，等待卖家发货": 2, "交易关闭": 2, "交易成功": 2, "卖家已发货，等待买家确认收货": 1, "等待买家付款": 1}
REPORT_KEYS = {"orders", "lines", "created", "updated", "unchanged", "paid_total", "platform_status_counts"}


def sample(*names: str) -> list[tuple[str, bytes]]:
    return [(name, (DATA / name).read_bytes()) for name in names]


def by_no(parsed) -> dict:
    return {order.order_no: order for order in parsed.orders}


def paid_total(parsed) -> Decimal:
    return sum((order.paid_amount for order in parsed.orders if order.paid_at), Decimal("0.00"))


def without_place(parsed) -> list:
    return [dataclasses.replace(order, file="", row=0) for order in parsed.orders]


def rows_of_csv() -> list[list[str]]:
    return list(csv.reader(io.StringIO((DATA / "qianniu_orders.csv").read_bytes().decode("gbk"), newline="")))


def csv_bytes(rows: list[list[str]], encoding: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


# -- reading ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", WORKBOOKS)
def test_the_workbook_reads_whole_one_order_per_row(name):
    parsed = parse(sample(name))
    assert parsed.errors == []
    assert parsed.platform == "taobao" and detect(sample(name)) == "taobao"
    assert (len(parsed.orders), parsed.line_count) == (8, 10)
    assert paid_total(parsed) == Decimal("1960.00")
    assert dict(Counter(order.platform_status for order in parsed.orders)) == STATUSES


def test_xlsx_and_csv_give_the_same_orders():
    assert without_place(parse(sample("qianniu_orders.xlsx"))) == without_place(parse(sample("qianniu_orders.csv")))


def test_utf8_csv_with_or_without_bom_reads_like_the_gbk_one():
    rows = rows_of_csv()
    gbk = without_place(parse(sample("qianniu_orders.csv")))
    for encoding in ("utf-8", "utf-8-sig"):
        assert without_place(parse([("orders.csv", csv_bytes(rows, encoding))])) == gbk


def test_each_kind_of_order_in_detail():
    orders = by_no(parse(sample("qianniu_orders.csv")))
    stages = {no[-3:]: (order.stage, order.paid_at is not None) for no, order in orders.items()}
    assert stages == {
        "567": (STAGE_PAID, True), "568": (STAGE_SHIPPED, True), "569": (STAGE_DELIVERED, True),
        "573": (STAGE_CLOSED, False), "574": (STAGE_CLOSED, True), "575": (STAGE_DELIVERED, True),
        "576": (STAGE_UNPAID, False), "577": (STAGE_PAID, True),
    }
    # Awaiting shipment, two goods on two rows with one 订单编号: two lines, the amounts once.
    two_rows = orders["4012345678901234567"]
    assert [(ln.title, ln.quantity, ln.spec) for ln in two_rows.lines] == [
        ("316不锈钢保温杯男女大容量", 2, "颜色分类：曜石黑;容量：500ml"), ("加绒卫衣男冬季宽松", 1, "颜色分类：灰色;尺码：L")]
    assert (two_rows.goods_amount, two_rows.discount, two_rows.paid_amount) == (
        Decimal("307.00"), Decimal("10.00"), Decimal("297.00"))
    assert sum(ln.amount for ln in two_rows.lines) == Decimal("307.00")  # shared by quantity
    assert two_rows.buyer_message == "请发顺丰，谢谢\n周末家里没人，放快递柜"
    assert (two_rows.receiver_name, two_rows.receiver_phone) == ("张**", "138****5678")  # kept masked
    assert two_rows.receiver_address == "浙江省 杭州市 西湖区 文三路 ***号 (310012)"
    # Shipped: the guarded 物流单号 and its courier; Beijing times in UTC.
    shipped = orders["4012345678901234568"]
    assert (shipped.courier, shipped.tracking_no) == ("中通快递", "75312345678901")
    assert shipped.paid_at.isoformat() == "2026-11-11T00:13:02"
    assert shipped.shipped_at.isoformat() == "2026-11-11T07:20:00"
    delivered = orders["4012345678901234569"]
    assert (delivered.tracking_no, delivered.shipping_fee, delivered.seller_memo) == (
        "YT8812345678901", Decimal("10.00"), "老客户，送暖宝宝")
    # Closed unpaid: nothing paid, nothing refunded.
    unpaid_closed = orders["4012345678901234573"]
    assert (unpaid_closed.paid_amount, unpaid_closed.paid_at, unpaid_closed.lines[0].refund_status) == (
        Decimal("0.00"), None, "")
    # Refunded and closed: 买家实付金额 0.00 net of 退款金额 599.00, which is added back.
    refunded = orders["4012345678901234574"]
    assert (refunded.paid_amount, refunded.discount) == (Decimal("599.00"), Decimal("0.00"))
    assert refunded.lines[0].refund_status == "订单退款 599.00"
    # Partly refunded: 买家实付金额 above 退款金额 is the payment as it is.
    partial = orders["4012345678901234575"]
    assert partial.paid_amount == Decimal("158.00")
    assert [(ln.quantity, ln.unit_price, ln.refund_status) for ln in partial.lines] == [
        (2, Decimal("79.00"), "订单退款 79.00")]
    # Two goods joined in one row's 商品标题 (宝贝种类 2, 宝贝总数量 2): one line each.
    joined = orders["4012345678901234577"]
    assert [(ln.title, ln.quantity, ln.spec) for ln in joined.lines] == [
        ("316不锈钢保温杯男女大容量", 1, "颜色分类：樱花粉;容量：500ml"), ("加绒卫衣男冬季宽松", 1, "颜色分类：黑色;尺码：L")]
    assert (joined.discount, joined.paid_amount) == (Decimal("10.00"), Decimal("168.00"))


HEADER = ["订单编号 ", "买家应付货款", "买家应付邮费", "买家实付金额 ", "订单状态", "订单付款时间 ", "商品标题", "宝贝种类",
          "宝贝总数量", "商品属性SKU", "退款金额", "某个新列"]


def test_joined_titles_whose_quantities_cannot_be_told_apart_stay_one_line():
    rows = [HEADER, ["401", "257.00", "0.00", "257.00", "交易成功", "2026-11-11 10:00:00", "保温杯，卫衣", "2", "3",
                     "", "", "x"],
            # One good whose title has a comma in it: 宝贝种类 1, never split.
            ["402", "99.00", "0.00", "99.00", "交易成功", "2026-11-11 10:00:00", "卫衣，加绒加厚", "1", "1", "", "",
             "y"]]
    orders = by_no(parse([("千牛.csv", csv_bytes(rows, "utf-8-sig"))]))
    assert [(ln.title, ln.quantity) for ln in orders["401"].lines] == [("保温杯，卫衣", 3)]
    assert [(ln.title, ln.quantity) for ln in orders["402"].lines] == [("卫衣，加绒加厚", 1)]


def test_the_refund_is_added_back_only_when_the_paid_amount_is_below_it():
    rows = [HEADER,
            ["501", "100.00", "0.00", "60.00", "交易关闭", "2026-11-11 10:00:00", "保温杯", "1", "1", "", "40.00", ""],
            ["502", "100.00", "0.00", "30.00", "交易关闭", "2026-11-11 10:00:00", "保温杯", "1", "1", "", "70.00", ""]]
    orders = by_no(parse([("千牛.csv", csv_bytes(rows, "gbk"))]))
    assert orders["501"].paid_amount == Decimal("60.00")  # 60 is not below 40: as exported
    assert orders["502"].paid_amount == Decimal("100.00")  # 30 net of 70


def test_rows_of_one_order_that_disagree_on_its_amounts_are_refused():
    rows = [HEADER,
            ["601", "100.00", "0.00", "100.00", "交易成功", "2026-11-11 10:00:00", "保温杯", "2", "1", "", "", ""],
            ["601", "100.00", "0.00", "90.00", "交易成功", "2026-11-11 10:00:00", "卫衣", "2", "1", "", "", ""]]
    parsed = parse([("千牛.csv", csv_bytes(rows, "gbk"))])
    [error] = parsed.errors
    assert (error.row, error.column) == (3, "买家实付金额")


def test_the_older_order_list_alone_keeps_asking_for_its_items_file():
    [error] = parse(sample("taobao_orders.csv")).errors
    assert (error.file, error.row) == ("taobao_orders.csv", 0)
    assert "items file" in error.reason


def test_a_workbook_without_its_payment_time_is_refused_not_read_as_unpaid():
    rows = [[cell for index, cell in enumerate(row) if index != 15] for row in rows_of_csv()]
    parsed = parse([("千牛.csv", csv_bytes(rows, "gbk"))])
    assert parsed.orders == []
    [error] = parsed.errors
    assert (error.row, error.column) == (1, "订单付款时间")


def test_a_workbook_without_its_quantity_column_is_refused_naming_it():
    rows = [[cell for index, cell in enumerate(row) if index != 18] for row in rows_of_csv()]
    parsed = parse([("千牛.csv", csv_bytes(rows, "gbk"))])
    assert parsed.orders == []
    [error] = parsed.errors
    assert (error.row, error.column, error.reason) == (1, "宝贝总数量", "This column is missing.")


def test_a_shop_type_column_saying_tmall_reads_as_tmall():
    rows = rows_of_csv()
    rows = [row + [("店铺类型" if number == 0 else "天猫")] for number, row in enumerate(rows)]
    files = [("千牛.csv", csv_bytes(rows, "gbk"))]
    assert parse(files).platform == "tmall" and detect(files) == "tmall"


@pytest.mark.parametrize(("status", "stage"), [
    ("等待买家付款", STAGE_UNPAID), ("买家已付款", STAGE_PAID), ("买家已付款，等待卖家发货", STAGE_PAID),
    ("卖家已发货，等待买家确认收货", STAGE_SHIPPED), ("买家已签收", STAGE_DELIVERED), ("交易成功", STAGE_DELIVERED),
    ("交易关闭", STAGE_CLOSED), ("交易关闭(退款)", STAGE_CLOSED), ("交易关闭（退款成功）", STAGE_CLOSED),
    ("付款以后用户退款成功，交易自动关闭", STAGE_CLOSED), ("交易被淘宝关闭", STAGE_CLOSED), ("卖家部分发货", STAGE_PAID),
    ("外卡支付付款确认中", STAGE_UNPAID),
])
def test_qianniu_status_texts(status, stage):
    assert stage_of(status) == stage


# -- saving -------------------------------------------------------------------------------------

def stored_paid_total() -> Decimal:
    return sum((order.paid_amount for order in Order.select().where(Order.paid_at.is_null(False))), Decimal("0.00"))


@pytest.mark.parametrize("name", WORKBOOKS)
def test_import_and_import_again(app, name):
    shop, report = imports.import_files(sample(name), None, shop_name="暖冬天猫店", platform="tmall")
    assert shop.platform == "tmall"
    assert (report.orders, report.lines, report.created, report.updated, report.unchanged) == (8, 10, 8, 0, 0)
    assert report.paid_total == Decimal("1960.00")
    assert report.platform_status_counts == STATUSES
    status = {order.order_no[-3:]: order.status for order in Order.select()}
    assert status == {"567": TO_SHIP, "568": SHIPPED, "569": DELIVERED, "573": CLOSED, "574": CLOSED,
                      "575": DELIVERED, "576": UNPAID, "577": TO_SHIP}
    assert OrderLine.select().count() == 10
    assert Order.get(Order.order_no == "4012345678901234574").paid_amount == Decimal("599.00")

    _shop, again = imports.import_files(sample(name), None, shop_name="暖冬天猫店")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 8)
    assert again.paid_total == Decimal("1960.00")
    assert (Order.select().count(), OrderLine.select().count()) == (8, 10)


def test_the_xlsx_after_the_csv_changes_nothing(app):
    imports.import_files(sample("qianniu_orders.csv"), None, shop_name="暖冬小铺")
    _shop, report = imports.import_files(sample("qianniu_orders.xlsx"), None, shop_name="暖冬小铺")
    assert (report.created, report.updated, report.unchanged) == (0, 0, 8)


def skus_of(order_no: str) -> list[tuple[str, int]]:
    order = Order.get(Order.order_no == order_no)
    return [(ln.sku_code, ln.quantity) for ln in order.lines.order_by(OrderLine.position)]


def test_the_two_file_download_then_the_workbook_updates_the_same_orders(app):
    _shop, first = imports.import_files(sample(*TAOBAO), None, shop_name="暖冬小铺")
    assert (first.created, first.lines) == (6, 7)
    _shop, report = imports.import_files(sample("qianniu_orders.xlsx"), None, shop_name="暖冬小铺")
    # …567, …568 and …569 are in both: updated, not created again.
    assert (report.created, report.updated, report.unchanged) == (5, 3, 0)
    assert Order.select().count() == 11
    # The three orders keep their 4 lines (with SKU codes: the workbook names goods by title only).
    assert OrderLine.select().count() == 7 + 6
    assert skus_of("4012345678901234567") == [("BWB-500-BK", 2), ("JRWY-GR-L", 1)]
    assert Order.get(Order.order_no == "4012345678901234567").paid_amount == Decimal("297.00")
    # Paid once each: the two-file download's 2334.00 plus the workbook's new paid orders (599 + 158 + 168).
    assert stored_paid_total() == Decimal("3259.00")
    shipped = Order.get(Order.order_no == "4012345678901234568")
    assert (shipped.status, shipped.platform_status) == (SHIPPED, "卖家已发货，等待买家确认收货")


def test_the_workbook_then_the_two_file_download_updates_the_same_orders(app):
    imports.import_files(sample("qianniu_orders.csv"), None, shop_name="暖冬小铺")
    _shop, report = imports.import_files(sample(*TAOBAO), None, shop_name="暖冬小铺")
    assert (report.created, report.updated, report.unchanged) == (3, 3, 0)
    assert Order.select().count() == 11
    assert OrderLine.select().count() == 10 + 7 - 4
    assert skus_of("4012345678901234567") == [("BWB-500-BK", 2), ("JRWY-GR-L", 1)]  # lines with SKU codes
    assert Order.get(Order.order_no == "4012345678901234567").paid_amount == Decimal("297.00")
    assert stored_paid_total() == Decimal("3259.00")
    # Back and forth again: the same orders, the same lines, no payment counted twice.
    _shop, back = imports.import_files(sample("qianniu_orders.csv"), None, shop_name="暖冬小铺")
    assert (back.created, back.updated, back.unchanged) == (0, 3, 5)
    assert (Order.select().count(), OrderLine.select().count(), stored_paid_total()) == (11, 13, Decimal("3259.00"))
    assert skus_of("4012345678901234567") == [("BWB-500-BK", 2), ("JRWY-GR-L", 1)]
    shipped = Order.get(Order.order_no == "4012345678901234568")
    assert (shipped.platform_status, shipped.shipped_at.isoformat()) == ("卖家已发货，等待买家确认收货", "2026-11-11T07:20:00")


def test_cli_imports_the_workbook_with_the_usual_report(runner):
    path = str(DATA / "qianniu_orders.xlsx")
    result = runner.invoke(args=["orders", "import", path, "--shop", "暖冬小铺"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == REPORT_KEYS
    assert (report["orders"], report["lines"], report["created"], report["updated"], report["unchanged"]) == (
        8, 10, 8, 0, 0)
    assert report["paid_total"] == "1960.00"
    assert report["platform_status_counts"] == STATUSES
    assert Shop.get(Shop.name == "暖冬小铺").platform == "taobao"
    again = json.loads(runner.invoke(args=["orders", "import", path, "--shop", "暖冬小铺"]).stdout)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 8)
