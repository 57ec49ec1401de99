"""Views for /approvals/leave-allowances (admins only, 403 for others like every admin page):
each active person's yearly days of every leave type that has a balance (config
LEAVE_ALLOWANCES), blank for the company default. One form, saved in one transaction; the
rules are in office/approvals/leave.py.
"""
from __future__ import annotations

from flask import flash, request, url_for
from flask_babel import gettext as _
from peewee import JOIN

from office import htmx
from office.access import admin_required
from office.approvals import leave
from office.approvals.blueprint import bp
from office.models.people import Department, User
from office.rules import RuleError


def _people() -> list[User]:
    return list(User.select(User.id, User.display_name, User.department, Department.name)
                .join(Department, JOIN.LEFT_OUTER, on=(User.department == Department.id), attr="dept")
                .where(User.is_active)
                .order_by(Department.position, Department.name, User.initials, User.display_name, User.id))


def _key(user_id: int, index: int) -> str:
    return f"days-{user_id}-{index}"


@bp.route("/leave-allowances", methods=["GET", "POST"])
@admin_required
def leave_allowances():
    """GET: the table of allowances. POST: save every changed cell; 303 back, or 422 with the
    refused cells marked (nothing saved)."""
    types = list(leave.default_allowances())
    people = _people()
    own = leave.own_allowances(types)
    values = {_key(p.id, i): ("" if own.get((p.id, t)) is None else leave.plain(own[(p.id, t)]))
              for p in people for i, t in enumerate(types)}
    errors: dict[str, str] = {}
    if request.method == "POST":
        changes = {}
        for person in people:
            for index, leave_type in enumerate(types):
                key = _key(person.id, index)
                text = request.form.get(key, values[key])
                values[key] = text
                try:
                    days = leave.parse_days(text)
                except RuleError as error:
                    errors[key] = str(error)
                    continue
                if days != own.get((person.id, leave_type)):
                    changes[(person.id, leave_type)] = days
        if not errors:
            leave.save_allowances(changes)
            flash(_("Leave allowances saved."), "success")
            return htmx.redirect(url_for("approvals.leave_allowances"))
    return htmx.render("approvals/leave_allowances.html", status=422 if errors else 200, types=types,
                       defaults=leave.default_allowances(), people=people, values=values, errors=errors,
                       key=_key)
