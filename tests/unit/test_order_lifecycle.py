"""The order lifecycle: every valid and invalid move, tracking numbers (typed, scanned, the
courier guessed), the exception queue, priority, merge and split with their amounts and
all-or-nothing transactions, the timeline and live events, and 20 clicks at once moving an
order once, on both databases."""
import datetime as dt
from decimal import Decimal

import pytest

from office.models import orders as m
from office.models.live import LiveEvent
from office.models.orders import ORDER_CHANGED
from office.models.orders import Order, OrderEvent, OrderLine, Shop
from office.orders import lifecycle
from office.orders.labels import status_label
from office.orders.lifecycle import OrderError
from tests.factories import make_user
from tests.parallel import at_once

NOW = dt.datetime(2026, 11, 20, 2, 0)  # naive UTC, like every stored time
ADDRESS = "浙江省 杭州市 西湖区 文三路 100 号"
_n = {"n": 0}


def _shop(name="知行旗舰店", platform=m.PLATFORM_TAOBAO):
    return Shop.get_or_none(Shop.name == name) or Shop.create(name=name, platform=platform)


def _order(status=m.REVIEW, lines=("100.00",), shop=None, **fields):
    """A paid order of buyer tb_lily with one line per amount in ``lines``; amounts add up
    (goods = lines, paid = goods − discount + shipping)."""
    _n["n"] += 1
    shop = shop or _shop()
    goods = sum((Decimal(a) for a in lines), Decimal("0.00"))
    shipping, discount = Decimal(fields.pop("shipping_fee", "0")), Decimal(fields.pop("discount", "0"))
    values = {
        "shop": shop, "platform": shop.platform, "order_no": f"T{_n['n']:06d}", "status": status,
        "queue": m.QUEUE_WAREHOUSE if status == m.TO_SHIP else m.QUEUE_REVIEW,
        "platform_status": "买家已付款，等待卖家发货", "buyer_nick": "tb_lily", "receiver_name": "林莉",
        "receiver_phone": "13812345678", "phone_tail": "5678", "receiver_address": ADDRESS,
        "goods_amount": goods, "shipping_fee": shipping, "discount": discount,
        "paid_amount": goods - discount + shipping, "placed_at": NOW - dt.timedelta(hours=2),
        "paid_at": None if status == m.UNPAID else NOW - dt.timedelta(hours=1),
    }
    values.update(fields)
    order = Order.create(**values)
    for position, amount in enumerate(lines):
        OrderLine.create(order=order, position=position, sku_code=f"SKU{position}", title=f"商品{position}",
                         quantity=1, unit_price=Decimal(amount), amount=Decimal(amount))
    return order


def _fresh(order):
    return Order.get_by_id(order.id)


def _events(order, kind=None):
    query = OrderEvent.select().where(OrderEvent.order == order.id)
    if kind:
        query = query.where(OrderEvent.kind == kind)
    return list(query.order_by(OrderEvent.id))


def _live(order):
    return LiveEvent.select().where((LiveEvent.kind == ORDER_CHANGED) & (LiveEvent.subject_id == order.id)).count()


def _line_orders(order):
    return [line.id for line in OrderLine.select().where(OrderLine.order == order.id).order_by(OrderLine.position)]


@pytest.fixture
def clerk(app):
    return make_user("kefu", display_name="客服小王")


# --- moves -------------------------------------------------------------------------------

@pytest.mark.parametrize("old", m.STATUSES)
def test_every_move_from_each_status_is_allowed_or_refused(app, clerk, old):
    for new in m.STATUSES:
        order = _order(old, tracking_no="SF1234567890", courier="顺丰速运")
        if new in lifecycle.TRANSITIONS[old]:
            moved = lifecycle.move(order.id, new, clerk, now=NOW)
            assert moved.status == new, (old, new)
            [event] = _events(order, lifecycle.EVENT_MOVED)
            assert event.actor_id == clerk.id and event.created_at == NOW
            assert _live(order) == 1
        else:
            with pytest.raises(OrderError):
                lifecycle.move(order.id, new, clerk, now=NOW)
            assert _fresh(order).status == old, (old, new)
            assert _events(order) == [] and _live(order) == 0


def test_transitions_cover_every_status_and_closed_is_final():
    assert set(lifecycle.TRANSITIONS) == set(m.STATUSES)
    assert all(set(targets) <= set(m.STATUSES) for targets in lifecycle.TRANSITIONS.values())
    assert lifecycle.TRANSITIONS[m.CLOSED] == ()
    assert lifecycle.allowed_moves(Order(status=m.TO_SHIP)) == [m.SHIPPED, m.REVIEW, m.CLOSED, m.AFTERSALE]


def test_unknown_status_and_missing_order_are_refused(app, clerk):
    order = _order()
    with pytest.raises(OrderError):
        lifecycle.move(order.id, "lost", clerk)
    with pytest.raises(OrderError):
        lifecycle.move(order.id + 999, m.TO_SHIP, clerk)


def test_shipping_needs_a_tracking_number(app, clerk):
    order = _order(m.TO_SHIP)
    with pytest.raises(OrderError) as refused:
        lifecycle.move(order.id, m.SHIPPED, clerk, now=NOW)
    assert refused.value.field == "tracking_no"
    assert _fresh(order).status == m.TO_SHIP and _fresh(order).shipped_at is None

    shipped = lifecycle.set_tracking(order.id, "", " sf 1234\u30005678 ９０１２ ", clerk, now=NOW)
    assert (shipped.status, shipped.courier, shipped.tracking_no) == (m.SHIPPED, "顺丰速运", "SF123456789012")
    assert shipped.shipped_at == NOW
    [event] = _events(order)
    assert event.kind == lifecycle.EVENT_MOVED and "SF123456789012" in event.detail
    assert _live(order) == 1


def test_moves_set_their_times_and_queues(app, clerk):
    order = _order(m.REVIEW, queue=m.QUEUE_SERVICE)
    assert lifecycle.move(order.id, m.TO_SHIP, clerk, now=NOW).queue == m.QUEUE_WAREHOUSE
    held = lifecycle.move(order.id, m.REVIEW, clerk, now=NOW, note="客户要求改地址")
    assert held.queue == m.QUEUE_REVIEW
    assert "客户要求改地址" in _events(order)[-1].detail
    lifecycle.move(order.id, m.TO_SHIP, clerk, now=NOW)
    # Past the warehouse no queue holds it (as intake does for a later export).
    assert lifecycle.set_tracking(order.id, "中通快递", "75123456789012", clerk, now=NOW).queue == ""
    later = NOW + dt.timedelta(days=2)
    delivered = lifecycle.move(order.id, m.DELIVERED, clerk, now=later)
    assert delivered.shipped_at == NOW and delivered.delivered_at == later and delivered.updated_at == later
    assert [e.kind for e in _events(order)] == [lifecycle.EVENT_MOVED] * 5


def test_twenty_clicks_at_once_move_the_order_once(app, clerk):
    from office.db import db

    order = _order(m.TO_SHIP, tracking_no="SF1234567890", courier="顺丰速运")
    db.close()
    results = at_once(app, [lambda: lifecycle.move(order.id, m.SHIPPED, clerk, now=NOW) for _ in range(20)],
                      expected=(OrderError,))
    done = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, OrderError)]
    assert len(done) == 1 and len(refused) == 19
    assert all(status_label(m.SHIPPED) in str(error) for error in refused)  # "The order is already Shipped."
    assert len(_events(order, lifecycle.EVENT_MOVED)) == 1
    assert _live(order) == 1


def test_twenty_scans_of_one_parcel_at_once_ship_it_once(app, clerk):
    from office.db import db

    order = _order(m.TO_SHIP)
    db.close()
    results = at_once(app, [lambda: lifecycle.set_tracking(order.id, "", "JT0001234567890", clerk, now=NOW)
                            for _ in range(20)], expected=(OrderError,))
    assert all(isinstance(r, Order) and r.status == m.SHIPPED for r in results)
    assert len(_events(order)) == 1 and _live(order) == 1
    assert _fresh(order).courier == "极兔速递"


# --- the exception queue -----------------------------------------------------------------

def test_an_exception_order_leaves_the_queue_only_through_resolve(app, clerk):
    order = _order(m.REVIEW, queue=m.QUEUE_EXCEPTION, exception_reason="收货地址缺失")
    assert m.TO_SHIP not in lifecycle.allowed_moves(order)
    with pytest.raises(OrderError) as refused:
        lifecycle.move(order.id, m.TO_SHIP, clerk)
    assert refused.value.field == "queue"
    with pytest.raises(OrderError):
        lifecycle.resolve_exception(order.id, clerk, m.QUEUE_EXCEPTION)

    resolved = lifecycle.resolve_exception(order.id, clerk, m.QUEUE_WAREHOUSE, now=NOW)
    assert (resolved.status, resolved.queue, resolved.exception_reason) == (m.TO_SHIP, m.QUEUE_WAREHOUSE, "")
    [event] = _events(order)
    assert event.kind == lifecycle.EVENT_EXCEPTION_RESOLVED and "收货地址缺失" in event.detail
    assert _live(order) == 1
    with pytest.raises(OrderError):
        lifecycle.resolve_exception(order.id, clerk, m.QUEUE_WAREHOUSE)  # no longer there


def test_resolving_to_customer_service_keeps_it_for_review(app, clerk):
    order = _order(m.REVIEW, queue=m.QUEUE_EXCEPTION, exception_reason="单价异常")
    resolved = lifecycle.resolve_exception(order.id, clerk, m.QUEUE_SERVICE, now=NOW)
    assert (resolved.status, resolved.queue, resolved.exception_reason) == (m.REVIEW, m.QUEUE_SERVICE, "")
    # Closing straight from the exception queue is allowed (a fake order, a cancelled one).
    other = _order(m.REVIEW, queue=m.QUEUE_EXCEPTION, exception_reason="手机号缺失")
    closed = lifecycle.move(other.id, m.CLOSED, clerk)
    assert (closed.status, closed.queue, closed.exception_reason) == (m.CLOSED, "", "")
    assert "手机号缺失" in _events(other)[0].detail


def test_twenty_resolves_at_once_resolve_once(app, clerk):
    from office.db import db

    order = _order(m.REVIEW, queue=m.QUEUE_EXCEPTION, exception_reason="收货地址缺失")
    db.close()
    results = at_once(app, [lambda: lifecycle.resolve_exception(order.id, clerk, m.QUEUE_WAREHOUSE)
                            for _ in range(20)], expected=(OrderError,))
    assert sum(isinstance(r, Order) for r in results) == 1
    assert len(_events(order)) == 1


# --- priority and tracking numbers -------------------------------------------------------

def test_priority_is_recorded_once_per_change(app, clerk):
    order = _order()
    assert lifecycle.set_priority(order.id, True, clerk).is_priority
    assert lifecycle.set_priority(order.id, True, clerk).is_priority  # a double click: nothing new
    assert not lifecycle.set_priority(order.id, False, clerk).is_priority
    assert [e.kind for e in _events(order)] == [lifecycle.EVENT_PRIORITY] * 2
    assert _live(order) == 2
    closed = _order(m.CLOSED)
    with pytest.raises(OrderError):
        lifecycle.set_priority(closed.id, True, clerk)


@pytest.mark.parametrize("number, courier", [
    ("SF1234567890123", "顺丰速运"),
    ("JDVA12345678901", "京东物流"),
    ("JT0001234567890", "极兔速递"),
    ("YT1234567890123", "圆通速递"),
    ("DPK1234567890", "德邦快递"),
    ("75123456789012", "中通快递"),
    ("781234567890123", "中通快递"),
    ("EA123456789CN", "EMS"),
    ("4312345678901", ""),  # 韵达 or 申通: the shape does not say
])
def test_the_courier_is_guessed_from_the_number_s_shape(number, courier):
    assert lifecycle.guess_courier(number) == courier


@pytest.mark.parametrize("typed, field", [
    ("", "tracking_no"),
    ("SF-1234-5678", "tracking_no"),  # only letters and digits
    ("SF12345", "tracking_no"),  # too short
    ("ABCDEFGHIJK12", "tracking_no"),  # a word, not a number
    ("4312345678901", "courier"),  # fine, but whose?
])
def test_bad_tracking_numbers_are_refused_on_their_field(app, clerk, typed, field):
    order = _order(m.TO_SHIP)
    with pytest.raises(OrderError) as refused:
        lifecycle.set_tracking(order.id, "", typed, clerk)
    assert refused.value.field == field
    assert _fresh(order).status == m.TO_SHIP and _events(order) == []


def test_a_typed_courier_wins_and_any_name_is_accepted(app, clerk):
    order = _order(m.TO_SHIP)
    shipped = lifecycle.set_tracking(order.id, " 安能  物流 ", "4312345678901", clerk, now=NOW)
    assert (shipped.courier, shipped.tracking_no) == ("安能 物流", "4312345678901")
    with pytest.raises(OrderError) as refused:
        lifecycle.set_tracking(_order(m.TO_SHIP).id, "快" * 41, "4312345678901", clerk)
    assert refused.value.field == "courier"


def test_a_shipped_order_s_number_is_corrected_and_recorded(app, clerk):
    order = _order(m.TO_SHIP)
    lifecycle.set_tracking(order.id, "", "SF1234567890", clerk, now=NOW)
    corrected = lifecycle.set_tracking(order.id, "", "YT1234567890123", clerk, now=NOW + dt.timedelta(hours=1))
    assert (corrected.status, corrected.courier, corrected.tracking_no) == (m.SHIPPED, "圆通速递", "YT1234567890123")
    assert corrected.shipped_at == NOW  # shipped when it was shipped
    event = _events(order)[-1]
    assert event.kind == lifecycle.EVENT_TRACKING
    assert "SF1234567890" in event.detail and "YT1234567890123" in event.detail


def test_tracking_is_refused_before_approval_and_after_delivery(app, clerk):
    for status in (m.UNPAID, m.REVIEW, m.DELIVERED, m.CLOSED):
        with pytest.raises(OrderError):
            lifecycle.set_tracking(_order(status).id, "顺丰速运", "SF1234567890", clerk)


def test_a_replacement_parcel_ships_again_and_is_watched_afresh(app, clerk):
    order = _order(m.AFTERSALE, courier="顺丰速运", tracking_no="SF1234567890", shipped_at=NOW - dt.timedelta(days=9),
                   logistics_issue=m.LOGISTICS_STUCK, logistics_flagged_at=NOW - dt.timedelta(days=5))
    again = lifecycle.set_tracking(order.id, "", "SF9999999999", clerk, now=NOW)
    assert (again.status, again.tracking_no, again.shipped_at) == (m.SHIPPED, "SF9999999999", NOW)
    assert again.logistics_issue == "" and again.logistics_flagged_at is None


# --- merge -------------------------------------------------------------------------------

def test_mergeable_finds_only_unshipped_paid_orders_of_the_same_buyer_and_address(app):
    first = _order(m.REVIEW)
    same_to_ship = _order(m.TO_SHIP)
    same_review = _order(m.REVIEW)
    _order(m.SHIPPED, tracking_no="SF1234567890")
    _order(m.UNPAID)
    _order(m.REVIEW, queue=m.QUEUE_EXCEPTION, exception_reason="单价异常")
    _order(m.REVIEW, receiver_phone="13900000000")
    _order(m.REVIEW, receiver_address=ADDRESS + " 2 幢")
    _order(m.REVIEW, receiver_name="林丽")
    _order(m.REVIEW, buyer_nick="tb_lucy")
    _order(m.REVIEW, shop=_shop("另一家店"))
    assert {o.id for o in lifecycle.mergeable(first)} == {same_to_ship.id, same_review.id}
    assert lifecycle.mergeable(_order(m.SHIPPED)) == []


def test_merge_moves_lines_sums_amounts_and_closes_the_others(app, clerk):
    target = _order(m.REVIEW, lines=("100.00", "50.00"), shipping_fee="10.00", discount="5.00",
                    buyer_message="周末送")
    other = _order(m.TO_SHIP, lines=("30.50",), shipping_fee="8.00", is_priority=True, buyer_message="加急",
                   paid_at=NOW - dt.timedelta(hours=5), placed_at=NOW - dt.timedelta(hours=6))
    third = _order(m.REVIEW, lines=("19.90", "9.60"), discount="2.00")
    lines = _line_orders(target) + _line_orders(other) + _line_orders(third)
    total_paid = sum(o.paid_amount for o in (target, other, third))

    merged = lifecycle.merge([target.id, other.id, third.id], clerk, now=NOW)

    assert merged.id == target.id and merged.status == m.REVIEW and merged.order_no == target.order_no
    assert merged.goods_amount == Decimal("210.00") and merged.shipping_fee == Decimal("18.00")
    assert merged.discount == Decimal("7.00") and merged.paid_amount == total_paid == Decimal("221.00")
    assert merged.is_priority
    assert merged.paid_at == NOW - dt.timedelta(hours=5) and merged.placed_at == NOW - dt.timedelta(hours=6)
    assert merged.buyer_message == "周末送\n加急"
    assert _line_orders(target) == lines
    assert [line.position for line in OrderLine.select().where(OrderLine.order == target.id)
            .order_by(OrderLine.position)] == [0, 1, 2, 3, 4]
    for closed in (other, third):
        closed = _fresh(closed)
        assert (closed.status, closed.merged_into_id) == (m.CLOSED, target.id)
        assert closed.paid_amount == closed.goods_amount == Decimal("0.00")
        [event] = _events(closed)
        assert event.kind == lifecycle.EVENT_MERGED_INTO and target.order_no in event.detail
        assert _live(closed) == 1
    [event] = _events(target)
    assert event.kind == lifecycle.EVENT_MERGED and other.order_no in event.detail and third.order_no in event.detail
    assert event.actor_id == clerk.id and _live(target) == 1
    # What is merged stays merged.
    with pytest.raises(OrderError):
        lifecycle.move(other.id, m.TO_SHIP, clerk)


def test_merge_refuses_orders_that_do_not_belong_together_and_changes_nothing(app, clerk):
    target = _order()
    with pytest.raises(OrderError):
        lifecycle.merge([target.id], clerk)
    with pytest.raises(OrderError):
        lifecycle.merge([target.id, target.id], clerk)
    for other in (_order(receiver_phone="13900000000"), _order(m.SHIPPED, tracking_no="SF1234567890"),
                  _order(m.UNPAID), _order(shop=_shop("另一家店"))):
        with pytest.raises(OrderError) as refused:
            lifecycle.merge([target.id, other.id], clerk)
        assert refused.value.field == "order_ids"
        assert _fresh(other).status == other.status and _line_orders(other)
    with pytest.raises(OrderError):
        lifecycle.merge([target.id, 999999], clerk)
    assert len(_line_orders(target)) == 1 and _events(target) == []


def test_merging_an_order_shipped_meanwhile_is_refused(app, clerk):
    target, other = _order(m.TO_SHIP), _order(m.TO_SHIP)
    assert [o.id for o in lifecycle.mergeable(target)] == [other.id]  # what the page showed
    lifecycle.set_tracking(other.id, "", "SF1234567890", clerk)  # the warehouse was faster
    with pytest.raises(OrderError) as refused:
        lifecycle.merge([target.id, other.id], clerk)
    assert other.order_no in str(refused.value)
    assert _fresh(target).paid_amount == target.paid_amount and len(_line_orders(other)) == 1


def test_a_merge_failing_midway_changes_nothing(app, clerk, monkeypatch):
    target, other, third = _order(), _order(lines=("20.00",)), _order(lines=("30.00",))
    real, calls = lifecycle.record, []

    def failing(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(lifecycle, "record", failing)
    with pytest.raises(RuntimeError):
        lifecycle.merge([target.id, other.id, third.id], clerk)
    for order in (target, other, third):
        fresh = _fresh(order)
        assert (fresh.status, fresh.paid_amount, fresh.merged_into_id) == (order.status, order.paid_amount, None)
        assert len(_line_orders(order)) == 1 and _events(order) == [] and _live(order) == 0


# --- split -------------------------------------------------------------------------------

def test_split_divides_lines_and_amounts_and_keeps_the_shipping_fee(app, clerk):
    order = _order(m.TO_SHIP, lines=("100.00", "60.00", "40.00"), shipping_fee="12.00", discount="20.00",
                   is_priority=True)
    first, second, third = _line_orders(order)

    new = lifecycle.split(order.id, [second, third], clerk, now=NOW)

    original = _fresh(order)
    assert new.order_no == f"{order.order_no}-S1" and new.parent_id == order.id
    assert (new.status, new.queue, new.is_priority, new.shop_id) == (m.TO_SHIP, m.QUEUE_WAREHOUSE, True, order.shop_id)
    assert (new.buyer_nick, new.receiver_name, new.receiver_phone, new.receiver_address) == (
        "tb_lily", "林莉", "13812345678", ADDRESS)
    assert new.source == m.SOURCE_MANUAL and new.paid_at == order.paid_at
    # Half the lines' value moved: half the goods, half the discount, half the paid amount less shipping.
    assert (new.goods_amount, new.discount, new.shipping_fee, new.paid_amount) == (
        Decimal("100.00"), Decimal("10.00"), Decimal("0.00"), Decimal("90.00"))
    assert (original.goods_amount, original.discount, original.shipping_fee, original.paid_amount) == (
        Decimal("100.00"), Decimal("10.00"), Decimal("12.00"), Decimal("102.00"))
    assert _line_orders(order) == [first] and _line_orders(new) == [second, third]
    [event] = _events(order)
    assert event.kind == lifecycle.EVENT_SPLIT and new.order_no in event.detail
    [event] = _events(new)
    assert event.kind == lifecycle.EVENT_SPLIT_FROM and order.order_no in event.detail
    assert _live(order) == 1 and _live(new) == 1

    with pytest.raises(OrderError):
        lifecycle.split(order.id, [first], clerk)  # its last line
    third_line = OrderLine.create(order=order, position=9, amount=Decimal("5.00"))
    assert lifecycle.split(order.id, [third_line.id], clerk).order_no == f"{order.order_no}-S2"


def test_split_amounts_add_up_to_the_cent(app, clerk):
    order = _order(lines=("33.33", "33.33", "33.34"), shipping_fee="0.01", discount="0.10")
    lines = _line_orders(order)
    new = lifecycle.split(order.id, lines[:1], clerk)
    original = _fresh(order)
    for field in ("goods_amount", "discount", "paid_amount", "shipping_fee"):
        assert getattr(new, field) + getattr(original, field) == getattr(order, field), field
    assert new.goods_amount == Decimal("33.33") and new.paid_amount == Decimal("33.30")


def test_split_of_lines_without_amounts_divides_by_line_count(app, clerk):
    order = _order(lines=("0", "0"), goods_amount=Decimal("80.00"), paid_amount=Decimal("80.00"))
    new = lifecycle.split(order.id, _line_orders(order)[:1], clerk)
    assert new.paid_amount == Decimal("40.00") and _fresh(order).paid_amount == Decimal("40.00")


def test_split_refusals(app, clerk):
    order = _order(lines=("10.00", "20.00"))
    other = _order(lines=("10.00", "20.00"))
    lines = _line_orders(order)
    for chosen in ([], lines, [_line_orders(other)[0]], [999999]):
        with pytest.raises(OrderError) as refused:
            lifecycle.split(order.id, chosen, clerk)
        assert refused.value.field == "line_ids"
    shipped = _order(m.SHIPPED, lines=("10.00", "20.00"), tracking_no="SF1234567890")
    with pytest.raises(OrderError):
        lifecycle.split(shipped.id, _line_orders(shipped)[:1], clerk)
    assert Order.select().where(Order.parent.is_null(False)).count() == 0
    assert _line_orders(order) == lines and _events(order) == []


def test_merges_at_once_never_count_a_payment_twice(app, clerk):
    """Twenty clicks of one merge, and two people merging the same orders the other way round:
    each order ends in exactly one place and the shop's paid total does not change."""
    from office.db import db

    target, other, third = (_order(m.REVIEW, lines=(price,)) for price in ("100.00", "30.50", "19.90"))
    paid = sum(o.paid_amount for o in (target, other, third))
    db.close()
    results = at_once(app, [lambda: lifecycle.merge([target.id, other.id], clerk) for _ in range(10)]
                      + [lambda: lifecycle.merge([third.id, other.id], clerk) for _ in range(10)],
                      expected=(OrderError,))
    merged = [r for r in results if isinstance(r, Order)]
    assert len(merged) == 1
    survivor = merged[0].id
    closed = [o for o in (target, other, third) if _fresh(o).status == m.CLOSED]
    assert [o.id for o in closed] == [other.id] and _fresh(other).merged_into_id == survivor
    orders = [_fresh(o) for o in (target, other, third)]
    assert sum(o.paid_amount for o in orders) == paid
    assert OrderLine.select().where(OrderLine.order == other.id).count() == 0
    assert len(_events(other)) == 1


def test_twenty_splits_of_one_line_at_once_split_once(app, clerk):
    from office.db import db

    order = _order(lines=("10.00", "20.00"))
    line = _line_orders(order)[1]
    db.close()
    results = at_once(app, [lambda: lifecycle.split(order.id, [line], clerk) for _ in range(20)],
                      expected=(OrderError,))
    assert sum(isinstance(r, Order) for r in results) == 1
    assert Order.select().where(Order.parent == order.id).count() == 1
    assert _fresh(order).paid_amount == Decimal("10.00")


# --- the timeline ------------------------------------------------------------------------

def test_every_event_kind_has_a_label_and_record_publishes_once(app, clerk):
    kinds = [value for name, value in vars(lifecycle).items() if name.startswith("EVENT_") and name != "EVENT_LABELS"]
    assert len(kinds) == 15 and all(len(kind) <= 20 for kind in kinds)
    assert all(lifecycle.event_label(kind) != kind for kind in kinds)
    assert lifecycle.event_label("something_new") == "something_new"
    order = _order()
    event = lifecycle.record(order, lifecycle.EVENT_NOTE, clerk, "买家来电催发货", now=NOW)
    assert (event.kind, event.actor_id, event.detail, event.created_at) == ("note", clerk.id, "买家来电催发货", NOW)
    assert _live(order) == 1
    lifecycle.record(order.id, lifecycle.EVENT_REVEALED, clerk, "phone", live=False)
    assert _live(order) == 1 and len(_events(order)) == 2
