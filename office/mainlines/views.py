"""Views for /mainlines: the overview (作战图), starting a mainline (blank or from a template),
its progress page with the private feed and timeline, settings and phases, saving as a
template, and the CSV export. Nodes: node_views.py; members and joining: member_views.py.

Every URL that names a mainline opens it through access.mainline_or_404: for a
non-member it does not exist, pages and partials alike.
"""
from __future__ import annotations

import csv
import io

from flask import Response, abort, current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from office import htmx
from office.feed import mentions
from office.uploads import ACCEPT, UploadError, check_and_store
from office.feed.forms import PostForm
from office.feed.posts import PostError
from office.feed.queries import cards, feed
from office.clock import office_date
from office.live.events import latest_id
from office.mainlines import access, bp, plans, queries, templates
from office.mainlines.forms import EditMainlineForm, MainlineForm, PhaseForm, TemplateForm
from office.mainlines.plans import MainlineError
from office.mainlines.progress import post_progress
from office.models.mainlines import STATUS_ACTIVE, STATUSES, Phase
from office.models.people import ROLE_ADMIN, ROLE_DIRECTOR, ROLE_HEAD
from tasks import notify as notify_tasks

# Who may start a mainline: those who plan cross-department work.
CREATOR_ROLES = (ROLE_ADMIN, ROLE_DIRECTOR, ROLE_HEAD)
TIMELINE_SIZE = 20


def _me():
    return current_user._get_current_object()


def _deliver(ids) -> None:
    if ids:
        notify_tasks.deliver_notifications(ids)


def can_create(user) -> bool:
    return user.role in CREATOR_ROLES


def overview_context(user, status: str = STATUS_ACTIVE) -> dict:
    return {"rows": queries.overview(user, office_date(), status), "shown_status": status}


@bp.route("/")
@login_required
def index():
    """GET ?status=active|done|cancelled: the overview of every mainline the viewer may see
    (phase, % done, overdue nodes, blockers, latest activity), live. ``#overview`` for htmx."""
    status = request.args.get("status", STATUS_ACTIVE)
    if status not in STATUSES:
        status = STATUS_ACTIVE
    live_after = latest_id()
    return htmx.render("mainlines/index.html", partial="mainlines/_overview.html",
                       can_create=can_create(_me()), live_after=live_after,
                       live_args={"view": "overview", "status": status}, **overview_context(_me(), status))


def _template_choices():
    return [("", _("Blank (phases 前期筹备 / 中期执行 / 后期监督)"))] + [
        (t.key, t.name) for t in templates.all_templates()]


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    """GET ?template=: the form. POST: a blank mainline, or one planned from a template with its
    nodes back-scheduled from the event date; 303 to it, 422 with errors."""
    if not can_create(_me()):
        abort(403)
    form = MainlineForm(template=request.args.get("template", ""))
    choices = _template_choices()
    form.template.choices = lambda: choices
    status = 200
    if form.validate_on_submit():
        try:
            if form.template.data:
                spec = templates.find(form.template.data)
                if spec is None:
                    raise MainlineError(_("This template no longer exists."), "template")
                mainline = templates.instantiate(spec, _me(), form.title.data, form.event_date.data, form.goal.data)
            else:
                mainline = plans.create_mainline(_me(), form.title.data, form.event_date.data, form.goal.data)
        except MainlineError as error:
            getattr(form, error.field, form.title).errors.append(str(error))
        else:
            return htmx.redirect(url_for("mainlines.board", mainline_id=mainline.id))
    if request.method == "POST":
        status = 422
    spec = templates.find(form.template.data or "")
    return htmx.render("mainlines/new.html", form=form, spec=spec, status=status,
                       preview=templates.schedule(spec, form.event_date.data) if spec and form.event_date.data
                       else None)


@bp.route("/templates")
@login_required
def template_list():
    """GET: the built-in and saved templates, each with its phases and nodes (T−n days)."""
    return htmx.render("mainlines/templates.html", specs=templates.all_templates(), can_create=can_create(_me()))


def _page(mainline, **context):
    return {"mainline": mainline, "my_role": access.role_in(_me(), mainline), **context}


def _composer(form: PostForm | None = None) -> PostForm:
    return form or PostForm(formdata=None)


def _feed_context(mainline) -> dict:
    before = request.args.get("before", type=int)
    limit = current_app.config["FEED_PAGE_SIZE"]
    posts = list(feed(_me(), before=before, limit=limit + 1, mainline_id=mainline.id))
    has_more = len(posts) > limit
    posts = posts[:limit]
    return {
        "cards": cards(posts, _me()),
        "next_before": posts[-1].id if has_more else None,
        "feed_args": {"mainline_id": mainline.id},
        "feed_endpoint": "mainlines.show",
        "live_top": posts[0].id if posts and not before else 0,
    }


@bp.route("/<int:mainline_id>")
@login_required
def show(mainline_id: int):
    """GET: the mainline's progress: goal, figures per phase (plan vs actual), the members' feed
    with its composer, the timeline. htmx with HX-Target ``feed-more``: older posts only."""
    live_after = latest_id()  # before reading, so nothing falls between the page and the stream
    mainline = access.mainline_or_404(_me(), mainline_id)
    context = _feed_context(mainline)
    if htmx.is_partial() and htmx.target() == "feed-more":
        return htmx.render("feed/_post_list.html", **context)
    board = queries.board(mainline, office_date())
    timeline = list(queries.timeline(mainline, limit=TIMELINE_SIZE + 1))
    return htmx.render("mainlines/show.html", **_page(
        mainline, tab="show", board=board, composer=_composer(), accept=ACCEPT,
        can_post=access.can_post(_me(), mainline), timeline=timeline[:TIMELINE_SIZE],
        timeline_more=timeline[TIMELINE_SIZE - 1].id if len(timeline) > TIMELINE_SIZE else None,
        live_after=live_after,
        live_args={"view": "mainline", "mainline": mainline.id, "top": context["live_top"]}, **context))


@bp.route("/<int:mainline_id>/posts", methods=["POST"])
@login_required
def post(mainline_id: int):
    """POST: a progress post, visible to members only. htmx: a fresh composer (the post arrives by
    the live stream); 422 with errors. Without JS: 303 to the mainline."""
    mainline = access.mainline_or_404(_me(), mainline_id)
    if not access.can_post(_me(), mainline):
        abort(403)
    form = PostForm()
    if form.validate_on_submit():
        remind, unknown = mentions.find_people(form.remind.data)
        if unknown:
            form.remind.errors.append(_("Nobody is called %(names)s.", names="、".join(unknown)))
        else:
            try:
                uploads = check_and_store(request.files.getlist(form.files.name))
                result = post_progress(mainline, _me(), form.body.data, remind=remind,
                                       needs_confirmation=form.needs_confirmation.data, uploads=uploads)
            except UploadError as error:
                form.files.errors.append(str(error))
            except PostError as error:
                getattr(form, error.field, form.body).errors.append(str(error))
            else:
                _deliver(result.notification_ids)
                if not htmx.is_htmx():
                    return htmx.redirect(url_for("mainlines.show", mainline_id=mainline.id))
                response = htmx.render("mainlines/_composer.html", mainline=mainline, composer=_composer(),
                                       accept=ACCEPT)
                return htmx.trigger(response, "post-added", {"id": result.post.id})
    return htmx.render("mainlines/compose.html", partial="mainlines/_composer.html", status=422,
                       **_page(mainline, tab="show", composer=form, accept=ACCEPT))


@bp.route("/<int:mainline_id>/timeline")
@login_required
def timeline(mainline_id: int):
    """GET ?before=: the timeline (node changes, members, posts), newest first; ``#timeline-page`` for htmx."""
    mainline = access.mainline_or_404(_me(), mainline_id)
    rows = list(queries.timeline(mainline, request.args.get("before", type=int), TIMELINE_SIZE + 1))
    return htmx.render("mainlines/timeline.html", partial="mainlines/_timeline.html", **_page(
        mainline, tab="show", timeline=rows[:TIMELINE_SIZE],
        timeline_more=rows[TIMELINE_SIZE - 1].id if len(rows) > TIMELINE_SIZE else None))


@bp.route("/<int:mainline_id>/figures")
@login_required
def figures(mainline_id: int):
    """GET: plan vs actual per phase and in total (``#mainline-figures``)."""
    mainline = access.mainline_or_404(_me(), mainline_id)
    return htmx.render("mainlines/figures.html", partial="mainlines/_figures.html", **_page(
        mainline, tab="show", board=queries.board(mainline, office_date())))


def _edit_page(mainline, form=None, phase_form=None, template_form=None, status=200, phase_errors=None):
    phases = list(Phase.select().where(Phase.mainline == mainline.id).order_by(Phase.position, Phase.id))
    return htmx.render("mainlines/edit.html", partial="mainlines/_settings.html", status=status, **_page(
        mainline, tab="edit", form=form or EditMainlineForm(obj=mainline), phase_form=phase_form or PhaseForm(
            formdata=None), phases=phases, phase_errors=phase_errors or {},
        template_form=template_form or TemplateForm(formdata=None)))


@bp.route("/<int:mainline_id>/edit", methods=["GET", "POST"])
@login_required
def edit(mainline_id: int):
    """GET: settings (details, status, phases, save as template). POST: save the details; 303, 422."""
    mainline = access.managed_or_404(_me(), mainline_id)
    if request.method == "GET":
        return _edit_page(mainline)
    form = EditMainlineForm()
    if form.validate_on_submit():
        try:
            mainline, ids = plans.update_mainline(mainline, _me(), form.title.data, form.event_date.data,
                                                  form.goal.data, form.status.data)
        except MainlineError as error:
            getattr(form, error.field, form.title).errors.append(str(error))
        else:
            _deliver(ids)
            return htmx.redirect(url_for("mainlines.show", mainline_id=mainline.id))
    return _edit_page(mainline, form=form, status=422)


@bp.route("/<int:mainline_id>/phases", methods=["POST"])
@login_required
def phase_add(mainline_id: int):
    """POST name=: a new phase at the end; 303 to settings, 422 with the error."""
    mainline = access.managed_or_404(_me(), mainline_id)
    form = PhaseForm()
    if form.validate_on_submit():
        try:
            plans.add_phase(mainline, _me(), form.name.data)
        except MainlineError as error:
            form.name.errors.append(str(error))
        else:
            return htmx.redirect(url_for("mainlines.edit", mainline_id=mainline.id))
    return _edit_page(mainline, phase_form=form, status=422)


def _phase_or_404(mainline, phase_id: int) -> Phase:
    phase = Phase.get_or_none((Phase.id == phase_id) & (Phase.mainline == mainline.id))
    if phase is None:
        abort(404)
    return phase


@bp.route("/<int:mainline_id>/phases/<int:phase_id>", methods=["POST"])
@login_required
def phase_rename(mainline_id: int, phase_id: int):
    """POST name=: rename a phase; 303 to settings, 422 with the error beside it."""
    mainline = access.managed_or_404(_me(), mainline_id)
    phase = _phase_or_404(mainline, phase_id)
    form = PhaseForm()
    error = None
    if form.validate_on_submit():
        try:
            plans.rename_phase(phase, _me(), form.name.data)
        except MainlineError as refused:
            error = str(refused)
        else:
            return htmx.redirect(url_for("mainlines.edit", mainline_id=mainline.id))
    else:
        error = " ".join(form.name.errors)
    return _edit_page(mainline, status=422, phase_errors={phase.id: error})


@bp.route("/<int:mainline_id>/phases/<int:phase_id>/delete", methods=["POST"])
@login_required
def phase_delete(mainline_id: int, phase_id: int):
    """POST: remove an empty phase; 303 to settings, 422 when it still has nodes or is the last."""
    mainline = access.managed_or_404(_me(), mainline_id)
    phase = _phase_or_404(mainline, phase_id)
    try:
        plans.delete_phase(phase, _me())
    except MainlineError as error:
        return _edit_page(mainline, status=422, phase_errors={phase.id: str(error)})
    return htmx.redirect(url_for("mainlines.edit", mainline_id=mainline.id))


@bp.route("/<int:mainline_id>/save-template", methods=["POST"])
@login_required
def save_template(mainline_id: int):
    """POST name=&description=: save the plan as a template (offsets from the event date); 303 to the list."""
    mainline = access.managed_or_404(_me(), mainline_id)
    form = TemplateForm()
    if form.validate_on_submit():
        try:
            templates.save_as_template(mainline, _me(), form.name.data, form.description.data)
        except MainlineError as error:
            form.name.errors.append(str(error))
        else:
            return htmx.redirect(url_for("mainlines.template_list"))
    return _edit_page(mainline, template_form=form, status=422)


@bp.route("/<int:mainline_id>/export.csv")
@login_required
def export(mainline_id: int):
    """GET: every node as CSV (UTF-8 with BOM, so Excel opens Chinese correctly): phase, node, owner,
    department, due, status, started, done, planned and actual hours, over plan."""
    mainline = access.mainline_or_404(_me(), mainline_id)
    board = queries.board(mainline, office_date())
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("Phase"), _("Node"), _("Owner"), _("Department"), _("Due date"), _("Status"),
                     _("Started"), _("Done"), _("Planned hours"), _("Actual hours"), _("Over plan (h)"),
                     _("Overdue")])
    labels = {"todo": _("To do"), "doing": _("In progress"), "done": _("Done")}
    for column in board.columns:
        for node in column.nodes:
            over = round(node.actual_hours - node.planned_hours, 1) if node.actual_hours is not None else ""
            writer.writerow([
                _cell(column.phase.name), _cell(node.title),
                _cell(node.owner.display_name) if node.owner_id else "",
                _cell(node.department.name) if node.department_id else "",
                node.due_date.isoformat() if node.due_date else "", labels.get(node.status, node.status),
                _local(node.started_at), _local(node.done_at), f"{node.planned_hours:g}",
                "" if node.actual_hours is None else f"{node.actual_hours:g}", over,
                _("yes") if queries.is_overdue(node, board.today) else "",
            ])
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename=mainline-{mainline.id}.csv"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _cell(text: str) -> str:
    # A cell starting with = + - @ would run as a formula in Excel.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _local(moment) -> str:
    from office.i18n import short_datetime

    return short_datetime(moment) if moment else ""
