"""Views for /orders/rules: the routing rules in the order they are tried.

Everyone who works orders may read the list (customer service wants to know why an order
sits where it does); only administrators change it (403 for the others); people who do not
work orders get 404, as on every order URL. Without JS every change is a form POST answered
with 303; htmx gets ``#rule-list`` back.
"""
from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import SelectChoice

from office import htmx
from office.errors import toast
from office.forms import EmptyForm
from office.models.orders import PLATFORMS, RoutingRule
from office.orders import queries, routing
from office.orders.access import can_edit_rules, orders_or_404
from office.orders.blueprint import bp
from office.orders.labels import platform_label, queue_label
from office.orders.rule_forms import RuleForm


def _editor_or_403() -> None:
    orders_or_404(current_user)
    if not can_edit_rules(current_user):
        abort(403)


def _rule_or_404(rule_id: int) -> RoutingRule:
    rule = RoutingRule.get_or_none(RoutingRule.id == rule_id)
    if rule is None:
        abort(404)
    return rule


def _form(form: RuleForm | None = None) -> RuleForm:
    form = form or RuleForm()
    form.shop.choices = [SelectChoice(0, _l("Any shop"))] + [
        SelectChoice(shop_id, label) for shop_id, label in queries.shop_choices(active_only=False)]
    form.platform.choices = [SelectChoice("", _l("Any platform"))] + [
        SelectChoice(p, platform_label(p)) for p in PLATFORMS]
    form.queue.choices = [SelectChoice(queue, queue_label(queue)) for queue in routing.RULE_QUEUES]
    return form


def _context(form: RuleForm | None = None) -> dict:
    editor = can_edit_rules(current_user)
    rules = routing.all_rules()
    return {
        "rules": rules,
        "descriptions": {rule.id: routing.describe(rule) for rule in rules},
        "editor": editor,
        # Read-only viewers get no form: it would only query the shops for nothing.
        "form": _form(form) if editor else None,
        "fallback": queue_label(routing.FALLBACK_QUEUE),
        "actions": EmptyForm() if editor else None,
    }


def _list(form: RuleForm | None = None, status: int = 200):
    return htmx.render("orders/rules.html", partial="orders/_rule_list.html", status=status, **_context(form))


def _refused(error: routing.RoutingError, form: RuleForm) -> None:
    field = getattr(form, error.field or "name", None) or form.name
    field.errors = [*field.errors, str(error)]


@bp.route("/rules")
@login_required
def rules():
    """GET: the rules in order with their description and, for admins, the new-rule form;
    ``#rule-list`` alone for htmx."""
    orders_or_404(current_user)
    return _list()


@bp.route("/rules/new", methods=["POST"])
@login_required
def rule_create():
    """POST: add a rule at the end. htmx: the refreshed ``#rule-list`` (422 with the form's
    errors); no-JS: 303 to the list."""
    _editor_or_403()
    form = _form()
    if form.validate_on_submit():
        try:
            rule = routing.create_rule(form.name.data, form.queue.data, **form.values())
        except routing.RoutingError as error:
            _refused(error, form)
        else:
            if htmx.is_partial():
                return htmx.trigger(_list(), "rules-changed", {"id": rule.id})
            flash(_("Rule %(name)s added.", name=rule.name), "success")
            return htmx.redirect(url_for("orders.rules"))
    return _list(form, status=422)


@bp.route("/rules/<int:rule_id>/row")
@login_required
def rule_row(rule_id: int):
    """GET: one rule's row (``#rule-<id>``), for the inline form's Cancel."""
    orders_or_404(current_user)
    rule = _rule_or_404(rule_id)
    context = _context()
    rule = next((r for r in context["rules"] if r.id == rule.id), rule)
    return htmx.render("orders/rules.html", partial="orders/_rule_row.html", rule=rule, **context)


@bp.route("/rules/<int:rule_id>/edit", methods=["GET", "POST"])
@login_required
def rule_edit(rule_id: int):
    """GET: the edit page, or the inline form row (``#rule-<id>``) for htmx.
    POST: save; htmx gets ``#rule-list`` (retargeted), no-JS a 303; invalid → 422 with the form."""
    _editor_or_403()
    rule = _rule_or_404(rule_id)
    form = _form()
    status = 200
    if request.method == "GET":
        form.load(rule)
    elif form.validate_on_submit():
        try:
            routing.update_rule(rule.id, form.name.data, form.queue.data, **form.values())
        except routing.RoutingError as error:
            _refused(error, form)
            status = 422
        else:
            if htmx.is_partial():
                response = htmx.retarget(_list(), "#rule-list")
                return htmx.trigger(response, "rules-changed", {"id": rule.id})
            flash(_("Saved."), "success")
            return htmx.redirect(url_for("orders.rules"))
    else:
        status = 422
    return htmx.render("orders/rule_edit.html", partial="orders/_rule_form.html", status=status,
                       form=form, rule=rule)


@bp.route("/rules/<int:rule_id>/delete", methods=["GET", "POST"])
@login_required
def rule_delete(rule_id: int):
    """GET: the confirmation page (the no-JS path; htmx asks with hx-confirm instead).
    POST: delete; htmx gets ``#rule-list``, no-JS a 303."""
    _editor_or_403()
    rule = _rule_or_404(rule_id)
    form = EmptyForm()
    if request.method == "GET":
        return htmx.render("orders/rule_delete.html", rule=rule, description=routing.describe(rule), form=form)
    if form.validate_on_submit():
        routing.delete_rule(rule.id)
        if htmx.is_partial():
            return htmx.trigger(_list(), "rules-changed", {"id": rule.id})
        flash(_("Rule %(name)s deleted.", name=rule.name), "success")
    return htmx.redirect(url_for("orders.rules"))


@bp.route("/rules/<int:rule_id>/move", methods=["POST"])
@login_required
def rule_move(rule_id: int):
    """POST direction=up|down: swap with the neighbour. htmx gets ``#rule-list``, no-JS a 303."""
    _editor_or_403()
    _rule_or_404(rule_id)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            routing.move_rule(rule_id, request.form.get("direction", ""))
        except routing.RoutingError as error:
            if htmx.is_partial():
                return toast(str(error), 400)
            flash(str(error), "error")
        else:
            if htmx.is_partial():
                return htmx.trigger(_list(), "rules-changed", {"id": rule_id})
    return htmx.redirect(url_for("orders.rules"))
