"""Order factories for every order test: shops, orders with lines, and people who work orders.

Rows are written directly (not through intake), so a test states exactly the order it needs;
``make_order(**over)`` takes any Order column, and ``lines`` either a count or a list of
dicts of OrderLine columns.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from office.db import db
from office.models import orders as m
from office.models.orders import Order, OrderEvent, OrderLine, Shop
from tests.factories import make_department, make_user

_counter = {"n": 0}

PHONE = "13812345678"
ADDRESS = "浙江省 杭州市 西湖区 文三路 100 号 3 幢 501 室"


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def make_shop(name: str | None = None, platform: str = m.PLATFORM_TAOBAO, **over) -> Shop:
    return Shop.create(name=name or f"测试店铺{_next()}", platform=platform, **over)


def make_order(shop: Shop | None = None, lines: int | list[dict] = 2, **over) -> Order:
    """A paid order waiting for review (待审核, queue 审核) with ``lines`` lines of ¥50.00 each
    and an "imported" timeline event. Amounts add up unless ``over`` says otherwise."""
    shop = shop or make_shop()
    n = _next()
    specs = lines if isinstance(lines, list) else [{} for _ in range(lines)]
    rows = []
    for position, spec in enumerate(specs, start=1):
        row = {"position": position, "title": f"测试商品{n}-{position}", "sku_code": f"SKU-{n}-{position}",
               "spec": "颜色分类：黑色;尺码：XL", "quantity": 1, "unit_price": Decimal("50.00"),
               "sub_order_no": f"{n}{position:03d}", **spec}
        row.setdefault("amount", Decimal(row["unit_price"]) * row["quantity"])
        rows.append(row)
    goods = sum((Decimal(r["amount"]) for r in rows), Decimal("0.00"))
    phone = over.get("receiver_phone", PHONE)
    now = dt.datetime(2026, 11, 20, 2, 0) + dt.timedelta(minutes=n)
    fields = {
        "shop": shop, "platform": shop.platform, "order_no": f"4{n:017d}", "status": m.REVIEW,
        "platform_status": "买家已付款，等待卖家发货", "queue": m.QUEUE_REVIEW,
        "buyer_nick": f"买家{n}", "receiver_name": "张伟", "receiver_phone": phone,
        "phone_tail": phone[-4:] if phone[-4:].isdigit() else "", "receiver_address": ADDRESS,
        "goods_amount": goods, "shipping_fee": Decimal("0.00"), "discount": Decimal("0.00"),
        "paid_amount": goods, "placed_at": now, "paid_at": now + dt.timedelta(minutes=1),
        "source": m.SOURCE_IMPORT,
    }
    fields.update(over)
    with db.atomic():
        order = Order.create(**fields)
        for row in rows:
            OrderLine.create(order=order, **row)
        OrderEvent.create(order=order, kind="imported", detail="")
    return order


def order_people(locale: str = "en") -> dict:
    """客服部 (works orders and sees customer data) with 客服 王芳; 仓储部 (works orders, data
    masked) with 仓管 刘强; 财务部 (no orders) with 会计 孙丽; and a director. They read the
    pages in ``locale`` (English by default: tests then assert the source texts, whatever the
    catalog says)."""
    from office.departments.tree import update_department

    service = make_department("客服部")
    update_department(service, handles_orders=True, sees_customer_data=True)
    warehouse = make_department("仓储部")
    update_department(warehouse, handles_orders=True)
    finance = make_department("财务部")
    return {
        "service": make_user("wangfang", department=service, display_name="王芳", locale=locale),
        "warehouse": make_user("liuqiang", department=warehouse, display_name="刘强", locale=locale),
        "outsider": make_user("sunli", department=finance, display_name="孙丽", locale=locale),
        "director": make_user("chenjh", role="director", display_name="陈建华", locale=locale),
    }
