"""One order's page (/orders/<id>) with every action on it: move, ship with a tracking number,
priority, resolve an exception, merge, split, reveal customer data.

Every view starts with orders_or_404: someone who may not work orders gets 404, pages and
partials alike. Customer data (receiver name, phone, address) leaves this module masked unless
the viewer may see it and asked to (reveal, audited). The page's context is pages.order_context
(the live stream redraws the page with it). Imports rules, queries, forms, pages and models,
never other views.
"""
from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from office import htmx
from office.access import me
from office.audit.trail import record as audit
from office.db import db
from office.errors import toast
from office.live.events import latest_id
from office.models import orders as m
from office.models.orders import Order
from office.orders import lifecycle, queries
from office.orders.access import can_see_customer_data, orders_or_404
from office.orders.blueprint import bp
from office.orders.forms import ResolveForm, ShipForm, whole_number
from office.orders.lifecycle import OrderError
from office.orders.pages import Customer, order_context

AUDIT_REVEALED = "order_revealed"


def _scan() -> bool:
    """Opened from the board's scan box (the tracking box focused), or posted from it."""
    return request.args.get("scan") == "1" or request.form.get("scan") == "1"


def _live_args(order: Order) -> dict:
    """The page's stream: this order, and whether a scan opened it (live redraws keep its order)."""
    return {"view": "order", "order": order.id, **({"scan": 1} if _scan() else {})}


def _load_or_404(order_id: int) -> Order:
    orders_or_404(me())  # 404 before the order is even looked up
    order = queries.order_with_shop(order_id)
    if order is None:
        abort(404)
    return order


def _page(order: Order, status: int = 200, action_error: str | None = None, **arguments):
    """The whole order page (no JS): after a refusal, with the reason, or with the customer
    revealed. ``arguments`` go to order_context."""
    return htmx.render("orders/show.html", status=status, action_error=action_error, live_after=latest_id(),
                       live_args=_live_args(order),
                       **order_context(me(), order, scan=_scan(), **arguments))


@bp.route("/<int:order_id>")
@login_required
def show(order_id: int):
    """GET: one order: header (statuses, queue and the rule that chose it, exception, flags),
    buyer and receiver (masked), messages, lines, amounts, courier, related orders, the
    actions the viewer may take and the timeline. Kept current by the live stream
    (view=order). htmx: ``#order-<id>`` only."""
    live_after = latest_id()  # before reading, so no change falls between the page and the stream
    order = _load_or_404(order_id)
    context = order_context(me(), order, scan=_scan())
    return htmx.render("orders/show.html", partial="orders/_order.html", live_after=live_after,
                       live_args=_live_args(order), **context)


def _done(order_id: int):
    """After an action: htmx gets the order redrawn (and ``order-changed``); a browser without
    JS is sent back to the order (303)."""
    if htmx.is_partial():
        order = queries.order_with_shop(order_id)
        response = htmx.render("orders/_order.html", **order_context(me(), order, scan=_scan()))
        return htmx.trigger(response, "order-changed", {"id": order_id})
    return htmx.redirect(url_for("orders.show", order_id=order_id))


def _refused(order_id: int, error: OrderError, **extra):
    """A refusal: a 422 toast for htmx; without JS the page again with the message (422)."""
    if htmx.is_htmx():
        return toast(str(error), 422)
    order = queries.order_with_shop(order_id)
    return _page(order, status=422, action_error=str(error), **extra)


@bp.route("/<int:order_id>/move", methods=["POST"])
@login_required
def move(order_id: int):
    """POST to=<status> (note=): 审核通过, 确认签收, 转售后, 关闭 ... as lifecycle allows.
    303 back / htmx ``#order-<id>``; a refused move is a 422 with the reason."""
    _load_or_404(order_id)
    to_status = request.form.get("to", "")
    if to_status not in m.STATUSES:
        abort(400)
    try:
        lifecycle.move(order_id, to_status, me(), note=request.form.get("note", "").strip()[:200])
    except OrderError as error:
        return _refused(order_id, error)
    return _done(order_id)


@bp.route("/<int:order_id>/ship", methods=["POST"])
@login_required
def ship(order_id: int):
    """POST courier, tracking_no: ship the order (待发货 → 已发货), or correct the number of a
    shipped one. Missing fields: 422 with the form's errors (htmx: ``#order-<id>`` with them)."""
    order = _load_or_404(order_id)
    form = ShipForm()
    if form.validate_on_submit():
        try:
            lifecycle.set_tracking(order_id, form.courier.data, form.tracking_no.data, me())
        except OrderError as error:
            if error.field not in ("courier", "tracking_no"):
                return _refused(order_id, error, ship_form=form)
            # The scanner's user looks at the box, not a toast: the error goes under the field.
            getattr(form, error.field).errors = [str(error)]
        else:
            if request.form.get("scan") == "1":
                shipped = Order.get_by_id(order_id)
                flash(_("Order %(no)s shipped: %(courier)s %(tracking)s.", no=shipped.order_no,
                        courier=shipped.courier, tracking=shipped.tracking_no), "success")
                return htmx.redirect(url_for("orders.board", scan=1))
            return _done(order_id)
    order = queries.order_with_shop(order_id)
    if htmx.is_partial():
        return htmx.render("orders/_order.html", status=422, **order_context(me(), order, ship_form=form, scan=_scan()))
    return _page(order, status=422, ship_form=form)


@bp.route("/<int:order_id>/priority", methods=["POST"])
@login_required
def priority(order_id: int):
    """POST flag=1|0: mark the order urgent (加急) or not. 303 back / htmx ``#order-<id>``."""
    _load_or_404(order_id)
    try:
        lifecycle.set_priority(order_id, request.form.get("flag") == "1", me())
    except OrderError as error:
        return _refused(order_id, error)
    return _done(order_id)


@bp.route("/<int:order_id>/resolve", methods=["POST"])
@login_required
def resolve(order_id: int):
    """POST queue=service|review|warehouse: take the order out of the exception queue.
    303 back / htmx ``#order-<id>``; 422 for a missing queue or a refusal."""
    order = _load_or_404(order_id)
    form = ResolveForm()
    form.set_choices()
    if not form.validate_on_submit():
        if htmx.is_htmx():
            return toast(_("Choose the queue the order goes to."), 422)
        return _page(order, status=422, resolve_form=form)
    try:
        lifecycle.resolve_exception(order_id, me(), form.queue.data)
    except OrderError as error:
        return _refused(order_id, error, resolve_form=form)
    return _done(order_id)


@bp.route("/<int:order_id>/merge", methods=["POST"])
@login_required
def merge(order_id: int):
    """POST ids=<order id>...: merge the chosen orders into this one (their lines move here,
    they close). 303 back / htmx ``#order-<id>``; 422 when refused or none chosen."""
    _load_or_404(order_id)
    others = [i for i in dict.fromkeys(whole_number(v) for v in request.form.getlist("ids")) if i and i != order_id]
    if not others:
        return _refused(order_id, OrderError(_("Choose the orders to merge into this one."), "ids"))
    try:
        merged = lifecycle.merge([order_id, *others], me())
    except OrderError as error:
        return _refused(order_id, error)
    return _done(merged.id)


@bp.route("/<int:order_id>/split", methods=["POST"])
@login_required
def split(order_id: int):
    """POST line_ids=<line id>...: move the chosen lines to a new order (<no>-S<n>). 303 back
    to this order (the new one is linked from it) / htmx ``#order-<id>``; 422 when refused."""
    _load_or_404(order_id)
    line_ids = [i for i in dict.fromkeys(whole_number(v) for v in request.form.getlist("line_ids")) if i]
    if not line_ids:
        return _refused(order_id, OrderError(_("Choose the lines for the new order."), "line_ids"))
    try:
        lifecycle.split(order_id, line_ids, me())
    except OrderError as error:
        return _refused(order_id, error)
    return _done(order_id)


@bp.route("/<int:order_id>/reveal", methods=["POST"])
@login_required
def reveal(order_id: int):
    """POST: show the receiver's full name, phone and address to someone who may see customer
    data (403 for other order workers), audited and on the order's timeline. htmx:
    ``#order-<id>-customer`` unmasked; without JS the order page with it unmasked (200: there
    is nothing to redirect to that would keep it shown)."""
    order = _load_or_404(order_id)
    user = me()
    if not can_see_customer_data(user):
        abort(403)
    # The audit row and the timeline row stand together.
    with db.atomic():
        audit(AUDIT_REVEALED, user, subject=order.order_no, target=order)
        lifecycle.record(order, lifecycle.EVENT_REVEALED, user, "")
    if htmx.is_partial():
        return htmx.render("orders/_order_customer.html", order=order, customer=Customer.of(order, True),
                           can_reveal=True)
    return _page(order, revealed=True)
