"""Shipping notes (GET /orders/notes?ids=...): one printable note per order with the order number
as a Code 128 SVG barcode; receivers in full (and the batch audited once) only for people who may
see customer data, masked and said so for the rest; 404 / 400 for what cannot be printed."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from playhouse.test_utils import assert_query_count

from office.db import db
from office.models.audit import AuditEvent
from office.models.base import utcnow
from office.models.orders import PLATFORM_JD, SHIPPED, TO_SHIP, Order, OrderLine, Shop
from office.orders.notes import AUDIT_ACTION, MAX_NOTES, PATTERNS, QUIET_MODULES, STOP, code128_values
from tests.conftest import hx
from tests.factories import make_department, make_user

ADDRESS = "广东省 深圳市 南山区 科技园南路 88 号 2 栋 1203"
EARPHONES = ("蓝牙耳机", "颜色：黑", "BT-01", 1)
SVG = "{http://www.w3.org/2000/svg}"
_n = {"n": 0}


@pytest.fixture
def people(app):
    from office.departments.tree import update_department

    service = make_department("客服部")
    update_department(service, handles_orders=True, sees_customer_data=True)
    warehouse = make_department("仓储部")
    update_department(warehouse, handles_orders=True)
    finance = make_department("财务部")
    return {
        "service": make_user("wangfang", department=service, display_name="王芳", locale="en"),
        "packer": make_user("liuqiang", department=warehouse, display_name="刘强", locale="en"),
        "outsider": make_user("sunli", department=finance, display_name="孙丽", locale="en"),
    }


@pytest.fixture
def shop(app):
    return Shop.create(name="京东自营旗舰店", platform=PLATFORM_JD)


def make_order(shop, lines=None, **over) -> Order:
    _n["n"] += 1
    fields = {"shop": shop, "platform": shop.platform, "order_no": f"28{_n['n']:010d}", "status": TO_SHIP,
              "receiver_name": "李娜", "receiver_phone": "13912345678", "receiver_address": ADDRESS,
              "paid_amount": Decimal("59.90"), "paid_at": utcnow()}
    fields.update(over)
    with db.atomic():
        order = Order.create(**fields)
        for position, (title, spec, sku, qty) in enumerate(lines or [EARPHONES], start=1):
            OrderLine.create(order=order, position=position, title=title, spec=spec, sku_code=sku, quantity=qty)
    return order


def notes_of(body: str) -> list[str]:
    return re.findall(r'<article class="ship-note" id="note-(\d+)"', body)


def barcodes(body: str) -> list[ET.Element]:
    # Only the barcodes: the page's navigation draws icons with <svg> too.
    return [ET.fromstring(svg) for svg in re.findall(r'<svg [^>]*class="barcode".*?</svg>', body, re.S)]


def decode(svg: ET.Element) -> list[int]:
    """Read the bars back into symbol values with the published patterns."""
    total = int(svg.get("viewBox").split()[2])
    modules = ["0"] * total
    for rect in svg.iter(f"{SVG}rect"):
        for i in range(int(rect.get("x")), int(rect.get("x")) + int(rect.get("width"))):
            modules[i] = "1"
    text = "".join(modules)[QUIET_MODULES:-QUIET_MODULES]

    def as_modules(pattern):
        return "".join(("1" if i % 2 == 0 else "0") * int(w) for i, w in enumerate(pattern))

    table = {as_modules(p): value for value, p in enumerate(PATTERNS[:STOP])}
    assert text.endswith(as_modules(PATTERNS[STOP]))
    body = text[:-13]
    return [table[body[i:i + 11]] for i in range(0, len(body), 11)] + [STOP]


def test_notes_for_someone_who_sees_customer_data_are_full_and_audited_once(client, auth, people, shop):
    first = make_order(shop, lines=[("蓝牙耳机", "颜色：黑", "BT-01", 2), ("耳机套", "", "CASE-9", 1)],
                       buyer_message="周末也可以送", seller_memo="送贴纸", is_priority=True)
    second = make_order(shop, status=SHIPPED, courier="京东物流", tracking_no="JDX000123456789")
    auth.login(people["service"])
    response = client.get(f"/orders/notes?ids={second.id},{first.id}")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert notes_of(body) == [str(second.id), str(first.id)]  # the order asked for
    assert body.count("李娜") == 2 and body.count("13912345678") == 2 and body.count(ADDRESS) == 2
    assert "masked" not in body
    note = body[body.index(f'id="note-{first.id}"'):]
    assert "京东自营旗舰店" in note and first.order_no in note and "Priority" in note
    for text in ("蓝牙耳机", "颜色：黑", "BT-01", "耳机套", "CASE-9", "周末也可以送", "送贴纸"):
        assert text in note
    assert re.search(r'Pieces in all</th><td class="num">3</td>', note)
    assert "京东物流 JDX000123456789" in body
    assert "Printed " in body
    # One audit row for the batch, naming both orders.
    rows = list(AuditEvent.select().where(AuditEvent.action == AUDIT_ACTION))
    assert len(rows) == 1 and rows[0].actor_id == people["service"].id
    assert rows[0].details["count"] == 2 and rows[0].details["order_ids"] == [second.id, first.id]
    assert rows[0].subject == f"{second.order_no},{first.order_no}"


def test_notes_for_a_packer_are_masked_and_say_so(client, auth, people, shop):
    order = make_order(shop)
    auth.login(people["packer"])
    body = client.get(f"/orders/notes?ids={order.id}").get_data(as_text=True)
    assert "13912345678" not in body and "科技园南路" not in body and "李娜" not in body
    assert "139****5678" in body and "广东省 深圳市 南山区 ****" in body and "李*" in body
    assert "names, phone numbers and addresses are masked" in body
    assert "Receiver masked" in body
    assert not AuditEvent.select().where(AuditEvent.action == AUDIT_ACTION).exists()


def test_each_note_carries_the_order_number_as_a_code128_barcode(client, auth, people, shop):
    orders = [make_order(shop), make_order(shop, order_no="SO-2026-000123")]
    auth.login(people["packer"])
    body = client.get(f"/orders/notes?ids={orders[0].id}&ids={orders[1].id}").get_data(as_text=True)
    svgs = barcodes(body)
    assert len(svgs) == 2
    for svg, order in zip(svgs, orders):
        assert svg.get("role") == "img" and svg.get("aria-label") == order.order_no
        assert decode(svg) == code128_values(order.order_no)


def test_the_page_prints_one_note_per_page_without_chrome(client, auth, people, shop):
    order = make_order(shop)
    auth.login(people["packer"])
    body = client.get(f"/orders/notes?ids={order.id}").get_data(as_text=True)
    assert 'class="notes-bar no-print"' in body and "data-print" in body and "Ctrl+P" in body
    css = (Path(__file__).parents[2] / "static/css/office.css").read_text()
    print_css = css[css.index("@media print"):]
    assert ".ship-note {" in print_css and "page-break-after: always" in print_css and "break-after: page" in print_css
    for chrome in (".topbar", ".tabbar", ".no-print"):
        assert chrome in print_css.split("{")[1]


def test_customer_text_is_escaped(client, auth, people, shop):
    order = make_order(shop, buyer_message="<img src=x onerror=alert(1)>", receiver_name="<b>李</b>",
                       lines=[("<i>耳机</i>", "", "BT&1", 1)])
    auth.login(people["service"])
    body = client.get(f"/orders/notes?ids={order.id}").get_data(as_text=True)
    assert "<img src=x" not in body and "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "&lt;b&gt;李&lt;/b&gt;" in body and "&lt;i&gt;耳机&lt;/i&gt;" in body and "BT&amp;1" in body


def test_unknown_orders_and_people_who_do_not_work_orders_get_404(client, auth, people, shop):
    order = make_order(shop)
    auth.login(people["outsider"])
    assert client.get(f"/orders/notes?ids={order.id}").status_code == 404
    assert hx(client, "get", f"/orders/notes?ids={order.id}").status_code == 404
    auth.logout()
    auth.login(people["service"])
    assert client.get(f"/orders/notes?ids={order.id},999999").status_code == 404
    assert hx(client, "get", "/orders/notes?ids=999999").status_code == 404
    assert not AuditEvent.select().where(AuditEvent.action == AUDIT_ACTION).exists()


@pytest.mark.parametrize("query, message", [
    ("", "Choose at least one order"),
    ("ids=", "Choose at least one order"),
    ("ids=1,abc", "Order ids must be numbers."),
    ("ids=-1", "Order ids must be numbers."),
])
def test_an_empty_or_malformed_batch_is_400(client, auth, people, query, message):
    auth.login(people["packer"])
    response = client.get(f"/orders/notes?{query}")
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_too_many_orders_is_400_with_the_limit(client, auth, people, shop):
    auth.login(people["packer"])
    ids = ",".join(str(i) for i in range(1, MAX_NOTES + 2))
    response = client.get(f"/orders/notes?ids={ids}")
    assert response.status_code == 400
    expected = f"at most {MAX_NOTES} shipping notes at a time (you chose {MAX_NOTES + 1})"
    assert expected in response.get_data(as_text=True)
    toast = hx(client, "get", f"/orders/notes?ids={ids}")
    assert toast.status_code == 400 and toast.headers["HX-Retarget"] == "#toasts"
    # Repeats count once: two hundred distinct orders are fine (here: unknown, so 404, not 400).
    assert client.get(f"/orders/notes?ids={ids},1,1&ids=2").status_code == 400
    assert client.get("/orders/notes?ids=" + ",".join(["5"] * 300)).status_code == 404


def test_notes_query_count_does_not_grow(client, auth, people, shop):
    few = [make_order(shop) for _ in range(2)]
    auth.login(people["service"])
    client.get(f"/orders/notes?ids={few[0].id}")  # warm up
    # Session user, order departments (access), orders with shops, their lines, the audit row,
    # and the page shell's two (unread badge, live cursor).
    with assert_query_count(7):
        client.get("/orders/notes?ids=" + ",".join(str(o.id) for o in few))
    many = few + [make_order(shop, lines=[("耳机", "", "A", 1), ("线", "", "B", 2)]) for _ in range(15)]
    with assert_query_count(7):
        body = client.get("/orders/notes?ids=" + ",".join(str(o.id) for o in many)).get_data(as_text=True)
    assert len(notes_of(body)) == 17
    counts = [json.loads(r.detail)["count"] for r in AuditEvent.select().where(AuditEvent.action == AUDIT_ACTION)]
    assert counts == [1, 2, 17]


def test_board_and_desk_selection_forms_submit_here(client, auth, people, shop):
    order = make_order(shop)
    auth.login(people["packer"])
    board = client.get("/orders/board").get_data(as_text=True)
    assert '<form id="board-notes" class="board-notes" method="get" action="/orders/notes">' in board
    assert f'name="ids" value="{order.id}" form="board-notes"' in board
    assert Order.get_by_id(order.id).status == TO_SHIP
