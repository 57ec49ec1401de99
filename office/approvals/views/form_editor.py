"""Views of the approval form editor (admins only, 403 for others like every admin page): the
list of approval forms (ApprovalTemplate rows) with their order and whether staff may file
them, and the editor of one form's settings, fields and route, with a preview of the form
staff would fill in.

The editor's row buttons (add, remove, move) post the whole form and get it back changed,
nothing saved; htmx swaps ``#template-editor`` only. Saving goes through
office/approvals/form_editor.py (``save``), which refuses changes that would leave filed
requests unreadable. Imports the editor's WTForms, rules, models and pages.py's choice lists.
"""
from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from peewee import fn
from werkzeug.datastructures import MultiDict

from office import access, htmx
from office.access import admin_required
from office.approvals import engine, form_editor
from office.approvals.blueprint import bp
from office.approvals.fields import DEPARTMENT, PERSON, FieldError
from office.approvals.form_editor import TemplateError
from office.approvals.form_editor_forms import (
    BLANK_STEP,
    OPERATOR_LABELS,
    NewTemplateForm,
    TemplateForm,
    apply_action,
    check_rows,
    draft_of,
    form_data,
    place_error,
    prepare,
    row_action,
)
from office.approvals.pages import people_groups
from office.approvals.routing import RouteError
from office.departments.tree import choices as department_choices
from office.forms import EmptyForm
from office.models.approvals import ApprovalRequest, ApprovalTemplate
from office.models.people import User
from office.uploads import ACCEPT

UP, DOWN = "up", "down"


def _get(template_id: int) -> ApprovalTemplate:
    template = ApprovalTemplate.get_or_none(ApprovalTemplate.id == template_id)
    if template is None:
        abort(404)
    return template


# ---------------------------------------------------------------------------------------------
# The list.

def _summary(template: ApprovalTemplate) -> list[str]:
    """Each step as "name" or "name (only when 金额 is more than 5000)"."""
    labels = {spec.name: spec.label for spec in engine.template_fields(template)}
    steps = []
    for step in engine.template_route(template):
        if step.condition:
            c = step.condition
            steps.append(_("%(step)s (only when %(field)s %(op)s %(value)s)", step=step.name,
                           field=labels.get(c.field, c.field), op=OPERATOR_LABELS.get(c.op, c.op), value=c.value))
        else:
            steps.append(step.name)
    return steps


def _list_context() -> dict:
    filed = (ApprovalRequest.select(fn.COUNT(ApprovalRequest.id))
             .where(ApprovalRequest.template == ApprovalTemplate.id))
    # One query: every form with how many requests were filed with it.
    rows = list(ApprovalTemplate.select(ApprovalTemplate, filed.alias("filed"))
                .order_by(ApprovalTemplate.position, ApprovalTemplate.id))
    return {"rows": [{"tpl": t, "fields": len(engine.template_fields(t)), "steps": _summary(t)} for t in rows]}


@bp.route("/templates")
@admin_required
def templates():
    """GET: the forms in the order staff see them, with fields, route and requests filed;
    ``#approval-template-list`` alone for htmx."""
    return htmx.render("approvals/templates.html", partial="approvals/_template_list.html", **_list_context())


def _after_list_change(message: str):
    if htmx.is_partial():
        return htmx.render("approvals/_template_list.html", **_list_context())
    flash(message, "success")
    return htmx.redirect(url_for("approvals.templates"))


@bp.route("/templates/<int:template_id>/activate", methods=["POST"])
@admin_required
def template_activate(template_id: int):
    """POST: offer the form for filing. htmx: ``#approval-template-list``; otherwise 303 to the list."""
    template = _get(template_id)
    if EmptyForm().validate_on_submit():
        form_editor.set_active(template, True, access.me())
    return _after_list_change(_("%(name)s is offered for filing again.", name=template.name))


@bp.route("/templates/<int:template_id>/deactivate", methods=["POST"])
@admin_required
def template_deactivate(template_id: int):
    """POST: stop offering the form (requests already filed go on). htmx: ``#approval-template-list``;
    otherwise 303 to the list."""
    template = _get(template_id)
    if EmptyForm().validate_on_submit():
        form_editor.set_active(template, False, access.me())
    return _after_list_change(_("%(name)s is no longer offered for filing.", name=template.name))


@bp.route("/templates/<int:template_id>/move", methods=["POST"])
@admin_required
def template_move(template_id: int):
    """POST direction=up|down: move the form one place. htmx: ``#approval-template-list``;
    otherwise 303 to the list."""
    template = _get(template_id)
    direction = request.form.get("direction")
    if direction not in (UP, DOWN):
        abort(400)
    if EmptyForm().validate_on_submit():
        form_editor.move(template, -1 if direction == UP else 1, access.me())
    return _after_list_change(_("Order saved."))


# ---------------------------------------------------------------------------------------------
# The editor.

def _inactive_people(form: TemplateForm, people) -> dict[int, str]:
    """People a step still names who are no longer active, so the select can show them."""
    active = {pid for _group, members in people for pid, _name in members}
    named = {pid for row in form.step_rows for pid in (row.form.users.data or []) if isinstance(pid, int)}
    missing = named - active
    if not missing:
        return {}
    found = User.select(User.id, User.display_name).where(User.id.in_(list(missing))).tuples()
    return {pid: _("%(name)s (inactive)", name=name) for pid, name in found}


def _editor(template: ApprovalTemplate | None):
    form_class = TemplateForm if template is not None else NewTemplateForm
    saved_specs = engine.template_fields(template) if template is not None else []
    in_use = form_editor.fields_in_use(template)
    locked = set(in_use)
    people, departments = people_groups(), department_choices()

    def ready(form):
        prepare(form, people, departments, {s.name: s.type for s in saved_specs}, locked,
                _inactive_people(form, people))
        return form

    status, focus = 200, ""
    if request.method == "GET":
        if template is not None:
            data = form_data(template, saved_specs, engine.template_route(template))
        else:
            data = {"step_rows": [dict(BLANK_STEP, name=_("Department head approval"))]}
        form = ready(form_class(formdata=None, data=data))
        _ok, preview = check_rows(form, show=False)
    else:
        form = ready(form_class())
        action = row_action(request.form)
        if action is not None:
            # A row button: the form comes back changed and nothing is saved.
            data, focus = apply_action(form, action, locked)
            if data is not None:
                form = ready(form_class(formdata=None, data=data))
            _ok, preview = check_rows(form, show=False)
        else:
            valid = form.validate()
            rows_ok, preview = check_rows(form)
            if valid and rows_ok:
                try:
                    saved = form_editor.save(draft_of(form), access.me(), template)
                except (TemplateError, FieldError, RouteError) as error:
                    place_error(form, error.field, str(error))
                else:
                    flash(_("Form %(name)s saved.", name=saved.name), "success")
                    return htmx.redirect(url_for("approvals.templates"))
            status = 422
    return htmx.render(
        "approvals/template_form.html", partial="approvals/_template_form.html", status=status,
        form=form, tpl=template, in_use=in_use, focus=focus, refused=status == 422,
        preview_specs=preview, preview_values=MultiDict(), accept=ACCEPT,
        preview_people=people if any(s.type == PERSON for s in preview) else [],
        preview_departments=departments if any(s.type == DEPARTMENT for s in preview) else [],
    )


@bp.route("/templates/new", methods=["GET", "POST"])
@admin_required
def template_create():
    """GET: the editor for a new form. POST: a row button (the form back, 200, nothing saved) or
    save: 303 to the list (HX-Redirect for htmx), or 422 with every error on its row.
    htmx gets ``#template-editor`` only."""
    return _editor(None)


@bp.route("/templates/<int:template_id>/edit", methods=["GET", "POST"])
@admin_required
def template_edit(template_id: int):
    """GET: the editor of one form, with the fields filed requests hold marked. POST: as
    template_create; fields filed requests hold cannot be removed, renamed or retyped (422)."""
    return _editor(_get(template_id))
