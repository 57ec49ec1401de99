"""/orders/rules: admins edit the routing rules; order workers read them; others see nothing."""
from __future__ import annotations

from decimal import Decimal

import pytest
from playhouse.test_utils import assert_query_count

from office.models.orders import PLATFORM_TMALL, QUEUE_REVIEW, QUEUE_SERVICE, QUEUE_WAREHOUSE, RoutingRule, Shop
from office.models.people import Department
from office.orders import routing
from tests.conftest import hx
from tests.factories import make_department, make_user


@pytest.fixture
def worker(app):
    """客服 who works orders but is no administrator."""
    service = make_department("客服部")
    Department.update(handles_orders=True).where(Department.id == service.id).execute()
    return make_user("kefu", department=service, display_name="王客服")


def names() -> list[str]:
    return [rule.name for rule in routing.all_rules()]


def add(name: str, queue: str = QUEUE_SERVICE, **over) -> RoutingRule:
    return routing.create_rule(name, queue, **over)


def form_data(**over) -> dict:
    data = {"name": "留言客服确认", "has_message": "yes", "min_amount": "", "shop": "0", "platform": "",
            "sku_code": "", "queue": QUEUE_SERVICE, "is_active": "y"}
    data.update(over)
    return data


def test_admin_sees_the_list_with_descriptions_and_fallback(client, auth, admin):
    add("留言", has_message=True, min_amount="500")
    auth.login(admin)
    response = client.get("/orders/rules")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "留言" in body
    assert "¥500.00" in body
    assert 'id="new-rule-name"' in body  # the form is there for admins
    assert "rule-fallback" in body


def test_admin_creates_a_rule_without_js(client, auth, admin):
    auth.login(admin)
    response = client.post("/orders/rules/new", data=form_data(min_amount="99.5"))
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/orders/rules")
    rule = RoutingRule.get()
    assert (rule.name, rule.has_message, rule.min_amount, rule.queue, rule.is_active) == (
        "留言客服确认", True, Decimal("99.50"), QUEUE_SERVICE, True)


def test_admin_creates_a_rule_with_htmx(client, auth, admin):
    shop = Shop.create(name="天猫旗舰店", platform=PLATFORM_TMALL)
    auth.login(admin)
    response = hx(client, "post", "/orders/rules/new", target="rule-list",
                  data=form_data(name="天猫审核", has_message="", shop=str(shop.id), queue=QUEUE_REVIEW))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<html" not in body and 'id="rule-list"' in body
    assert "天猫审核" in body
    assert "HX-Request" in response.headers["Vary"]
    assert "rules-changed" in response.headers["HX-Trigger"]
    assert RoutingRule.get().shop_id == shop.id


@pytest.mark.parametrize("data, field", [
    (form_data(name=""), "new-rule-name"),
    (form_data(min_amount="-5"), "new-rule-min-amount"),
    (form_data(min_amount="abc"), "new-rule-min-amount"),
    (form_data(queue="exception"), "new-rule-queue"),
    (form_data(shop="999"), "new-rule-shop"),
])
def test_invalid_rules_are_refused_with_the_form(client, auth, admin, data, field):
    auth.login(admin)
    for send in (client.post, lambda url, data: hx(client, "post", url, target="rule-list", data=data)):
        response = send("/orders/rules/new", data=data)
        assert response.status_code == 422
        assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert RoutingRule.select().count() == 0


def test_admin_edits_a_rule(client, auth, admin):
    rule = add("old")
    auth.login(admin)
    page = client.get(f"/orders/rules/{rule.id}/edit")
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)
    inline = hx(client, "get", f"/orders/rules/{rule.id}/edit", target=f"rule-{rule.id}")
    body = inline.get_data(as_text=True)
    assert "<html" not in body and f'id="rule-{rule.id}"' in body and 'value="old"' in body
    response = client.post(f"/orders/rules/{rule.id}/edit",
                           data=form_data(name="new", has_message="no", queue=QUEUE_REVIEW, is_active=""))
    assert response.status_code == 303
    rule = RoutingRule.get_by_id(rule.id)
    assert (rule.name, rule.has_message, rule.queue, rule.is_active) == ("new", False, QUEUE_REVIEW, False)
    response = hx(client, "post", f"/orders/rules/{rule.id}/edit", target=f"rule-{rule.id}",
                  data=form_data(name="newer"))
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#rule-list"
    assert "newer" in response.get_data(as_text=True)
    invalid = hx(client, "post", f"/orders/rules/{rule.id}/edit", target=f"rule-{rule.id}", data=form_data(name=""))
    assert invalid.status_code == 422
    assert f'id="rule-{rule.id}-name-error"' in invalid.get_data(as_text=True)
    cancel = hx(client, "get", f"/orders/rules/{rule.id}/row", target=f"rule-{rule.id}")
    assert cancel.status_code == 200 and "newer" in cancel.get_data(as_text=True)


def test_admin_deletes_after_confirming(client, auth, admin):
    keep, gone = add("keep"), add("gone")
    auth.login(admin)
    confirm = client.get(f"/orders/rules/{gone.id}/delete")
    assert confirm.status_code == 200 and "gone" in confirm.get_data(as_text=True)
    assert names() == ["keep", "gone"]  # asking is not deleting
    assert client.post(f"/orders/rules/{gone.id}/delete").status_code == 303
    assert names() == ["keep"]
    response = hx(client, "post", f"/orders/rules/{keep.id}/delete", target="rule-list")
    assert response.status_code == 200 and 'id="rule-list"' in response.get_data(as_text=True)
    assert names() == []
    assert client.post(f"/orders/rules/{keep.id}/delete").status_code == 404


def test_admin_moves_rules(client, auth, admin):
    a, b, c = add("a"), add("b"), add("c")
    auth.login(admin)
    assert client.post(f"/orders/rules/{c.id}/move", data={"direction": "up"}).status_code == 303
    assert names() == ["a", "c", "b"]
    response = hx(client, "post", f"/orders/rules/{a.id}/move", target="rule-list", data={"direction": "down"})
    assert response.status_code == 200
    assert names() == ["c", "a", "b"]
    body = response.get_data(as_text=True)
    assert body.index(">c") < body.index(">a") < body.index(">b")
    # The first rule cannot go up nor the last down: no such buttons.
    assert body.count('name="direction" value="up"') == 2
    assert body.count('name="direction" value="down"') == 2
    first_row = body[body.index(f'id="rule-{c.id}"'):body.index(f'id="rule-{a.id}"')]
    assert 'value="up"' not in first_row
    bad = hx(client, "post", f"/orders/rules/{a.id}/move", target="rule-list", data={"direction": "sideways"})
    assert bad.status_code == 400 and bad.headers["HX-Retarget"] == "#toasts"


def test_worker_reads_but_cannot_change(client, auth, worker):
    rule = add("留言", has_message=True)
    auth.login(worker)
    response = client.get("/orders/rules")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "留言" in body
    assert "new-rule-name" not in body and "/move" not in body and "/edit" not in body
    assert hx(client, "get", "/orders/rules", target="rule-list").status_code == 200
    for method, url, data in [
        ("post", "/orders/rules/new", form_data()),
        ("get", f"/orders/rules/{rule.id}/edit", None),
        ("post", f"/orders/rules/{rule.id}/edit", form_data(name="x")),
        ("get", f"/orders/rules/{rule.id}/delete", None),
        ("post", f"/orders/rules/{rule.id}/delete", None),
        ("post", f"/orders/rules/{rule.id}/move", {"direction": "down"}),
    ]:
        assert client.open(url, method=method.upper(), data=data).status_code == 403, url
        assert hx(client, method, url, target="rule-list", data=data).status_code == 403, url
    assert names() == ["留言"]


def test_people_who_do_not_work_orders_get_404(client, auth, staff):
    rule = add("留言")
    auth.login(staff)
    for method, url, data in [
        ("get", "/orders/rules", None),
        ("post", "/orders/rules/new", form_data()),
        ("get", f"/orders/rules/{rule.id}/row", None),
        ("get", f"/orders/rules/{rule.id}/edit", None),
        ("post", f"/orders/rules/{rule.id}/edit", form_data(name="x")),
        ("get", f"/orders/rules/{rule.id}/delete", None),
        ("post", f"/orders/rules/{rule.id}/delete", None),
        ("post", f"/orders/rules/{rule.id}/move", {"direction": "down"}),
    ]:
        assert client.open(url, method=method.upper(), data=data).status_code == 404, url
        assert hx(client, method, url, target="rule-list", data=data).status_code == 404, url
    assert names() == ["留言"]


def test_anonymous_is_sent_to_login(client):
    assert client.get("/orders/rules").status_code == 302


def test_user_text_is_escaped(client, auth, admin):
    shop = Shop.create(name="<b>店</b>", platform=PLATFORM_TMALL)
    add("<script>alert(1)</script>", shop_id=shop.id, sku_code="<i>X</i>")
    auth.login(admin)
    body = client.get("/orders/rules").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<b>店</b>" not in body and "<i>X</i>" not in body
    assert "&lt;i&gt;X&lt;/i&gt;" in body


def test_list_query_count_does_not_grow(client, auth, admin, worker):
    shop = Shop.create(name="天猫旗舰店", platform=PLATFORM_TMALL)
    add("first", shop_id=shop.id)
    auth.login(admin)
    # session user, rules with their shops, shops for the form, unread badge, live cursor
    with assert_query_count(5):
        client.get("/orders/rules")
    for n in range(10):
        other = Shop.create(name=f"店{n}", platform="jd")
        add(f"r{n}", shop_id=other.id, min_amount=str(n))
    with assert_query_count(5):
        client.get("/orders/rules")
    auth.logout()
    auth.login(worker)
    # A reader gets no form, so no shop list; the order-department check reads departments once.
    with assert_query_count(5):
        assert client.get("/orders/rules").status_code == 200


def test_routing_follows_the_edited_order(client, auth, admin):
    """An order with a buyer message goes where the first matching rule says, as edited."""
    from office.models.orders import SOURCE_API, Order
    from office.orders import intake
    from office.orders.records import STAGE_PAID, LineRecord, OrderRecord, ParsedExport

    shop = Shop.create(name="天猫旗舰店", platform=PLATFORM_TMALL)
    everything = add("全部审核", QUEUE_REVIEW)
    message = add("留言客服", QUEUE_SERVICE, has_message=True)
    auth.login(admin)

    def save(order_no: str) -> Order:
        record = OrderRecord(
            order_no=order_no, stage=STAGE_PAID, buyer_nick="tb_buyer", receiver_name="张伟",
            receiver_phone="13812345678", receiver_address="浙江省 杭州市 西湖区 文三路 90 号",
            buyer_message="请发顺丰", goods_amount=Decimal("129.00"), paid_amount=Decimal("129.00"),
            lines=[LineRecord(title="保温杯", quantity=1, unit_price=Decimal("129.00"), amount=Decimal("129.00"),
                              sku_code="BWB-500")])
        intake.save(shop, ParsedExport(platform=PLATFORM_TMALL, orders=[record]), by=admin, source=SOURCE_API)
        return Order.get(Order.order_no == order_no)

    first = save("1001")
    assert (first.queue, first.rule_id) == (QUEUE_REVIEW, everything.id)
    assert client.post(f"/orders/rules/{message.id}/move", data={"direction": "up"}).status_code == 303
    second = save("1002")
    assert (second.queue, second.rule_id) == (QUEUE_SERVICE, message.id)
    # Switched off, the rule no longer routes; with none left, orders go to the warehouse.
    client.post(f"/orders/rules/{message.id}/edit", data=form_data(name="留言客服", is_active=""))
    client.post(f"/orders/rules/{everything.id}/delete")
    third = save("1003")
    assert (third.queue, third.rule_id) == (QUEUE_WAREHOUSE, None)
