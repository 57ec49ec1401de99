"""The JSON API: personal tokens (/api/tokens) and POST /api/orders."""
from __future__ import annotations

import copy
import datetime as dt
import hashlib
import threading
from decimal import Decimal

import pytest
from playhouse.test_utils import assert_query_count

from office.api.credentials import API_TOKEN_CREATED, API_TOKEN_REVOKED, create_token
from office.models.audit import AuditEvent
from office.models.orders import (
    PLATFORM_TMALL,
    QUEUE_EXCEPTION,
    QUEUE_SERVICE,
    QUEUE_WAREHOUSE,
    REVIEW,
    SOURCE_API,
    TO_SHIP,
    Order,
    OrderEvent,
    OrderLine,
    Shop,
)
from office.models.people import ApiToken, Department
from office.orders import routing
from office.people.accounts import set_active
from tests.conftest import hx
from tests.factories import make_department, make_user


@pytest.fixture
def worker(app):
    service = make_department("客服部")
    Department.update(handles_orders=True).where(Department.id == service.id).execute()
    return make_user("kefu", department=service, display_name="王客服")


@pytest.fixture
def token(worker) -> str:
    return create_token(worker, "聚水潭 ERP")[1]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def an_order(order_no="3521004455667788", **over) -> dict:
    order = {
        "order_no": order_no, "platform_status": "买家已付款，等待卖家发货", "stage": "paid",
        "buyer_nick": "tb_buyer", "receiver_name": "张伟", "receiver_phone": "13812345678",
        "receiver_address": "浙江省 杭州市 西湖区 文三路 90 号", "buyer_message": "",
        "goods_amount": "129.00", "shipping_fee": 0, "discount": "0.00", "paid_amount": 129.00,
        "placed_at": "2026-11-11T00:02:03+08:00", "paid_at": "2026-11-11 00:02:09",
        "courier": "", "tracking_no": "",
        "lines": [{"title": "保温杯 500ml", "sku_code": "BWB-500", "spec": "颜色：黑色", "quantity": 1,
                   "unit_price": "129.00", "amount": "129.00"}],
    }
    order.update(over)
    return order


def body(*orders, shop="天猫旗舰店", platform=PLATFORM_TMALL) -> dict:
    data = {"shop": shop, "orders": list(orders or [an_order()])}
    if platform:
        data["platform"] = platform
    return data


def post(client, token, data, **kwargs):
    return client.post("/api/orders", json=data, headers=bearer(token), **kwargs)


# --- tokens -------------------------------------------------------------------------------

def test_token_is_shown_once_and_stored_hashed(client, auth, worker):
    auth.login(worker)
    response = client.post("/api/tokens", data={"name": "聚水潭 ERP"})
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    row = ApiToken.get()
    start = page.index('value="so_') + len('value="')
    shown = page[start:page.index('"', start)]
    assert shown.startswith("so_") and len(shown) > 40
    assert row.token_hash == hashlib.sha256(shown.encode()).hexdigest()
    assert row.prefix == shown[:10] and row.name == "聚水潭 ERP" and row.user_id == worker.id
    assert shown not in client.get("/api/tokens").get_data(as_text=True)
    event = AuditEvent.get(AuditEvent.action == API_TOKEN_CREATED)
    assert event.actor_id == worker.id and shown not in event.detail
    # It works at once.
    assert post(client, shown, body()).status_code == 201


def test_token_form_with_htmx_and_errors(client, auth, worker):
    auth.login(worker)
    response = hx(client, "post", "/api/tokens", target="token-list", data={"name": "脚本"})
    text = response.get_data(as_text=True)
    assert response.status_code == 201 and "<html" not in text and 'id="token-list"' in text
    assert 'value="so_' in text
    empty = hx(client, "post", "/api/tokens", target="token-list", data={"name": "  "})
    assert empty.status_code == 422 and "name-error" in empty.get_data(as_text=True)
    assert ApiToken.select().count() == 1


def test_list_shows_own_tokens_only_escaped(client, auth, worker):
    other = make_user(department=worker.department)
    create_token(worker, "<b>ERP</b>")
    create_token(other, "别人的")
    auth.login(worker)
    page = client.get("/api/tokens").get_data(as_text=True)
    assert "&lt;b&gt;ERP&lt;/b&gt;" in page and "<b>ERP</b>" not in page
    assert "别人的" not in page
    assert hx(client, "get", "/api/tokens", target="token-list").status_code == 200


def test_revoke(client, auth, worker, token):
    other_row, other_token = create_token(make_user(department=worker.department), "别人的")
    row = ApiToken.get(ApiToken.user == worker)
    auth.login(worker)
    assert client.post(f"/api/tokens/{other_row.id}/revoke").status_code == 404
    assert hx(client, "post", f"/api/tokens/{other_row.id}/revoke").status_code == 404
    response = client.post(f"/api/tokens/{row.id}/revoke")
    assert response.status_code == 303
    assert ApiToken.get_by_id(row.id).revoked_at is not None
    assert f'id="token-{row.id}"' not in client.get("/api/tokens").get_data(as_text=True)
    assert AuditEvent.select().where(AuditEvent.action == API_TOKEN_REVOKED).count() == 1
    # Revoking twice does nothing more.
    assert client.post(f"/api/tokens/{row.id}/revoke").status_code == 404
    revoked = post(client, token, body())
    assert revoked.status_code == 401 and "Bearer" in revoked.headers["WWW-Authenticate"]
    assert post(client, other_token, body()).status_code in (201, 403)  # the other's token still stands
    assert ApiToken.get_by_id(other_row.id).revoked_at is None


def test_tokens_page_is_404_for_people_who_do_not_work_orders(client, auth, staff, worker):
    row, _ = create_token(worker, "ERP")
    auth.login(staff)
    for method, url, data in [("get", "/api/tokens", None), ("post", "/api/tokens", {"name": "x"}),
                              ("post", f"/api/tokens/{row.id}/revoke", None)]:
        assert client.open(url, method=method.upper(), data=data).status_code == 404, url
        assert hx(client, method, url, target="token-list", data=data).status_code == 404, url
    assert ApiToken.select().count() == 1


def test_tokens_page_needs_sign_in(client):
    assert client.get("/api/tokens").status_code == 302


def test_tokens_page_query_count(client, auth, worker):
    auth.login(worker)
    create_token(worker, "a")
    # session user, order departments, tokens, unread badge, live cursor
    with assert_query_count(5):
        assert client.get("/api/tokens").status_code == 200
    for n in range(10):
        create_token(worker, f"t{n}")
    with assert_query_count(5):
        client.get("/api/tokens")


# --- authentication -----------------------------------------------------------------------

def test_no_token_is_401_with_a_bearer_challenge(client):
    response = client.post("/api/orders", json=body())
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["errors"][0]["reason"]
    bad = client.post("/api/orders", json=body(), headers=bearer("so_not-a-token"))
    assert bad.status_code == 401 and 'error="invalid_token"' in bad.headers["WWW-Authenticate"]
    basic = client.post("/api/orders", json=body(), headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert basic.status_code == 401
    assert Order.select().count() == 0


def test_a_session_cookie_alone_does_not_authenticate(client, auth, worker):
    auth.login(worker)
    assert client.get("/api/tokens").status_code == 200  # signed in indeed
    response = client.post("/api/orders", json=body())
    assert response.status_code == 401
    assert Order.select().count() == 0


def test_owner_who_may_not_work_orders_is_403(client, admin, staff, worker):
    assert post(client, create_token(staff, "x")[1], body()).status_code == 403
    token = create_token(worker, "y")[1]
    set_active(worker, False, by=admin)
    assert post(client, token, body()).status_code == 403
    assert Order.select().count() == 0


def test_csrf_does_not_apply_to_the_api(app, client, token):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert post(client, token, body()).status_code == 201
        # ...while the forms still need their token.
        assert client.post("/api/tokens", data={"name": "x"}).status_code in (302, 400)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_last_used_is_noted(client, token):
    assert ApiToken.get().last_used_at is None
    post(client, token, body())
    assert ApiToken.get().last_used_at is not None


# --- orders -------------------------------------------------------------------------------

def test_orders_are_created_and_reported(client, worker, token):
    second = an_order("3521004455667799", paid_amount="258.00", goods_amount=None, stage=None, buyer_message="",
                      lines=[{"title": "保温杯", "sku_code": "BWB-500", "quantity": 2, "unit_price": 129}])
    response = post(client, token, body(an_order(), second))
    assert response.status_code == 201
    report = response.get_json()
    assert {k: report[k] for k in ("created", "updated", "unchanged", "orders", "lines", "paid_total")} == {
        "created": 2, "updated": 0, "unchanged": 0, "orders": 2, "lines": 2, "paid_total": "387.00"}
    assert report["shop"] == "天猫旗舰店" and report["platform"] == PLATFORM_TMALL
    assert [(r["order_no"], r["status"], r["queue"]) for r in report["results"]] == [
        ("3521004455667788", TO_SHIP, QUEUE_WAREHOUSE), ("3521004455667799", TO_SHIP, QUEUE_WAREHOUSE)]
    order = Order.get(Order.order_no == "3521004455667788")
    assert order.source == SOURCE_API and order.shop.name == "天猫旗舰店"
    assert order.paid_amount == Decimal("129.00") and order.shipping_fee == Decimal("0.00")
    # With an offset: converted to UTC; without: Beijing time.
    assert order.placed_at == dt.datetime(2026, 11, 10, 16, 2, 3)
    assert order.paid_at == dt.datetime(2026, 11, 10, 16, 2, 9)
    other = Order.get(Order.order_no == "3521004455667799")
    assert other.goods_amount == Decimal("258.00")  # from the lines
    line = OrderLine.get(OrderLine.order == other)
    assert (line.quantity, line.unit_price, line.amount) == (2, Decimal("129.00"), Decimal("258.00"))
    assert OrderEvent.select().where(OrderEvent.order == order).count() == 1
    assert OrderEvent.get(OrderEvent.order == order).actor_id == worker.id


def test_a_single_order_without_the_wrapper(client, token):
    Shop.create(name="天猫旗舰店", platform=PLATFORM_TMALL)
    response = post(client, token, {"shop": "天猫旗舰店", **an_order()})
    assert response.status_code == 201 and response.get_json()["created"] == 1


def test_same_payload_twice_changes_nothing(client, token):
    data = body(an_order("1"), an_order("2"), an_order("3"))
    assert post(client, token, data).status_code == 201
    again = post(client, token, copy.deepcopy(data))
    assert again.status_code == 200
    report = again.get_json()
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 3)
    assert Order.select().count() == 3 and OrderLine.select().count() == 3


def test_a_later_version_updates_the_order(client, token):
    post(client, token, body())
    shipped = an_order(stage="shipped", platform_status="卖家已发货，等待买家确认", courier="中通快递",
                       tracking_no="ZT7300000000001")
    report = post(client, token, body(shipped)).get_json()
    assert (report["created"], report["updated"]) == (0, 1)
    order = Order.get()
    assert (order.tracking_no, order.platform_status) == ("ZT7300000000001", "卖家已发货，等待买家确认")


def test_validation_errors_name_order_and_field_and_save_nothing(client, token):
    bad = an_order("2", paid_amount="12.345", placed_at="yesterday", receiver_phone=["138"],
                   lines=[{"title": "杯", "quantity": -1, "unit_price": "abc"}, "oops"])
    response = post(client, token, body(an_order("1"), bad, an_order("", stage="sold")))
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    found = {(e["file"], e["row"], e["column"]) for e in errors}
    assert found == {
        ("request", 2, "paid_amount"), ("request", 2, "placed_at"), ("request", 2, "receiver_phone"),
        ("request", 2, "lines[0].quantity"), ("request", 2, "lines[0].unit_price"), ("request", 2, "lines[1]"),
        ("request", 3, "order_no"), ("request", 3, "stage"),
    }
    assert all(e["reason"] for e in errors)
    assert Order.select().count() == 0 and Shop.select().count() == 0


def test_repeated_order_numbers_are_refused(client, token):
    response = post(client, token, body(an_order("1"), an_order("1")))
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["row"] == 2
    assert Order.select().count() == 0


@pytest.mark.parametrize("raw", [b"{not json", b"", b'{"shop": NaN}', b"\xff\xfe\x00"])
def test_malformed_json_is_400(client, token, raw):
    response = client.post("/api/orders", data=raw, headers={**bearer(token), "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["reason"]


@pytest.mark.parametrize("data, column", [
    ([an_order()], ""),
    ({"orders": [an_order()]}, "shop"),
    ({"shop": "天猫旗舰店", "platform": "ebay", "orders": [an_order()]}, "platform"),
    ({"shop": "天猫旗舰店", "orders": "x"}, "orders"),
    ({"shop": "天猫旗舰店", "orders": []}, "orders"),
    ({"shop": "新店", "orders": [an_order()]}, "platform"),  # new shop: platform needed
])
def test_malformed_requests_are_400(client, token, data, column):
    response = post(client, token, data)
    assert response.status_code == 400
    assert column in {e["column"] for e in response.get_json()["errors"]}
    assert Order.select().count() == 0


def test_shop_on_another_platform_is_refused(client, token):
    Shop.create(name="京东自营", platform="jd")
    response = post(client, token, body(shop="京东自营", platform=PLATFORM_TMALL))
    assert response.status_code == 400 and response.get_json()["errors"][0]["column"] == "platform"
    # Without a platform the shop's own is used.
    assert post(client, token, body(shop="京东自营", platform="")).status_code == 201
    assert Order.get().platform == "jd"


def test_too_many_orders_is_413(app, client, token):
    app.config["ORDER_API_MAX_ORDERS"] = 2
    response = post(client, token, body(an_order("1"), an_order("2"), an_order("3")))
    assert response.status_code == 413
    assert response.get_json()["errors"][0]["column"] == "orders"
    assert post(client, token, body(an_order("1"), an_order("2"))).status_code == 201


def test_problem_orders_land_in_the_exception_queue(client, token):
    response = post(client, token, body(an_order(receiver_address="", paid_amount="88.00")))
    assert response.status_code == 201
    result = response.get_json()["results"][0]
    assert (result["status"], result["queue"]) == (REVIEW, QUEUE_EXCEPTION)
    assert result["exception_reason"]
    assert Order.get().exception_reason == result["exception_reason"]


def test_routing_rules_apply(client, token):
    rule = routing.create_rule("留言", QUEUE_SERVICE, has_message=True)
    response = post(client, token, body(an_order(buyer_message="请发顺丰")))
    result = response.get_json()["results"][0]
    assert (result["queue"], result["rule"], result["status"]) == (QUEUE_SERVICE, rule.id, REVIEW)


def test_messages_follow_the_token_owner_language(client, worker, token):
    worker.locale = "en"
    worker.save()
    response = post(client, token, body(an_order("")))
    assert response.get_json()["errors"][0]["reason"] == "The order number is missing."


def at_once_over_http(actions) -> list:
    """Start every request together, each with its own client (and so its own app context
    and connection), as separate workers would."""
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(index, action):
        barrier.wait()
        results[index] = action()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_the_same_new_order_from_parallel_requests_is_created_once(app, token):
    clients = [app.test_client() for _ in range(4)]
    responses = at_once_over_http([lambda c=c: post(c, token, body()) for c in clients])
    codes = sorted(r.status_code for r in responses)
    assert 500 not in codes
    assert codes.count(201) == 1 and codes.count(200) == 3, codes
    assert sum(r.get_json()["created"] for r in responses) == 1
    assert Order.select().count() == 1 and OrderLine.select().count() == 1
    assert OrderEvent.select().count() == 1


def test_a_refused_push_into_a_new_shop_leaves_no_shop(client, token):
    """Issue 13: the shop is created inside the save's transaction, refused with it."""
    repeated = post(client, token, body(an_order("1"), an_order("1"), shop="新开的店"))
    assert repeated.status_code == 400
    other = Shop.create(name="老店", platform=PLATFORM_TMALL)
    assert post(client, token, body(an_order("7"), shop="老店")).status_code == 201
    taken = post(client, token, body(an_order("7"), shop="新开的店"))  # order 7 is 老店's
    assert taken.status_code == 400 and "老店" in taken.get_json()["errors"][0]["reason"]
    assert [shop.name for shop in Shop.select()] == [other.name]
    created = post(client, token, body(an_order("8"), shop="新开的店"))
    assert created.status_code == 201 and created.get_json()["shop"] == "新开的店"
    assert Shop.get(Shop.name == "新开的店").platform == PLATFORM_TMALL
