"""Views for a mainline's settings (/mainlines/<id>/edit, managers only): details and status,
and its phases (add, rename, remove empty ones). Saving the plan as a plan template: plan_templates.py.
"""
from __future__ import annotations

from flask import abort, request, url_for
from flask_login import login_required

from office import htmx
from office.access import me
from office.mainlines import access, pages, plans
from office.mainlines.blueprint import bp
from office.mainlines.forms import EditMainlineForm, PhaseForm
from office.mainlines.plans import MainlineError
from office.models.mainlines import Phase
from tasks import notify as notify_tasks


def _deliver(ids) -> None:
    if ids:
        notify_tasks.deliver_notifications(ids)


@bp.route("/<int:mainline_id>/edit", methods=["GET", "POST"])
@login_required
def edit(mainline_id: int):
    """GET: settings (details, status, phases, save as template). POST: save the details; 303, 422."""
    mainline = access.managed_or_404(me(), mainline_id)
    if request.method == "GET":
        return pages.settings_page(mainline)
    form = EditMainlineForm()
    if form.validate_on_submit():
        try:
            mainline, ids = plans.update_mainline(mainline, me(), form.title.data, form.event_date.data,
                                                  form.goal.data, form.status.data)
        except MainlineError as error:
            getattr(form, error.field, form.title).errors.append(str(error))
        else:
            _deliver(ids)
            return htmx.redirect(url_for("mainlines.show", mainline_id=mainline.id))
    return pages.settings_page(mainline, form=form, status=422)


@bp.route("/<int:mainline_id>/phases", methods=["POST"])
@login_required
def phase_add(mainline_id: int):
    """POST name=: a new phase at the end; 303 to settings, 422 with the error."""
    mainline = access.managed_or_404(me(), mainline_id)
    form = PhaseForm()
    if form.validate_on_submit():
        try:
            plans.add_phase(mainline, me(), form.name.data)
        except MainlineError as error:
            form.name.errors.append(str(error))
        else:
            return htmx.redirect(url_for("mainlines.edit", mainline_id=mainline.id))
    return pages.settings_page(mainline, phase_form=form, status=422)


def _phase_or_404(mainline, phase_id: int) -> Phase:
    phase = Phase.get_or_none((Phase.id == phase_id) & (Phase.mainline == mainline.id))
    if phase is None:
        abort(404)
    return phase


@bp.route("/<int:mainline_id>/phases/<int:phase_id>", methods=["POST"])
@login_required
def phase_rename(mainline_id: int, phase_id: int):
    """POST name=: rename a phase; 303 to settings, 422 with the error beside it."""
    mainline = access.managed_or_404(me(), mainline_id)
    phase = _phase_or_404(mainline, phase_id)
    form = PhaseForm()
    error = None
    if form.validate_on_submit():
        try:
            plans.rename_phase(phase, me(), form.name.data)
        except MainlineError as refused:
            error = str(refused)
        else:
            return htmx.redirect(url_for("mainlines.edit", mainline_id=mainline.id))
    else:
        error = " ".join(form.name.errors)
    return pages.settings_page(mainline, status=422, phase_errors={phase.id: error})


@bp.route("/<int:mainline_id>/phases/<int:phase_id>/delete", methods=["POST"])
@login_required
def phase_delete(mainline_id: int, phase_id: int):
    """POST: remove an empty phase; 303 to settings, 422 when it still has nodes or is the last."""
    mainline = access.managed_or_404(me(), mainline_id)
    phase = _phase_or_404(mainline, phase_id)
    try:
        plans.delete_phase(phase, me())
    except MainlineError as error:
        return pages.settings_page(mainline, status=422, phase_errors={phase.id: str(error)})
    return htmx.redirect(url_for("mainlines.edit", mainline_id=mainline.id))
