"""Saving orders: idempotent re-imports, all or nothing, the report, shop figures, routing
and validation on arrival, the background job and its progress, races, and the CLI."""
from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from peewee import OperationalError

from office.models.inventory import Product
from office.models.live import LiveEvent
from office.models.orders import ORDER_CHANGED
from office.models.orders import (
    BATCH_DONE,
    BATCH_FAILED,
    BATCH_QUEUED,
    BATCH_REFUSED,
    CLOSED,
    DELIVERED,
    QUEUE_EXCEPTION,
    QUEUE_REVIEW,
    QUEUE_SERVICE,
    QUEUE_WAREHOUSE,
    REVIEW,
    SHIPPED,
    SOURCE_API,
    TO_SHIP,
    UNPAID,
    ImportBatch,
    Order,
    OrderEvent,
    OrderLine,
    Shop,
)
from office.orders import imports, intake, routing, shops
from office.orders.formats import reading
from office.orders.intake import Refused
from office.orders.records import (
    STAGE_CLOSED,
    STAGE_DELIVERED,
    STAGE_PAID,
    STAGE_SHIPPED,
    STAGE_UNPAID,
    LineRecord,
    OrderRecord,
    ParsedExport,
    RowError,
)
from tests.conftest import PG_URL
from tests.factories import make_user
from tests.parallel import at_once

PAID_AT = dt.datetime(2026, 11, 10, 2, 30)
STATUS_TEXT = {STAGE_UNPAID: "等待买家付款", STAGE_PAID: "买家已付款，等待卖家发货",
               STAGE_SHIPPED: "卖家已发货，等待买家确认", STAGE_DELIVERED: "交易成功", STAGE_CLOSED: "交易关闭"}


def line(sku="SKU-1", price="10.00", quantity=1, **over) -> LineRecord:
    price = Decimal(price)
    return LineRecord(title=over.pop("title", f"商品 {sku}"), quantity=quantity, unit_price=price,
                      amount=price * quantity, sku_code=sku, **over)


def record(no: str, stage: str = STAGE_PAID, lines: list[LineRecord] | None = None, row: int = 2,
           **over) -> OrderRecord:
    lines = lines if lines is not None else [line("SKU-1"), line("SKU-2")]
    goods = sum((ln.amount for ln in lines), Decimal("0.00"))
    values = dict(
        order_no=no, platform_status=STATUS_TEXT[stage], stage=stage, buyer_nick="tb_buyer",
        receiver_name="张伟", receiver_phone="138****5678", receiver_address="浙江省 杭州市 西湖区 文三路 90号",
        goods_amount=goods, paid_amount=goods, placed_at=PAID_AT - dt.timedelta(minutes=5),
        paid_at=None if stage == STAGE_UNPAID else PAID_AT, lines=lines, file="ExportOrderList.csv", row=row,
    )
    values.update(over)
    return OrderRecord(**values)


def export(*records: OrderRecord, platform: str = "taobao", errors=()) -> ParsedExport:
    return ParsedExport(platform=platform, orders=list(records), errors=list(errors))


def many(count: int, start: int = 1) -> ParsedExport:
    return export(*(record(f"40{n:08d}", row=n + 1) for n in range(start, start + count)))


def counts() -> tuple[int, int, int, int]:
    return (Order.select().count(), OrderLine.select().count(), OrderEvent.select().count(),
            LiveEvent.select().count())


@pytest.fixture
def shop(app):
    return Shop.create(name="旗舰店", platform="taobao")


@pytest.fixture
def clerk(app):
    return make_user("kefu", role="admin", display_name="王客服")


class Writes(logging.Handler):
    """The data-changing statements peewee sends (it logs every query at DEBUG)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, log_record):
        sql = log_record.msg[0] if isinstance(log_record.msg, tuple) else str(log_record.msg)
        if sql.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            self.statements.append(sql)

    def __enter__(self):
        logger = logging.getLogger("peewee")
        self.level = logger.level
        logger.setLevel(logging.DEBUG)
        logger.addHandler(self)
        return self

    def __exit__(self, *exc):
        logger = logging.getLogger("peewee")
        logger.removeHandler(self)
        logger.setLevel(self.level)


# -- creating, the report ----------------------------------------------------------------

def test_save_creates_orders_lines_and_timeline_with_the_report(shop, clerk):
    parsed = export(
        record("1001", row=2),
        record("1002", stage=STAGE_UNPAID, row=3, lines=[line("SKU-9", "5.50", 2)]),
        record("1003", stage=STAGE_SHIPPED, row=4, courier="中通快递", tracking_no="75312345678901",
               shipped_at=PAID_AT + dt.timedelta(days=1)),
        record("1004", stage=STAGE_CLOSED, row=5, paid_amount=Decimal("1234.56")),
    )
    report = intake.save(shop, parsed, clerk)

    assert (report.orders, report.lines, report.created, report.updated, report.unchanged) == (4, 7, 4, 0, 0)
    # Paid total: orders with a payment time only (1002 is unpaid).
    assert report.paid_total == Decimal("20.00") + Decimal("20.00") + Decimal("1234.56")
    assert report.platform_status_counts == {"买家已付款，等待卖家发货": 1, "交易关闭": 1, "卖家已发货，等待买家确认": 1,
                                             "等待买家付款": 1}
    assert report.to_dict() == {
        "orders": 4, "lines": 7, "created": 4, "updated": 0, "unchanged": 0, "paid_total": "1274.56",
        "platform_status_counts": report.platform_status_counts,
    }
    orders = {o.order_no: o for o in Order.select()}
    assert {no: o.status for no, o in orders.items()} == {"1001": TO_SHIP, "1002": UNPAID, "1003": SHIPPED,
                                                           "1004": CLOSED}
    paid = orders["1001"]
    assert (paid.queue, paid.shop_id, paid.platform, paid.phone_tail) == (QUEUE_WAREHOUSE, shop.id, "taobao", "5678")
    assert paid.paid_amount == Decimal("20.00") and paid.paid_at == PAID_AT and paid.fingerprint
    shipped = orders["1003"]
    assert shipped.tracking_no == "75312345678901" and shipped.shipped_at == PAID_AT + dt.timedelta(days=1)
    lines = list(OrderLine.select().where(OrderLine.order == orders["1002"]))
    assert [(ln.sku_code, ln.quantity, ln.unit_price, ln.amount, ln.position) for ln in lines] == [
        ("SKU-9", 2, Decimal("5.50"), Decimal("11.00"), 1)]
    events = list(OrderEvent.select().order_by(OrderEvent.id))
    assert [(e.kind, e.actor_id) for e in events] == [("imported", clerk.id)] * 4
    assert "ExportOrderList.csv" in events[0].detail and "2" in events[0].detail
    # One live event for the whole import, not one per order.
    assert LiveEvent.select().where(LiveEvent.kind == ORDER_CHANGED).count() == 1


def test_report_dict_and_back():
    report = intake.Report(orders=2, lines=3, created=1, updated=1, paid_total=Decimal("1234.5"),
                           platform_status_counts={"交易成功": 2})
    data = report.to_dict()
    assert data["paid_total"] == "1234.50"
    assert intake.Report.from_dict(json.loads(json.dumps(data))) == intake.Report(
        orders=2, lines=3, created=1, updated=1, paid_total=Decimal("1234.50"), platform_status_counts={"交易成功": 2})


def test_api_orders_get_the_received_event(shop):
    intake.save(shop, export(record("2001")), None, source=SOURCE_API)
    order = Order.get()
    assert order.source == SOURCE_API
    assert OrderEvent.get().kind == "received"


def test_an_empty_export_saves_nothing_and_reports_zero(shop):
    report = intake.save(shop, export(), None)
    assert report.to_dict()["paid_total"] == "0.00" and report.created == 0
    assert counts() == (0, 0, 0, 0)


# -- idempotency and later exports -----------------------------------------------------

def test_the_same_file_twice_touches_nothing(shop, clerk):
    parsed = many(30)
    intake.save(shop, parsed, clerk)
    before = counts()
    stamps = dict(Order.select(Order.order_no, Order.updated_at).tuples())

    with Writes() as writes:
        report = intake.save(shop, parsed, clerk)

    assert (report.created, report.updated, report.unchanged, report.orders) == (0, 0, 30, 30)
    assert counts() == before
    assert writes.statements == []  # not one UPDATE, INSERT or DELETE
    assert dict(Order.select(Order.order_no, Order.updated_at).tuples()) == stamps


def test_a_later_export_updates_status_amounts_tracking_and_lines(shop, clerk):
    intake.save(shop, export(record("3001", row=2), record("3002", row=3)), clerk)
    order = Order.get(Order.order_no == "3001")
    assert order.status == TO_SHIP

    later = record("3001", stage=STAGE_SHIPPED, lines=[line("SKU-1"), line("SKU-2"), line("SKU-3", "3.00")],
                   paid_amount=Decimal("23.00"), goods_amount=Decimal("23.00"), courier="顺丰速运",
                   tracking_no="SF1234567890", buyer_message="周末送", shipped_at=PAID_AT + dt.timedelta(hours=8))
    report = intake.save(shop, export(later, record("3002", row=3)), clerk)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    order = Order.get_by_id(order.id)
    assert (order.status, order.platform_status, order.paid_amount) == (SHIPPED, "卖家已发货，等待买家确认",
                                                                        Decimal("23.00"))
    assert (order.courier, order.tracking_no, order.buyer_message) == ("顺丰速运", "SF1234567890", "周末送")
    assert order.shipped_at == PAID_AT + dt.timedelta(hours=8)
    assert [ln.sku_code for ln in order.lines.order_by(OrderLine.position)] == ["SKU-1", "SKU-2", "SKU-3"]
    assert OrderLine.select().count() == 5
    update = OrderEvent.select().where(OrderEvent.kind == "updated").get()
    assert update.order_id == order.id and update.actor_id == clerk.id
    assert "卖家已发货，等待买家确认" in update.detail and "SF1234567890" in update.detail
    # The unchanged order got no event.
    assert OrderEvent.select().where(OrderEvent.kind == "updated").count() == 1


def test_status_moves_forward_only(shop):
    intake.save(shop, export(record("4001", stage=STAGE_DELIVERED)), None)
    # An older export (still waiting to ship) arrives after the newer one.
    report = intake.save(shop, export(record("4001", stage=STAGE_PAID, buyer_message="快点")), None)
    order = Order.get()
    assert report.updated == 1
    assert order.status == DELIVERED  # not back to 待发货
    assert order.platform_status == "买家已付款，等待卖家发货" and order.buyer_message == "快点"
    intake.save(shop, export(record("4001", stage=STAGE_CLOSED)), None)
    assert Order.get().status == CLOSED


def test_a_paid_later_order_is_routed_when_payment_arrives(shop):
    intake.save(shop, export(record("5001", stage=STAGE_UNPAID)), None)
    assert Order.get().status == UNPAID
    intake.save(shop, export(record("5001", stage=STAGE_PAID)), None)
    order = Order.get()
    assert (order.status, order.queue) == (TO_SHIP, QUEUE_WAREHOUSE)


def test_empty_receiver_or_tracking_in_a_later_export_never_erases(shop):
    intake.save(shop, export(record("6001", stage=STAGE_SHIPPED, tracking_no="YT100200300")), None)
    intake.save(shop, export(record("6001", stage=STAGE_DELIVERED, tracking_no="", receiver_phone="")), None)
    order = Order.get()
    assert (order.status, order.tracking_no, order.receiver_phone) == (DELIVERED, "YT100200300", "138****5678")


def test_lines_of_a_merged_order_are_not_replaced(shop):
    intake.save(shop, export(record("7001"), record("7002", row=3)), None)
    first, second = Order.get(Order.order_no == "7001"), Order.get(Order.order_no == "7002")
    # What a merge leaves: the second's lines on the first, the second closed into it.
    OrderLine.update(order=first.id).where(OrderLine.order == second.id).execute()
    Order.update(paid_amount=first.paid_amount + second.paid_amount, buyer_message="一；二").where(
        Order.id == first.id).execute()
    Order.update(merged_into=first.id, status=CLOSED, paid_amount=0).where(Order.id == second.id).execute()
    merged_paid = Order.get_by_id(first.id).paid_amount

    later = {"platform_status": "卖家部分发货"}
    report = intake.save(shop, export(record("7001", buyer_message="改了", **later),
                                      record("7002", row=3, buyer_message="也改了", **later)), None)
    assert report.updated == 2
    assert OrderLine.select().where(OrderLine.order == first.id).count() == 4
    assert OrderLine.select().where(OrderLine.order == second.id).count() == 0
    # The merge's amounts and messages stand; the platform's status is taken.
    first, second = Order.get_by_id(first.id), Order.get_by_id(second.id)
    assert (first.paid_amount, first.buyer_message, first.platform_status) == (merged_paid, "一；二", "卖家部分发货")
    assert (second.paid_amount, second.status, second.platform_status) == (0, CLOSED, "卖家部分发货")
    assert shops.shop_stats(shop)["paid_total"] == f"{merged_paid:.2f}"


def test_a_locked_order_is_held_until_a_person_releases_it(shop):
    locked = {"platform_status": "锁定"}
    intake.save(shop, export(record("7101", **locked), record("7102", row=3)), None)
    new, waiting = Order.get(Order.order_no == "7101"), Order.get(Order.order_no == "7102")
    assert (new.status, new.queue) == (REVIEW, QUEUE_EXCEPTION) and "锁定" in new.exception_reason
    # An order already on its way to the warehouse is pulled back when the platform locks it.
    Order.update(status=TO_SHIP, queue=QUEUE_WAREHOUSE).where(Order.id == waiting.id).execute()
    intake.save(shop, export(record("7101", **locked), record("7102", row=3, **locked)), None)
    waiting = Order.get_by_id(waiting.id)
    assert (waiting.status, waiting.queue) == (REVIEW, QUEUE_EXCEPTION) and "锁定" in waiting.exception_reason
    # Released (等待出库 again): still held, until someone who checked the buyer resolves it.
    intake.save(shop, export(record("7102", row=3, platform_status="等待出库")), None)
    waiting = Order.get_by_id(waiting.id)
    assert (waiting.status, waiting.queue, waiting.platform_status) == (REVIEW, QUEUE_EXCEPTION, "等待出库")
    # Cancelled after all: closed.
    intake.save(shop, export(record("7101", stage=STAGE_CLOSED, platform_status="已取消")), None)
    assert Order.get(Order.order_no == "7101").status == CLOSED


# -- all or nothing ----------------------------------------------------------------------

def test_a_file_with_errors_is_refused_and_nothing_saved(shop):
    errors = [RowError("ExportOrderList.csv", 7, "实付金额", "Not an amount: 12,3a")]
    with pytest.raises(Refused) as caught:
        intake.save(shop, export(record("8001"), errors=errors), None)
    assert caught.value.errors == errors
    assert counts() == (0, 0, 0, 0)


def test_a_repeated_order_number_is_refused(shop):
    with pytest.raises(Refused) as caught:
        intake.save(shop, export(record("8101", row=2), record("8101", row=9)), None)
    (error,) = caught.value.errors
    assert (error.file, error.row) == ("ExportOrderList.csv", 9)
    assert "8101" in error.reason and "ExportOrderList.csv" in error.reason
    assert counts() == (0, 0, 0, 0)


def test_values_too_long_for_their_column_are_refused(shop):
    with pytest.raises(Refused) as caught:
        intake.save(shop, export(record("8201", receiver_address="路" * 301, row=5)), None)
    (error,) = caught.value.errors
    assert error.row == 5 and "300" in error.reason
    assert counts() == (0, 0, 0, 0)


def test_a_database_failure_midway_saves_nothing(shop, monkeypatch):
    intake.save(shop, many(3), None)
    before = counts()
    monkeypatch.setattr(intake, "ROUND", 5)
    calls = {"n": 0}
    real_insert = intake._insert

    def failing(model, fields, rows, size):
        calls["n"] += 1
        if calls["n"] == 7:  # third round, after two rounds of orders, lines and events
            raise OperationalError("disk I/O error")
        return real_insert(model, fields, rows, size)

    monkeypatch.setattr(intake, "_insert", failing)
    with pytest.raises(OperationalError):
        intake.save(shop, many(20, start=100), None)
    assert calls["n"] == 7
    assert counts() == before


def test_an_order_of_another_shop_is_refused_not_moved(shop):
    other = Shop.create(name="二店", platform="taobao")
    intake.save(other, export(record("9001")), None)
    before = counts()
    with pytest.raises(Refused) as caught:
        intake.save(shop, export(record("9000", row=2), record("9001", row=3)), None)
    (error,) = caught.value.errors
    assert error.row == 3 and "9001" in error.reason and "二店" in error.reason
    assert counts() == before  # 9000 was not saved either
    assert Order.get(Order.order_no == "9001").shop_id == other.id


def test_the_same_number_on_another_platform_is_another_order(shop):
    jd = Shop.create(name="京东店", platform="jd")
    intake.save(shop, export(record("9101")), None)
    intake.save(jd, export(record("9101"), platform="jd"), None)
    assert sorted(Order.select(Order.platform).tuples()) == [("jd",), ("taobao",)]


def test_files_of_another_platform_are_refused(shop):
    with pytest.raises(Refused) as caught:
        intake.save(shop, export(record("9201"), platform="jd"), None)
    assert "旗舰店" in caught.value.errors[0].reason
    assert counts() == (0, 0, 0, 0)
    # Tmall and Taobao share the export format and the order numbers.
    tmall = Shop.create(name="天猫店", platform="tmall")
    assert intake.save(tmall, export(record("9202"), platform="taobao"), None).created == 1
    assert Order.get().platform == "tmall"


def test_two_imports_of_one_file_at_once_do_not_duplicate(app, shop):
    parsed = many(300)
    results = at_once(app, [lambda: intake.save(shop, parsed, None)] * 2, expected=(Refused,))
    assert Order.select().count() == 300
    assert OrderLine.select().count() == 600
    reports = [r for r in results if isinstance(r, intake.Report)]
    assert any(r.created == 300 for r in reports)
    for result in results:
        if isinstance(result, Refused):  # clean, with the reason, never a crash
            assert [e.reason for e in result.errors] in ([str(intake.RACE_REASON)], [str(intake.BUSY_REASON)])
        elif result.created == 0:
            assert result.unchanged == 300  # the loser waited and found them saved


# -- routing and validation on arrival ---------------------------------------------------

def test_problem_orders_go_to_the_exception_queue_with_their_reason(shop):
    Product.create(sku_code="SKU-1", name="保温杯", price=Decimal("99.00"))
    intake.save(shop, export(record("1101"), record("1102", row=3, receiver_address="")), None)
    cheap, no_address = Order.get(Order.order_no == "1101"), Order.get(Order.order_no == "1102")
    assert (cheap.status, cheap.queue) == (REVIEW, QUEUE_EXCEPTION)
    assert "SKU-1" in cheap.exception_reason
    assert no_address.queue == QUEUE_EXCEPTION and no_address.exception_reason


def test_routing_rules_choose_the_queue_and_are_recorded(shop, monkeypatch):
    rule = routing.create_rule("有留言先确认", QUEUE_SERVICE, has_message=True)
    calls = {"rules": 0, "prices": 0}
    real_rules, real_prices = routing.active_rules, intake.validation.known_prices

    def counted_rules():
        calls["rules"] += 1
        return real_rules()

    def counted_prices(skus):
        calls["prices"] += 1
        return real_prices(skus)

    monkeypatch.setattr(routing, "active_rules", counted_rules)
    monkeypatch.setattr(intake.validation, "known_prices", counted_prices)
    monkeypatch.setattr(intake, "ROUND", 2)
    intake.save(shop, export(record("1201", buyer_message="请发顺丰"), record("1202", row=3),
                             record("1203", row=4), record("1204", row=5, buyer_message="送人的")), None)
    orders = {o.order_no: o for o in Order.select()}
    assert (orders["1201"].status, orders["1201"].queue, orders["1201"].rule_id) == (REVIEW, QUEUE_SERVICE, rule.id)
    assert (orders["1202"].status, orders["1202"].queue, orders["1202"].rule_id) == (TO_SHIP, QUEUE_WAREHOUSE, None)
    assert orders["1204"].queue == QUEUE_SERVICE
    assert calls == {"rules": 1, "prices": 1}  # once per save, not per order or round


def test_unpaid_shipped_and_closed_orders_are_not_judged(shop):
    intake.save(shop, export(record("1301", stage=STAGE_SHIPPED, receiver_address=""),
                             record("1302", stage=STAGE_UNPAID, receiver_address="", row=3)), None)
    assert set(Order.select(Order.queue).tuples()) == {("",)}


# -- stored figures, shops ---------------------------------------------------------------

def test_shop_stats_match_the_report(shop):
    parsed = export(record("1401", paid_amount=Decimal("0.10")), record("1402", paid_amount=Decimal("0.20"), row=3),
                    record("1403", stage=STAGE_UNPAID, paid_amount=Decimal("99.99"), row=4),
                    record("1404", stage=STAGE_DELIVERED, paid_amount=Decimal("1234567.89"), row=5,
                           lines=[line("A")]))
    report = intake.save(shop, parsed, None)
    other = Shop.create(name="别家", platform="taobao")
    intake.save(other, export(record("1499")), None)

    stats = shops.shop_stats(shop)
    assert stats == {"orders": 4, "lines": 7, "paid_total": "1234568.19",
                     "platform_status_counts": {"买家已付款，等待卖家发货": 2, "交易成功": 1, "等待买家付款": 1}}
    assert stats["paid_total"] == report.to_dict()["paid_total"]
    assert stats["platform_status_counts"] == report.platform_status_counts
    assert shops.shop_stats(Shop.create(name="空店", platform="jd")) == {
        "orders": 0, "lines": 0, "paid_total": "0.00", "platform_status_counts": {}}


def test_get_or_create_shop(app):
    shop = shops.get_or_create_shop("  新店 ", "pdd")
    assert (shop.name, shop.platform) == ("新店", "pdd")
    assert shops.get_or_create_shop("新店", "jd").id == shop.id  # found by name, platform kept
    for name, platform in (("", "jd"), ("店" * 61, "jd"), ("未知", "")):
        with pytest.raises(shops.ShopError):
            shops.get_or_create_shop(name, platform)
    assert Shop.select().count() == 1


# -- progress ------------------------------------------------------------------------------

def test_progress_is_told_every_round(shop, monkeypatch):
    monkeypatch.setattr(intake, "ROUND", 10)
    seen = []
    intake.save(shop, many(25), None, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(10, 25), (20, 25), (25, 25)]


# -- the background job ------------------------------------------------------------------

def fake_parse(parsed: ParsedExport, seen: list | None = None):
    def parse(files, progress=None):
        if seen is not None:
            seen.append(files)
        return parsed
    return parse


def test_run_batch_saves_and_records_the_report(app, shop, clerk, monkeypatch):
    files = [("ExportOrderList.csv", "订单编号\n".encode("gbk")), ("ExportOrderDetailList.csv", b"items")]
    seen = []
    monkeypatch.setattr(imports.reading, "parse", fake_parse(many(5), seen), raising=False)
    batch = imports.queue_batch(files, shop, clerk)
    folder = Path(batch.stored_dir)
    assert folder == Path(app.instance_path) / "imports" / str(batch.id)
    assert sorted(p.name for p in folder.iterdir()) == ["0.csv", "1.csv"]
    assert batch.status == BATCH_QUEUED and json.loads(batch.filenames) == [name for name, _ in files]

    assert imports.run_batch(batch.id) == BATCH_DONE
    assert seen == [files]  # the stored files, under the names they were uploaded with
    batch = ImportBatch.get_by_id(batch.id)
    assert batch.status == BATCH_DONE and batch.started_at and batch.finished_at
    assert imports.batch_report(batch).created == 5
    assert json.loads(batch.report)["paid_total"] == "100.00"
    assert OrderEvent.select().where(OrderEvent.actor == clerk.id).count() == 5
    assert not folder.exists()  # buyers' data is not kept once imported
    assert imports.batch_progress(batch.id) is None
    # A second delivery of the job changes nothing.
    assert imports.run_batch(batch.id) == ""


def test_run_batch_refused_keeps_the_row_errors(shop, monkeypatch):
    errors = [RowError("ExportOrderList.csv", 3, "订单编号", "<b>missing</b>")]
    monkeypatch.setattr(imports.reading, "parse", fake_parse(export(record("1"), errors=errors)), raising=False)
    batch = imports.queue_batch([("a.csv", b"x")], shop, None)
    assert imports.run_batch(batch.id) == BATCH_REFUSED
    batch = ImportBatch.get_by_id(batch.id)
    assert imports.batch_errors(batch) == errors and batch.report == ""
    assert Order.select().count() == 0


def test_run_batch_refused_when_orders_belong_to_another_shop(shop, monkeypatch):
    other = Shop.create(name="二店", platform="taobao")
    intake.save(other, export(record("4000000002")), None)
    monkeypatch.setattr(imports.reading, "parse", fake_parse(many(3)), raising=False)
    batch = imports.queue_batch([("a.csv", b"x")], shop, None)
    assert imports.run_batch(batch.id) == BATCH_REFUSED
    assert "二店" in imports.batch_errors(ImportBatch.get_by_id(batch.id))[0].reason
    assert Order.select().count() == 1


def test_run_batch_crash_fails_with_the_reason_and_saves_nothing(shop, monkeypatch, caplog):
    monkeypatch.setattr(imports.reading, "parse", fake_parse(many(30)), raising=False)
    monkeypatch.setattr(intake, "ROUND", 10)
    real_round = intake._Save.round
    calls = {"n": 0}

    def crashing(self, records, fingerprints):
        calls["n"] += 1
        if calls["n"] == 2:
            raise ZeroDivisionError("boom")
        return real_round(self, records, fingerprints)

    monkeypatch.setattr(intake._Save, "round", crashing)
    batch = imports.queue_batch([("a.csv", b"x")], shop, None)
    assert imports.run_batch(batch.id) == BATCH_FAILED
    batch = ImportBatch.get_by_id(batch.id)
    assert batch.status == BATCH_FAILED and batch.finished_at and batch.failure == "crashed"
    assert "boom" in imports.batch_errors(batch)[0].reason
    assert counts() == (0, 0, 0, 0)
    assert not Path(batch.stored_dir).exists()  # buyers' data goes however the batch ends
    assert imports.batch_progress(batch.id) is None


def test_run_batch_progress_is_readable_while_the_import_runs(app, shop, monkeypatch):
    """Read from another thread and connection while the transaction is open: the progress
    cannot live in the database the import is writing."""
    monkeypatch.setattr(imports.reading, "parse", fake_parse(many(40)), raising=False)
    monkeypatch.setattr(intake, "ROUND", 10)
    batch = imports.queue_batch([("a.csv", b"x")], shop, None)
    seen = []
    real_saving = imports._BatchProgress.saving

    def saving(self, done, total):
        real_saving(self, done, total)
        seen.append(at_once(app, [lambda: (imports.batch_progress(batch.id),
                                           ImportBatch.get_by_id(batch.id).status)])[0])

    monkeypatch.setattr(imports._BatchProgress, "saving", saving)
    assert imports.run_batch(batch.id) == BATCH_DONE
    assert seen == [(47, "running"), (65, "running"), (82, "running"), (100, "running")]
    assert imports.batch_progress(batch.id) is None


def test_the_job_runs_the_batch(app, shop, monkeypatch):
    from tasks.orders import import_orders

    monkeypatch.setattr(imports.reading, "parse", fake_parse(many(2)), raising=False)
    batch = imports.queue_batch([("a.csv", b"x")], shop, None)
    import_orders.call_local(batch.id)
    assert ImportBatch.get_by_id(batch.id).status == BATCH_DONE
    assert Order.select().count() == 2


def test_a_unique_race_lost_is_a_clean_refusal(shop):
    intake.save(shop, export(record("1501")), None)
    with pytest.raises(Refused) as caught:
        with intake.transaction():
            Order.create(shop=shop, platform="taobao", order_no="1501")
    assert [e.reason for e in caught.value.errors] == [str(intake.RACE_REASON)]
    assert Order.select().count() == 1


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's write lock; PostgreSQL imports wait on the platform's lock")
def test_a_database_held_by_another_import_is_a_clean_refusal(app, shop):
    from office.db import db

    path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    db.execute_sql("PRAGMA busy_timeout = 50")
    try:
        with pytest.raises(Refused) as caught:
            intake.save(shop, many(3), None)
    finally:
        other.execute("ROLLBACK")
        other.close()
        db.execute_sql("PRAGMA busy_timeout = 10000")
    assert [e.reason for e in caught.value.errors] == [str(intake.BUSY_REASON)]
    assert Order.select().count() == 0


# -- the command line ------------------------------------------------------------------------

DATA = Path(__file__).resolve().parent.parent / "data" / "orders"
TAOBAO_FILES = [str(DATA / "taobao_orders.csv"), str(DATA / "taobao_items.csv")]
REPORT_KEYS = {"orders", "lines", "created", "updated", "unchanged", "paid_total", "platform_status_counts"}


def test_cli_import_creates_the_shop_and_prints_one_json_report(runner):
    result = runner.invoke(args=["orders", "import", *TAOBAO_FILES, "--shop", "暖冬小铺"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == REPORT_KEYS
    assert (report["orders"], report["lines"], report["created"], report["unchanged"]) == (6, 7, 6, 0)
    assert report["paid_total"] == "2334.00"
    assert sum(report["platform_status_counts"].values()) == 6
    assert report["platform_status_counts"]["买家已付款，等待卖家发货"] == 2
    shop = Shop.get(Shop.name == "暖冬小铺")
    assert shop.platform == "taobao"

    again = json.loads(runner.invoke(args=["orders", "import", *TAOBAO_FILES, "--shop", "暖冬小铺"]).stdout)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 6)

    stats = runner.invoke(args=["orders", "stats", "--shop", "暖冬小铺"])
    assert stats.exit_code == 0
    figures = json.loads(stats.stdout)
    assert figures == {key: report[key] for key in ("orders", "lines", "paid_total", "platform_status_counts")}


def test_cli_refusal_prints_the_errors_and_exits_non_zero(runner):
    result = runner.invoke(args=["orders", "import", str(DATA / "broken" / "pdd_orders_bad.csv"), "--shop", "拼多多店"])
    assert result.exit_code == 1
    refusal = json.loads(result.stdout)
    assert refusal["refused"] is True and refusal["errors"]
    assert set(refusal["errors"][0]) == {"file", "row", "column", "reason"}
    assert {e["row"] for e in refusal["errors"]} >= {3, 4}
    assert "nothing was saved" in result.stderr
    assert Shop.select().count() == 0 and Order.select().count() == 0  # not even the shop


def test_cli_files_of_another_platform_are_refused(runner):
    runner.invoke(args=["orders", "import", *TAOBAO_FILES, "--shop", "暖冬小铺"])
    result = runner.invoke(args=["orders", "import", str(DATA / "jd_orders.csv"), "--shop", "暖冬小铺"])
    assert result.exit_code == 1
    assert "暖冬小铺" in json.loads(result.stdout)["errors"][0]["reason"]
    assert Order.select().count() == 6


def test_cli_stats_of_an_unknown_shop(runner):
    result = runner.invoke(args=["orders", "stats", "--shop", "无此店"])
    assert result.exit_code != 0 and "无此店" in result.output


# -- the sample exports (tests/data/orders/README.md) ----------------------------------------

SAMPLES = {
    "taobao": (["taobao_orders.csv", "taobao_items.csv"], 6, 7, "2334.00"),
    "tmall": (["tmall_orders.csv", "tmall_items.csv"], 2, 2, "1126.00"),
    "jd": (["jd_orders.csv"], None, None, None),
    "pdd": (["pdd_orders.csv"], None, None, None),
    "douyin": (["douyin_orders.xlsx"], None, None, None),
}


def sample_files(names: list[str]) -> list[tuple[str, bytes]]:
    return [(name, (DATA / name).read_bytes()) for name in names]


@pytest.mark.parametrize("platform", list(SAMPLES))
def test_each_sample_imports_once_and_then_changes_nothing(app, platform):
    from office.orders.formats import reading

    names, orders, lines, paid = SAMPLES[platform]
    shop, report = imports.import_files(sample_files(names), None, shop_name=f"{platform} 店")
    assert shop.platform == platform
    assert report.created == report.orders > 0 and report.lines >= report.orders
    if orders is not None:
        assert (report.orders, report.lines, report.to_dict()["paid_total"]) == (orders, lines, paid)
    # Every sample order is consistent and has a receiver: none lands in the exception queue but
    # JD's locked one (锁定: a cancel request being handled), held there until JD releases it.
    held = [o.order_no for o in Order.select().where(Order.queue == QUEUE_EXCEPTION)]
    assert held == (["280012345675"] if platform == "jd" else [])
    stats = shops.shop_stats(shop)
    assert (stats["orders"], stats["lines"], stats["paid_total"]) == (
        report.orders, report.lines, report.to_dict()["paid_total"])
    assert stats["platform_status_counts"] == report.platform_status_counts

    before = counts()
    again = intake.save(shop, reading.parse(sample_files(names)), None)
    assert (again.created, again.updated, again.unchanged) == (0, 0, report.orders)
    assert counts() == before


def test_the_standard_pdd_export_saves_paid_orders_and_their_paid_total(app):
    """Issue 13: Pinduoduo's 27 default columns (no 支付时间) used to save every order unpaid
    with a paid total of 0.00; 订单成交时间 is the payment moment."""
    shop, report = imports.import_files(sample_files(["pdd_orders_standard.csv"]), None, shop_name="拼多多店")
    assert shop.platform == "pdd"
    assert (report.orders, report.lines, report.created, report.to_dict()["paid_total"]) == (7, 7, 7, "2082.30")
    orders = {o.order_no: o for o in Order.select()}
    paid = [no for no, o in orders.items() if o.paid_at is not None]
    assert sorted(paid) == ["261112-100000000000001", "261112-100000000000002", "261112-100000000000003",
                            "261112-100000000000006", "261112-100000000000007"]
    assert sum((o.paid_amount for o in orders.values() if o.paid_at), Decimal(0)) == Decimal("2082.30")
    assert (orders["261112-100000000000004"].status, orders["261112-100000000000004"].paid_at) == (UNPAID, None)
    assert orders["261112-100000000000005"].status == CLOSED
    assert orders["261112-100000000000002"].status == SHIPPED
    # Paid, to ship, but the default columns carry no receiver: held until someone adds one.
    to_ship = orders["261112-100000000000001"]
    assert (to_ship.status, to_ship.queue, to_ship.paid_amount) == (REVIEW, QUEUE_EXCEPTION, Decimal("110.80"))
    # Only the receiver is missing (Chinese, the default locale): the amounts add up.
    assert to_ship.exception_reason == "收货人姓名缺失; 手机号缺失; 收货地址缺失"
    assert shops.shop_stats(shop)["paid_total"] == "2082.30"

    before = counts()
    again = intake.save(shop, reading.parse(sample_files(["pdd_orders_standard.csv"])), None)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)
    assert counts() == before


def test_a_douyin_export_by_goods_saves_summed_orders_and_each_lines_own_amounts(app):
    """Issue 13: rows of one Douyin order differ in every amount (each is its sub-order's):
    the order holds their sums, each line its own payable amount and 售后状态."""
    shop, report = imports.import_files(sample_files(["douyin_sub_orders.csv"]), None, shop_name="抖音店")
    assert (report.orders, report.lines, report.to_dict()["paid_total"]) == (5, 9, "1585.00")
    three = Order.get(Order.order_no == "6938125099990000001")
    assert (three.goods_amount, three.shipping_fee, three.discount, three.paid_amount) == (
        Decimal("876.00"), Decimal("5.00"), Decimal("65.00"), Decimal("816.00"))
    lines = list(OrderLine.select().where(OrderLine.order == three.id).order_by(OrderLine.position))
    assert [(ln.sub_order_no, ln.amount) for ln in lines] == [
        ("6938125099990000001", Decimal("76.00")), ("6938125099990000002", Decimal("554.00")),
        ("6938125099990000003", Decimal("186.00"))]
    # Consistent amounts and known prices: straight to the warehouse, not the exception queue.
    assert (three.status, three.queue, three.exception_reason) == (TO_SHIP, QUEUE_WAREHOUSE, "")
    two = Order.get(Order.order_no == "6938125099990000004")
    assert (two.status, two.tracking_no, two.paid_amount) == (SHIPPED, "75312345678911", Decimal("170.00"))
    assert [(ln.platform_status, ln.refund_status, ln.amount) for ln in
            OrderLine.select().where(OrderLine.order == two.id).order_by(OrderLine.position)] == [
        ("已关闭", "退款成功", Decimal("81.00")), ("已发货", "", Decimal("89.00"))]
    assert shops.shop_stats(shop)["paid_total"] == "1585.00"

    before = counts()
    _shop, again = imports.import_files(sample_files(["douyin_sub_orders.csv"]), None, shop=shop)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert counts() == before


def test_a_douyin_order_level_export_is_refused_and_saves_nothing(app):
    shop = Shop.create(name="抖音店", platform="douyin")
    with pytest.raises(Refused) as caught:
        imports.import_files(sample_files(["broken/douyin_orders_order_level.csv"]), None, shop=shop)
    [error] = caught.value.errors
    assert error.row == 0 and "商品维度" in error.reason
    assert counts() == (0, 0, 0, 0)


def test_the_jd_workbook_after_the_same_csv_changes_nothing(app):
    shop, first = imports.import_files(sample_files(["jd_orders.csv"]), None, shop_name="京东店")
    _shop, second = imports.import_files(sample_files(["jd_orders.xlsx"]), None, shop=shop)
    assert (second.created, second.updated, second.unchanged) == (0, 0, first.orders)


def test_a_refused_sample_creates_no_shop(app):
    with pytest.raises(Refused) as caught:
        imports.import_files(sample_files(["broken/jd_orders_missing_column.csv"]), None, shop_name="京东店")
    assert caught.value.errors[0].row == 1
    assert Shop.select().count() == 0


def test_run_batch_with_the_taobao_export(shop, clerk):
    batch = imports.queue_batch(sample_files(["taobao_items.csv", "taobao_orders.csv"]), shop, clerk)
    assert imports.run_batch(batch.id) == BATCH_DONE
    report = imports.batch_report(ImportBatch.get_by_id(batch.id))
    assert (report.orders, report.lines, report.created, report.to_dict()["paid_total"]) == (6, 7, 6, "2334.00")


def test_cli_a_new_shop_may_say_its_platform(runner):
    result = runner.invoke(args=["orders", "import", *TAOBAO_FILES, "--shop", "暖冬天猫店", "--platform", "tmall"])
    assert result.exit_code == 0, result.output
    assert Shop.get(Shop.name == "暖冬天猫店").platform == "tmall"
    wrong = runner.invoke(args=["orders", "import", str(DATA / "jd_orders.csv"), "--shop", "京东店",
                                "--platform", "pdd"])
    assert wrong.exit_code == 1 and json.loads(wrong.stdout)["refused"] is True
    assert not Shop.select().where(Shop.name == "京东店").exists()


def test_a_part_closed_on_the_platform_holds_what_a_merge_or_split_made_of_it(shop, clerk):
    from office.orders import lifecycle

    intake.save(shop, export(record("7301"), record("7302", row=3), record("7303", row=4)), clerk)
    first, second, third = (Order.get(Order.order_no == no) for no in ("7301", "7302", "7303"))
    assert {first.queue, second.queue, third.queue} <= {QUEUE_WAREHOUSE, QUEUE_SERVICE, QUEUE_REVIEW}
    lifecycle.merge([first.id, second.id], clerk)
    part = lifecycle.split(third.id, [third.lines[0].id], clerk)
    closed = {"stage": STAGE_CLOSED, "platform_status": "交易关闭"}

    # The merged-in order is refunded: the merged one must not ship with its goods.
    intake.save(shop, export(record("7302", row=3, **closed)), None)
    first = Order.get_by_id(first.id)
    assert (first.status, first.queue) == (REVIEW, QUEUE_EXCEPTION) and "7302" in first.exception_reason
    assert OrderEvent.select().where((OrderEvent.order == first.id) & (OrderEvent.kind == "updated")).exists()
    # The split one is closed: it closes, and the part split off it is held.
    intake.save(shop, export(record("7303", row=4, **closed)), None)
    assert Order.get_by_id(third.id).status == CLOSED
    part = Order.get_by_id(part.id)
    assert (part.status, part.queue) == (REVIEW, QUEUE_EXCEPTION) and "7303" in part.exception_reason
    # The merged one's own platform order is closed: held, not closed, since it holds 7302's goods.
    Order.update(queue=QUEUE_WAREHOUSE, exception_reason="", status=TO_SHIP).where(Order.id == first.id).execute()
    intake.save(shop, export(record("7301", **closed)), None)
    first = Order.get_by_id(first.id)
    assert (first.status, first.queue, first.platform_status) == (REVIEW, QUEUE_EXCEPTION, "交易关闭")
    assert "7301" in first.exception_reason


def test_a_lock_or_close_reaches_the_order_carrying_the_goods_through_merges_and_splits(shop, clerk):
    """Every reason is kept; a chain (merged into one that was merged again, a split part)
    is followed; a person's resolution stands when the same state comes again."""
    from office.orders import lifecycle

    nos = ("7401", "7402", "7403", "7404", "7405")
    intake.save(shop, export(*(record(no, row=i + 2) for i, no in enumerate(nos))), clerk)
    o1, o2, o3, o4, o5 = (Order.get(Order.order_no == no) for no in nos)
    lifecycle.merge([o2.id, o3.id], clerk)  # 7403 into 7402 ...
    lifecycle.merge([o1.id, o2.id], clerk)  # ... and 7402 into 7401: 7401 carries 7403's goods
    part = lifecycle.split(o4.id, [o4.lines[0].id], clerk)

    # JD locks 7403 and 7404; Taobao closes 7402, in one export.
    intake.save(shop, export(record("7403", row=2, platform_status="锁定"), record("7404", row=3,
                                                                                  platform_status="锁定"),
                             record("7402", row=4, stage=STAGE_CLOSED, platform_status="交易关闭")), None)
    o1, part = Order.get_by_id(o1.id), Order.get_by_id(part.id)
    assert (o1.status, o1.queue) == (REVIEW, QUEUE_EXCEPTION)
    assert "7403" in o1.exception_reason and "7402" in o1.exception_reason
    assert (part.status, part.queue) == (REVIEW, QUEUE_EXCEPTION) and "7404" in part.exception_reason
    assert Order.get_by_id(o5.id).queue != QUEUE_EXCEPTION

    # A person checked the buyer and sent 7401 on; the same states again (a new memo) leave it be.
    lifecycle.resolve_exception(o1.id, clerk, QUEUE_WAREHOUSE)
    intake.save(shop, export(record("7403", row=2, platform_status="锁定", seller_memo="已联系买家")), None)
    assert Order.get_by_id(o1.id).queue == QUEUE_WAREHOUSE


def test_create_only_refuses_a_number_already_stored_and_changes_nothing(shop):
    intake.save(shop, export(record("7501", buyer_message="原来的")), None)
    with pytest.raises(Refused) as refused:
        intake.save(shop, export(record("7501", buyer_message="覆盖")), None, create_only=True)
    assert "7501" in refused.value.errors[0].reason
    assert Order.get(Order.order_no == "7501").buyer_message == "原来的"


def test_twenty_people_entering_one_order_number_at_once_save_it_once(app, shop, clerk):
    from office.db import db
    from office.orders import entry

    line = entry.EntryLine(title="保温杯", sku_code="", quantity=1, unit_price=Decimal("89.00"))
    db.close()
    results = at_once(app, [lambda n=n: entry.enter_order(shop, clerk, [line], order_no="WX-SAME",
                                                         receiver_name=f"买家{n}", receiver_phone="13900001111",
                                                         receiver_address="杭州市")
                            for n in range(20)], expected=(Refused, entry.EntryError))
    assert sum(isinstance(r, Order) for r in results) == 1
    saved = Order.get(Order.order_no == "WX-SAME")
    assert saved.receiver_name == next(r for r in results if isinstance(r, Order)).receiver_name
    assert OrderLine.select().where(OrderLine.order == saved.id).count() == 1
    assert OrderEvent.select().where(OrderEvent.order == saved.id).count() == 1
