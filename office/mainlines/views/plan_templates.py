"""Views for plan templates (/mainlines/templates): the built-in and saved ones, each with its
phases and nodes, and saving a mainline's plan as one. Starting a mainline from one: overview.py.
"""
from __future__ import annotations

from flask import url_for
from flask_login import login_required

from office import htmx
from office.access import me
from office.mainlines import access, pages, plan_templates
from office.mainlines.blueprint import bp
from office.mainlines.forms import TemplateForm
from office.mainlines.plans import MainlineError


@bp.route("/templates")
@login_required
def template_list():
    """GET: the built-in and saved templates, each with its phases and nodes (T−n days)."""
    return htmx.render("mainlines/templates.html", specs=plan_templates.all_templates(),
                       can_create=access.can_create(me()))


@bp.route("/<int:mainline_id>/save-template", methods=["POST"])
@login_required
def save_template(mainline_id: int):
    """POST name=&description=: save the plan as a template (offsets from the event date); 303 to the list."""
    mainline = access.managed_or_404(me(), mainline_id)
    form = TemplateForm()
    if form.validate_on_submit():
        try:
            plan_templates.save_as_template(mainline, me(), form.name.data, form.description.data)
        except MainlineError as error:
            form.name.errors.append(str(error))
        else:
            return htmx.redirect(url_for("mainlines.template_list"))
    return pages.settings_page(mainline, template_form=form, status=422)
