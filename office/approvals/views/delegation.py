"""Views for /approvals/delegation: out of office (请人代批). My deputies (current and coming),
a form to add one, cancelling one, and whom I stand in for right now.

A delegation is its owner's alone: someone else's id is a 404. The rules are in
office/approvals/delegation.py; times are entered in office time and stored in UTC.
"""
from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_babel import format_datetime, to_utc
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from peewee import JOIN
from wtforms import SelectChoice, SelectField
from wtforms.fields import DateTimeLocalField
from wtforms.validators import DataRequired

from office import access, htmx
from office.approvals.blueprint import bp
from office.approvals.delegation import (
    DelegationError,
    add_delegation,
    cancel_delegation,
    my_delegations,
    standing_in_for,
)
from office.forms import Form
from office.i18n import short_datetime
from office.memos.forms import LOCAL_FORMATS
from office.models.approvals import Delegation
from office.models.base import utcnow
from office.models.people import Department, User


class DelegationForm(Form):
    deputy = SelectField(_l("Deputy"), validators=[DataRequired()])
    # Office time (BABEL_DEFAULT_TIMEZONE), converted to UTC by the view.
    starts_at = DateTimeLocalField(_l("Away from"), format=LOCAL_FORMATS, validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Away until"), format=LOCAL_FORMATS, validators=[DataRequired()])


def _person(user) -> str:
    department = user.department.name if user.department_id and user.department else ""
    return f"{user.display_name}（{department}）" if department else user.display_name


def _form(formdata=True) -> DelegationForm:
    """The form with its deputies: every active colleague but me, in one query."""
    form = DelegationForm() if formdata else DelegationForm(formdata=None)
    people = (User.select(User.id, User.display_name, User.department, Department.id, Department.name)
              .join(Department, JOIN.LEFT_OUTER, on=(User.department == Department.id), attr="department")
              .where(User.is_active & (User.id != access.me().id))
              .order_by(User.display_name, User.id))
    form.deputy.choices = [SelectChoice("", _("Choose a colleague"))] + [
        SelectChoice(str(u.id), _person(u)) for u in people]
    return form


def _context(form: DelegationForm | None = None) -> dict:
    now = utcnow()
    return {
        "form": form,
        "delegations": list(my_delegations(access.me(), now)),
        "standing_in": list(standing_in_for(access.me(), now)),
        "now": now,
        # The earliest time the pickers offer: now, in the office's time zone.
        "local_now": format_datetime(now, "yyyy-MM-dd'T'HH:mm"),
    }


@bp.route("/delegation", methods=["GET", "POST"])
@login_required
def delegation():
    """GET: my deputies (current and coming, with a cancel button each), the form to add one,
    and whom I stand in for now ("正在代 X 审批"). htmx gets ``#delegation-list`` alone.

    POST: add a deputy for a window. Without JS: 303 back here. htmx (target
    ``#delegation-form``): a fresh form with ``#delegation-list`` out of band. Invalid or
    refused (oneself, inactive, end before start or past, overlapping another window): 422
    with the form (the page without JS).
    """
    if request.method == "GET":
        # The list alone needs no form (and so not the colleagues' query).
        form = None if htmx.is_partial() else _form(formdata=False)
        return htmx.render("approvals/delegation.html", partial="approvals/_delegation_list.html",
                           **_context(form))
    form = _form()
    if form.validate_on_submit():
        deputy = User.get_or_none(User.id == int(form.deputy.data)) if form.deputy.data.isdigit() else None
        try:
            row = add_delegation(access.me(), deputy, to_utc(form.starts_at.data), to_utc(form.ends_at.data))
        except DelegationError as error:
            getattr(form, error.field or "deputy", form.deputy).errors.append(str(error))
        else:
            if not htmx.is_partial():
                flash(_("%(name)s approves for you from %(start)s until %(end)s.", name=deputy.display_name,
                        start=short_datetime(row.starts_at), end=short_datetime(row.ends_at)),
                      "success")
                return htmx.redirect(url_for("approvals.delegation"))
            return htmx.render("approvals/_delegation_form.html", oob_list=True, **_context(_form(formdata=False)))
    return htmx.render("approvals/delegation.html", partial="approvals/_delegation_form.html", status=422,
                       **_context(form))


@bp.route("/delegation/<int:delegation_id>/cancel", methods=["POST"])
@login_required
def delegation_cancel(delegation_id: int):
    """POST: cancel one of my deputies. htmx gets ``#delegation-list``; otherwise 303 back to the
    page. Someone else's (or a missing) id: 404, so others' windows do not leak."""
    row = Delegation.get_or_none((Delegation.id == delegation_id) & (Delegation.user == access.me().id))
    if row is None:
        abort(404)
    cancel_delegation(row, access.me())
    if htmx.is_partial():
        return htmx.render("approvals/_delegation_list.html", **_context())
    flash(_("Deputy cancelled."), "success")
    return htmx.redirect(url_for("approvals.delegation"))
