"""The order desk (/orders: the list with its status tabs, queues and filters; bulk priority)
and the customer-service lookup box (/orders/lookup).

Every view starts with orders_or_404: someone who may not work orders gets 404, pages and
partials alike. Lookup results show the receiver masked. Imports rules, queries, forms, pages
and models, never other views.
"""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.routing import BuildError

from office import htmx
from office.access import me
from office.db import atomic_for_update
from office.errors import toast
from office.models import orders as m
from office.orders import lifecycle, queries
from office.orders.access import orders_or_404
from office.orders.blueprint import bp
from office.orders.forms import DeskFilterForm, whole_number
from office.orders.lifecycle import OrderError
from office.orders.pages import Customer


def _filters(values) -> tuple[DeskFilterForm, queries.DeskFilter]:
    """The filter form read from ``values`` (query string, or the bulk form's hidden copy);
    unknown choices are ignored, never an error."""
    form = DeskFilterForm(formdata=values)
    form.set_choices(queries.shops())
    form.validate()

    def valid(field) -> str:
        return field.data if field.data and not field.errors else ""

    desk = queries.DeskFilter(queue=valid(form.queue), shop_id=whole_number(valid(form.shop)) or None,
                              platform=valid(form.platform), priority=bool(form.priority.data),
                              logistics=bool(form.logistics.data), mergeable=bool(form.mergeable.data))
    return form, desk


def _tab(values) -> str:
    tab = values.get("status", "")
    return tab if tab in queries.TABS else queries.TAB_ALL


def _desk_context(values) -> dict:
    user = me()
    order_status = _tab(values)
    form, desk = _filters(values)
    before = whole_number(values.get("before")) or None
    found = list(queries.desk_orders(user, order_status, desk, before=before))
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
        "counts": queries.status_counts(user, desk),
        "order_tabs": queries.TABS,
        "order_queues": m.QUEUES,
        "notes_url": _notes_url(),
    }


def _notes_url() -> str:
    """Where the bulk form prints shipping notes (orders.notes, views/notes.py), or "" while
    that page is missing: the desk still works without it."""
    try:
        return url_for("orders.notes")
    except BuildError:
        return ""


@bp.route("/")
@login_required
def index():
    """GET ?status=all|review|to_ship|...&queue=&shop=&platform=&priority=1&logistics=1&mergeable=1&before=:
    the order desk, 30 a page newest first, with the tabs' counts and the lookup box. Each row
    says whether it could be merged (and where a merge sent it), read in the page's own query.

    htmx aimed at ``#order-list`` (paging) gets the list alone; any other htmx request (tabs,
    filters) gets ``#order-desk``: tabs, filters and list. The query count does not grow with
    the orders: session user, departments (access), shops (filter), counts (one grouped
    query), one page with shops joined, the page's lines (summaries), and the shell's two.
    """
    orders_or_404(me())
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
    user = me()
    orders_or_404(user)
    ids = sorted({i for i in (whole_number(v) for v in request.form.getlist("ids")) if i})
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
                lifecycle.set_priority(order_id, flag, user)
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
    user = me()
    orders_or_404(user)
    text = request.args.get("q", "")
    found = list(queries.lookup(text, user)) if text.strip() else []
    if request.args.get("scan") == "1" and len(found) == 1 and not htmx.is_htmx():
        # From the board's scan box: the one order scanned, with its tracking box focused.
        return redirect(url_for("orders.show", order_id=found[0].id, scan=1), 303)
    return htmx.render("orders/lookup.html", partial="orders/_lookup_results.html", lookup_text=text,
                       found=found, summaries=queries.summaries([o.id for o in found]),
                       customers={o.id: Customer.of(o, revealed=False) for o in found},
                       limit=queries.LOOKUP_LIMIT)
