"""Views for /departments (admins only): the tree with inline editing of each node."""
from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from peewee import JOIN

from office import htmx
from office.access import admin_required, me
from office.departments.forms import DepartmentEditForm, DepartmentForm
from office.departments.tree import (
    DepartmentError,
    all_departments,
    choices,
    create_department,
    delete_department,
    load_tree,
    update_department,
)
from office.errors import toast
from office.forms import EmptyForm
from office.models.people import Department, User

bp = Blueprint("departments", __name__, url_prefix="/departments")


def _get(department_id: int) -> Department:
    department = Department.get_or_none(Department.id == department_id)
    if department is None:
        abort(404)
    return department


def _head_choices():
    users = (User.select(User, Department).join(Department, JOIN.LEFT_OUTER)
             .where(User.is_active).order_by(Department.name, User.display_name))
    return [(0, _("(none)"))] + [
        (u.id, f"{u.display_name}（{u.department.name}）" if u.department_id else u.display_name)
        for u in users
    ]


def _node(department_id: int):
    return next((n for n in load_tree() if n.department.id == department_id), None)


def _page(form=None, status=200):
    departments = all_departments()
    form = form or DepartmentForm()
    form.parent.choices = choices(_("(top level)"), departments)
    return htmx.render("departments/index.html", partial="departments/_tree.html", status=status,
                       form=form, nodes=load_tree(departments))


@bp.route("/")
@admin_required
def index():
    """GET: the tree and the new-department form; ``#department-tree`` alone for htmx."""
    return _page()


@bp.route("/new", methods=["POST"])
@admin_required
def create():
    """POST: add a department. htmx gets the refreshed tree section; no-JS gets 303."""
    form = DepartmentForm()
    form.parent.choices = choices(_("(top level)"))
    if form.validate_on_submit():
        parent = Department.get_or_none(Department.id == form.parent.data) if form.parent.data else None
        try:
            department = create_department(form.name.data, parent, by=me())
        except DepartmentError as error:
            form.name.errors.append(str(error))
        else:
            if htmx.is_partial():
                return _page()
            flash(_("Department %(name)s created.", name=department.name), "success")
            return htmx.redirect(url_for("departments.index"))
    return _page(form, status=422)


@bp.route("/<int:department_id>/row")
@admin_required
def row(department_id: int):
    """GET: one node's row (``#department-<id>``), for the inline form's Cancel."""
    _get(department_id)
    return render_template("departments/_row.html", node=_node(department_id))


@bp.route("/<int:department_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(department_id: int):
    """GET: the inline form (htmx) or the edit page. POST: rename / move / set head.

    A valid htmx POST re-renders the whole tree, since a move changes the order.
    """
    department = _get(department_id)
    form = DepartmentEditForm(obj=department)
    form.parent.choices = [c for c in choices(_("(top level)")) if c[0] != department.id]
    form.head.choices = _head_choices()
    if request.method == "GET":
        form.parent.data = department.parent_id or 0
        form.head.data = department.head_id or 0
    status = 200
    if form.validate_on_submit():
        parent = Department.get_or_none(Department.id == form.parent.data) if form.parent.data else None
        head = User.get_or_none(User.id == form.head.data) if form.head.data else None
        try:
            update_department(department, me(),
                              name=form.name.data, parent=parent, head=head,
                              handles_orders=form.handles_orders.data,
                              sees_customer_data=form.sees_customer_data.data)
        except DepartmentError as error:
            getattr(form, error.field or "name").errors.append(str(error))
            status = 422
        else:
            if htmx.is_partial():
                # A move changes the order, so the whole tree replaces the row.
                response = htmx.retarget(_page(), "#department-tree")
                return htmx.trigger(response, "department-updated", {"id": department.id})
            flash(_("Saved."), "success")
            return htmx.redirect(url_for("departments.index"))
    elif request.method == "POST":
        status = 422
    return htmx.render("departments/edit.html", partial="departments/_row_form.html", status=status,
                       form=form, department=department)


@bp.route("/<int:department_id>/delete", methods=["POST"])
@admin_required
def delete(department_id: int):
    """POST: delete an empty department. htmx gets the tree, or a toast saying why not."""
    department = _get(department_id)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            delete_department(department, by=me())
        except DepartmentError as error:
            if htmx.is_partial():
                return toast(str(error), 409)
            flash(str(error), "error")
        else:
            if not htmx.is_partial():
                flash(_("Department %(name)s deleted.", name=department.name), "success")
    if htmx.is_partial():
        return _page()
    return htmx.redirect(url_for("departments.index"))
