"""Shipping notes (发货单): GET /orders/notes?ids=1,2,3 prints a batch, one note per page.

GET because printing changes nothing (the audit row is a record of reading, not a change),
so the page is bookmarkable and reloadable, and the desk's and the board's checkbox forms
simply submit with method="get". People who may not work orders get 404; so does a batch
naming an unknown order.
"""
from __future__ import annotations

from flask import abort, render_template, request
from flask_login import login_required

from office import htmx
from office.access import me
from office.errors import toast
from office.models.base import utcnow
from office.orders import notes as note_rules
from office.orders.access import can_see_customer_data, orders_or_404
from office.orders.blueprint import bp


@bp.route("/notes")
@login_required
def notes():
    """GET ?ids=1,2 (or ids=1&ids=2; at most 200): the print page, one note per order with the
    order number as a Code 128 barcode. Receivers are shown in full, and the batch audited
    once, only to people who may see customer data; others get them masked, and told so.
    No id, not numbers or too many: 400 with the reason (htmx: a toast). Full page only."""
    user = me()
    orders_or_404(user)
    try:
        ids = note_rules.parse_ids(request.args.getlist("ids"))
    except note_rules.NotesError as error:
        if htmx.is_htmx():
            return toast(str(error), 400)
        return render_template("errors/error.html", code=400, message=str(error)), 400
    orders = note_rules.load(ids)
    if orders is None:
        abort(404)
    unmasked = can_see_customer_data(user)
    batch = note_rules.notes(orders, unmasked)
    if unmasked:
        note_rules.audit_print(user, orders)
    return htmx.render("orders/notes.html", notes=batch, unmasked=unmasked, printed_at=utcnow())
