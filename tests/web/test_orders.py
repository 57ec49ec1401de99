"""The order desk, the lookup box and the order page: tabs, queues and filters with their
counts, paging, pinned query counts, lookup by every key, every action without JS (303) and
with htmx (the order redrawn), refusals (422), escaping, and the audited reveal."""
import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from flask_babel import force_locale, gettext
from playhouse.test_utils import assert_query_count

from office.models import orders as m
from office.models.audit import AuditEvent
from office.models.orders import Order, OrderEvent, OrderLine
from office.orders import lifecycle
from office.orders.queries import PAGE_SIZE
from tests.conftest import hx
from tests.order_factories import ADDRESS, PHONE, make_order, make_shop, order_people


@pytest.fixture
def people(app):
    return order_people()


@pytest.fixture
def service(client, auth, people):
    """Signed in as 客服 王芳 (works orders, may reveal customer data)."""
    auth.login(people["service"])
    return people["service"]


def _cards(body: str) -> list[str]:
    """Order numbers of the rows (cards on a phone) on a page, in order."""
    return re.findall(r'class="order-no" href="/orders/\d+">([^<]+)</a>', body)


def _count(body: str, tab: str) -> int:
    return int(re.search(rf'id="order-count-{tab}">(\d+)<', body).group(1))


# ---------------------------------------------------------------------------------------------
# The desk.

def test_desk_lists_newest_first_with_what_matters(client, service):
    shop = make_shop("旗舰店", platform=m.PLATFORM_TMALL)
    old = make_order(shop, buyer_nick="老客户")
    new = make_order(shop, lines=[{"title": "羊毛围巾", "quantity": 2}, {"title": "手套"}], buyer_nick="新客户",
                     is_priority=True, logistics_issue=m.LOGISTICS_STUCK, status=m.SHIPPED,
                     platform_status="卖家已发货，等待买家确认", queue=m.QUEUE_WAREHOUSE)
    body = client.get("/orders/").get_data(as_text=True)
    assert _cards(body) == [new.order_no, old.order_no]
    card = body[body.index(f'id="order-row-{new.id}"'):body.index(f'id="order-row-{old.id}"')]
    assert "旗舰店 · Tmall" in card and "新客户" in card and "¥150.00" in card
    assert "羊毛围巾 and more, 3 items in all" in card  # first line's title, all pieces counted
    assert "卖家已发货，等待买家确认" in card and ">Shipped<" in card and "Warehouse" in card
    # Flags as words, not only colours.
    assert ">Urgent<" in card and "Logistics exception: Stuck in transit" in card
    # A single piece is just its title.
    single = make_order(shop, lines=[{"title": "单件商品"}])
    body = client.get("/orders/").get_data(as_text=True)
    assert '<span class="order-items">单件商品</span>' in body[body.index(f'id="order-row-{single.id}"'):]


def test_status_tabs_filter_and_count(client, service):
    shop = make_shop()
    for order_status, n in ((m.REVIEW, 3), (m.TO_SHIP, 2), (m.SHIPPED, 1), (m.CLOSED, 1)):
        for _ in range(n):
            make_order(shop, status=order_status)
    body = client.get("/orders/").get_data(as_text=True)
    assert [_count(body, tab) for tab in ("all", "review", "to_ship", "shipped", "delivered", "closed")] == \
        [7, 3, 2, 1, 0, 1]
    assert len(_cards(body)) == 7
    to_ship = client.get("/orders/?status=to_ship").get_data(as_text=True)
    assert len(_cards(to_ship)) == 2
    assert 'href="/orders/?status=to_ship" hx-get="/orders/?status=to_ship" hx-target="#order-desk" ' \
           'hx-swap="outerHTML" hx-push-url="true" aria-current="page"' in to_ship
    assert "No orders match." in client.get("/orders/?status=delivered").get_data(as_text=True)


def test_queues_show_the_exception_reason(client, service):
    shop = make_shop()
    stuck = make_order(shop, queue=m.QUEUE_EXCEPTION, exception_reason="收货地址缺失; 实付金额与明细不符")
    make_order(shop, queue=m.QUEUE_SERVICE, buyer_message="请发顺丰")
    body = client.get("/orders/?queue=exception").get_data(as_text=True)
    assert _cards(body) == [stuck.order_no]
    assert "Exception reason：</strong>收货地址缺失; 实付金额与明细不符" in body
    assert ">Exception<" in body
    # Counts follow the queue: one order to review in the exception queue.
    assert _count(body, "all") == 1 and _count(body, "review") == 1
    # Tabs keep the queue, and the queue links keep the tab.
    assert 'href="/orders/?status=review&amp;queue=exception"' in body
    assert len(_cards(client.get("/orders/?queue=service").get_data(as_text=True))) == 1


def test_shop_platform_priority_and_logistics_filters(client, service):
    taobao, jd = make_shop("淘宝店"), make_shop("京东店", platform=m.PLATFORM_JD)
    a = make_order(taobao, is_priority=True)
    b = make_order(jd, status=m.SHIPPED, logistics_issue=m.LOGISTICS_NOT_PICKED_UP)
    c = make_order(jd)
    assert _cards(client.get(f"/orders/?shop={taobao.id}").get_data(as_text=True)) == [a.order_no]
    assert _cards(client.get("/orders/?platform=jd").get_data(as_text=True)) == [c.order_no, b.order_no]
    assert _cards(client.get("/orders/?priority=1").get_data(as_text=True)) == [a.order_no]
    logistics = client.get("/orders/?logistics=y").get_data(as_text=True)
    assert _cards(logistics) == [b.order_no] and "Logistics exception: Not picked up" in logistics
    combined = client.get(f"/orders/?shop={jd.id}&status=review").get_data(as_text=True)
    assert _cards(combined) == [c.order_no]
    assert _count(combined, "all") == 2 and _count(combined, "shipped") == 1
    # The filter stays in the tab links.
    assert f'href="/orders/?status=shipped&amp;shop={jd.id}"' in combined


def test_unknown_filter_values_are_ignored(client, service):
    make_order()
    body = client.get("/orders/?status=nonsense&queue=vip&shop=abc&platform=mars&before=x")
    assert body.status_code == 200
    assert len(_cards(body.get_data(as_text=True))) == 1


def test_keyset_paging(client, service):
    shop = make_shop()
    orders = [make_order(shop, lines=1) for _ in range(PAGE_SIZE + 3)]
    first = client.get("/orders/").get_data(as_text=True)
    assert _cards(first) == [o.order_no for o in reversed(orders)][:PAGE_SIZE]
    link = re.search(r'href="(/orders/\?before=\d+)"', first).group(1)
    response = hx(client, "get", link, target="order-list")
    second = response.get_data(as_text=True)
    assert "<html" not in second and second.lstrip().startswith("{#") is False
    assert 'id="order-list"' in second and 'id="order-tabs"' not in second
    assert _cards(second) == [o.order_no for o in reversed(orders[:3])]
    assert "HX-Request" in response.headers["Vary"]


def test_tabs_and_filters_swap_the_desk(client, service):
    make_order()
    response = hx(client, "get", "/orders/?status=review", target="order-desk")
    body = response.get_data(as_text=True)
    assert "<html" not in body and body.count('id="order-desk"') == 1 and 'id="order-tabs"' in body
    assert 'id="order-lookup"' not in body


@pytest.mark.parametrize("n", [5, 50])
def test_desk_query_count_does_not_grow(client, service, n):
    shops = [make_shop(), make_shop(platform=m.PLATFORM_PDD)]
    for i in range(n):
        make_order(shops[i % 2], lines=3, is_priority=i % 3 == 0)
    client.get("/orders/")  # warm: the session's first request
    # session user, departments (access), shops (filter), counts, one page with shops (and, in the
    # same query, each row's merge partners and merged-into order), its lines, unread badge, live cursor.
    with assert_query_count(8):
        assert client.get("/orders/").status_code == 200
    with assert_query_count(8):
        assert client.get("/orders/?status=review&priority=1").status_code == 200


def test_the_bulk_form_prints_notes_and_sets_priority(client, service):
    a, b, c = make_order(), make_order(), make_order()
    body = client.get("/orders/").get_data(as_text=True)
    assert 'name="ids" value="%d"' % a.id in body
    # The checkbox's label is its tap target (40 px on a phone) and names the order.
    assert f'<label class="dt-pick" for="order-pick-{a.id}"><input type="checkbox" name="ids" value="{a.id}"' in body
    assert f'<span class="visually-hidden">Select order {a.order_no}</span></label>' in body
    from flask import url_for

    try:
        notes = url_for("orders.notes")
    except Exception:  # the warehouse's shipping notes not there yet
        notes = None
    if notes:
        assert f'<form id="order-bulk" method="get" action="{notes}"' in body

    response = client.post("/orders/priority?flag=1&status=review", data={"ids": [a.id, b.id]})
    assert response.status_code == 303 and response.headers["Location"] == "/orders/?status=review"
    assert [o.is_priority for o in Order.select().order_by(Order.id)] == [True, True, False]
    assert OrderEvent.select().where(OrderEvent.kind == "priority").count() == 2

    response = hx(client, "post", "/orders/priority?flag=0&priority=1", target="order-desk", data={"ids": [a.id]})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in page and 'id="order-desk"' in page
    assert _cards(page) == [b.order_no]  # the urgent-only filter kept
    assert json.loads(response.headers["HX-Trigger"])["orders-changed"] == {"ids": [a.id]}
    assert not Order.get_by_id(a.id).is_priority and not Order.get_by_id(c.id).is_priority


def test_bulk_priority_without_orders_or_on_a_closed_one(client, service):
    closed = make_order(status=m.CLOSED)
    other = make_order()
    response = client.post("/orders/priority?flag=1", data={})
    assert response.status_code == 303
    assert "Choose at least one order." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert hx(client, "post", "/orders/priority?flag=1", data={}).status_code == 422
    # All or nothing: the closed order refuses, the other is left as it was.
    response = hx(client, "post", "/orders/priority?flag=1", data={"ids": [other.id, closed.id]})
    assert response.status_code == 422 and response.headers["HX-Retarget"] == "#toasts"
    assert not Order.get_by_id(other.id).is_priority
    response = client.post("/orders/priority?flag=1", data={"ids": [other.id, closed.id]})
    assert response.status_code == 422 and "already Closed" in response.get_data(as_text=True)
    assert not Order.get_by_id(other.id).is_priority


def test_bulk_priority_without_js_carries_its_csrf_token(app, people):
    """The urgent buttons post the token as their own value (the form itself is a GET for the notes)."""
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    order = make_order()
    page = client.post("/login", data={"username": "wangfang", "password": "password123",
                                       "csrf_token": _token(client.get("/login").get_data(as_text=True))})
    assert page.status_code in (302, 303)
    body = client.get("/orders/").get_data(as_text=True)
    button = re.search(r'<button type="submit" name="csrf_token" value="([^"]+)" formmethod="post" '
                       r'formaction="([^"]+)"', body)
    token, action = button.group(1), button.group(2).replace("&amp;", "&")
    assert client.post(action, data={"ids": [order.id]}).status_code == 400  # no token: refused
    response = client.post(action, data={"ids": [order.id], "csrf_token": token})
    assert response.status_code == 303 and Order.get_by_id(order.id).is_priority


def _token(body: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)


# ---------------------------------------------------------------------------------------------
# The lookup box.

@pytest.fixture
def lookup_world(app):
    shop = make_shop("客服店")
    return {
        "phone": make_order(shop, receiver_phone="13900001111", buyer_nick="tb_小明"),
        "masked": make_order(shop, receiver_phone="137****2222", phone_tail="2222", buyer_nick="星星"),
        "tracking": make_order(shop, status=m.SHIPPED, courier="顺丰速运", tracking_no="SF1234567890123"),
        "number": make_order(shop, order_no="3088123456789012345"),
        "tail": make_order(shop, receiver_phone="15800001111"),
        "name": make_order(shop, receiver_name="刘晓燕", buyer_nick="小燕子"),
        "masked_name": make_order(shop, receiver_name="刘**", buyer_nick="刘家铺子"),
    }


@pytest.mark.parametrize("text,keys", [
    ("13900001111", ["phone"]),  # the whole number
    ("139 0000 1111", ["phone"]),  # as read out, with spaces
    ("+86 139-0000-1111", ["phone"]),
    ("13700002222", ["masked"]),  # exported masked by the platform: found by the full number
    ("1111", ["tail", "phone"]),  # the last four digits: newest first
    ("2222", ["masked"]),
    ("SF1234567890123", ["tracking"]),
    ("sf1234567890123", ["tracking"]),  # a scanner or a hand in lower case
    ("tb_小明", ["phone"]),  # buyer nick
    ("tb_", ["phone"]),  # its start
    ("3088123456789012345", ["number"]),  # the order number
    ("30881234", ["number"]),  # its start
    ("刘晓燕", ["name"]),  # the receiver's name, whole, where it came unmasked
    ("刘**", []),  # a mask matches nobody in particular
    ("nobody", []),
])
def test_lookup_finds_by_every_key(client, service, lookup_world, text, keys):
    response = hx(client, "get", f"/orders/lookup?q={text}", target="results")
    body = response.get_data(as_text=True)
    # Only the content of #results: the container (aria-live) stays on the page.
    assert response.status_code == 200 and "<html" not in body and 'id="results"' not in body
    assert _cards(body) == [lookup_world[k].order_no for k in keys]
    if not keys:
        assert "No order found" in body


def test_a_whole_name_finds_nothing_for_who_sees_names_masked(client, auth, people, lookup_world):
    auth.login(people["warehouse"])  # works orders, customer data masked: the name must not be confirmable
    assert _cards(hx(client, "get", "/orders/lookup?q=刘晓燕", target="results").get_data(as_text=True)) == []


def test_lookup_needs_six_characters_for_an_order_number_prefix(client, service, lookup_world):
    assert _cards(client.get("/orders/lookup?q=3088").get_data(as_text=True)) == []


def test_lookup_with_one_hit_links_straight_to_it(client, service, lookup_world):
    body = client.get("/orders/lookup?q=SF1234567890123").get_data(as_text=True)
    order = lookup_world["tracking"]
    assert f'<a class="button primary" href="/orders/{order.id}">Open order {order.order_no}</a>' in body
    several = client.get("/orders/lookup?q=1111").get_data(as_text=True)
    assert "Open order" not in several and "2 orders for" in several


def test_lookup_renders_standalone_and_on_the_desk(client, service, lookup_world):
    page = client.get("/orders/lookup?q=1111").get_data(as_text=True)
    assert "<html" in page and 'value="1111"' in page and '<div id="results"' in page
    desk = client.get("/orders/").get_data(as_text=True)
    for attribute in ('hx-get="/orders/lookup"', 'hx-trigger="input changed delay:300ms, search"',
                      'hx-push-url="true"', 'hx-target="#results"', 'name="q"'):
        assert attribute in desk
    assert '<div id="results" class="lookup-results" aria-live="polite"></div>' in desk
    # Receivers in the results are masked.
    assert "139****1111" in page and "13900001111" not in page
    empty = client.get("/orders/lookup?q=").get_data(as_text=True)
    assert "No order found" not in empty


def test_lookup_text_is_escaped(client, service):
    body = client.get("/orders/lookup?q=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


# ---------------------------------------------------------------------------------------------
# The order page.

def test_order_page_shows_everything(app, client, service, people):
    from office.orders.routing import create_rule

    shop = make_shop("天猫旗舰店", platform=m.PLATFORM_TMALL)
    rule = create_rule("有留言客服确认", m.QUEUE_SERVICE, has_message=True)
    order = make_order(shop, lines=[{"title": "羊毛围巾", "spec": "颜色：驼色", "sku_code": "WJ-01", "quantity": 2,
                                     "unit_price": Decimal("89.00")}],
                       queue=m.QUEUE_SERVICE, rule=rule, buyer_message="请发顺丰", seller_memo="老客户",
                       discount=Decimal("8.00"), shipping_fee=Decimal("10.00"), paid_amount=Decimal("180.00"),
                       is_priority=True, platform_status="买家已付款，等待卖家发货")
    lifecycle.set_priority(order.id, False, people["warehouse"])
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    for text in (order.order_no, "天猫旗舰店 · Tmall", "To review", "买家已付款，等待卖家发货", "Customer service confirms",
                 "Routed by rule 有留言客服确认", "Buyer message present", "请发顺丰", "老客户",
                 "羊毛围巾", "颜色：驼色", "WJ-01", "¥89.00", "¥178.00", "−¥8.00", "¥10.00", "¥180.00",
                 "张*", "138****5678", "浙江省 杭州市 西湖区 ****"):
        assert text in body, text
    # The timeline: who and when (office time, Asia/Shanghai), what.
    timeline = body[body.index(f'id="order-{order.id}-timeline"'):]
    assert "Imported" in timeline and "System" in timeline
    # The kind is shown in the reader's language; a detail is written once, in the office's (Chinese).
    with app.test_request_context(), force_locale("zh_CN"):
        removed = gettext("Priority removed")
    assert "刘强" in timeline and "Priority" in timeline and removed in timeline
    event = OrderEvent.select().where(OrderEvent.kind == "priority").get()
    local = (event.created_at + dt.timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    assert local in timeline
    # Live: the page's stream follows this order.
    assert "view=order" in body and f"order={order.id}" in body


def test_order_page_escapes_what_buyers_and_sellers_wrote(client, service):
    order = make_order(buyer_message='<script>alert("x")</script>', seller_memo="<b>备注</b>",
                       buyer_nick="<img src=x onerror=alert(1)>",
                       lines=[{"title": "<i>商品</i>", "spec": "<u>规格</u>"}, {}])
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    for raw in ('<script>alert("x")</script>', "<b>备注</b>", "<img src=x", "<i>商品</i>", "<u>规格</u>"):
        assert raw not in body
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in body and "&lt;b&gt;备注&lt;/b&gt;" in body
    desk = client.get("/orders/").get_data(as_text=True)
    assert "<img src=x" not in desk and "<i>商品</i>" not in desk


def test_order_page_links_split_and_merge_relations(client, service):
    shop = make_shop()
    first = make_order(shop, lines=3)
    line = OrderLine.select().where(OrderLine.order == first.id).order_by(OrderLine.id).first()
    new = lifecycle.split(first.id, [line.id], None)
    body = client.get(f"/orders/{first.id}").get_data(as_text=True)
    assert f'Split off <a href="/orders/{new.id}">{new.order_no}</a>' in body
    child = client.get(f"/orders/{new.id}").get_data(as_text=True)
    assert f'Split from <a href="/orders/{first.id}">{first.order_no}</a>' in child
    a, b = make_order(shop, buyer_nick="同一买家"), make_order(shop, buyer_nick="同一买家")
    lifecycle.merge([a.id, b.id], None)
    assert f'Merged in <a href="/orders/{b.id}">' in client.get(f"/orders/{a.id}").get_data(as_text=True)
    assert f'Merged into <a href="/orders/{a.id}">' in client.get(f"/orders/{b.id}").get_data(as_text=True)


@pytest.mark.parametrize("lines,events", [(2, 0), (20, 15)])
def test_order_page_query_count_does_not_grow(client, service, people, lines, events):
    order = make_order(lines=lines)
    for i in range(events):
        lifecycle.set_priority(order.id, i % 2 == 0, people["warehouse"])
    client.get(f"/orders/{order.id}")
    # session user, departments, the live cursor, the order with shop and rule, lines, timeline with
    # people, related orders, mergeable orders, unread badge.
    with assert_query_count(9):
        assert client.get(f"/orders/{order.id}").status_code == 200


def test_unknown_order_is_404(client, service):
    assert client.get("/orders/999").status_code == 404
    assert hx(client, "get", "/orders/999").status_code == 404


def test_htmx_gets_the_order_section(client, service):
    order = make_order()
    response = hx(client, "get", f"/orders/{order.id}", target=f"order-{order.id}")
    body = response.get_data(as_text=True)
    assert "<html" not in body and body.count(f'id="order-{order.id}"') == 1


# ---------------------------------------------------------------------------------------------
# Actions.

def test_only_allowed_actions_are_shown(client, service):
    review = client.get(f"/orders/{make_order().id}").get_data(as_text=True)
    assert 'value="to_ship"' in review and "Pass review" in review
    assert 'value="delivered"' not in review and "ship-form" not in review
    assert 'hx-confirm="Close order' in review
    to_ship = make_order(status=m.TO_SHIP, queue=m.QUEUE_WAREHOUSE)
    page = client.get(f"/orders/{to_ship.id}").get_data(as_text=True)
    assert "ship-form" in page and 'name="tracking_no"' in page and 'enterkeyhint="send"' in page
    assert "autofocus" not in page
    assert "autofocus" in client.get(f"/orders/{to_ship.id}?scan=1").get_data(as_text=True)
    closed = client.get(f"/orders/{make_order(status=m.CLOSED).id}").get_data(as_text=True)
    assert "/move" not in closed and "/priority" not in closed and "/split" not in closed
    single = client.get(f"/orders/{make_order(lines=1).id}").get_data(as_text=True)
    assert "/split" not in single


def test_move_without_js_and_with_htmx(client, service):
    order = make_order()
    response = client.post(f"/orders/{order.id}/move", data={"to": m.TO_SHIP})
    assert response.status_code == 303 and response.headers["Location"] == f"/orders/{order.id}"
    assert Order.get_by_id(order.id).status == m.TO_SHIP
    response = hx(client, "post", f"/orders/{order.id}/move", target=f"order-{order.id}", data={"to": m.REVIEW})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and f'id="order-{order.id}"' in body
    assert json.loads(response.headers["HX-Trigger"])["order-changed"] == {"id": order.id}
    assert Order.get_by_id(order.id).status == m.REVIEW
    assert "Status changed" in body and "To ship → To review" in body


def test_refused_move_is_422_with_the_reason(client, service):
    order = make_order()
    response = client.post(f"/orders/{order.id}/move", data={"to": m.DELIVERED})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" in body
    assert "An order that is To review cannot become" in body and 'id="action-error"' in body
    response = hx(client, "post", f"/orders/{order.id}/move", data={"to": m.DELIVERED})
    assert response.status_code == 422 and response.headers["HX-Retarget"] == "#toasts"
    assert "cannot become" in response.get_data(as_text=True)
    assert client.post(f"/orders/{order.id}/move", data={"to": "nowhere"}).status_code == 400
    assert Order.get_by_id(order.id).status == m.REVIEW


def test_a_second_click_is_refused_not_applied_twice(client, service):
    order = make_order()
    assert client.post(f"/orders/{order.id}/move", data={"to": m.TO_SHIP}).status_code == 303
    response = client.post(f"/orders/{order.id}/move", data={"to": m.TO_SHIP})
    assert response.status_code == 422 and "already To ship" in response.get_data(as_text=True)
    assert OrderEvent.select().where(OrderEvent.kind == "moved").count() == 1


def test_ship_with_a_scanned_tracking_number(client, service):
    order = make_order(status=m.TO_SHIP, queue=m.QUEUE_WAREHOUSE)
    response = client.post(f"/orders/{order.id}/ship", data={"courier": "", "tracking_no": " sf 1234567890123\n"})
    assert response.status_code == 303
    shipped = Order.get_by_id(order.id)
    assert (shipped.status, shipped.courier, shipped.tracking_no) == (m.SHIPPED, "顺丰速运", "SF1234567890123")
    # A shipped order's number can be corrected (htmx).
    response = hx(client, "post", f"/orders/{order.id}/ship", target=f"order-{order.id}",
                  data={"courier": "中通快递", "tracking_no": "75123456789012"})
    assert response.status_code == 200 and "75123456789012" in response.get_data(as_text=True)
    assert Order.get_by_id(order.id).tracking_no == "75123456789012"


def test_ship_errors_show_under_the_field(client, service):
    order = make_order(status=m.TO_SHIP, queue=m.QUEUE_WAREHOUSE)
    response = client.post(f"/orders/{order.id}/ship", data={"courier": "", "tracking_no": ""})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" in body
    assert f'id="ship-tracking-{order.id}-error"' in body and "Enter the tracking number" in body
    assert "autofocus" in body  # back in the box for the next scan
    response = hx(client, "post", f"/orders/{order.id}/ship", target=f"order-{order.id}",
                  data={"courier": "", "tracking_no": "1234567890"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in body
    assert f'id="ship-courier-{order.id}-error"' in body and 'value="1234567890"' in body
    assert Order.get_by_id(order.id).status == m.TO_SHIP


def test_ship_refused_for_an_order_still_to_review(client, service):
    order = make_order()
    response = hx(client, "post", f"/orders/{order.id}/ship", data={"courier": "顺丰速运", "tracking_no": "SF1234567890"})
    assert response.status_code == 422
    assert Order.get_by_id(order.id).status == m.REVIEW


def test_priority_toggle(client, service):
    order = make_order()
    assert client.post(f"/orders/{order.id}/priority", data={"flag": "1"}).status_code == 303
    assert Order.get_by_id(order.id).is_priority
    body = hx(client, "post", f"/orders/{order.id}/priority", target=f"order-{order.id}",
              data={"flag": "0"}).get_data(as_text=True)
    assert not Order.get_by_id(order.id).is_priority and "Mark urgent" in body


def test_resolve_an_exception(client, service):
    order = make_order(queue=m.QUEUE_EXCEPTION, exception_reason="手机号缺失")
    page = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert f'id="resolve-queue-{order.id}"' in page and 'value="exception"' not in page
    assert client.post(f"/orders/{order.id}/resolve", data={"queue": "nowhere"}).status_code == 422
    response = client.post(f"/orders/{order.id}/resolve", data={"queue": m.QUEUE_WAREHOUSE})
    assert response.status_code == 303
    resolved = Order.get_by_id(order.id)
    assert (resolved.queue, resolved.status, resolved.exception_reason) == (m.QUEUE_WAREHOUSE, m.TO_SHIP, "")
    response = hx(client, "post", f"/orders/{order.id}/resolve", data={"queue": m.QUEUE_SERVICE})
    assert response.status_code == 422 and "not in the exception queue" in response.get_data(as_text=True)


def test_merge_from_the_order_page(client, service):
    shop = make_shop()
    a, b = make_order(shop, buyer_nick="同一买家"), make_order(shop, buyer_nick="同一买家")
    make_order(shop, buyer_nick="同一买家", receiver_address="上海市 浦东新区 世纪大道 1 号")  # elsewhere
    page = client.get(f"/orders/{a.id}").get_data(as_text=True)
    merge_form = page[page.index('class="merge-form"'):]
    assert f'name="ids" value="{b.id}"' in merge_form and merge_form.count('name="ids"') == 1
    assert "hx-confirm" in page[page.index("/merge"):page.index('class="merge-form"') + 200]
    assert client.post(f"/orders/{a.id}/merge", data={}).status_code == 422
    response = client.post(f"/orders/{a.id}/merge", data={"ids": [b.id]})
    assert response.status_code == 303 and response.headers["Location"] == f"/orders/{a.id}"
    assert Order.get_by_id(b.id).status == m.CLOSED and Order.get_by_id(b.id).merged_into_id == a.id
    assert OrderLine.select().where(OrderLine.order == a.id).count() == 4
    response = hx(client, "post", f"/orders/{a.id}/merge", data={"ids": [b.id]})
    assert response.status_code == 422


def test_the_desk_flags_mergeable_orders_and_lists_them(client, service):
    """Issue 14: nothing said which orders could be merged."""
    shop, other_shop = make_shop(), make_shop()
    a, b = make_order(shop, buyer_nick="同一买家"), make_order(shop, buyer_nick="同一买家")
    elsewhere = make_order(shop, buyer_nick="同一买家", receiver_address="上海市 浦东新区 世纪大道 1 号")
    other = make_order(other_shop, buyer_nick="同一买家")  # another shop
    shipped = make_order(shop, buyer_nick="同一买家", status=m.SHIPPED)  # too late
    unpaid = make_order(shop, buyer_nick="同一买家", status=m.UNPAID, paid_at=None)
    lonely = make_order(shop, buyer_nick="独立买家")
    body = client.get("/orders/").get_data(as_text=True)

    def card(order):
        start = body.index(f'id="order-row-{order.id}"')
        return body[start:body.index("</tr>", start)]

    for order in (a, b):
        assert f'class="tag order-flag flag-mergeable" href="/orders/{order.id}#order-{order.id}-merge"' in card(order)
        assert "Mergeable with 1 order" in card(order)
    for order in (elsewhere, other, shipped, unpaid, lonely):
        assert "flag-mergeable" not in card(order)
    # The link lands on the order's merge form.
    page = client.get(f"/orders/{a.id}").get_data(as_text=True)
    assert f'id="order-{a.id}-merge" class="merge-form"' in page
    # The filter lists the candidates only, without a query more.
    client.get("/orders/?mergeable=1")
    with assert_query_count(8):
        body = client.get("/orders/?mergeable=1").get_data(as_text=True)
    assert sorted(_cards(body)) == sorted([a.order_no, b.order_no])
    assert 'name="mergeable"' in body and _count(body, "all") == 2
    # Merged, neither is a candidate any more.
    lifecycle.merge([a.id, b.id], None)
    body = client.get("/orders/?mergeable=1").get_data(as_text=True)
    assert _cards(body) == []


def test_a_merged_away_order_says_where_its_goods_went(client, service):
    """Issue 14: the merged-away order said only "已关闭"."""
    shop = make_shop()
    a, b = make_order(shop, buyer_nick="同一买家"), make_order(shop, buyer_nick="同一买家")
    closed = make_order(shop, status=m.CLOSED)  # closed for another reason: still 已关闭
    lifecycle.merge([a.id, b.id], None)
    link = f'<a href="/orders/{a.id}">#{a.order_no}</a>'
    body = client.get("/orders/").get_data(as_text=True)
    row = body[body.index(f'id="order-row-{b.id}"'):]
    row = row[:row.index("</tr>")]
    assert f'data-merged-into="{a.id}">Merged into {link}</span>' in row and ">Closed<" not in row
    closed_row = body[body.index(f'id="order-row-{closed.id}"'):]
    assert ">Closed<" in closed_row[:closed_row.index("</tr>")]
    head = client.get(f"/orders/{b.id}").get_data(as_text=True)
    head = head[head.index(f'id="order-{b.id}-head"'):]
    head = head[:head.index("</section>")]
    assert f"Merged into {link}" in head and ">Closed<" not in head
    # The lookup box says it too; and in Chinese it reads 已合并到 #单号.
    found = client.get(f"/orders/lookup?q={b.order_no}").get_data(as_text=True)
    assert f"Merged into {link}" in found
    with force_locale("zh"):
        assert gettext("Merged into %(order)s", order="#1") == "已合并到 #1"


def test_split_from_the_order_page(client, service):
    order = make_order(lines=3)
    line_ids = [line.id for line in OrderLine.select().where(OrderLine.order == order.id).order_by(OrderLine.id)]
    response = hx(client, "post", f"/orders/{order.id}/split", target=f"order-{order.id}",
                  data={"line_ids": [line_ids[0]]})
    body = response.get_data(as_text=True)
    new = Order.get(Order.parent == order.id)
    assert response.status_code == 200 and f'Split off <a href="/orders/{new.id}">{order.order_no}-S1</a>' in body
    response = client.post(f"/orders/{order.id}/split", data={"line_ids": line_ids[1:]})
    assert response.status_code == 422 and "Leave at least one line" in response.get_data(as_text=True)
    assert client.post(f"/orders/{order.id}/split", data={"line_ids": [line_ids[1]]}).status_code == 303
    assert Order.select().where(Order.parent == order.id).count() == 2


# ---------------------------------------------------------------------------------------------
# Customer data.

def test_reveal_shows_full_values_and_is_audited(client, service):
    order = make_order()
    page = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert PHONE not in page and "文三路" not in page and "Show full details" in page
    response = hx(client, "post", f"/orders/{order.id}/reveal", target=f"order-{order.id}-customer")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert f'<a href="tel:{PHONE}">{PHONE}</a>' in body and ADDRESS in body and "张伟" in body
    audit = AuditEvent.get(AuditEvent.action == "order_revealed")
    assert (audit.actor_id, audit.target_type, audit.target_id, audit.subject) == \
        (service.id, "orders", order.id, order.order_no)
    event = OrderEvent.get(OrderEvent.kind == "revealed")
    assert event.actor_id == service.id and event.order_id == order.id
    # Without JS: the page, revealed (and audited again).
    page = client.post(f"/orders/{order.id}/reveal")
    assert page.status_code == 200 and PHONE in page.get_data(as_text=True)
    assert AuditEvent.select().where(AuditEvent.action == "order_revealed").count() == 2
    # Shown once, not kept: the next visit is masked again, with the views on the timeline.
    again = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert PHONE not in again and again.count("Customer data viewed") == 2


def test_a_director_may_reveal(client, auth, people):
    order = make_order()
    auth.login(people["director"])
    assert PHONE in client.post(f"/orders/{order.id}/reveal").get_data(as_text=True)


# ---------------------------------------------------------------------------------------------
# Live.

def test_the_open_order_page_is_redrawn_live_but_the_customer_section_is_kept(client, service, people):
    from office.live.events import latest_id

    order = make_order()
    other = make_order()
    cursor = latest_id()
    lifecycle.move(order.id, m.TO_SHIP, people["warehouse"])
    body = client.get(f"/live/?after={cursor}&view=order&order={order.id}", buffered=True).get_data(as_text=True)
    assert f'id="order-{order.id}-head" class="card order-head" hx-swap-oob="true"' in body
    assert f'id="order-{order.id}-timeline"' in body and f'id="order-{order.id}-actions"' in body
    assert f'id="order-{order.id}-customer"' not in body
    assert "刘强" in body
    # Another order's change leaves this page alone.
    cursor = latest_id()
    lifecycle.set_priority(other.id, True, people["warehouse"])
    body = client.get(f"/live/?after={cursor}&view=order&order={order.id}", buffered=True).get_data(as_text=True)
    assert f'id="order-{order.id}-head"' not in body
