"""Views for /replies: the canned reply list (search, kind and department filters), the form to
write or change one, switching one off and on, counting a copy, and the pick partial.

Who sees and edits what is office/replies/access.py: a reply outside the reader's reach is a 404
(its existence does not leak); one they may read but not change is a 403 on its edit URLs.

The pick partial, for pages that embed a short list of replies (the work-order page):

    GET /replies/pick?kind=<kind code>&q=<words>&limit=<n>

- Signed in only (anonymous: 302 to the login page; htmx: 401 with HX-Redirect).
- Always a fragment, never a full page, with or without HX-Request (``Vary: HX-Request``).
  Its root is ``<section id="reply-pick" class="reply-pick">``: refresh it with
  ``hx-target="#reply-pick" hx-swap="outerHTML"``.
- Lists at most ``limit`` (default 8, at most 20) active replies the viewer may read: those for
  ``kind`` and those for any kind, the kind's own first, then the most used. No ``kind``, or one
  not in office.models.workorders.KINDS: every kind. ``q``: every word must appear in the title,
  wording or keywords (substring, so 退款 finds 退款进度).
- Each reply is ``<li id="reply-pick-<id>">``: its title, its wording with the placeholders
  ({买家} {订单号} {快递单号}) highlighted, and a 复制 button that copies the wording as written
  (placeholders and all) and counts the copy (POST /replies/<id>/use, swapping
  ``#reply-pick-<id>-uses``). With nothing found it holds a ``<p class="empty">``. Each list
  ends with a link to the full list for the same kind.
- Three queries whatever the number of replies: the session user, the department tree (none for
  an admin), the replies.
- ``templates/replies/_picker.html`` is the ready-made embed: a search box over this partial,
  loaded when it scrolls into view, and a link to /replies/?kind=<kind> without JavaScript. Set
  ``pick_kind`` and include it.
"""
from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from office import htmx
from office.access import me
from office.departments.tree import all_departments, walk
from office.models.replies import CannedReply
from office.models.workorders import KINDS
from office.pagination import paginate
from office.replies import access, queries
from office.replies.access import Reach
from office.replies.forms import ReplyFilterForm, ReplyForm
from office.replies.library import (
    KIND_LABELS,
    ReplyError,
    create_reply,
    record_use,
    set_active,
    split_placeholders,
    update_reply,
)

bp = Blueprint("replies", __name__, url_prefix="/replies")

PICK_LIMIT = 8
PICK_MAX = 20
# The counter an htmx copy swaps: on the list page or inside the pick partial.
USES_ID = re.compile(r"^reply-(pick-)?\d+-uses$")


@bp.app_template_global()
def reply_pieces(body: str) -> list[tuple[str, bool]]:
    """A reply's wording as (text, is_placeholder) pieces, to draw the placeholders highlighted."""
    return split_placeholders(body)


@bp.app_template_global()
def reply_kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def _reply_or_404(reply_id: int, who: Reach) -> CannedReply:
    reply = CannedReply.get_or_none(CannedReply.id == reply_id)
    if reply is None or not who.can_read(reply):
        abort(404)
    return reply


def _editable_or_403(reply_id: int, who: Reach) -> CannedReply:
    reply = _reply_or_404(reply_id, who)
    if not who.can_edit(reply):
        abort(403)
    return reply


def _department_choices(who: Reach) -> list[tuple[int, str]]:
    """Where ``who`` may file a reply: the whole company (admins), then departments in tree order."""
    ordered = walk(all_departments())
    options = [(d.id, "\u3000" * depth + d.name) for d, depth in ordered if who.may_file_under(d.id)]
    return ([(0, _("Whole company"))] if who.may_file_under(None) else []) + options


def _filter_form(who: Reach) -> ReplyFilterForm:
    form = ReplyFilterForm(request.args)
    departments = [(str(d.id), "\u3000" * depth + d.name) for d, depth in walk(all_departments())
                   if who.readable is None or d.id in who.readable]
    form.department.choices = [("", _("All I can use")), (queries.COMPANY, _("Whole company"))] + departments
    form.validate()
    return form


@bp.route("/")
@login_required
def index():
    """GET: the replies I may use, searched (``q``) and filtered by kind and department, each a card
    with its wording and a 复制 button. htmx (active search) gets ``#reply-results`` alone."""
    who = access.reach(me())
    form = _filter_form(who)
    kind = form.kind.data if form.kind.data in KIND_LABELS else None
    query = queries.replies(who, form.q.data or "", kind, form.department.data or "")
    page = paginate(query, current_app.config["PAGE_SIZE"])
    return htmx.render("replies/index.html", partial="replies/_reply_list.html", form=form, page=page, who=who)


def _save(form: ReplyForm, who: Reach, reply: CannedReply | None):
    """Validate and save; returns the saved reply, or None with the errors on ``form``."""
    if not form.validate_on_submit():
        return None
    department_id = form.department.data or None
    if not who.may_file_under(department_id):
        form.department.errors.append(_("Choose one of the departments listed."))
        return None
    try:
        if reply is None:
            return create_reply(me(), form.title.data, form.body.data, form.kind.data, department_id, form.tags.data)
        return update_reply(reply, me(), form.title.data, form.body.data, form.kind.data, department_id,
                            form.tags.data)
    except ReplyError as error:
        getattr(form, error.field or "body").errors.append(str(error))
        return None


def _form_page(form: ReplyForm, reply: CannedReply | None):
    status = 422 if request.method == "POST" else 200
    return htmx.render("replies/form.html", partial="replies/_reply_form.html", status=status, form=form,
                       reply=reply)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    """GET: the new-reply form (admins, and heads for their departments; others 403).
    POST: save; 303 to the list (htmx: HX-Redirect). Invalid: 422 with the form (``#reply-form``)."""
    who = access.reach(me())
    if not who.can_create:
        abort(403)
    form = ReplyForm()
    form.department.choices = _department_choices(who)
    if request.method == "GET":
        # A head's own department first; an admin starts at the whole company.
        form.department.data = form.department.choices[0][0]
    reply = _save(form, who, None) if request.method == "POST" else None
    if reply is not None:
        flash(_("Reply “%(title)s” saved.", title=reply.title), "success")
        return htmx.redirect(url_for("replies.index"))
    return _form_page(form, None)


@bp.route("/<int:reply_id>/edit", methods=["GET", "POST"])
@login_required
def edit(reply_id: int):
    """GET: the form for one reply I may edit (404 if I may not see it, 403 if I may not change it).
    POST: save; 303 to the list (htmx: HX-Redirect). Invalid: 422 with the form."""
    who = access.reach(me())
    reply = _editable_or_403(reply_id, who)
    data = None
    if request.method == "GET":
        data = {"title": reply.title, "body": reply.body, "kind": reply.kind, "tags": reply.tags,
                "department": reply.department_id or 0}
    form = ReplyForm(data=data)
    form.department.choices = _department_choices(who)
    saved = _save(form, who, reply) if request.method == "POST" else None
    if saved is not None:
        flash(_("Reply “%(title)s” saved.", title=saved.title), "success")
        return htmx.redirect(url_for("replies.index"))
    return _form_page(form, reply)


def _switch(reply_id: int, active: bool):
    who = access.reach(me())
    reply = _editable_or_403(reply_id, who)
    set_active(reply, me(), active)
    if htmx.is_partial():
        reply = (queries.replies(who).where(CannedReply.id == reply.id)).get()
        return htmx.render("replies/_reply.html", r=reply, who=who)
    flash(_("Reply “%(title)s” switched off.", title=reply.title) if not active
          else _("Reply “%(title)s” switched on.", title=reply.title), "success")
    return htmx.redirect(url_for("replies.index"))


@bp.route("/<int:reply_id>/deactivate", methods=["POST"])
@login_required
def deactivate(reply_id: int):
    """POST: switch a reply off (readers no longer see it; its editors still do). htmx: its card
    (``#reply-<id>``, outerHTML); otherwise 303 to the list."""
    return _switch(reply_id, False)


@bp.route("/<int:reply_id>/activate", methods=["POST"])
@login_required
def activate(reply_id: int):
    """POST: switch a reply back on. htmx: its card; otherwise 303 to the list."""
    return _switch(reply_id, True)


@bp.route("/<int:reply_id>/use", methods=["POST"])
@login_required
def use(reply_id: int):
    """POST: count one copy of a reply I may use (the 复制 button; the copying itself is done in
    the browser). htmx: the counter (``#reply-<id>-uses`` or ``#reply-pick-<id>-uses``, as the
    target says); otherwise 303 to the list. A reply I may not see, or switched off: 404."""
    who = access.reach(me())
    reply = _reply_or_404(reply_id, who)
    count = record_use(reply.id)
    if not count:
        abort(404)
    if htmx.is_partial():
        target = htmx.target() or ""
        uses_id = target if USES_ID.match(target) else f"reply-{reply.id}-uses"
        return htmx.render("replies/_uses.html", uses_id=uses_id, count=count)
    return htmx.redirect(url_for("replies.index"))


@bp.route("/pick")
@login_required
def pick():
    """GET: the pick partial (contract in this module's docstring): always a fragment."""
    kind = request.args.get("kind", "")
    kind = kind if kind in KINDS else ""
    q = request.args.get("q", "")[:queries.MAX_QUERY]
    limit = min(max(request.args.get("limit", PICK_LIMIT, type=int) or PICK_LIMIT, 1), PICK_MAX)
    who = access.reach(me())
    items = list(queries.pick(who, kind, q, limit))
    return htmx.render("replies/_pick.html", items=items, pick_kind=kind, q=q)
