"""Reading the platforms' own order exports (office.orders.formats): every sample in
tests/data/orders, detection from headers, and each trap of the real files."""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import gc
import importlib.util
import io
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from office.orders.formats import cells
from office.orders.formats.common import courier_and_tracking
from office.orders.formats.reading import detect, parse
from office.orders.formats.status import stage_of
from office.orders.records import (
    STAGE_CLOSED,
    STAGE_DELIVERED,
    STAGE_PAID,
    STAGE_SHIPPED,
    STAGE_UNPAID,
    LineRecord,
    OrderRecord,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "orders"


def sample(name: str) -> tuple[str, bytes]:
    return name, (DATA / name).read_bytes()


def paid_total(parsed) -> Decimal:
    return sum((order.paid_amount for order in parsed.orders if order.paid_at), Decimal("0.00"))


def same_but_file(parsed) -> list:
    return [dataclasses.replace(order, file="") for order in parsed.orders]


def by_no(parsed) -> dict:
    return {order.order_no: order for order in parsed.orders}


def text_of(name: str, encoding: str) -> str:
    return (DATA / name).read_bytes().decode(encoding)


def csv_bytes(rows: list[list], encoding: str = "utf-8-sig", delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table(name: str, encoding: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text_of(name, encoding), newline="")))


# ------------------------------------------------------------------ the samples, whole

SAMPLES = [
    # files, platform, orders, lines, paid total, status counts
    (("taobao_orders.csv", "taobao_items.csv"), "taobao", 6, 7, "2334.00",
     {"买家已付款，等待卖家发货": 2, "卖家已发货，等待买家确认": 1, "交易成功": 1, "交易关闭": 1, "等待买家付款": 1}),
    (("tmall_orders.csv", "tmall_items.csv"), "tmall", 2, 2, "1126.00", {"买家已付款，等待卖家发货": 1, "交易成功": 1}),
    (("jd_orders.xlsx",), "jd", 5, 6, "1399.00", {"等待出库": 1, "等待确认收货": 1, "完成": 1, "已取消": 1, "锁定": 1}),
    (("jd_orders.csv",), "jd", 5, 6, "1399.00", {"等待出库": 1, "等待确认收货": 1, "完成": 1, "已取消": 1, "锁定": 1}),
    (("pdd_orders.csv",), "pdd", 5, 6, "1590.40",
     {"待发货": 1, "已发货，待签收": 1, "已签收": 1, "已取消": 1, "未发货，退款成功": 1}),
    (("douyin_orders.xlsx",), "douyin", 5, 6, "750.00", {"待发货": 1, "已发货": 1, "已完成": 1, "已关闭": 1, "待支付": 1}),
    (("pdd_orders_standard.csv",), "pdd", 7, 7, "2082.30",
     {"已发货，待签收": 2, "待发货": 1, "已签收": 1, "待付款": 1, "已取消": 1, "未发货，退款成功": 1}),
    (("douyin_sub_orders.csv",), "douyin", 5, 9, "1585.00", {"待发货": 1, "已发货": 1, "已完成": 1, "待支付": 1, "已关闭": 1}),
]


@pytest.mark.parametrize(("names", "platform", "orders", "lines", "total", "statuses"), SAMPLES)
def test_each_sample_reads_whole(names, platform, orders, lines, total, statuses):
    parsed = parse([sample(name) for name in names])
    assert parsed.errors == []
    assert parsed.ok
    assert parsed.platform == platform
    assert (len(parsed.orders), parsed.line_count) == (orders, lines)
    assert paid_total(parsed) == Decimal(total)
    assert dict(Counter(order.platform_status for order in parsed.orders)) == statuses
    assert detect([sample(name) for name in names]) == platform
    for order in parsed.orders:
        assert order.file in names and order.row >= 2
        assert order.lines and all(line.quantity > 0 for line in order.lines)
        for amount in (order.goods_amount, order.shipping_fee, order.discount, order.paid_amount):
            assert isinstance(amount, Decimal) and amount.as_tuple().exponent == -2


def test_taobao_sample_in_detail():
    parsed = parse([sample("taobao_orders.csv"), sample("taobao_items.csv")])
    orders = by_no(parsed)
    two_lines = orders["4012345678901234567"]  # ="…" guards gone
    assert two_lines.stage == STAGE_PAID
    assert (two_lines.receiver_name, two_lines.receiver_phone) == ("张**", "138****5678")  # masks kept
    assert two_lines.buyer_nick == "tb_小鹿爱喝水"
    assert two_lines.buyer_message == "请发顺丰，谢谢\n周末家里没人，放快递柜"
    assert (two_lines.goods_amount, two_lines.shipping_fee, two_lines.paid_amount) == (
        Decimal("307.00"), Decimal("0.00"), Decimal("297.00"))
    assert two_lines.discount == Decimal("10.00")
    # Beijing 2026-11-11 00:00:05 is 16:00:05 UTC the day before.
    assert two_lines.placed_at == dt.datetime(2026, 11, 10, 16, 0, 5)
    assert two_lines.paid_at == dt.datetime(2026, 11, 10, 16, 0, 31)
    cup, sweater = two_lines.lines
    assert (cup.title, cup.quantity, cup.unit_price, cup.amount, cup.sku_code) == (
        "316不锈钢保温杯男女大容量", 2, Decimal("89.00"), Decimal("178.00"), "BWB-500-BK")
    assert cup.spec == "颜色分类：曜石黑;容量：500ml"
    assert (sweater.sku_code, sweater.amount) == ("JRWY-GR-L", Decimal("129.00"))

    shipped = orders["4012345678901234568"]
    assert (shipped.stage, shipped.courier, shipped.tracking_no) == (STAGE_SHIPPED, "中通快递", "75312345678901")
    done = orders["4012345678901234569"]
    assert done.stage == STAGE_DELIVERED
    assert done.tracking_no == "YT8812345678901"  # "No:" prefix dropped
    assert done.placed_at == dt.datetime(2026, 11, 11, 1, 5)  # written 2026/11/11 9:05
    closed = orders["4012345678901234570"]
    assert (closed.stage, closed.paid_at, closed.paid_amount) == (STAGE_CLOSED, None, Decimal("0.00"))
    unpaid = orders["4012345678901234571"]
    assert (unpaid.stage, unpaid.paid_at) == (STAGE_UNPAID, None)
    old_style = orders["4012345678901234572"]
    assert old_style.receiver_phone == "13912345678"  # the apostrophe guard gone
    assert old_style.receiver_address == "四川省 成都市 高新区 天府五街 200号 菁蓉汇3栋 (610041)"  # 修改后的收货地址
    assert old_style.seller_memo == "大客户，优先发"
    assert old_style.lines[0].sku_code == "YRF-LONG"  # no 商家编码: the 外部系统编号
    assert old_style.lines[0].spec == "颜色分类：藏青;尺码：XXL 套餐一：送围巾"


def test_taobao_files_in_either_order_give_the_same_orders():
    forward = parse([sample("taobao_orders.csv"), sample("taobao_items.csv")])
    backward = parse([sample("taobao_items.csv"), sample("taobao_orders.csv")])
    assert forward.orders == backward.orders


def test_tmall_is_told_by_the_shop_type_column_and_gb18030_is_read():
    parsed = parse([sample("tmall_items.csv"), sample("tmall_orders.csv")])
    assert parsed.platform == "tmall"
    assert by_no(parsed)["5012345678901234561"].receiver_name == "䶮**"  # only in GB18030, not GBK
    assert detect([sample("tmall_orders.csv")]) == "tmall"
    assert detect([sample("tmall_items.csv")]) == "taobao"  # an items file cannot tell


def test_jd_sample_xlsx_and_csv_agree():
    from_xlsx = parse([sample("jd_orders.xlsx")])
    from_csv = parse([sample("jd_orders.csv")])
    assert same_but_file(from_xlsx) == same_but_file(from_csv)
    orders = by_no(from_xlsx)
    first = orders["280012345671"]  # an order number stored as a number in the workbook
    assert [line.sku_code for line in first.lines] == ["BWB-500-BK", "JRWY-GR-L"]
    assert (first.goods_amount, first.discount, first.paid_amount) == (Decimal("377.00"), Decimal("20.00"),
                                                                       Decimal("357.00"))
    assert first.placed_at == dt.datetime(2026, 11, 11, 2, 2)  # a datetime cell
    assert first.paid_at == dt.datetime(2026, 11, 11, 2, 2, 40)  # an Excel serial number
    assert orders["280012345673"].shipping_fee == Decimal("6.00")
    assert orders["280012345675"].stage == STAGE_PAID  # 锁定: still paid, held by intake (not over: JD may unlock it)
    assert orders["280012345674"].paid_at is None


def test_pdd_sample_groups_rows_and_shares_the_goods_total():
    orders = by_no(parse([sample("pdd_orders.csv")]))
    two_rows = orders["261111-018273645501234"]
    assert [(line.spec, line.quantity, line.unit_price, line.amount, line.sku_code) for line in two_rows.lines] == [
        ("黑色,XL", 1, Decimal("69.90"), Decimal("69.90"), "JRWY-BK-XL"),
        ("灰色,L", 2, Decimal("69.90"), Decimal("139.80"), "JRWY-GR-L"),
    ]
    assert (two_rows.goods_amount, two_rows.discount, two_rows.paid_amount) == (
        Decimal("209.70"), Decimal("8.00"), Decimal("201.70"))
    assert two_rows.receiver_address == "浙江省 杭州市 余杭区 五常街道 文一西路***号"
    assert two_rows.buyer_message == "要加绒厚一点的"
    assert two_rows.seller_memo == "" and two_rows.tracking_no == ""  # "-" is empty
    assert two_rows.lines[0].refund_status == ""  # 无售后或售后取消
    big = orders["261111-018273645501235"]
    assert (big.goods_amount, big.paid_amount, big.discount) == (Decimal("1299.00"), Decimal("1199.00"),
                                                                 Decimal("100.00"))
    assert (big.courier, big.tracking_no, big.stage) == ("韵达快递", "4312345678901", STAGE_SHIPPED)
    assert big.lines[0].unit_price == Decimal("1299.00")
    assert orders["261111-018273645501236"].receiver_address == "福建省 厦门市 思明区 湖滨南路***号"
    refunded = orders["261111-018273645501238"]
    assert (refunded.stage, refunded.lines[0].refund_status) == (STAGE_CLOSED, "退款成功")


def test_douyin_sample_with_guarded_numbers_and_sub_orders():
    orders = by_no(parse([sample("douyin_orders.xlsx")]))
    assert list(orders) == ["6938125012345670001", "6938125012345670003", "6938125012345670004",
                            "6938125012345670005", "6938125012345670006"]
    two = orders["6938125012345670001"]  # one row guarded with a tab, the other with an apostrophe
    assert [line.sub_order_no for line in two.lines] == ["6938125012345670001", "6938125012345670002"]
    assert (two.goods_amount, two.discount, two.paid_amount) == (Decimal("528.00"), Decimal("30.00"),
                                                                 Decimal("498.00"))
    assert two.buyer_message == "孩子生日礼物，别放发票"
    assert two.paid_at == dt.datetime(2026, 11, 11, 11, 30, 8)
    shipped = orders["6938125012345670003"]
    assert (shipped.courier, shipped.tracking_no) == ("顺丰速运", "SF1234567890123")
    assert shipped.shipped_at == dt.datetime(2026, 11, 12, 1, 0)
    assert orders["6938125012345670004"].shipping_fee == Decimal("5.00")
    assert orders["6938125012345670006"].stage == STAGE_UNPAID


# ------------------------------------------------------------------ Pinduoduo's standard export (issue 13)

PDD_DEFAULT_COLUMNS = [
    "商品", "订单号", "订单状态", "商品总价(元)", "邮费(元)", "店铺优惠折扣(元)", "平台优惠折扣(元)", "多多支付立减金额(元)",
    "用户实付金额(元)", "商家实收金额(元)", "商品数量(件)", "发货时间", "确认收货时间", "商品id", "商品规格", "样式ID",
    "商家编码-规格维度", "商家编码-商品维度", "商家备注", "售后状态", "快递单号", "快递公司", "订单成交时间", "是否分期",
    "分期期数", "手续费承担方", "分期方式",
]


def test_the_pdd_standard_sample_has_the_27_default_columns_and_no_payment_column():
    rows = table("pdd_orders_standard.csv", "utf-8-sig")
    assert rows[0] == PDD_DEFAULT_COLUMNS and "支付时间" not in rows[0]
    deal = rows[0].index("订单成交时间")
    assert {row[deal] for row in rows[1:] if not row[deal].startswith("2026")} == {"", "\t"}  # empty, a lone tab
    assert (DATA / "pdd_orders_standard.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM


def test_pdd_without_a_payment_column_takes_the_paid_time_from_the_deal_time():
    """The default export has no 支付时间: 订单成交时间 is the payment moment, empty or a lone tab
    when the order was never paid. Before issue 13 every order read as unpaid (total 0.00)."""
    parsed = parse([sample("pdd_orders_standard.csv")])
    assert parsed.errors == []
    orders = by_no(parsed)
    to_ship = orders["261112-100000000000001"]
    assert (to_ship.stage, to_ship.paid_at) == (STAGE_PAID, dt.datetime(2026, 11, 12, 12, 15, 9))
    assert to_ship.placed_at == to_ship.paid_at  # the only time the export has
    # Paid amount = 用户实付金额 (110.80), not 商家实收金额 (114.80: the platform's discounts added).
    assert (to_ship.goods_amount, to_ship.shipping_fee, to_ship.discount, to_ship.paid_amount) == (
        Decimal("119.80"), Decimal("0.00"), Decimal("9.00"), Decimal("110.80"))
    [cup] = to_ship.lines
    assert (cup.quantity, cup.unit_price, cup.amount, cup.sku_code, cup.spec) == (
        2, Decimal("59.90"), Decimal("119.80"), "BWB-500-BK", "曜石黑,500ml")
    assert (to_ship.receiver_name, to_ship.receiver_address) == ("", "")  # the default has no receiver columns
    postage = orders["261112-100000000000003"]
    assert (postage.shipping_fee, postage.discount, postage.paid_amount) == (Decimal("6.00"), Decimal("0.50"),
                                                                             Decimal("104.50"))
    assert postage.goods_amount - postage.discount + postage.shipping_fee == postage.paid_amount
    assert (postage.courier, postage.tracking_no) == ("圆通速递", "YT8812345678912")  # the tab before it gone
    unpaid, cancelled = orders["261112-100000000000004"], orders["261112-100000000000005"]
    assert (unpaid.stage, unpaid.paid_at, unpaid.placed_at) == (STAGE_UNPAID, None, None)  # a lone tab
    assert (cancelled.stage, cancelled.paid_at) == (STAGE_CLOSED, None)  # empty
    refunded = orders["261112-100000000000006"]
    assert (refunded.stage, refunded.paid_at is not None, refunded.lines[0].refund_status) == (
        STAGE_CLOSED, True, "退款成功")
    midnight = orders["261112-100000000000007"]
    assert midnight.paid_at == dt.datetime(2026, 11, 11, 15, 59, 59)  # 23:59:59 in Beijing
    assert paid_total(parsed) == Decimal("2082.30")


def test_pdd_with_a_payment_column_keeps_reading_it():
    """支付时间 ticked: it says, and an empty one is unpaid whatever 订单成交时间 says."""
    orders = by_no(parse([sample("pdd_orders.csv")]))
    cancelled = orders["261111-018273645501237"]  # 订单成交时间 set, 支付时间 "-"
    assert cancelled.placed_at == dt.datetime(2026, 11, 11, 14, 0) and cancelled.paid_at is None
    assert orders["261111-018273645501234"].paid_at == dt.datetime(2026, 11, 11, 12, 15, 9)  # 支付时间, not 成交


def test_pdd_standard_as_a_workbook_reads_the_same():
    rows = table("pdd_orders_standard.csv", "utf-8-sig")
    from_csv = parse([sample("pdd_orders_standard.csv")])
    from_xlsx = parse([("orders_export.xlsx", xlsx_bytes(rows))])
    assert from_xlsx.errors == [] and same_but_file(from_xlsx) == same_but_file(from_csv)


def test_pdd_without_any_time_column_is_refused():
    rows = table("pdd_orders_standard.csv", "utf-8-sig")
    deal = rows[0].index("订单成交时间")
    rows = [row[:deal] + row[deal + 1:] for row in rows]
    parsed = parse([("pdd.csv", csv_bytes(rows))])
    assert parsed.orders == []
    assert [e.to_dict() for e in parsed.errors] == [
        {"file": "pdd.csv", "row": 1, "column": "订单成交时间", "reason": "This column is missing."}]


# ------------------------------------------------------------------ Douyin by goods (商品维度, issue 13)

def test_douyin_rows_are_sub_orders_and_the_order_sums_them():
    parsed = parse([sample("douyin_sub_orders.csv")])
    assert parsed.errors == []
    orders = by_no(parsed)
    three = orders["6938125099990000001"]
    # Every amount differs by row; the freight is on the first row only.
    assert [(line.sub_order_no, line.unit_price, line.quantity, line.amount) for line in three.lines] == [
        ("6938125099990000001", Decimal("79.00"), 1, Decimal("76.00")),
        ("6938125099990000002", Decimal("599.00"), 1, Decimal("554.00")),
        ("6938125099990000003", Decimal("99.00"), 2, Decimal("186.00")),
    ]
    assert (three.goods_amount, three.shipping_fee, three.discount, three.paid_amount) == (
        Decimal("876.00"), Decimal("5.00"), Decimal("65.00"), Decimal("816.00"))
    assert three.paid_amount == sum((line.amount for line in three.lines), Decimal("0.00"))
    assert three.goods_amount - three.discount + three.shipping_fee == three.paid_amount
    assert (three.receiver_name, three.buyer_message) == ("王**", "孩子生日礼物，别放发票")
    assert [line.sku_code for line in three.lines] == ["BWB-500-BK", "YRF-W-M", "JRWY-GR-L"]  # the tab gone

    part_refunded = orders["6938125099990000004"]
    assert [(line.platform_status, line.refund_status, line.amount) for line in part_refunded.lines] == [
        ("已关闭", "退款成功", Decimal("81.00")), ("已发货", "", Decimal("89.00"))]
    assert (part_refunded.platform_status, part_refunded.stage) == ("已发货", STAGE_SHIPPED)
    # The first row (refunded) has no tracking: the order takes the shipped row's.
    assert (part_refunded.courier, part_refunded.tracking_no) == ("中通快递", "75312345678911")
    assert part_refunded.shipped_at == dt.datetime(2026, 11, 12, 1, 0)
    assert (part_refunded.shipping_fee, part_refunded.paid_amount) == (Decimal("8.00"), Decimal("170.00"))

    unpaid = orders["6938125099990000007"]
    assert (unpaid.stage, unpaid.paid_at, unpaid.shipping_fee, unpaid.paid_amount) == (
        STAGE_UNPAID, None, Decimal("6.00"), Decimal("184.00"))
    assert paid_total(parsed) == Decimal("1585.00")


def test_douyin_rows_of_one_order_that_differ_are_no_longer_refused():
    """The refusal issue 13 quotes: "this order amount is 32.80 here but 25.90 on row 2"."""
    header = ["主订单编号", "子订单编号", "选购商品", "商品数量", "商品单价", "订单应付金额", "运费", "优惠总金额", "订单状态",
              "支付完成时间"]
    rows = [header,
            ["\t1001", "\t1002", "保温杯", "1", "29.80", "32.80", "3.00", "0.00", "待发货", "2026-11-11 10:00:00"],
            ["\t1001", "\t1003", "手套", "1", "27.90", "25.90", "0.00", "2.00", "待发货", "2026-11-11 10:00:00"]]
    parsed = parse([("dy.csv", csv_bytes(rows))])
    assert parsed.errors == []
    [order] = parsed.orders
    assert (order.goods_amount, order.shipping_fee, order.discount, order.paid_amount) == (
        Decimal("57.70"), Decimal("3.00"), Decimal("2.00"), Decimal("58.70"))


def test_douyin_by_goods_as_a_workbook_reads_the_same():
    rows = table("douyin_sub_orders.csv", "utf-8-sig")
    from_xlsx = parse([("dy.xlsx", xlsx_bytes(rows))])
    assert from_xlsx.errors == []
    assert same_but_file(from_xlsx) == same_but_file(parse([sample("douyin_sub_orders.csv")]))


def test_douyin_order_level_export_is_refused_asking_for_the_export_by_goods():
    parsed = parse([sample("broken/douyin_orders_order_level.csv")])
    assert parsed.platform == "douyin" and parsed.orders == []
    [error] = parsed.errors  # one reason for the file, not one per unreadable cell
    assert (error.file, error.row, error.column) == ("broken/douyin_orders_order_level.csv", 0, "")
    assert "订单维度" in error.reason and "商品维度" in error.reason


# ------------------------------------------------------------------ payment columns (issue 13)

@pytest.mark.parametrize(("names", "encoding", "dropped"), [
    (("taobao_orders.csv", "taobao_items.csv"), "gbk", "订单付款时间 "),
    (("jd_orders.csv",), "gbk", "付款确认时间"),
    (("douyin_sub_orders.csv",), "utf-8-sig", "支付完成时间"),
])
def test_an_export_without_its_payment_column_is_refused_not_read_as_all_unpaid(names, encoding, dropped):
    rows = table(names[0], encoding)
    index = rows[0].index(dropped)
    files = [(names[0], csv_bytes([row[:index] + row[index + 1:] for row in rows], encoding))]
    files += [sample(name) for name in names[1:]]
    parsed = parse(files)
    assert parsed.orders == []
    assert [(e.file, e.row, e.column, e.reason) for e in parsed.errors] == [
        (names[0], 1, dropped.strip(), "This column is missing.")]


# ------------------------------------------------------------------ detection and refusals

def test_detection_reads_headers_not_file_names():
    misleading = [("jd_export.csv", sample("pdd_orders.csv")[1])]
    assert detect(misleading) == "pdd"
    assert parse(misleading).platform == "pdd"


def test_files_of_two_platforms_are_refused():
    files = [sample("pdd_orders.csv"), sample("jd_orders.csv")]
    assert detect(files) == ""
    parsed = parse(files)
    assert parsed.orders == [] and parsed.platform == ""
    assert len(parsed.errors) == 1 and parsed.errors[0].row == 0
    assert "different platforms" in parsed.errors[0].reason


def test_taobao_items_file_alone_is_refused_with_a_reason():
    parsed = parse([sample("taobao_items.csv")])
    assert parsed.orders == []
    [error] = parsed.errors
    assert (error.file, error.row, error.column) == ("taobao_items.csv", 0, "")
    assert "order list" in error.reason


def test_taobao_order_list_alone_is_refused_with_a_reason():
    [error] = parse([sample("taobao_orders.csv")]).errors
    assert (error.file, error.row) == ("taobao_orders.csv", 0)
    assert "items file" in error.reason


@pytest.mark.parametrize(("data", "words"), [
    (b"", "empty"),
    (b"  \r\n", "empty"),
    (bytes(range(128, 256)) * 20, "neither UTF-8 nor GBK"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500, ".xls"),
    (b"PK\x03\x04 not really a workbook", "Excel file could not be opened"),
    ("姓名,年龄\r\n张三,30\r\n".encode("gbk"), "Unknown file"),
])
def test_unreadable_or_unknown_files_are_one_error_on_row_zero(data, words):
    parsed = parse([("upload.csv", data)])
    [error] = parsed.errors
    assert (error.file, error.row, error.column) == ("upload.csv", 0, "")
    assert words in error.reason
    assert detect([("upload.csv", data)]) == ""


def test_no_file_at_all():
    assert parse([]).errors[0].row == 0
    assert detect([]) == ""


def test_parse_never_raises_and_leaves_the_collector_as_it_was(monkeypatch):
    import office.orders.formats as formats

    def broken(*args):
        raise RuntimeError("a bug")

    monkeypatch.setattr(formats.pdd, "parse", broken)
    assert gc.isenabled()
    parsed = parse([sample("pdd_orders.csv")])
    assert parsed.errors and parsed.errors[0].row == 0 and parsed.orders == []
    assert gc.isenabled()


# ------------------------------------------------------------------ encodings and cells

def test_utf8_without_bom_and_utf16_tab_separated_read_like_the_original():
    rows = table("pdd_orders.csv", "utf-8-sig")
    original = parse([sample("pdd_orders.csv")])
    no_bom = parse([("pdd.csv", csv_bytes(rows, "utf-8"))])
    utf16 = parse([("pdd.txt", csv_bytes(rows, "utf-16", delimiter="\t"))])  # Excel's "Unicode text"
    assert same_but_file(no_bom) == same_but_file(utf16) == same_but_file(original)
    assert no_bom.errors == utf16.errors == []


def test_gbk_rewritten_as_utf8_reads_the_same():
    rows = table("jd_orders.csv", "gbk")
    rewritten = parse([("jd.csv", csv_bytes(rows, "utf-8"))])
    assert same_but_file(rewritten) == same_but_file(parse([sample("jd_orders.csv")]))


@pytest.mark.parametrize(("raw", "expected"), [
    ('="4012345678901234567"', "4012345678901234567"),
    ("\t6938125012345670001", "6938125012345670001"),
    ("'13912345678", "13912345678"),
    ("  张**  ", "张**"),
    ("\u3000浙江省\u3000", "浙江省"),
    ("138****5678", "138****5678"),
    ("-", ""), ("--", ""), ("null", ""), ("NULL", ""), ("", ""), ("  -  ", ""), ('="-"', ""),
    (12345, "12345"), (12.0, "12"), (None, ""),
])
def test_cells_lose_their_guards(raw, expected):
    assert cells.text(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("1,299.00", "1299.00"), ("¥59.9", "59.90"), ("￥1,000", "1000.00"), ("59.90元", "59.90"), (" 12.5 ", "12.50"),
    ('="88.00"', "88.00"), ("-", "0.00"), ("", "0.00"), ("0", "0.00"), (99.0, "99.00"), (7, "7.00"),
    ("0.125", "0.13"), ("-5.00", "-5.00"),
])
def test_amounts(raw, expected):
    assert cells.amount(raw) == Decimal(expected)


@pytest.mark.parametrize("raw", ["12O.00", "abc", "1.2.3", "NaN", "Infinity", "¥", True])
def test_bad_amounts(raw):
    assert cells.amount(raw) is cells.BAD


@pytest.mark.parametrize(("raw", "expected"), [
    ("2026-11-11 00:00:05", dt.datetime(2026, 11, 10, 16, 0, 5)),
    ("2026/11/11 0:00", dt.datetime(2026, 11, 10, 16, 0)),
    ("2026/1/5 9:05:07", dt.datetime(2026, 1, 5, 1, 5, 7)),
    ("2026年11月11日 08:30", dt.datetime(2026, 11, 11, 0, 30)),
    ("2026-11-11", dt.datetime(2026, 11, 10, 16, 0)),
    ('="2026-11-11 10:00:00"', dt.datetime(2026, 11, 11, 2, 0)),
    (dt.datetime(2026, 11, 11, 8, 0), dt.datetime(2026, 11, 11, 0, 0)),
    (46337.5, dt.datetime(2026, 11, 11, 4, 0)),  # Excel's serial for 2026-11-11 12:00
    ("46337.5", dt.datetime(2026, 11, 11, 4, 0)),
    ("-", None), ("", None), (None, None),
])
def test_times_are_beijing_turned_into_naive_utc(raw, expected):
    assert cells.moment(raw) == expected


@pytest.mark.parametrize("raw", ["2026-13-45 25:00", "昨天", "11/11", "12", 12.5, "2026-11-11 24:61"])
def test_bad_times(raw):
    assert cells.moment(raw) is cells.BAD


@pytest.mark.parametrize(("raw", "expected"), [("2", 2), ("2.0", 2), (" 3 ", 3), (2, 2), (2.0, 2), ("1,000", 1000)])
def test_quantities(raw, expected):
    assert cells.quantity(raw) == expected


@pytest.mark.parametrize("raw", ["2.5", "0", "00", "-1", "", "-", "两件", "²", 1.5])
def test_bad_quantities(raw):
    assert cells.quantity(raw) is cells.BAD


@pytest.mark.parametrize(("raw", "expected"), [
    ("6.93812501234567E+18", cells.BAD), ("4.01235E+18", cells.BAD), (6.938125012345670e18, cells.BAD),
    (280012345671, "280012345671"), (280012345671.0, "280012345671"),
    ("261111-018273645501234", "261111-018273645501234"),
])
def test_order_numbers_mangled_by_a_spreadsheet_are_caught(raw, expected):
    assert cells.order_number(raw) == expected


@pytest.mark.parametrize(("cell", "expected"), [
    ("顺丰速运 SF1234567890123", ("顺丰速运", "SF1234567890123")),
    ("YT8812345678901-圆通速递", ("圆通速递", "YT8812345678901")),
    ("中通快递:75312345678901;韵达快递:4312345678901", ("中通快递", "75312345678901")),
    ("", ("", "")),
    ("待揽收", ("待揽收", "")),
])
def test_douyin_courier_cell(cell, expected):
    assert courier_and_tracking(cell) == expected


@pytest.mark.parametrize(("status", "stage"), [
    ("等待买家付款", STAGE_UNPAID), ("买家已付款，等待卖家发货", STAGE_PAID), ("买家已付款,等待卖家发货", STAGE_PAID),
    ("卖家已发货，等待买家确认", STAGE_SHIPPED), ("交易成功", STAGE_DELIVERED), ("交易关闭", STAGE_CLOSED),
    ("付款以后用户退款成功，交易自动关闭", STAGE_CLOSED), ("卖家部分发货", STAGE_PAID),
    ("等待出库", STAGE_PAID), ("等待确认收货", STAGE_SHIPPED), ("完成", STAGE_DELIVERED), ("已取消", STAGE_CLOSED),
    ("锁定", STAGE_PAID), ("(删除)等待出库", STAGE_CLOSED), ("等待付款", STAGE_UNPAID),
    ("待发货", STAGE_PAID), ("已发货，待签收", STAGE_SHIPPED), ("已签收", STAGE_DELIVERED),
    ("未发货，退款成功", STAGE_CLOSED), ("已发货，退款成功", STAGE_CLOSED), ("待支付", STAGE_UNPAID),
    ("备货中", STAGE_PAID), ("已支付", STAGE_PAID), ("已发货", STAGE_SHIPPED), ("待收货", STAGE_SHIPPED),
    ("已完成", STAGE_DELIVERED), ("已关闭", STAGE_CLOSED), ("订单已关闭（超时）", STAGE_CLOSED),
    ("神秘的新状态", ""), ("", ""),
])
def test_status_texts_map_to_stages(status, stage):
    assert stage_of(status) == stage


# ------------------------------------------------------------------ headers and columns

def test_headers_with_stray_spaces_bom_and_full_width_parentheses_still_match():
    rows = table("pdd_orders.csv", "utf-8-sig")
    header = rows[0]
    header[header.index("订单号")] = " 订单号 "
    header[header.index("商品数量(件)")] = "商品数量（件）"
    header[header.index("用户实付金额(元)")] = "用户实付金额（元） "
    header[0] = "\ufeff" + header[0]
    parsed = parse([("pdd.csv", csv_bytes(rows, "utf-8"))])
    assert parsed.errors == []
    assert paid_total(parsed) == Decimal("1590.40")


def test_a_missing_required_column_is_one_error_on_row_one_naming_it():
    parsed = parse([sample("broken/jd_orders_missing_column.csv")])
    assert parsed.orders == []
    assert [e.to_dict() for e in parsed.errors] == [{
        "file": "broken/jd_orders_missing_column.csv", "row": 1, "column": "应付金额", "reason": "This column is missing.",
    }]


def test_an_other_export_version_with_renamed_extra_and_missing_optional_columns():
    rows = table("jd_orders.csv", "gbk")
    header = rows[0]
    renamed = {"订购数量": "商品数量", "下单帐号": "下单账号", "付款确认时间": "付款时间", "京东价": "商品单价"}
    dropped = {"商家备注", "运费金额", "订单备注", "承运商", "运单号", "货号"}
    keep = [index for index, name in enumerate(header) if name not in dropped]
    rows = [[row[index] for index in keep] for row in rows]
    rows[0] = [renamed.get(name, name) for name in rows[0]]
    rows = [row + extra for row, extra in zip(rows, [["京东物流标识", "新字段"]] + [["是", "x"]] * (len(rows) - 1))]
    parsed = parse([("ExportOrder_v2.csv", csv_bytes(rows, "gbk"))])
    assert parsed.errors == []
    assert parsed.platform == "jd"
    orders = by_no(parsed)
    first = orders["280012345671"]
    assert [line.quantity for line in first.lines] == [1, 2]
    assert first.lines[0].unit_price == Decimal("99.00")
    assert first.buyer_nick == "jd_一只猫"
    assert first.paid_at == dt.datetime(2026, 11, 11, 2, 2, 40)
    assert first.lines[0].sku_code == "" and first.seller_memo == "" and first.tracking_no == ""
    assert orders["280012345673"].shipping_fee == Decimal("0.00")  # no 运费金额 column


def test_douyin_older_version_with_split_discounts_and_separate_courier_columns():
    header = ["主订单编号", "子订单编号", "选购商品", "商品规格", "商品数量", "商家编码", "商品金额", "订单应付金额", "运费",
              "平台实际承担优惠金额", "商家实际承担优惠金额", "达人实际承担优惠金额", "订单提交时间", "支付完成时间",
              "订单状态", "售后状态", "收件人", "收件人手机号", "详细地址", "快递公司", "快递单号"]
    row = ["\t6938000000000000001", "\t6938000000000000001", "加绒卫衣", "黑色;L", "1", "JRWY-BK-L", "89.00", "79.00",
           "0.00", "5.00", "3.00", "2.00", "2026-11-11 10:00:00", "2026-11-11 10:00:09", "已发货", "-", "吴**",
           "1**********", "江苏省南京市玄武区中山路***号", "韵达快递", "4312345678999"]
    [order] = parse([("dy.csv", csv_bytes([header, row]))]).orders
    assert (order.discount, order.goods_amount, order.paid_amount) == (Decimal("10.00"), Decimal("89.00"),
                                                                       Decimal("79.00"))
    assert (order.courier, order.tracking_no) == ("韵达快递", "4312345678999")
    assert order.receiver_address == "江苏省南京市玄武区中山路***号"


def test_douyin_order_takes_the_status_of_a_line_still_open():
    header = ["主订单编号", "子订单编号", "选购商品", "商品数量", "商品单价", "订单应付金额", "订单状态", "售后状态",
              "支付完成时间"]
    rows = [header,
            ["'1001", "'1002", "保温杯", "1", "69.00", "69.00", "已关闭", "退款成功", "2026-11-11 10:00:00"],
            ["'1001", "'1003", "羽绒服", "1", "89.00", "89.00", "待发货", "-", "2026-11-11 10:00:00"]]
    [order] = parse([("dy.xlsx", xlsx_bytes(rows))]).orders
    assert (order.platform_status, order.stage) == ("待发货", STAGE_PAID)
    assert [(line.platform_status, line.refund_status) for line in order.lines] == [("已关闭", "退款成功"), ("待发货", "")]
    assert order.discount == Decimal("0.00")  # no discount columns: goods + shipping − paid = 0


# ------------------------------------------------------------------ row errors

def test_bad_cells_give_row_column_and_reason_and_every_one_is_collected():
    parsed = parse([sample("broken/pdd_orders_bad.csv")])
    assert [(e.row, e.column) for e in parsed.errors] == [
        (3, "用户实付金额(元)"), (3, "店铺优惠折扣(元)"), (4, "支付时间"),
    ]
    reasons = [e.reason for e in parsed.errors]
    assert reasons[0] == "Not an amount: 14l.70"
    assert "5.00 on row 2 of the same order" in reasons[1]
    assert reasons[2] == "Not a date and time: 2026-13-45 25:00"
    assert not parsed.ok


def test_repeated_order_amounts_that_disagree_are_refused():
    rows = table("jd_orders.csv", "gbk")
    rows[2][rows[0].index("应付金额")] = "356.00"  # row 3: the second line of order 280012345671
    [error] = parse([("jd.csv", csv_bytes(rows, "gbk"))]).errors
    assert (error.row, error.column) == (3, "应付金额")
    assert "356.00 here but 357.00 on row 2" in error.reason


def test_taobao_row_errors_use_spreadsheet_rows_across_a_two_line_message():
    orders = table("taobao_orders.csv", "gbk")
    items = table("taobao_items.csv", "gbk")
    header = orders[0]
    orders[2][header.index("买家实际支付金额")] = "五百"  # row 3, just after the message spanning two lines
    orders[3][header.index("订单付款时间 ")] = "2026-11-31 10:00"
    orders[4][header.index("订单编号")] = ""
    items.append(['="4099999999999999999"', "保温杯", "89.00", "1", "", "", "", "", "交易成功", ""])
    items[1][items[0].index("购买数量")] = "1.5"
    parsed = parse([("orders.csv", csv_bytes(orders, "gbk")), ("items.csv", csv_bytes(items, "gbk"))])
    found = [(e.file, e.row, e.column) for e in parsed.errors]
    assert found == [
        ("orders.csv", 3, "买家实际支付金额"),
        ("orders.csv", 4, "订单付款时间"),
        ("orders.csv", 5, "订单编号"),
        ("items.csv", 2, "购买数量"),
        ("items.csv", 6, "订单编号"),  # its order's row lost its number
        ("items.csv", 9, "订单编号"),
    ]
    assert parsed.errors[2].reason == "The order number is empty."
    assert "not in the order list" in parsed.errors[5].reason


def test_taobao_orders_without_lines_and_listed_twice_are_refused():
    orders = table("taobao_orders.csv", "gbk")
    items = table("taobao_items.csv", "gbk")
    orders.append(list(orders[6]))  # 4012345678901234572 again, row 8
    items = [row for row in items if "4012345678901234571" not in row[0]]
    parsed = parse([("o.csv", csv_bytes(orders, "gbk")), ("i.csv", csv_bytes(items, "gbk"))])
    assert [(e.file, e.row, e.column) for e in parsed.errors] == [("o.csv", 8, "订单编号"), ("o.csv", 6, "订单编号")]
    assert "listed twice" in parsed.errors[0].reason and "row 7" in parsed.errors[0].reason
    assert "No lines for this order" in parsed.errors[1].reason


def test_an_order_in_two_files_of_one_upload_is_refused():
    parsed = parse([sample("jd_orders.csv"), ("again.xlsx", sample("jd_orders.xlsx")[1])])
    assert {e.file for e in parsed.errors} == {"again.xlsx"}
    assert len(parsed.errors) == 6  # each of the second file's rows
    assert "also in jd_orders.csv" in parsed.errors[0].reason


def test_blank_rows_are_skipped_and_spreadsheet_mangled_order_numbers_refused():
    rows = table("pdd_orders.csv", "utf-8-sig")
    width = len(rows[0])
    rows.insert(3, [""] * width)  # row 4 blank
    rows[5][1] = "2.61111E+17"  # row 6
    parsed = parse([("pdd.csv", csv_bytes(rows))])
    [error] = parsed.errors
    assert (error.row, error.column) == (6, "订单号")
    assert "lost its last digits" in error.reason


def test_xlsx_cells_of_every_type():
    header = ["订单号", "商品名称", "订购数量", "京东价", "订单金额", "应付金额", "订单状态", "下单时间", "付款确认时间",
              "客户姓名", "联系电话"]
    rows = [header,
            [280012349999, "保温杯", 2.0, 99, 198.0, "¥198.00", "等待出库", dt.datetime(2026, 11, 11, 8, 0), 46337.5,
             None, 13812345678],
            [280012349998, "保温杯", "两件", "abc", 198.0, 198.0, "等待出库", "明天", None, "李**", "-"]]
    parsed = parse([("jd.xlsx", xlsx_bytes(rows))])
    ok = by_no(parsed)["280012349999"]
    assert (ok.lines[0].quantity, ok.lines[0].unit_price, ok.paid_amount) == (2, Decimal("99.00"), Decimal("198.00"))
    assert ok.placed_at == dt.datetime(2026, 11, 11, 0, 0)
    assert ok.paid_at == dt.datetime(2026, 11, 11, 4, 0)
    assert (ok.receiver_name, ok.receiver_phone) == ("", "13812345678")
    assert [(e.row, e.column) for e in parsed.errors] == [(3, "下单时间"), (3, "京东价"), (3, "订购数量")]


def test_records_keep_the_field_order_the_taobao_reader_builds_them_in():
    # taobao.py builds records positionally for speed: a field moved in records.py must show here.
    assert [f.name for f in dataclasses.fields(OrderRecord)] == [
        "order_no", "platform_status", "stage", "buyer_nick", "receiver_name", "receiver_phone", "receiver_address",
        "buyer_message", "seller_memo", "goods_amount", "shipping_fee", "discount", "paid_amount", "placed_at",
        "paid_at", "shipped_at", "courier", "tracking_no", "lines", "file", "row"]
    assert [f.name for f in dataclasses.fields(LineRecord)] == [
        "title", "quantity", "unit_price", "amount", "sku_code", "spec", "sub_order_no", "platform_status",
        "refund_status"]


def test_record_sizes_stay_small():
    parsed = parse([sample("taobao_orders.csv"), sample("taobao_items.csv")])
    order = parsed.orders[0]
    assert not hasattr(order, "__dict__") and not hasattr(order.lines[0], "__dict__")


def test_the_samples_are_what_make_samples_writes(tmp_path):
    spec = importlib.util.spec_from_file_location("make_samples", DATA / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    written = sorted(path.relative_to(tmp_path) for path in tmp_path.rglob("*") if path.is_file())
    assert written, "make_samples wrote nothing"
    for relative in written:
        assert (tmp_path / relative).read_bytes() == (DATA / relative).read_bytes(), f"{relative}: run make_samples.py"


def test_locked_and_released():
    from office.orders.formats.status import is_locked

    assert is_locked("锁定") and is_locked("订单锁定中") and is_locked("已冻结")
    assert not is_locked("解除锁定") and not is_locked("等待出库") and not is_locked("")
    assert stage_of("解除锁定") == STAGE_PAID


def test_parsing_tells_its_progress_by_the_bytes_read(tmp_path):
    """The import job's bar moves while a large export is read, not only while it is saved."""
    from tests.data.orders.make_samples import write_large_taobao

    files = [(path.name, path.read_bytes()) for path in write_large_taobao(tmp_path, 4000, 2)]
    total = sum(len(data) for _name, data in files)
    assert total > 2 * (1 << 20)  # several chunks
    told = []
    parsed = parse(files, progress=lambda done, whole: told.append((done, whole)))
    assert not parsed.errors and len(parsed.orders) == 4000
    assert len(told) >= 3 and {whole for _done, whole in told} == {total}
    assert [done for done, _whole in told] == sorted(done for done, _whole in told)
    assert told[0][0] < total and told[-1] == (total, total)
    # Without a progress nothing is told, and the result is the same.
    assert parse(files).orders == parsed.orders
