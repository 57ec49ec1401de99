"""Validation on arrival and routing rules, without HTTP."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from flask_babel import force_locale

from office.models.inventory import Product
from office.models.orders import (
    PLATFORM_JD,
    PLATFORM_TMALL,
    QUEUE_REVIEW,
    QUEUE_SERVICE,
    QUEUE_WAREHOUSE,
    RoutingRule,
    Shop,
)
from office.orders import routing, validation
from office.orders.records import (
    STAGE_CLOSED,
    STAGE_PAID,
    STAGE_SHIPPED,
    STAGE_UNPAID,
    LineRecord,
    OrderRecord,
)

D = Decimal


def line(sku="BWB-500", price="129.00", quantity=1, amount=None) -> LineRecord:
    price = D(price)
    return LineRecord(title="保温杯 500ml", quantity=quantity, unit_price=price,
                      amount=D(amount) if amount is not None else price * quantity, sku_code=sku)


def record(**over) -> OrderRecord:
    values = dict(
        order_no="3521004455667788", stage=STAGE_PAID, receiver_name="张伟", receiver_phone="13812345678",
        receiver_address="浙江省 杭州市 西湖区 文三路 90 号", goods_amount=D("129.00"), shipping_fee=D("0.00"),
        discount=D("0.00"), paid_amount=D("129.00"), paid_at=dt.datetime(2026, 11, 11, 1, 2, 3),
        lines=[line()],
    )
    values.update(over)
    return OrderRecord(**values)


@pytest.fixture
def en(app):
    with app.test_request_context(), force_locale("en"):
        yield


def test_a_clean_order_has_no_problems(en):
    assert validation.problems(record(), {"BWB-500": D("129.00")}) == []


def test_missing_receiver_fields_are_named(en):
    found = validation.problems(record(receiver_name=" ", receiver_phone="", receiver_address="-"), {})
    assert found == ["Receiver name missing", "Receiver phone missing", "Receiver address missing"]


def test_a_masked_phone_counts_as_present(en):
    assert validation.problems(record(receiver_phone="138****5678"), {}) == []
    assert validation.problems(record(receiver_phone="13800000000-1234"), {}) == []


def test_paid_amount_must_match_goods_discount_shipping(en):
    ok = record(goods_amount=D("100.00"), discount=D("10.00"), shipping_fee=D("8.00"), paid_amount=D("98.00"),
                lines=[line(price="100.00")])
    assert validation.problems(ok, {}) == []
    bad = record(goods_amount=D("100.00"), discount=D("10.00"), shipping_fee=D("8.00"), paid_amount=D("88.00"),
                 lines=[line(price="100.00")])
    assert validation.problems(bad, {}) == [
        "Paid amount ¥88.00 does not match goods − discount + shipping = ¥98.00"]


def test_rounding_within_tolerance_is_fine(en):
    assert validation.problems(record(paid_amount=D("129.03")), {}) == []
    assert validation.problems(record(paid_amount=D("129.10")), {}) != []


def test_lines_must_add_up_to_goods_either_way(en):
    # Lines at price × quantity add up to the goods amount ...
    two = [line(price="60.00"), line(sku="X", price="40.00")]
    assert validation.problems(record(goods_amount=D("100.00"), paid_amount=D("100.00"), lines=two), {}) == []
    # ... or, in exports that share the discount out, to goods − discount.
    shared = [line(price="60.00", amount="54.00"), line(sku="X", price="40.00", amount="36.00")]
    assert validation.problems(record(goods_amount=D("100.00"), discount=D("10.00"), paid_amount=D("90.00"),
                                      lines=shared), {}) == []
    short = [line(price="60.00")]
    assert validation.problems(record(goods_amount=D("100.00"), paid_amount=D("100.00"), lines=short), {}) == [
        "Lines add up to ¥60.00 but the goods amount is ¥100.00"]


def test_lines_carrying_their_payable_amount_freight_included_add_up_to_what_was_paid(en):
    """Douyin: each line is its sub-order's 订单应付金额, the freight on the row that has it
    (issue 13): the lines add up to goods − discount + shipping."""
    payable = [line(price="79.00", amount="76.00"), line(sku="X", price="99.00", quantity=2, amount="186.00")]
    order = record(goods_amount=D("277.00"), discount=D("20.00"), shipping_fee=D("5.00"), paid_amount=D("262.00"),
                   lines=payable)
    assert validation.problems(order, {}) == []
    payable[1].amount = D("196.00")  # neither the goods, nor after the discount, nor what was paid
    assert validation.problems(order, {}) == ["Lines add up to ¥272.00 but the goods amount is ¥277.00"]


def test_an_order_without_lines_is_a_problem(en):
    assert validation.problems(record(lines=[]), {}) == ["The order has no lines"]


def test_price_sanity_against_the_product_list(en):
    prices = {"BWB-500": D("129.00")}
    cheap = record(goods_amount=D("19.90"), paid_amount=D("19.90"), lines=[line(price="19.90")])
    assert validation.problems(cheap, prices) == ["SKU BWB-500 unit price ¥19.90 far below list price ¥129.00"]
    dear = record(goods_amount=D("399.00"), paid_amount=D("399.00"), lines=[line(price="399.00")])
    assert validation.problems(dear, prices) == ["SKU BWB-500 unit price ¥399.00 far above list price ¥129.00"]
    # Half price and three times the price are still plausible; unknown SKUs are not judged.
    half = record(goods_amount=D("64.50"), paid_amount=D("64.50"), lines=[line(price="64.50")])
    assert validation.problems(half, prices) == []
    assert validation.problems(cheap, {}) == []


def test_only_orders_to_ship_are_judged(en):
    broken = dict(receiver_address="", paid_amount=D("1.00"))
    for stage in (STAGE_UNPAID, STAGE_SHIPPED, STAGE_CLOSED):
        assert validation.problems(record(stage=stage, **broken), {}) == []
    assert validation.problems(record(stage="", paid_at=None, **broken), {}) == []
    assert len(validation.problems(record(stage="", **broken), {})) == 2


def test_reasons_are_translated(app):
    with app.test_request_context(), force_locale("zh_CN"):
        found = validation.problems(record(receiver_address=""), {})
    assert len(found) == 1 and found[0]  # the catalog may not have it yet; never empty


def test_known_prices_is_one_query(app):
    from playhouse.test_utils import count_queries

    Product.create(sku_code="BWB-500", name="保温杯", price=D("129.00"))
    Product.create(sku_code="CUP-1", name="杯子", price=D("9.90"))
    with count_queries() as counter:
        prices = validation.known_prices(["BWB-500", "NOPE", "BWB-500", ""])
    assert prices == {"BWB-500": D("129.00")}
    assert counter.count == 1
    with count_queries() as counter:
        assert validation.known_prices([]) == {}
    assert counter.count == 0


# --- routing ------------------------------------------------------------------------------

def rule(name="r", queue=QUEUE_SERVICE, **over) -> RoutingRule:
    return routing.create_rule(name, queue, **over)


def test_choose_first_match_wins_and_no_match_is_none(app):
    shop = Shop.create(name="天猫旗舰店", platform=PLATFORM_TMALL)
    message = rule("留言", QUEUE_SERVICE, has_message=True)
    big = rule("大额", QUEUE_REVIEW, min_amount="500")
    rules = routing.active_rules()
    assert [r.id for r in rules] == [message.id, big.id]
    assert routing.choose(record(buyer_message="请发顺丰", paid_amount=D("800")), shop, rules).id == message.id
    assert routing.choose(record(paid_amount=D("800")), shop, rules).id == big.id
    # "over" is strict: exactly 500 does not match.
    assert routing.choose(record(paid_amount=D("500")), shop, rules) is None
    assert routing.choose(record(buyer_message="  "), shop, rules) is None


def test_every_set_condition_must_hold(app):
    tmall = Shop.create(name="天猫旗舰店", platform=PLATFORM_TMALL)
    jd = Shop.create(name="京东自营", platform=PLATFORM_JD)
    both = rule("天猫保温杯", QUEUE_REVIEW, platform=PLATFORM_TMALL, sku_code="bwb-500", has_message=False)
    rules = routing.active_rules()
    assert routing.choose(record(), tmall, rules).id == both.id  # SKU compared case-insensitively
    assert routing.choose(record(), jd, rules) is None
    assert routing.choose(record(lines=[line(sku="OTHER")]), tmall, rules) is None
    assert routing.choose(record(buyer_message="hi"), tmall, rules) is None
    by_shop = rule("京东", QUEUE_WAREHOUSE, shop_id=jd.id)
    rules = routing.active_rules()
    assert routing.choose(record(), jd, rules).id == by_shop.id


def test_inactive_rules_are_not_tried(app):
    rule("off", QUEUE_SERVICE, is_active=False)
    assert routing.active_rules() == []
    assert len(routing.all_rules()) == 1


def test_active_rules_is_one_query_with_shops(app):
    from playhouse.test_utils import count_queries

    shop = Shop.create(name="抖音小店", platform="douyin")
    for n in range(5):
        rule(f"r{n}", shop_id=shop.id)
    with count_queries() as counter:
        rules = routing.active_rules()
        texts = [routing.describe(r) for r in rules]
    assert counter.count == 1
    assert len(texts) == 5


def test_describe(en):
    shop = Shop.create(name="天猫旗舰店", platform=PLATFORM_TMALL)
    assert routing.describe(rule("a", QUEUE_SERVICE, has_message=True, min_amount="500")) == (
        "Buyer message present and Paid > ¥500.00 → Customer service confirms")
    assert routing.describe(rule("b", QUEUE_REVIEW, shop_id=shop.id, platform=PLATFORM_TMALL, sku_code="X-1",
                                 has_message=False)) == (
        "No buyer message and Shop 天猫旗舰店 and Platform Tmall and Contains SKU X-1 → Review")
    assert routing.describe(rule("c", QUEUE_WAREHOUSE)) == "Every order → Warehouse"


@pytest.mark.parametrize("fields, field", [
    (dict(name=" "), "name"),
    (dict(name="x" * 61), "name"),
    (dict(queue="exception"), "queue"),
    (dict(queue="nowhere"), "queue"),
    (dict(min_amount="-1"), "min_amount"),
    (dict(min_amount="abc"), "min_amount"),
    (dict(min_amount="1e20"), "min_amount"),
    (dict(shop_id=999), "shop"),
    (dict(platform="ebay"), "platform"),
])
def test_rule_validation(en, fields, field):
    values = dict(name="ok", queue=QUEUE_SERVICE) | fields
    with pytest.raises(routing.RoutingError) as caught:
        routing.create_rule(values.pop("name"), values.pop("queue"), **values)
    assert caught.value.field == field
    assert str(caught.value)
    assert RoutingRule.select().count() == 0


def test_amount_is_kept_to_two_places(app):
    assert rule(min_amount="1,000.5").min_amount == D("1000.50")


def test_update_keeps_position(app):
    first, second = rule("a"), rule("b")
    updated = routing.update_rule(first.id, "a2", QUEUE_REVIEW, min_amount="10")
    assert (updated.name, updated.queue, updated.min_amount) == ("a2", QUEUE_REVIEW, D("10.00"))
    assert [r.id for r in routing.all_rules()] == [first.id, second.id]
    with pytest.raises(routing.RoutingError):
        routing.update_rule(999, "x", QUEUE_REVIEW)


def test_move_and_delete_keep_positions_dense(app):
    a, b, c = rule("a"), rule("b"), rule("c")
    assert routing.move_rule(c.id, routing.UP) is True
    assert [r.name for r in routing.all_rules()] == ["a", "c", "b"]
    assert routing.move_rule(a.id, routing.UP) is False
    assert routing.move_rule(b.id, routing.DOWN) is False
    assert routing.move_rule(a.id, routing.DOWN) is True
    assert [r.name for r in routing.all_rules()] == ["c", "a", "b"]
    routing.delete_rule(a.id)
    assert [(r.name, r.position) for r in routing.all_rules()] == [("c", 1), ("b", 2)]
    assert rule("d").position == 3
    with pytest.raises(routing.RoutingError):
        routing.move_rule(a.id, routing.UP)


def test_concurrent_moves_never_share_a_position(app):
    from tests.parallel import at_once

    rules = [rule(str(n)) for n in range(4)]
    at_once(app, [lambda r=r: routing.move_rule(r.id, routing.UP) for r in rules])
    positions = [r.position for r in routing.all_rules()]
    assert positions == [1, 2, 3, 4]
