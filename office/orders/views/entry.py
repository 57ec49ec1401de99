"""View for /orders/new: an order typed in by hand (a sale over WeChat or the phone, a
replacement parcel). People who may not work orders get 404, as on every order URL. The rule
is office/orders/entry.py's; the order then lives like an imported one.
"""
from __future__ import annotations

from flask import flash, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from office import htmx
from office.access import me
from office.models.orders import Shop
from office.orders import entry, intake, queries
from office.orders.access import orders_or_404
from office.orders.blueprint import bp
from office.orders.forms import OrderEntryForm


def _form() -> OrderEntryForm:
    form = OrderEntryForm()
    form.shop.choices = [SelectChoice(shop_id, label) for shop_id, label in queries.shop_choices()]
    return form


def _page(form: OrderEntryForm, status: int = 200):
    return htmx.render("orders/new.html", partial="orders/_entry_form.html", status=status, form=form)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    """GET: the new-order form. POST: save the order (validated and routed on arrival), then
    303 to its page (HX-Redirect for htmx); invalid input re-renders ``#entry-form`` with 422
    and every value kept."""
    orders_or_404(current_user)
    form = _form()
    if not form.validate_on_submit():
        return _page(form, 422 if form.is_submitted() else 200)
    lines = [entry.EntryLine(title=(row.title.data or "").strip(), sku_code=(row.sku_code.data or "").strip(),
                             quantity=row.quantity.data, unit_price=row.unit_price.data)
             for row in (item.form for item in form.lines) if not row.is_empty()]
    shop = Shop.get_or_none(Shop.id == form.shop.data)
    if shop is None:
        form.shop.errors.append(_("That shop no longer exists."))
        return _page(form, 422)
    try:
        order = entry.enter_order(
            shop, me(), lines, order_no=form.order_no.data or "",
            buyer_nick=form.buyer_nick.data or "", receiver_name=form.receiver_name.data,
            receiver_phone=form.receiver_phone.data, receiver_address=form.receiver_address.data,
            buyer_message=form.buyer_message.data or "", seller_memo=form.seller_memo.data or "",
            shipping_fee=form.shipping_fee.data or entry.ZERO, discount=form.discount.data or entry.ZERO)
    except entry.EntryError as error:
        field = getattr(form, error.field or "order_no", None)
        if error.field == "lines" or field is None:
            form.lines_problem = str(error)
        else:
            field.errors = [*field.errors, str(error)]
        return _page(form, 422)
    except intake.Refused as refusal:
        form.order_no.errors = [*form.order_no.errors, *(e.reason for e in refusal.errors)] or [str(refusal)]
        return _page(form, 422)
    flash(_("Order %(no)s saved.", no=order.order_no), "success")
    return htmx.redirect(url_for("orders.show", order_id=order.id))
