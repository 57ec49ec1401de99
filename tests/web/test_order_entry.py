"""Orders typed in by hand (/orders/new): saved through intake like an import (validated and
routed on arrival, with a timeline row), without JS (303) and with htmx (HX-Redirect);
refusals (422) keep every value and save nothing."""
import re
from decimal import Decimal

import pytest

from office.models import orders as m
from office.models.inventory import Product
from office.models.orders import Order, OrderEvent, OrderLine
from tests.conftest import hx
from tests.order_factories import make_shop, order_people

URL = "/orders/new"


@pytest.fixture
def people(app):
    return order_people()


@pytest.fixture
def shop(app):
    return make_shop("微信私域店", platform=m.PLATFORM_OTHER)


@pytest.fixture
def service(client, auth, people):
    auth.login(people["service"])
    return people["service"]


def _form(in_shop, **over) -> dict:
    data = {"shop": str(in_shop.id), "order_no": "", "buyer_nick": "老客户张姐", "receiver_name": "张丽华",
            "receiver_phone": "13957120001", "receiver_address": "浙江省 杭州市 西湖区 文三路 478 号",
            "buyer_message": "周末送", "seller_memo": "微信下单，已转账", "shipping_fee": "10.00", "discount": "5.00",
            "lines-0-title": "316 不锈钢保温杯", "lines-0-sku_code": "BWB-500", "lines-0-quantity": "2",
            "lines-0-unit_price": "89.00",
            "lines-1-title": "保温杯礼盒", "lines-1-sku_code": "", "lines-1-quantity": "1", "lines-1-unit_price": "20",
            }
    data.update(over)
    return {key: value for key, value in data.items() if value is not None}


def test_the_form_lists_the_shops_and_five_item_rows(client, service, shop):
    body = client.get(URL).get_data(as_text=True)
    assert "微信私域店" in body and 'name="lines-4-unit_price"' in body and 'name="lines-5-title"' not in body
    assert 'href="/orders/new"' in client.get("/orders/").get_data(as_text=True)


def test_an_order_typed_in_is_saved_routed_and_timelined(client, service, shop):
    response = client.post(URL, data=_form(shop))
    assert response.status_code == 303
    order = Order.get()
    assert response.headers["Location"].endswith(f"/orders/{order.id}")
    assert re.fullmatch(r"SD\d{20}", order.order_no)  # SD, Beijing date and time, six random digits
    assert (order.source, order.platform, order.shop_id) == (m.SOURCE_MANUAL, m.PLATFORM_OTHER, shop.id)
    assert (order.goods_amount, order.discount, order.shipping_fee, order.paid_amount) == (
        Decimal("198.00"), Decimal("5.00"), Decimal("10.00"), Decimal("203.00"))
    assert order.paid_at is not None and order.status in (m.REVIEW, m.TO_SHIP) and order.queue
    assert (order.receiver_name, order.buyer_message, order.seller_memo) == ("张丽华", "周末送", "微信下单，已转账")
    lines = list(OrderLine.select().where(OrderLine.order == order.id).order_by(OrderLine.position))
    assert [(ln.title, ln.sku_code, ln.quantity, ln.unit_price) for ln in lines] == [
        ("316 不锈钢保温杯", "BWB-500", 2, Decimal("89.00")), ("保温杯礼盒", "", 1, Decimal("20.00"))]
    event = OrderEvent.get(OrderEvent.order == order.id)
    assert (event.kind, event.actor_id) == ("created", service.id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Order {order.order_no} saved." in page and "Entered by hand" in page


def test_with_htmx_the_browser_is_sent_to_the_order(client, service, shop):
    response = hx(client, "post", URL, target="entry-form", data=_form(shop, order_no="WX 2026 1202 01"))
    order = Order.get()
    assert order.order_no == "WX2026120201"  # spaces a hand typed are dropped
    assert response.status_code == 204 and response.headers["HX-Redirect"] == f"/orders/{order.id}"


def test_validation_on_arrival_applies(client, service, shop):
    Product.create(sku_code="BWB-500", name="保温杯", price=Decimal("129.00"))
    client.post(URL, data=_form(shop, **{"lines-0-unit_price": "9.90"}))
    order = Order.get()
    assert order.queue == m.QUEUE_EXCEPTION and "BWB-500" in order.exception_reason


@pytest.mark.parametrize("change,error_id,text", [
    ({"receiver_name": ""}, "receiver_name-error", "Enter the receiver."),
    ({"receiver_phone": ""}, "receiver_phone-error", "Enter the receiver's phone."),
    ({"receiver_address": ""}, "receiver_address-error", "Enter the delivery address."),
    ({"lines-0-title": "", "lines-0-sku_code": "", "lines-0-quantity": "", "lines-0-unit_price": "",
      "lines-1-title": "", "lines-1-quantity": "", "lines-1-unit_price": ""}, "lines-error", "Enter at least one item"),
    ({"lines-1-unit_price": ""}, "lines-1-unit_price-error", "Enter the price."),
    ({"lines-1-quantity": "0"}, "lines-1-quantity-error", "between 1 and"),
    ({"lines-1-quantity": "两个"}, "lines-1-quantity-error", "integer"),
    ({"lines-1-title": "", "lines-1-sku_code": ""}, "lines-1-title-error", "Give the item a title or a SKU code."),
    ({"discount": "500"}, "discount-error", "The discount is more than the goods are worth."),
    ({"shipping_fee": "-1"}, "shipping_fee-error", "between 0 and"),
    ({"shop": "99999"}, "shop-error", "Not a valid choice"),
    ({"lines-1-unit_price": "sNaN"}, "lines-1-unit_price-error", "Enter an amount such as 129 or 129.50."),
    ({"discount": "Infinity"}, "discount-error", "Enter an amount such as 129 or 129.50."),
    ({"shipping_fee": "0.001"}, "shipping_fee-error", "Enter an amount such as 129 or 129.50."),
    ({"lines-0-quantity": "100000", "lines-0-unit_price": "1000000"}, "lines-error",
     "The amounts are too large for one order."),
])
@pytest.mark.parametrize("with_htmx", [False, True], ids=["page", "partial"])
def test_bad_input_is_refused_with_its_reason_and_saves_nothing(client, service, shop, change, error_id, text,
                                                                 with_htmx):
    data = _form(shop, **change)
    response = hx(client, "post", URL, target="entry-form", data=data) if with_htmx else client.post(URL, data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert ("<html" in body) is not with_htmx
    error = re.search(rf'id="{error_id}">([^<]*)<', body)
    assert error and text in error.group(1), body
    assert 'value="老客户张姐"' in body  # what was typed stays
    assert Order.select().count() == 0 and OrderLine.select().count() == 0


def test_an_order_number_already_stored_is_refused(client, service, shop):
    assert client.post(URL, data=_form(shop, order_no="WX001")).status_code == 303
    again = client.post(URL, data=_form(shop, order_no="WX001", receiver_name="别人"))
    assert again.status_code == 422
    assert re.search(r'id="order_no-error">Order WX001 is already stored', again.get_data(as_text=True))
    assert Order.select().count() == 1 and Order.get().receiver_name == "张丽华"


def test_typed_text_is_escaped_on_the_order_page(client, service, shop):
    client.post(URL, data=_form(shop, receiver_name="<b>张</b>", buyer_message="<script>alert(1)</script>"))
    page = client.get(f"/orders/{Order.get().id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_who_does_not_work_orders_gets_404(client, auth, people, shop):
    auth.login(people["outsider"])
    assert client.get(URL).status_code == 404
    assert client.post(URL, data=_form(shop)).status_code == 404
    assert Order.select().count() == 0
