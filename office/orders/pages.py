"""The order page's context (``order_context``: what orders/_order.html needs), the receiver as
the viewer may see it, and the sections the live stream redraws on an open order page.

Used by the order and desk views and by the live stream; imports rules, queries, forms and
models, never views.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from markupsafe import Markup

from office.models import orders as m
from office.models.orders import Order
from office.orders import lifecycle, queries, routing
from office.orders.access import can_see_customer_data, can_work_orders, mask_address, mask_name, mask_phone
from office.orders.forms import ResolveForm, ShipForm

# Buttons left to right: the usual next step first, closing last.
MOVE_ORDER = [m.TO_SHIP, m.DELIVERED, m.SHIPPED, m.REVIEW, m.AFTERSALE, m.UNPAID, m.CLOSED]


@dataclass(frozen=True)
class Customer:
    """The receiver as the viewer may see it: masked unless revealed."""

    name: str
    phone: str
    address: str
    revealed: bool

    @classmethod
    def of(cls, order: Order, revealed: bool) -> Customer:
        if revealed:
            return cls(order.receiver_name, order.receiver_phone, order.receiver_address, True)
        return cls(mask_name(order.receiver_name), mask_phone(order.receiver_phone),
                   mask_address(order.receiver_address), False)


def _rule_text(order: Order) -> str:
    if order.rule_id is None or order.rule is None:
        return ""
    return routing.describe(order.rule)


def order_context(me, order: Order, revealed: bool = False, ship_form: ShipForm | None = None,
                  resolve_form: ResolveForm | None = None, scan: bool = False) -> dict:
    """Everything orders/_order.html needs for ``me``: the order, its lines, timeline, related
    orders, the customer (masked unless ``revealed``, which only someone who may see customer
    data gets), and the moves ``me`` may make. ``scan``: the page was opened from the board's
    scan box (its tracking box focused). A fixed number of queries, however many lines and
    events."""
    moves = lifecycle.allowed_moves(order)
    rows = queries.lines(order.id)
    if ship_form is None:
        ship_form = ShipForm(formdata=None, courier=order.courier, tracking_no=order.tracking_no)
    if resolve_form is None:
        resolve_form = ResolveForm(formdata=None)
    resolve_form.set_choices()
    may_see = can_see_customer_data(me)
    return {
        "order": order,
        "lines": rows,
        "timeline": queries.timeline(order.id),
        "relations": queries.relations(order),
        "customer": Customer.of(order, revealed and may_see),
        "can_reveal": may_see,
        "rule_text": _rule_text(order),
        "moves": sorted((move for move in moves if move != m.SHIPPED), key=MOVE_ORDER.index),
        # Shipping (and a replacement parcel after-sales) takes the tracking form; a shipped
        # order's number can be corrected with it.
        "can_ship": m.SHIPPED in moves or order.status == m.SHIPPED,
        "ship_form": ship_form,
        "couriers": lifecycle.COURIERS,
        "resolve_form": resolve_form,
        "can_resolve": lifecycle.in_exception(order),
        "mergeable": lifecycle.mergeable(order),  # no query when the order itself cannot merge
        "can_split": order.status in lifecycle.UNSHIPPED and len(rows) > 1,
        "scan": scan,
    }


# ---------------------------------------------------------------------------------------------
# The live stream (office/live/views.py, view=order).

def live_fragments(me, order_id: int, changed: set, scan: bool = False) -> dict:
    """The open order page's sections, redrawn out of band when the order changed (``None`` in
    ``changed``: an import that may have touched any order). The customer section is left
    alone, so a value someone revealed stays shown until they leave. ``scan``: the page was
    opened by a scan, so its items to pack and its tracking box stay first."""
    if not order_id or (order_id not in changed and None not in changed):
        return {}
    if not can_work_orders(me):
        return {}
    order = queries.order_with_shop(order_id)
    if order is None:
        return {}
    html = render_template("orders/_order_live.html", oob=True, **order_context(me, order, scan=scan))
    return {"order_sections": Markup(html)}
