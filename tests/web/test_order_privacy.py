"""Order privacy: every order URL (pages and partials, GET and POST, every helper's: desk, order
page, board, shipping notes, rules, imports, API tokens) is a 404 for someone who may not work
orders, so the module's existence says nothing to them; and someone who works orders without
the right to customer data never gets a full phone number or address anywhere.

ORDER_URLS must list every endpoint of the orders and api blueprints;
test_the_list_covers_every_orders_endpoint fails when a new one is missing.
"""
import pytest

from office.models.orders import ImportBatch, Order
from tests.conftest import hx
from tests.order_factories import ADDRESS, PHONE, make_order, make_shop, order_people
from tests.web.test_api_workorders import WORK_ORDER_TOKEN_ENDPOINTS

# (method, url): {order} an order, {line} one of its lines, {rule} a routing rule, {token} an API token,
# {batch} an import batch.
ORDER_URLS = [
    # The desk and the order page (views.py).
    ("get", "/orders/"),
    ("get", "/orders/?status=review&queue=exception"),
    ("get", "/orders/lookup?q=5678"),
    ("post", "/orders/priority?flag=1"),
    ("get", "/orders/{order}"),
    ("post", "/orders/{order}/move"),
    ("post", "/orders/{order}/ship"),
    ("post", "/orders/{order}/priority"),
    ("post", "/orders/{order}/resolve"),
    ("post", "/orders/{order}/merge"),
    ("post", "/orders/{order}/split"),
    ("post", "/orders/{order}/reveal"),
    # The warehouse board and shipping notes.
    ("get", "/orders/board"),
    ("post", "/orders/board/{order}/ship"),
    ("get", "/orders/notes?ids={order}"),
    # Orders typed in by hand.
    ("get", "/orders/new"),
    ("post", "/orders/new"),
    # Imports.
    ("get", "/orders/import"),
    ("post", "/orders/import"),
    ("get", "/orders/import/{batch}"),
    # Routing rules.
    ("get", "/orders/rules"),
    ("post", "/orders/rules/new"),
    ("get", "/orders/rules/{rule}/row"),
    ("get", "/orders/rules/{rule}/edit"),
    ("post", "/orders/rules/{rule}/edit"),
    ("get", "/orders/rules/{rule}/delete"),
    ("post", "/orders/rules/{rule}/delete"),
    ("post", "/orders/rules/{rule}/move"),
    # API tokens (the API itself answers by token, below).
    ("get", "/api/tokens"),
    ("post", "/api/tokens"),
    ("post", "/api/tokens/{token}/revoke"),
]
ORDER_ENDPOINTS = {
    "orders.index", "orders.lookup", "orders.bulk_priority", "orders.show", "orders.move", "orders.ship",
    "orders.priority", "orders.resolve", "orders.merge", "orders.split", "orders.reveal",
    "orders.board", "orders.board_ship", "orders.notes", "orders.create", "orders.imports", "orders.import_batch",
    "orders.rules", "orders.rule_create", "orders.rule_row", "orders.rule_edit", "orders.rule_delete",
    "orders.rule_move",
    "api.tokens", "api.token_create", "api.token_revoke",
}
# Authenticated by its Bearer token, never by the session: tested on its own below.
TOKEN_ENDPOINTS = {"api.orders"}
SECRET_ADDRESS_PART = "文三路"  # the street: masking keeps only province, city and district


@pytest.fixture
def world(app):
    from office.api.credentials import create_token
    from office.orders.routing import create_rule

    people = order_people()
    shop = make_shop("隐私测试店")
    rule = create_rule("大额订单审核", "review", min_amount="500")
    order = make_order(shop, buyer_nick="隐私买家", rule=rule)
    make_order(shop, status="to_ship", queue="warehouse")  # for the board
    _token, secret = create_token(people["outsider"], "ERP")
    token_row, _ = create_token(people["service"], "脚本")
    batch = ImportBatch.create(user=people["service"], shop=shop, platform=shop.platform, status="done",
                               filenames='["订单报表.csv"]')
    targets = {"order": order.id, "line": order.lines[0].id, "rule": rule.id, "token": token_row.id,
               "batch": batch.id}
    return {**people, "order": order, "targets": targets, "outsider_token": secret}


def test_the_list_covers_every_orders_endpoint(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if rule.endpoint.startswith(("orders.", "api."))}
    # The work-order API follows the work-order visibility rule instead (test_api_workorders).
    assert endpoints == ORDER_ENDPOINTS | TOKEN_ENDPOINTS | WORK_ORDER_TOKEN_ENDPOINTS


@pytest.mark.parametrize("method,url", ORDER_URLS)
@pytest.mark.parametrize("as_htmx", [False, True], ids=["page", "partial"])
def test_who_may_not_work_orders_gets_404_everywhere(client, auth, world, method, url, as_htmx):
    auth.login(world["outsider"])
    url = url.format(**world["targets"])
    data = {"ids": [str(world["order"].id)], "to": "to_ship", "line_ids": ["1"], "queue": "warehouse"}
    response = (hx(client, method, url, target="main", data=data) if as_htmx
                else client.open(url, method=method.upper(), data=data))
    assert response.status_code == 404, url
    body = response.get_data(as_text=True)
    assert world["order"].order_no not in body and "隐私买家" not in body
    # Nothing happened to the order either.
    assert Order.get_by_id(world["order"].id).status == "review"


def test_the_api_answers_by_token_not_by_session(client, auth, world):
    auth.login(world["outsider"])
    assert client.post("/api/orders", json={"shop": "隐私测试店", "orders": []}).status_code == 401
    response = client.post("/api/orders", json={"shop": "隐私测试店", "orders": []},
                           headers={"Authorization": f"Bearer {world['outsider_token']}"})
    assert response.status_code == 403
    assert world["order"].order_no not in response.get_data(as_text=True)


def test_order_links_and_nav_are_not_shown_to_outsiders(client, auth, world):
    auth.login(world["outsider"])
    body = client.get("/").get_data(as_text=True)
    assert 'href="/orders/"' not in body


@pytest.mark.parametrize("who", ["warehouse", "outsider"])
def test_the_live_stream_sends_no_order_to_whoever_may_not_see_it(client, auth, world, who):
    from office.orders import lifecycle

    lifecycle.set_priority(world["order"].id, True, world["service"])
    auth.login(world[who])
    body = client.get(f"/live/?after=0&view=order&order={world['order'].id}", buffered=True).get_data(as_text=True)
    assert PHONE not in body and SECRET_ADDRESS_PART not in body
    if who == "outsider":
        assert world["order"].order_no not in body


def _masked_pages(world) -> list[str]:
    order = world["order"]
    return ["/orders/", f"/orders/{order.id}", "/orders/lookup?q=5678", f"/orders/lookup?q={order.order_no}",
            "/orders/?status=review", f"/orders/notes?ids={order.id}", "/orders/board"]


def _found(body: str) -> str:
    """The lookup's result rows, without the page echoing the text that was typed."""
    return body[body.index('<table class="dt order-table order-found">'):]


def test_masked_user_never_gets_full_phone_or_address(client, auth, world):
    """The warehouse works orders but sees customer data masked: on the desk, the order page
    (page and partial), lookup results, shipping notes and the board."""
    auth.login(world["warehouse"])
    for url in _masked_pages(world):
        for response in (client.get(url), hx(client, "get", url)):
            assert response.status_code == 200, url
            body = response.get_data(as_text=True)
            assert PHONE not in body, url
            assert SECRET_ADDRESS_PART not in body and ADDRESS not in body, url
            assert "张伟" not in body, url  # the receiver's full name
    # Found by the full number typed in: the cards show it masked.
    found = _found(hx(client, "get", f"/orders/lookup?q={PHONE}").get_data(as_text=True))
    assert world["order"].order_no in found and "138****5678" in found and PHONE not in found


def test_masked_user_cannot_reveal(client, auth, world):
    from office.models.audit import AuditEvent

    auth.login(world["warehouse"])
    page = client.get(f"/orders/{world['order'].id}").get_data(as_text=True)
    assert "/reveal" not in page
    for response in (client.post(f"/orders/{world['order'].id}/reveal"),
                     hx(client, "post", f"/orders/{world['order'].id}/reveal")):
        assert response.status_code == 403
        body = response.get_data(as_text=True)
        assert PHONE not in body and SECRET_ADDRESS_PART not in body
    assert not AuditEvent.select().where(AuditEvent.action == "order_revealed").exists()


def test_an_administrator_works_orders_but_sees_customer_data_masked(client, auth, world, admin):
    auth.login(admin)
    body = client.get(f"/orders/{world['order'].id}").get_data(as_text=True)
    assert world["order"].order_no in body
    assert PHONE not in body and SECRET_ADDRESS_PART not in body
    assert client.post(f"/orders/{world['order'].id}/reveal").status_code == 403


def test_who_sees_customer_data_still_gets_it_masked_until_revealing(client, auth, world):
    auth.login(world["service"])
    for url in _masked_pages(world)[:5]:
        body = client.get(url).get_data(as_text=True)
        assert PHONE not in body and SECRET_ADDRESS_PART not in body, url
    found = _found(client.get(f"/orders/lookup?q={PHONE}").get_data(as_text=True))
    assert world["order"].order_no in found and PHONE not in found


@pytest.mark.parametrize("url", [url for method, url in ORDER_URLS if method == "post"])
@pytest.mark.parametrize("as_htmx", [False, True], ids=["page", "partial"])
def test_every_order_change_needs_the_csrf_token(app, client, auth, world, admin, url, as_htmx):
    """CSRF is checked before any order view runs: a forged post from another site, by
    someone who may do everything here, changes nothing."""
    from office.models.orders import RoutingRule

    auth.login(admin)
    app.config["WTF_CSRF_ENABLED"] = True
    url = url.format(**world["targets"])
    data = {"ids": [str(world["order"].id)], "to": "to_ship", "line_ids": ["1"], "queue": "warehouse",
            "tracking_no": "SF1234567890", "name": "伪造", "direction": "up"}
    response = (hx(client, "post", url, target="main", data=data) if as_htmx
                else client.post(url, data=data))
    assert response.status_code == 400, url
    order = Order.get_by_id(world["order"].id)
    assert (order.status, order.tracking_no, order.is_priority) == ("review", "", False)
    assert not RoutingRule.select().where(RoutingRule.name == "伪造").exists()
