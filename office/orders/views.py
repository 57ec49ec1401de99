"""The order desk (the list with its status tabs, queues and filters; bulk priority), the
customer-service lookup box, and one order's page with every action on it (move, ship with a
tracking number, priority, resolve an exception, merge, split, reveal customer data).

Every view starts with orders_or_404: someone who may not work orders gets 404, pages and
partials alike. Customer data (receiver name, phone, address) leaves this module masked unless
the viewer may see it and asked to (reveal, audited). The live stream imports
``live_fragments`` to redraw an open order page. Imports rules, queries, forms and models,
never other views.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.routing import BuildError

from office import htmx
from office.audit.trail import record as audit
from office.db import atomic_for_update, db
from office.errors import toast
from office.live.events import latest_id
from office.models import orders as m
from office.models.orders import Order
from office.orders import bp, lifecycle, queries, routing
from office.orders.access import (
    can_see_customer_data,
    mask_address,
    mask_name,
    mask_phone,
    orders_or_404,
)
from office.orders.forms import DeskFilterForm, ResolveForm, ShipForm
from office.orders.labels import LOGISTICS_LABELS, STATUS_LABELS
from office.orders.lifecycle import OrderError

AUDIT_REVEALED = "order_revealed"

TAB_LABELS = {queries.TAB_ALL: _l("All"), **STATUS_LABELS}

# Buttons left to right: the usual next step first, closing last.
MOVE_ORDER = [m.TO_SHIP, m.DELIVERED, m.SHIPPED, m.REVIEW, m.AFTERSALE, m.UNPAID, m.CLOSED]
# What each move is called on its button; a move missing here reads "Move to <status>".
# 已发货 is not a button: shipping takes the courier and tracking number form.
MOVE_LABELS = {
    m.TO_SHIP: _l("Pass review"),
    m.DELIVERED: _l("Confirm delivery"),
    m.AFTERSALE: _l("To after-sales"),
    m.CLOSED: _l("Close order"),
    m.REVIEW: _l("Back to review"),
}


@bp.app_context_processor
def order_globals():
    # The desk, the order page and the live stream say the same words.
    return {"order_tab_labels": TAB_LABELS, "order_event_label": lifecycle.event_label,
            "order_move_labels": MOVE_LABELS}


@bp.app_template_global()
def order_logistics_label(issue: str) -> str:
    # A global, not context: the shared macros (orders/_order_macros.html) are imported without context.
    return str(LOGISTICS_LABELS.get(issue, issue))


def _me():
    return current_user._get_current_object()


def _int(value) -> int:
    try:
        return int(str(value or "").strip())
    except ValueError:
        return 0


# ---------------------------------------------------------------------------------------------
# The desk.

def _filters(values) -> tuple[DeskFilterForm, queries.DeskFilter]:
    """The filter form read from ``values`` (query string, or the bulk form's hidden copy);
    unknown choices are ignored, never an error."""
    form = DeskFilterForm(formdata=values)
    form.set_choices(queries.shops())
    form.validate()

    def valid(field) -> str:
        return field.data if field.data and not field.errors else ""

    desk = queries.DeskFilter(queue=valid(form.queue), shop_id=_int(valid(form.shop)) or None,
                              platform=valid(form.platform), priority=bool(form.priority.data),
                              logistics=bool(form.logistics.data))
    return form, desk


def _tab(values) -> str:
    tab = values.get("status", "")
    return tab if tab in queries.TABS else queries.TAB_ALL


def _desk_context(values) -> dict:
    me = _me()
    order_status = _tab(values)
    form, desk = _filters(values)
    before = _int(values.get("before")) or None
    found = list(queries.desk_orders(me, order_status, desk, before=before))
    shown = found[:queries.PAGE_SIZE]
    return {
        "order_status": order_status,  # never "status": htmx.render's own parameter
        "filter_form": form,
        "desk": desk,
        "filter_args": desk.args(),
        "before": before,
        "orders": shown,
        "summaries": queries.summaries([o.id for o in shown]),
        "next_before": shown[-1].id if len(found) > queries.PAGE_SIZE else None,
        "counts": queries.status_counts(me, desk),
        "order_tabs": queries.TABS,
        "order_queues": m.QUEUES,
        "notes_url": _notes_url(),
    }


def _notes_url() -> str:
    """Where the bulk form prints shipping notes (orders.notes, note_views.py), or "" while
    that page is missing: the desk still works without it."""
    try:
        return url_for("orders.notes")
    except BuildError:
        return ""


@bp.route("/")
@login_required
def index():
    """GET ?status=all|review|to_ship|...&queue=&shop=&platform=&priority=1&logistics=1&before=:
    the order desk, 30 a page newest first, with the tabs' counts and the lookup box.

    htmx aimed at ``#order-list`` (paging) gets the list alone; any other htmx request (tabs,
    filters) gets ``#order-desk``: tabs, filters and list. The query count does not grow with
    the orders: session user, departments (access), shops (filter), counts (one grouped
    query), one page with shops joined, the page's lines (summaries), and the shell's two.
    """
    orders_or_404(_me())
    context = _desk_context(request.args)
    list_only = htmx.is_partial() and htmx.target() == "order-list"
    return htmx.render("orders/index.html",
                       partial="orders/_order_list.html" if list_only else "orders/_order_desk.html",
                       lookup_text="", **context)


@bp.route("/priority", methods=["POST"])
@login_required
def bulk_priority():
    """POST ?flag=1|0 (and the desk's filter in the query) with ids=<order id>... in the body:
    mark the chosen orders urgent, or not, all or none. htmx: ``#order-desk`` redrawn (and
    ``orders-changed``); without JS: 303 to the desk as it was."""
    me = _me()
    orders_or_404(me)
    ids = sorted({i for i in (_int(v) for v in request.form.getlist("ids")) if i})
    flag = request.args.get("flag") == "1"
    if not ids:
        message = _("Choose at least one order.")
        if htmx.is_htmx():
            return toast(message, 422)
        flash(message, "error")
        return htmx.redirect(_desk_url(request.args))
    try:
        # All chosen orders change, or none (the write lock first, as each set_priority takes it).
        with atomic_for_update():
            for order_id in ids:
                lifecycle.set_priority(order_id, flag, me)
    except OrderError as error:
        if htmx.is_htmx():
            return toast(str(error), 422)
        return htmx.render("orders/index.html", status=422, action_error=str(error), lookup_text="",
                           **_desk_context(request.args))
    if htmx.is_partial():
        response = htmx.render("orders/_order_desk.html", **_desk_context(request.args))
        return htmx.trigger(response, "orders-changed", {"ids": ids})
    return htmx.redirect(_desk_url(request.args))


def _desk_url(values) -> str:
    """The desk with the filter and tab ``values`` carry."""
    _, desk = _filters(values)
    args = desk.args()
    if _tab(values) != queries.TAB_ALL:
        args["status"] = _tab(values)
    return url_for("orders.index", **args)


@bp.route("/lookup")
@login_required
def lookup():
    """GET ?q=: orders by order number (whole or its start), buyer, phone (whole or last four
    digits) or tracking number. htmx (the desk's box, active search): ``#results`` only;
    otherwise a page of its own with the box. With scan=1 (the board's scan box) a single
    hit is a 303 to that order, its tracking box focused."""
    me = _me()
    orders_or_404(me)
    text = request.args.get("q", "")
    found = list(queries.lookup(text, me)) if text.strip() else []
    if request.args.get("scan") == "1" and len(found) == 1 and not htmx.is_htmx():
        # From the board's scan box: the one order scanned, with its tracking box focused.
        return redirect(url_for("orders.show", order_id=found[0].id, scan=1), 303)
    return htmx.render("orders/lookup.html", partial="orders/_lookup_results.html", lookup_text=text,
                       found=found, summaries=queries.summaries([o.id for o in found]),
                       customers={o.id: Customer.of(o, revealed=False) for o in found},
                       limit=queries.LOOKUP_LIMIT)


# ---------------------------------------------------------------------------------------------
# One order.

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


def _load_or_404(order_id: int) -> Order:
    orders_or_404(_me())  # 404 before the order is even looked up
    order = queries.order_with_shop(order_id)
    if order is None:
        abort(404)
    return order


def _rule_text(order: Order) -> str:
    if order.rule_id is None or order.rule is None:
        return ""
    return routing.describe(order.rule)


def order_context(me, order: Order, revealed: bool = False, ship_form: ShipForm | None = None,
                  resolve_form: ResolveForm | None = None) -> dict:
    """Everything orders/_order.html needs for ``me``: the order, its lines, timeline, related
    orders, the customer (masked unless ``revealed``, which only someone who may see customer
    data gets), and the moves ``me`` may make. A fixed number of queries, however many lines
    and events."""
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
        "scan": request.args.get("scan") == "1" or request.form.get("scan") == "1",
    }


def _page(order: Order, status: int = 200, action_error: str | None = None, **arguments):
    """The whole order page (no JS): after a refusal, with the reason, or with the customer
    revealed. ``arguments`` go to order_context."""
    return htmx.render("orders/show.html", status=status, action_error=action_error, live_after=latest_id(),
                       live_args={"view": "order", "order": order.id}, **order_context(_me(), order, **arguments))


@bp.route("/<int:order_id>")
@login_required
def show(order_id: int):
    """GET: one order: header (statuses, queue and the rule that chose it, exception, flags),
    buyer and receiver (masked), messages, lines, amounts, courier, related orders, the
    actions the viewer may take and the timeline. Kept current by the live stream
    (view=order). htmx: ``#order-<id>`` only."""
    live_after = latest_id()  # before reading, so no change falls between the page and the stream
    order = _load_or_404(order_id)
    context = order_context(_me(), order)
    return htmx.render("orders/show.html", partial="orders/_order.html", live_after=live_after,
                       live_args={"view": "order", "order": order.id}, **context)


def _done(order_id: int):
    """After an action: htmx gets the order redrawn (and ``order-changed``); a browser without
    JS is sent back to the order (303)."""
    if htmx.is_partial():
        order = queries.order_with_shop(order_id)
        response = htmx.render("orders/_order.html", **order_context(_me(), order))
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
        lifecycle.move(order_id, to_status, _me(), note=request.form.get("note", "").strip()[:200])
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
            lifecycle.set_tracking(order_id, form.courier.data, form.tracking_no.data, _me())
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
        return htmx.render("orders/_order.html", status=422, **order_context(_me(), order, ship_form=form))
    return _page(order, status=422, ship_form=form)


@bp.route("/<int:order_id>/priority", methods=["POST"])
@login_required
def priority(order_id: int):
    """POST flag=1|0: mark the order urgent (加急) or not. 303 back / htmx ``#order-<id>``."""
    _load_or_404(order_id)
    try:
        lifecycle.set_priority(order_id, request.form.get("flag") == "1", _me())
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
        lifecycle.resolve_exception(order_id, _me(), form.queue.data)
    except OrderError as error:
        return _refused(order_id, error, resolve_form=form)
    return _done(order_id)


@bp.route("/<int:order_id>/merge", methods=["POST"])
@login_required
def merge(order_id: int):
    """POST ids=<order id>...: merge the chosen orders into this one (their lines move here,
    they close). 303 back / htmx ``#order-<id>``; 422 when refused or none chosen."""
    _load_or_404(order_id)
    others = [i for i in dict.fromkeys(_int(v) for v in request.form.getlist("ids")) if i and i != order_id]
    if not others:
        return _refused(order_id, OrderError(_("Choose the orders to merge into this one."), "ids"))
    try:
        merged = lifecycle.merge([order_id, *others], _me())
    except OrderError as error:
        return _refused(order_id, error)
    return _done(merged.id)


@bp.route("/<int:order_id>/split", methods=["POST"])
@login_required
def split(order_id: int):
    """POST line_ids=<line id>...: move the chosen lines to a new order (<no>-S<n>). 303 back
    to this order (the new one is linked from it) / htmx ``#order-<id>``; 422 when refused."""
    _load_or_404(order_id)
    line_ids = [i for i in dict.fromkeys(_int(v) for v in request.form.getlist("line_ids")) if i]
    if not line_ids:
        return _refused(order_id, OrderError(_("Choose the lines for the new order."), "line_ids"))
    try:
        lifecycle.split(order_id, line_ids, _me())
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
    me = _me()
    if not can_see_customer_data(me):
        abort(403)
    # The audit row and the timeline row stand together.
    with db.atomic():
        audit(AUDIT_REVEALED, me, subject=order.order_no, target=order)
        lifecycle.record(order, lifecycle.EVENT_REVEALED, me, "")
    if htmx.is_partial():
        return htmx.render("orders/_order_customer.html", order=order, customer=Customer.of(order, True),
                           can_reveal=True)
    return _page(order, revealed=True)


# ---------------------------------------------------------------------------------------------
# The live stream (office/live/views.py, view=order).

def live_fragments(me, order_id: int, changed: set) -> dict:
    """The open order page's sections, redrawn out of band when the order changed (``None`` in
    ``changed``: an import that may have touched any order). The customer section is left
    alone, so a value someone revealed stays shown until they leave."""
    if not order_id or (order_id not in changed and None not in changed):
        return {}
    from flask import render_template

    from office.orders.access import can_work_orders

    if not can_work_orders(me):
        return {}
    order = queries.order_with_shop(order_id)
    if order is None:
        return {}
    html = render_template("orders/_order_live.html", oob=True, **order_context(me, order))
    return {"order_sections": Markup(html)}
