"""Views for the overview of every mainline (作战图, /mainlines/) and for starting a mainline,
blank or from a plan template back-scheduled from the event date.
"""
from __future__ import annotations

from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from office import htmx
from office.access import me
from office.live.events import latest_id
from office.mainlines import access, pages, plan_templates, plans
from office.mainlines.blueprint import bp
from office.mainlines.forms import MainlineForm
from office.mainlines.plans import MainlineError


@bp.route("/")
@login_required
def index():
    """GET ?status=active|done|cancelled: the overview of every mainline the viewer may see
    (phase, % done, overdue nodes, blockers, latest activity), live. ``#overview`` for htmx."""
    live_after = latest_id()
    context = pages.overview_context(me(), request.args.get("status"))
    return htmx.render("mainlines/index.html", partial="mainlines/_overview.html",
                       can_create=access.can_create(me()), live_after=live_after,
                       live_args={"view": "overview", "status": context["shown_status"]}, **context)


def _template_choices():
    return [("", _("Blank (phases 前期筹备 / 中期执行 / 后期监督)"))] + [
        (t.key, t.name) for t in plan_templates.all_templates()]


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    """GET ?template=: the form. POST: a blank mainline, or one planned from a template with its
    nodes back-scheduled from the event date; 303 to it, 422 with errors."""
    if not access.can_create(me()):
        abort(403)
    form = MainlineForm(template=request.args.get("template", ""))
    choices = _template_choices()
    form.template.choices = lambda: choices
    status = 200
    if form.validate_on_submit():
        try:
            if form.template.data:
                spec = plan_templates.find(form.template.data)
                if spec is None:
                    raise MainlineError(_("This template no longer exists."), "template")
                mainline = plan_templates.instantiate(spec, me(), form.title.data, form.event_date.data,
                                                      form.goal.data)
            else:
                mainline = plans.create_mainline(me(), form.title.data, form.event_date.data, form.goal.data)
        except MainlineError as error:
            getattr(form, error.field, form.title).errors.append(str(error))
        else:
            return htmx.redirect(url_for("mainlines.board", mainline_id=mainline.id))
    if request.method == "POST":
        status = 422
    spec = plan_templates.find(form.template.data or "")
    return htmx.render("mainlines/new.html", form=form, spec=spec, status=status,
                       preview=plan_templates.schedule(spec, form.event_date.data) if spec and form.event_date.data
                       else None)
