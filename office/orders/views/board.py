"""Views for the warehouse board (/orders/board): orders to ship, priority first and then the
longest waiting, updating live; shipping one by typing or scanning its tracking number.

Everyone who may not work orders gets 404 here, pages and partials alike (access.orders_or_404).
"""
from __future__ import annotations

from flask import flash, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_required

from office import htmx
from office.access import me
from office.errors import toast
from office.live.events import latest_id
from office.models.base import utcnow
from office.models.orders import SHIPPED, TO_SHIP
from office.orders import board as board_rules
from office.orders import lifecycle
from office.orders.access import order_or_404, orders_or_404
from office.orders.blueprint import bp
from office.orders.forms import ShipForm
from office.orders.labels import status_label

# The session remembers the courier last chosen: a packer ships a run of parcels with one.
COURIER_KEY = "order_courier"


def _context(**extra) -> dict:
    context = {"live_args": {"view": "warehouse"}, "ship_errors": {}, "scan": request.args.get("scan") == "1",
               **extra}
    if not htmx.is_partial():  # only a page opens a stream
        context["live_after"] = latest_id()  # before reading, so no change falls between the two
    context["board"] = board_rules.board()
    return context


@bp.route("/board")
@login_required
def board():
    """GET: the warehouse board page, live (view=warehouse); ``#board`` alone for htmx.
    The stream redraws ``#board`` out of band whenever an order changes."""
    orders_or_404(me())
    return htmx.render("orders/board.html", partial="orders/_board.html", **_context())


@bp.route("/board/<int:order_id>/ship", methods=["POST"])
@login_required
def board_ship(order_id: int):
    """POST courier (may be empty: told from the number), tracking_no: ship an order that is to
    ship (lifecycle.set_tracking) → 303 to the board. For htmx the card turns into a "shipped"
    line, with ``#board-counts`` out of band; every open board, this one included, then redraws
    from the live event. A bad number or courier: 422 with the card's error (htmx: the card
    alone). An order no longer to ship: 409 toast (plain: flash and 303)."""
    user = me()
    order = order_or_404(user, order_id)
    form = ShipForm()
    if order.status != TO_SHIP:
        # A stale card never corrects a shipped order's number (board_rules.ship refuses);
        # the same parcel sent twice (a scanner's second Enter) is simply done.
        typed = lifecycle.normalize_tracking(form.tracking_no.data or "")
        if not (order.status == SHIPPED and typed and typed == order.tracking_no):
            return _refused(_("The order is already %(status)s.", status=status_label(order.status)))
        return _shipped(order)
    error = None
    if form.validate_on_submit():
        try:
            order = board_rules.ship(order.id, form.courier.data, form.tracking_no.data, user)
        except lifecycle.OrderError as refused:
            if refused.field not in ("courier", "tracking_no"):
                return _refused(str(refused))
            error = str(refused)
        else:
            session[COURIER_KEY] = order.courier
            return _shipped(order)
    else:
        error = " ".join(form.courier.errors + form.tracking_no.errors) or _("Check the form and try again.")
    return _invalid(order, error, form)


def _shipped(order):
    if htmx.is_htmx():
        hours = board_rules.ship_hours()
        return htmx.render("orders/_board_shipped.html", order=order, ship_hours=hours,
                           counts=board_rules.counts(utcnow(), hours))
    flash(_("Order %(no)s shipped: %(courier)s %(tracking)s.", no=order.order_no, courier=order.courier,
            tracking=order.tracking_no), "success")
    return htmx.redirect(url_for("orders.board"))


def _refused(message: str):
    if htmx.is_htmx():
        return toast(message, 409)
    flash(message, "error")
    return htmx.redirect(url_for("orders.board"))


def _invalid(order, message: str, form: ShipForm):
    errors = {order.id: message}
    values = {order.id: {"courier": form.courier.data or "", "tracking_no": form.tracking_no.data or ""}}
    if htmx.is_htmx():
        card = board_rules.card(order)
        if card is None:  # moved meanwhile: no card to redraw
            return toast(message, 422)
        return htmx.render("orders/_board_card.html", card=card, ship_couriers=board_rules.COURIERS,
                           ship_errors=errors, ship_values=values, status=422)
    return htmx.render("orders/board.html", status=422, **_context(ship_errors=errors, ship_values=values))
