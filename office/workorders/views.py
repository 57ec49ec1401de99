"""The work-orders blueprint (/work-orders): the lists with their tabs and filters, opening an
order, one order's page with the actions its viewer may take and its timeline, the actions
(plain POSTs that work without JavaScript; htmx redraws the order in place), and its files.

Every URL answers 404 for an order the user may not see (office/workorders/visibility.py),
pages, partials and files alike.
"""
from __future__ import annotations

from flask import Blueprint, abort, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import to_utc
from flask_login import login_required
from markupsafe import Markup

from office import access, htmx, markup
from office.departments.tree import choices as department_choices
from office.errors import toast
from office.live import registry
from office.live.events import latest_id
from office.models.base import utcnow
from office.models.orders import Order
from office.models.people import Department, User
from office.models.workorders import KINDS, PRIORITIES, PRIORITY_NORMAL, STATUSES, WorkOrderFile
from office.orders.access import can_work_orders
from office.rules import NotFound
from office.uploads import UploadError, check_and_store, discard, send_stored
from office.workorders import engine, export, live, pages, queries, sla, sources
from office.workorders.engine import WorkOrderError
from office.workorders.forms import FilterForm, NewWorkOrderForm
from tasks import notify as notify_tasks

bp = Blueprint("workorders", __name__, url_prefix="/work-orders")
registry.register(bp, "workorders", kinds=live.KINDS, args=live.ARGS, render=live.render)

ACTIONS = ("claim", "start", "submit", "accept", "send_back", "pause", "resume", "close", "reopen", "assign",
           "transfer", "comment", "watch", "unwatch")


@bp.app_context_processor
def work_order_globals():
    return {"wo_kind_labels": pages.KIND_LABELS, "wo_status_labels": pages.STATUS_LABELS,
            "wo_status_tones": pages.STATUS_TONES, "wo_priority_labels": pages.PRIORITY_LABELS,
            "wo_event_labels": pages.EVENT_LABELS, "wo_tab_labels": pages.TAB_LABELS,
            "wo_columns": pages.COLUMNS}


@bp.app_template_global()
def wo_clock(order):
    """(text, breached) for a row or card: the running clock in working time."""
    clock = sla.current(order)
    return pages.clock_text(clock), bool(clock and clock.breached)


@bp.app_template_filter("wo_markup")
def wo_markup(text: str) -> Markup:
    """An order's body or a comment (stored with @names already linked) as safe HTML."""
    return Markup(markup.render(text))


def _deliver(ids) -> None:
    # After the engine's transaction has committed: a channel failure cannot undo the action.
    if ids:
        notify_tasks.deliver_notifications(ids)


@bp.route("/")
@login_required
def index():
    """GET ?tab=mine|queue|watched|created|all&kind=&status=&breached=1&page=. htmx: the list only.
    Kept current by the live stream (view=work_orders)."""
    me = access.me()
    tabs = queries.tabs_for(me)
    if request.args.get("tab", queries.MINE) not in tabs:
        abort(404)
    live_after = latest_id()  # before reading, so no change falls between the page and the stream
    form = FilterForm(request.args)
    form.kind.choices = [("", _("All kinds"))] + [(k, pages.KIND_LABELS[k]) for k in KINDS]
    form.status.choices = [("", _("All statuses"))] + [(s, pages.STATUS_LABELS[s]) for s in STATUSES]
    context = live.list_context(me, request.args, request.args.get("page", 1, type=int))
    live_args = {"view": "work_orders", **context["list_args"], "page": context["page"].number}
    return htmx.render("workorders/index.html", partial="workorders/_list.html", tabs=tabs, filter_form=form,
                       live_after=live_after, live_args=live_args, **context)


@bp.route("/export.xlsx")
@login_required
def export_list():
    """GET ?tab=&kind=&status=&breached=1: the list as filtered, every page up to 10,000 orders,
    as an Excel workbook (the same rows the list shows the user, never more); texts Excel would
    run as a formula are prefixed with '."""
    me = access.me()
    if request.args.get("tab", queries.MINE) not in queries.tabs_for(me):
        abort(404)
    kept = live.list_args(request.args)
    now = utcnow()
    found = export.rows(kept["tab"], me, kept.get("kind"), kept.get("status"), "breached" in kept, now=now)
    name = f"work-orders-{kept['tab']}-{export.local(now):%Y%m%d}.xlsx"
    book = export.workbook(str(pages.TAB_LABELS[kept["tab"]]), found, pages.KIND_LABELS, pages.STATUS_LABELS,
                           pages.PRIORITY_LABELS)
    response = send_file(book, as_attachment=True, download_name=name, max_age=0,
                         mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _form() -> NewWorkOrderForm:
    form = NewWorkOrderForm()
    form.kind.choices = [(k, pages.KIND_LABELS[k]) for k in KINDS]
    form.priority.choices = [(p, pages.PRIORITY_LABELS[p]) for p in PRIORITIES]
    if not form.priority.data:
        form.priority.data = PRIORITY_NORMAL
    people = User.select(User.id, User.display_name).where(User.is_active).order_by(User.pinyin, User.id)
    form.assignee.choices = [(0, _("Nobody yet"))] + [(u.id, u.display_name) for u in people]
    departments = department_choices()
    form.queue.choices = [(0, _("No department"))] + departments
    form.departments.choices = departments
    return form


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """GET: the form (?post=ID or ?node=ID: a task order turned from a feed post or a mainline
    node, prefilled; 404 for one the user may not see); POST: open the order (303 to it), or the
    form again with the refusal (422)."""
    me = access.me()
    form = _form()
    form_error = None
    source = _source(me, form)
    if request.method == "GET" and source:
        form.process(data={"priority": PRIORITY_NORMAL, **source})
    if request.method == "POST" and form.validate_on_submit():
        uploads = []
        try:
            order = None
            number = (form.order_no.data or "").strip()
            if number and not can_work_orders(me):
                raise WorkOrderError(_("Only those who work orders may link one."), "form")
            if number:
                order = Order.select().where(Order.order_no == number).order_by(Order.id.desc()).first()
                if order is None:
                    raise WorkOrderError(_("No order has this number."), "order_no")
            assignee = User.get_or_none((User.id == form.assignee.data) & User.is_active) if form.assignee.data else None
            queue = Department.get_or_none(Department.id == form.queue.data) if form.queue.data else None
            related = list(Department.select().where(Department.id.in_(form.departments.data or [])))
            deadline = to_utc(form.deadline.data).replace(tzinfo=None) if form.deadline.data else None
            uploads = check_and_store(request.files.getlist("files"))
            outcome = engine.open_order(me, form.kind.data, form.title.data, form.body.data, assignee=assignee,
                                        queue=queue, departments=related, priority=form.priority.data,
                                        deadline=deadline, order=order, stored_files=uploads,
                                        mainline=source.get("mainline"), source_post=source.get("source_post"),
                                        source_node=source.get("source_node"))
        except (WorkOrderError, UploadError) as error:
            discard(u.stored_name for u in uploads)
            target = getattr(form, getattr(error, "field", "") or "", None)
            if target is None:
                # No field of the form to show it beside (a file, the order link's audience): above it.
                form_error = str(error)
            else:
                target.errors = list(target.errors) + [str(error)]
        else:
            _deliver(outcome.notification_ids)
            return htmx.redirect(url_for("workorders.show", order_id=outcome.order.id))
        return htmx.render("workorders/new.html", status=422, form=form, form_error=form_error,
                           can_link_orders=can_work_orders(me))
    status = 422 if request.method == "POST" else 200
    return htmx.render("workorders/new.html", status=status, form=form, can_link_orders=can_work_orders(me))


def _source(me, form: NewWorkOrderForm) -> dict:
    """The prefill of a task order turned from a post (?post=) or a node (?node=), with the source
    ids the form carries back on submit; {} for neither. 404 for a source ``me`` may not see."""
    values = request.form if request.method == "POST" else request.args
    post_id = values.get("source_post" if request.method == "POST" else "post", "")
    node_id = values.get("source_node" if request.method == "POST" else "node", "")
    try:
        if post_id.isdigit():
            post = sources.visible_post(me, int(post_id))
            data = sources.from_post(post, url_for("feed.show", post_id=post.id, _external=True))
            return {**data, "source_post": post.id}
        if node_id.isdigit():
            mainline, node = sources.visible_node(me, int(node_id))
            link = url_for("mainlines.node", mainline_id=mainline.id, node_id=node.id, _external=True)
            return {**sources.from_node(mainline, node, link), "source_node": node.id, "mainline": mainline}
    except NotFound:
        abort(404)
    return {}


def _visible_or_404(order_id: int):
    try:
        return engine.get_visible(order_id, access.me())
    except NotFound:
        abort(404)


@bp.route("/<int:order_id>")
@login_required
def show(order_id: int):
    """GET: one order: summary card, the viewer's actions, the timeline. htmx: ``#work-order`` only."""
    live_after = latest_id()  # before reading, so no change falls between the page and the stream
    _visible_or_404(order_id)
    return htmx.render("workorders/show.html", partial="workorders/_order.html", live_after=live_after,
                       live_args={"view": "work_order", "work_order": order_id},
                       **pages.detail_context(access.me(), order_id))


def _person(field: str) -> User:
    value = request.form.get(field, "")
    person = User.get_or_none((User.id == int(value)) & User.is_active) if value.isdigit() else None
    if person is None:
        raise WorkOrderError(_("Choose a colleague."), field)
    return person


def _department(field: str) -> Department:
    value = request.form.get(field, "")
    department = Department.get_or_none(Department.id == int(value)) if value.isdigit() else None
    if department is None:
        raise WorkOrderError(_("Choose a department."), field)
    return department


def _perform(action: str, order_id: int, me) -> engine.Outcome:
    text = request.form.get("comment", "")
    if action == "comment":
        uploads = check_and_store(request.files.getlist("files"))
        try:
            return engine.comment(order_id, me, text, stored_files=uploads)
        except BaseException:
            discard(u.stored_name for u in uploads)
            raise
    if action == "assign":
        return engine.assign(order_id, me, _person("person"), text)
    if action == "transfer":
        return engine.transfer(order_id, me, _department("department"), text)
    if action in ("send_back", "pause", "close", "reopen"):
        return getattr(engine, action)(order_id, me, text)
    if action in ("submit", "accept"):
        return getattr(engine, action)(order_id, me, text)
    return getattr(engine, action)(order_id, me)


@bp.route("/<int:order_id>/act", methods=["POST"])
@login_required
def act(order_id: int):
    """POST action=claim|start|submit|accept|send_back|pause|resume|close|reopen|assign|transfer|
    comment|watch|unwatch (with comment, person, department, files). htmx: ``#work-order`` redrawn;
    a refusal is a 422 toast. Without JS: 303 back to the order, or the page with the refusal (422)."""
    _visible_or_404(order_id)
    action = request.form.get("action", "")
    if action not in ACTIONS:
        abort(400)
    me = access.me()
    try:
        outcome = _perform(action, order_id, me)
    except NotFound:
        abort(404)
    except (WorkOrderError, UploadError) as error:
        if htmx.is_htmx():
            return toast(str(error), 422)
        return htmx.render("workorders/show.html", status=422, action_error=str(error),
                           live_args={"view": "work_order", "work_order": order_id},
                           **pages.detail_context(me, order_id))
    _deliver(outcome.notification_ids)
    if action == "unwatch" and not _still_visible(order_id, me):
        return htmx.redirect(url_for("workorders.index"))
    if htmx.is_partial():
        return htmx.render("workorders/_order.html", **pages.detail_context(me, order_id))
    return htmx.redirect(url_for("workorders.show", order_id=order_id))


def _still_visible(order_id: int, me) -> bool:
    try:
        engine.get_visible(order_id, me)
    except NotFound:
        return False
    return True


@bp.route("/<int:order_id>/files/<int:file_id>/<path:name>")
@login_required
def file(order_id: int, file_id: int, name: str):
    """GET: a file of the order, only to those who may see it (404 otherwise)."""
    order = _visible_or_404(order_id)
    item = WorkOrderFile.get_or_none((WorkOrderFile.id == file_id) & (WorkOrderFile.work_order == order.id))
    if item is None or item.file_name != name:
        abort(404)
    return send_stored(item.stored_name, content_type=item.content_type, download_name=item.file_name,
                       is_image=item.is_image)
