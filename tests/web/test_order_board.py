"""The warehouse board (/orders/board): orders to ship, priority first and then the longest
waiting, with the day's figures; shipping from a card (plain POST and htmx); the live redraw
reaching an open board; the query count; 404 for people who do not work orders."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from playhouse.test_utils import assert_query_count

from office.db import db
from office.live.events import latest_id
from office.models.base import utcnow
from office.models.orders import (
    PLATFORM_TAOBAO,
    QUEUE_WAREHOUSE,
    REVIEW,
    SHIPPED,
    TO_SHIP,
    Order,
    OrderLine,
    Shop,
)
from office.orders import board as board_rules
from office.orders import lifecycle
from tests.conftest import hx
from tests.factories import make_department, make_user
from tests.web.test_live import Events

ADDRESS = "浙江省 杭州市 西湖区 文三路 100 号 3 幢 501 室"
CUP = ("保温杯", "颜色：白", "CUP-W", 1)
_n = {"n": 0}


@pytest.fixture
def people(app):
    from office.departments.tree import update_department

    warehouse = make_department("仓储部")
    update_department(warehouse, handles_orders=True)
    finance = make_department("财务部")
    return {
        "packer": make_user("liuqiang", department=warehouse, display_name="刘强", locale="en"),
        "outsider": make_user("sunli", department=finance, display_name="孙丽", locale="en"),
    }


@pytest.fixture
def shop(app):
    return Shop.create(name="旗舰店", platform=PLATFORM_TAOBAO)


def make_order(shop, hours_ago: float = 1, lines=None, **over) -> Order:
    """A paid order to ship, paid ``hours_ago``, with ``lines`` (title, spec, sku, qty) tuples."""
    _n["n"] += 1
    paid = utcnow() - dt.timedelta(hours=hours_ago)
    fields = {"shop": shop, "platform": shop.platform, "order_no": f"40{_n['n']:017d}", "status": TO_SHIP,
              "queue": QUEUE_WAREHOUSE, "receiver_name": "张伟", "receiver_phone": "13812345678",
              "receiver_address": ADDRESS, "paid_amount": Decimal("99.00"), "placed_at": paid, "paid_at": paid}
    fields.update(over)
    with db.atomic():
        order = Order.create(**fields)
        for position, (title, spec, sku, qty) in enumerate(lines or [CUP], start=1):
            OrderLine.create(order=order, position=position, title=title, spec=spec, sku_code=sku, quantity=qty)
    return order


def card_ids(body: str) -> list[int]:
    return [int(i) for i in re.findall(r'<li id="board-order-(\d+)"', body)]


def card_html(body: str, order_id: int) -> str:
    start = body.index(f'<li id="board-order-{order_id}"')
    ends = [i for i in (body.find('<li id="board-order-', start + 1), body.find("</ol>", start)) if i != -1]
    return body[start:min(ends)]


def figure(body: str, label: str) -> int:
    match = re.search(r"<strong>(\d+)</strong> " + re.escape(label), body)
    assert match, label
    return int(match.group(1))


def test_board_lists_orders_to_ship_priority_first_then_oldest(client, auth, people, shop):
    old = make_order(shop, hours_ago=30)
    fresh_priority = make_order(shop, hours_ago=2, is_priority=True)
    middle = make_order(shop, hours_ago=5, lines=[CUP[:3] + (2,), ("杯刷", "", "BRUSH", 1)])
    old_priority = make_order(shop, hours_ago=8, is_priority=True)
    make_order(shop, hours_ago=50, status=REVIEW)  # not yet approved for shipping
    # Shipped a moment ago, and never before the office's midnight (a run at 00:02 Beijing time).
    now = utcnow()
    make_order(shop, hours_ago=3, status=SHIPPED,
               shipped_at=max(now - dt.timedelta(minutes=5), board_rules.day_start(now)))
    auth.login(people["packer"])
    body = client.get("/orders/board").get_data(as_text=True)
    assert card_ids(body) == [old_priority.id, fresh_priority.id, old.id, middle.id]
    assert figure(body, "To ship") == 4 and figure(body, "Priority") == 2
    assert figure(body, "Waiting over 24 h") == 1 and figure(body, "Shipped today") == 1
    card = card_html(body, middle.id)
    assert middle.order_no in card and "旗舰店" in card and "Waiting 5 hours" in card
    assert "×2</strong> 保温杯" in card and "CUP-W" in card and "×1</strong> 杯刷" in card and "BRUSH" in card
    # The region, never the street or the phone: the board is read across the room.
    assert "浙江省 杭州市 西湖区 ****" in card and "文三路" not in body and "13812345678" not in body


def test_overdue_orders_carry_a_text_tag_and_age(client, auth, people, shop):
    late = make_order(shop, hours_ago=26.5)
    make_order(shop, hours_ago=0.25)
    auth.login(people["packer"])
    body = client.get("/orders/board").get_data(as_text=True)
    late_card = card_html(body, late.id)
    assert "is-overdue" in late_card and '<span class="tag tag-overdue">Overdue</span>' in late_card
    assert "Waiting 26 hours" in late_card
    assert "Waiting 15 minutes" in body
    assert body.count("tag-overdue") == 1


def test_buyer_message_is_flagged_and_escaped(client, auth, people, shop):
    make_order(shop, buyer_message="<script>alert(1)</script>请发顺丰", seller_memo="送<b>小样</b>")
    auth.login(people["packer"])
    body = client.get("/orders/board").get_data(as_text=True)
    assert "tag-message" in body and "Buyer message" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;请发顺丰" in body and "<script>alert" not in body
    assert "送&lt;b&gt;小样&lt;/b&gt;" in body


def test_empty_board(client, auth, people):
    auth.login(people["packer"])
    body = client.get("/orders/board").get_data(as_text=True)
    assert "No orders waiting to ship." in body and figure(body, "To ship") == 0


def test_board_is_bounded_and_says_how_many_there_are(client, auth, people, shop, monkeypatch):
    monkeypatch.setattr(board_rules, "LIMIT", 3)
    orders = [make_order(shop, hours_ago=10 - i) for i in range(5)]
    auth.login(people["packer"])
    body = client.get("/orders/board").get_data(as_text=True)
    assert card_ids(body) == [o.id for o in orders[:3]]
    assert "Showing the first 3 of 5 orders to ship." in body and figure(body, "To ship") == 5
    # "Print all shown" asks for exactly the cards shown.
    assert f'/orders/notes?ids={orders[0].id},{orders[1].id},{orders[2].id}"' in body


def test_board_query_count_does_not_grow(client, auth, people, shop):
    for i in range(3):
        make_order(shop, hours_ago=i + 1)
    auth.login(people["packer"])
    client.get("/orders/board")  # warm up
    # Session user, order departments (access), orders with shops, their lines, the figures,
    # and the page shell's two (unread badge, live cursor).
    with assert_query_count(7):
        first = client.get("/orders/board")
    for i in range(20):
        make_order(shop, hours_ago=i + 0.5, is_priority=i % 3 == 0,
                   lines=[("保温杯", "", f"CUP-{i}", 1), ("杯刷", "", "BRUSH", 2)])
    with assert_query_count(7):
        second = client.get("/orders/board")
    assert len(card_ids(first.get_data(as_text=True))) == 3
    assert len(card_ids(second.get_data(as_text=True))) == 23
    with assert_query_count(5):  # the partial: no badge, no live cursor
        partial = hx(client, "get", "/orders/board", target="board")
    assert "<html" not in partial.get_data(as_text=True) and "HX-Request" in partial.headers["Vary"]


def test_ship_from_the_board_without_javascript(client, auth, people, shop):
    order = make_order(shop)
    other = make_order(shop)
    auth.login(people["packer"])
    response = client.post(f"/orders/board/{order.id}/ship",
                           data={"courier": "韵达快递", "tracking_no": " 4312 3456 7890 12 "})
    assert response.status_code == 303 and response.headers["Location"].endswith("/orders/board")
    shipped = Order.get_by_id(order.id)
    assert (shipped.status, shipped.courier, shipped.tracking_no) == (SHIPPED, "韵达快递", "43123456789012")
    assert shipped.shipped_at is not None
    body = client.get("/orders/board").get_data(as_text=True)
    assert card_ids(body) == [other.id] and figure(body, "Shipped today") == 1
    assert f"Order {order.order_no} shipped: 韵达快递 43123456789012." in body
    # The courier stays chosen for the next parcel.
    assert '<option selected>韵达快递</option>' in body


def test_ship_from_the_board_with_htmx(client, auth, people, shop):
    order = make_order(shop)
    make_order(shop)
    auth.login(people["packer"])
    response = hx(client, "post", f"/orders/board/{order.id}/ship", target=f"board-order-{order.id}",
                  data={"courier": "", "tracking_no": "SF1234567890123"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and "HX-Request" in response.headers["Vary"]
    assert f'<li id="board-order-{order.id}" class="board-card board-shipped">' in body
    assert "顺丰速运 SF1234567890123" in body  # the courier told from the number
    assert 'id="board-counts" class="board-counts" hx-swap-oob="true"' in body
    assert figure(body, "To ship") == 1 and figure(body, "Shipped today") == 1
    assert Order.get_by_id(order.id).status == SHIPPED


def test_a_bad_number_keeps_the_card_with_its_error(client, auth, people, shop):
    order = make_order(shop)
    auth.login(people["packer"])
    response = hx(client, "post", f"/orders/board/{order.id}/ship", target=f"board-order-{order.id}",
                  data={"courier": "中通快递", "tracking_no": "ABC"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in body
    assert f'<li id="board-order-{order.id}"' in body
    assert 'aria-invalid="true"' in body and 'value="ABC"' in body
    assert re.search(r'id="ship-\d+-error" role="alert">[^<]+</p>', body)
    # Without JavaScript: the whole board, with the error on that card.
    plain = client.post(f"/orders/board/{order.id}/ship", data={"courier": "中通快递", "tracking_no": ""})
    page = plain.get_data(as_text=True)
    assert plain.status_code == 422 and "<html" in page and 'aria-invalid="true"' in page
    assert Order.get_by_id(order.id).status == TO_SHIP


def test_a_number_of_another_couriers_shape_is_refused(client, auth, people, shop):
    order = make_order(shop)
    auth.login(people["packer"])
    response = hx(client, "post", f"/orders/board/{order.id}/ship", target=f"board-order-{order.id}",
                  data={"courier": "中通快递", "tracking_no": "SF1234567890123"})
    assert response.status_code == 422 and "顺丰速运" in response.get_data(as_text=True)
    assert Order.get_by_id(order.id).status == TO_SHIP


def test_a_stale_card_never_rewrites_anothers_parcel(client, auth, people, shop):
    order = make_order(shop)
    lifecycle.set_tracking(order.id, "中通快递", "75123456789012", people["packer"])
    auth.login(people["packer"])
    response = hx(client, "post", f"/orders/board/{order.id}/ship", data={"courier": "韵达快递",
                                                                         "tracking_no": "43123456789012"})
    assert response.status_code == 409 and response.headers["HX-Retarget"] == "#toasts"
    other_parcel = {"courier": "韵达快递", "tracking_no": "43123456789012"}
    plain = client.post(f"/orders/board/{order.id}/ship", data=other_parcel)
    assert plain.status_code == 303
    assert Order.get_by_id(order.id).tracking_no == "75123456789012"
    # The same parcel scanned twice (a second Enter) is simply shipped already.
    again = hx(client, "post", f"/orders/board/{order.id}/ship", data={"courier": "中通快递",
                                                                      "tracking_no": "75123456789012"})
    assert again.status_code == 200 and "board-shipped" in again.get_data(as_text=True)
    refused_review = make_order(shop, status=REVIEW)
    assert hx(client, "post", f"/orders/board/{refused_review.id}/ship",
              data={"courier": "中通快递", "tracking_no": "75123456789099"}).status_code == 409
    assert Order.get_by_id(refused_review.id).status == REVIEW


def test_the_board_redraws_live_when_orders_change(client, auth, people, shop):
    leaving = make_order(shop, hours_ago=3)
    staying = make_order(shop, hours_ago=2)
    auth.login(people["packer"])
    page = client.get("/orders/board").get_data(as_text=True)
    assert "view=warehouse" in page  # the page's stream asks for the board
    after = latest_id()
    lifecycle.set_tracking(leaving.id, "中通快递", "75123456789012", people["outsider"])
    arriving = make_order(shop, hours_ago=1, is_priority=True)
    lifecycle.record(arriving, "imported", None)
    events = Events(client.get(f"/live/?after={after}&view=warehouse", buffered=True))
    body = events.get_data()
    assert len(events.data) == 1 and events.cursor == latest_id()
    assert '<div id="board" class="board" hx-swap-oob="true">' in body
    assert card_ids(body) == [arriving.id, staying.id]
    assert figure(body, "Shipped today") == 1
    # Typing survives the redraw: the boxes are preserved by htmx.
    assert f'id="ship-{staying.id}-tracking"' in body and "hx-preserve" in body
    # Other pages' streams do not carry the board, and nothing new sends nothing.
    assert 'id="board"' not in Events(client.get(f"/live/?after={after}&view=feed", buffered=True)).get_data()
    assert Events(client.get(f"/live/?after={events.cursor}&view=warehouse", buffered=True)).data == []


def test_the_live_board_is_not_sent_to_people_who_do_not_work_orders(client, auth, people, shop):
    make_order(shop)
    after = latest_id()
    lifecycle.record(make_order(shop), "imported", None)
    auth.login(people["outsider"])
    body = Events(client.get(f"/live/?after={after}&view=warehouse", buffered=True)).get_data()
    assert 'id="board"' not in body and "旗舰店" not in body


def test_people_who_do_not_work_orders_get_404(client, auth, people, shop):
    order = make_order(shop)
    auth.login(people["outsider"])
    ship = {"courier": "中通快递", "tracking_no": "75123456789012"}
    assert client.get("/orders/board").status_code == 404
    assert hx(client, "get", "/orders/board", target="board").status_code == 404
    assert client.post(f"/orders/board/{order.id}/ship", data=ship).status_code == 404
    assert hx(client, "post", f"/orders/board/{order.id}/ship", data=ship).status_code == 404
    assert Order.get_by_id(order.id).status == TO_SHIP
    auth.logout()
    auth.login(people["packer"])
    assert client.get("/orders/board").status_code == 200
    assert client.post("/orders/board/999999/ship", data=ship).status_code == 404


def test_two_packers_shipping_one_order_at_once_ship_it_once(app, people, shop):
    from tests.parallel import at_once

    order = make_order(shop)
    numbers = ["75123456789012", "78123456789012"]
    results = at_once(app, [lambda n=n: board_rules.ship(order.id, "中通快递", n, people["packer"]) for n in numbers],
                      expected=(lifecycle.OrderError,))
    shipped = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, lifecycle.OrderError)]
    assert len(shipped) == 1 and len(refused) == 1 and refused[0].field == "status"
    # The parcel that won stays recorded; the second packer is told, not silently overwriting it.
    assert Order.get_by_id(order.id).tracking_no == shipped[0].tracking_no
    from office.models.orders import OrderEvent

    assert OrderEvent.select().where(OrderEvent.order == order.id).count() == 1


# --- the scanner's loop: shipping note barcode → the order → its parcel number → back ---------

def test_scanning_a_note_opens_the_order_and_shipping_it_comes_back_to_the_scan_box(client, auth, people, shop):
    order = make_order(shop)
    other = make_order(shop)
    auth.login(people["packer"])
    board = client.get("/orders/board").get_data(as_text=True)
    assert 'id="board-scan"' in board and 'name="scan" value="1"' in board
    # Focused whenever the board loads (issue 14: the first scan of a shift was lost), not only on the way back.
    assert re.search(r'id="board-scan"[^>]*autofocus', board)
    assert re.search(r'id="board-scan"[^>]*autofocus', client.get("/orders/board?scan=1").get_data(as_text=True))

    opened = client.get(f"/orders/lookup?q={order.order_no}&scan=1")
    assert opened.status_code == 303 and opened.headers["Location"] == f"/orders/{order.id}?scan=1"
    page = client.get(opened.headers["Location"]).get_data(as_text=True)
    [box] = re.findall(rf'<input[^>]*id="ship-tracking-{order.id}"[^>]*>', page)
    assert " autofocus " in box
    assert '<input type="hidden" name="scan" value="1">' in page

    # A wrong number keeps the loop (the box again, focused, with the reason) ...
    wrong = client.post(f"/orders/{order.id}/ship", data={"courier": "", "tracking_no": "12", "scan": "1"})
    assert wrong.status_code == 422 and '<input type="hidden" name="scan" value="1">' in wrong.get_data(as_text=True)
    # ... the parcel's number ships it and goes back to the scan box, for plain posts and htmx alike.
    shipped = client.post(f"/orders/{order.id}/ship", data={"courier": "", "tracking_no": "SF1234567890123",
                                                            "scan": "1"})
    assert shipped.status_code == 303 and shipped.headers["Location"] == "/orders/board?scan=1"
    assert Order.get_by_id(order.id).status == SHIPPED
    back = client.get(shipped.headers["Location"]).get_data(as_text=True)
    assert f"Order {order.order_no} shipped" in back
    response = hx(client, "post", f"/orders/{other.id}/ship", target=f"order-{other.id}",
                  data={"courier": "", "tracking_no": "SF1234567890999", "scan": "1"})
    assert response.headers["HX-Redirect"] == "/orders/board?scan=1"


def test_a_scanned_order_shows_its_items_to_pack_first_and_keeps_them_first_when_redrawn(client, auth, people, shop):
    """Issue 14: after a scan the items to pack were below the fold (head, customer and moves came first)."""
    order = make_order(shop, lines=[("保温杯", "颜色：白", "CUP-W", 2), ("围巾", "", "", 1)], buyer_message="请发顺丰")
    auth.login(people["packer"])
    page = client.get(f"/orders/{order.id}?scan=1").get_data(as_text=True)
    main = page[page.index('<main'):]
    packing, actions = main.index(f'id="order-{order.id}-packing"'), main.index(f'id="order-{order.id}-actions"')
    head = main.index(f'id="order-{order.id}-head"')
    assert packing < actions < head
    section = main[packing:actions]
    assert section.index("×2") < section.index("保温杯") < section.index("CUP-W") < section.index("围巾")
    assert "请发顺丰" in section
    # Within the actions the tracking box comes before the moves, so it is in the first screen too.
    assert main.index(f'id="ship-tracking-{order.id}"') < main.index('class="actions order-moves"')
    # The page's stream says it was a scan, and a live redraw keeps the items first.
    assert "scan=1" in re.search(r'sse-connect="([^"]+)"', page).group(1)
    cursor = latest_id()
    lifecycle.set_priority(order.id, True, None)
    body = client.get(f"/live/?after={cursor}&view=order&order={order.id}&scan=1", buffered=True).get_data(as_text=True)
    assert f'id="order-{order.id}-packing" class="card order-packing" hx-swap-oob="true"' in body
    assert body.index(f'id="ship-tracking-{order.id}"') < body.index('class="actions order-moves"')
    # Opened from the desk, the order page is as before: no packing list, head first.
    plain = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert f'id="order-{order.id}-packing"' not in plain and "scan=1" not in plain
    assert plain.index(f'id="order-{order.id}-head"') < plain.index(f'id="order-{order.id}-actions"')
    body = client.get(f"/live/?after={cursor}&view=order&order={order.id}", buffered=True).get_data(as_text=True)
    assert f'id="order-{order.id}-packing"' not in body


def test_a_scan_that_finds_nothing_or_several_shows_the_lookup_page(client, auth, people, shop):
    make_order(shop, order_no="4012345678900001")
    make_order(shop, order_no="4012345678900002")
    auth.login(people["packer"])
    for text, count in (("9999999999", 0), ("40123456789000", 2)):
        response = client.get(f"/orders/lookup?q={text}&scan=1")
        assert response.status_code == 200 and len(re.findall(r'class="order-no" href', response.get_data(
            as_text=True))) == count
