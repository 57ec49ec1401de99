"""Views for /notices: the list, publishing, one notice with read confirmation and statistics
(kept current by the live stream, view=notice), reminding the unread, pinning and expiring.

A notice the user may not read is a 404 on every URL (page or partial), so its
existence does not leak; a readable notice the user may not change is a 403.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_babel import format_datetime, to_utc
from flask_babel import gettext as _
from flask_login import login_required

from office import htmx
from office.access import me
from office.access import role_required
from office.departments.tree import choices
from office.errors import toast
from office.models.base import utcnow
from office.live import registry
from office.live.events import latest_id
from office.notices import live, publishing
from office.notices.forms import NoticeForm
from office.notices.pages import notice_context
from office.notices.publishing import PUBLISHER_ROLES, NoticeError
from office.notices.queries import notice_departments, notice_list, visible_notice
from office.pagination import paginate

# A module import: tasks.notify may be mid-import when the huey consumer loads this package.
from tasks import notify as notify_tasks

bp = Blueprint("notices", __name__, url_prefix="/notices")
registry.register(bp, "notices", kinds=live.KINDS, args=live.ARGS, render=live.render)


def _notice_or_404(notice_id: int):
    notice = visible_notice(me(), notice_id)
    if notice is None:
        abort(404)
    return notice


def _context(notice) -> dict:
    return notice_context(me(), notice)


@bp.route("/")
@login_required
def index():
    """GET: the notices I may read, pinned first then newest; ``?expired=1`` adds expired ones.

    htmx gets ``#notice-list`` alone (the expired toggle and the pages).
    """
    user = me()
    include_expired = request.args.get("expired") == "1"
    page = paginate(notice_list(user, include_expired), current_app.config["PAGE_SIZE"])
    return htmx.render("notices/index.html", partial="notices/_notice_list.html", page=page,
                       include_expired=include_expired, can_publish=publishing.can_publish(user), now=utcnow())


@bp.route("/new", methods=["GET", "POST"])
@role_required(*PUBLISHER_ROLES)
def create():
    """GET: the publish form. POST: publish; 303 / HX-Redirect to the notice, or 422 with the form.

    Notifications are delivered beyond the app after the notice's transaction commits.
    """
    form = NoticeForm()
    form.departments.choices = choices()
    status = 200
    if form.validate_on_submit():
        expires_at = to_utc(form.expires_at.data) if form.expires_at.data else None
        try:
            result = publishing.publish(
                me(), form.title.data, form.body.data, form.chosen_departments(),
                pinned=form.is_pinned.data, needs_confirmation=form.needs_confirmation.data, expires_at=expires_at)
        except NoticeError as error:
            getattr(form, error.field or "title", form.title).errors.append(str(error))
            status = 422
        else:
            if result.notification_ids:
                notify_tasks.deliver_notifications(result.notification_ids)
            flash(_("Notice published."), "success")
            return htmx.redirect(url_for("notices.show", notice_id=result.notice.id))
    elif request.method == "POST":
        status = 422
    # The earliest expiry the picker offers: now, in the office's time zone.
    local_now = format_datetime(utcnow(), "yyyy-MM-dd'T'HH:mm")
    return htmx.render("notices/new.html", partial="notices/_notice_form.html", status=status, form=form,
                       local_now=local_now)


@bp.route("/<int:notice_id>")
@login_required
def show(notice_id: int):
    """GET: one notice; the confirm button for its recipients; statistics for its author,
    admins and directors, kept current by the live stream. htmx gets ``#notice-<id>`` alone."""
    live_after = latest_id()  # before reading, so no confirmation falls between the page and the stream
    notice = _notice_or_404(notice_id)
    return htmx.render("notices/show.html", partial="notices/_notice.html", live_after=live_after,
                       live_args={"view": "notice", "notice": notice.id}, **_context(notice))


@bp.route("/<int:notice_id>/remind", methods=["POST"])
@login_required
def remind(notice_id: int):
    """POST (author, admins): 提醒未读, notify the recipients who have not confirmed, at most
    once per NOTICE_REMIND_MINUTES. htmx: the statistics (``#notice-<id>-stats``) saying how
    many were reminded, or a toast with the reason (422); otherwise 303 to the notice with a flash.
    """
    notice = _notice_or_404(notice_id)
    try:
        ids = publishing.remind_unread(notice.id, me())
    except NoticeError as error:
        if htmx.is_htmx():
            return toast(str(error), 422)
        flash(str(error), "error")
        return htmx.redirect(url_for("notices.show", notice_id=notice.id))
    if ids:
        notify_tasks.deliver_notifications(ids)
    message = _("Reminded %(n)d people who have not confirmed.", n=len(ids))
    if not htmx.is_partial():
        flash(message, "success")
        return htmx.redirect(url_for("notices.show", notice_id=notice.id))
    return htmx.render("notices/_stats.html", reminded=message, **_context(notice))


@bp.route("/<int:notice_id>/confirm", methods=["POST"])
@login_required
def confirm(notice_id: int):
    """POST: "I have read it" (idempotent). htmx gets ``#notice-<id>-confirm``, plus the
    statistics out of band for a reader who also sees them; otherwise 303 to the notice.

    Not a recipient (or no confirmation asked): 403, a toast for htmx.
    """
    notice = _notice_or_404(notice_id)
    audience = [] if notice.to_everyone else notice_departments(notice.id)
    try:
        publishing.confirm(notice, me(), [d.id for d in audience])
    except NoticeError as error:
        if htmx.is_htmx():
            return toast(str(error), 403)
        abort(403)
    if not htmx.is_partial():
        return htmx.redirect(url_for("notices.show", notice_id=notice.id))
    # Read again: the confirmation (this one or a concurrent click's) is now committed.
    context = _context(_notice_or_404(notice_id))
    return htmx.render("notices/_confirm.html", oob_stats=True, **context)


def _managed_or_error(notice_id: int):
    notice = _notice_or_404(notice_id)
    if not publishing.can_manage(me(), notice):
        abort(403)
    return notice


def _status_response(notice):
    if htmx.is_partial():
        return htmx.render("notices/_status.html", notice=notice, can_manage=True, now=utcnow())
    return htmx.redirect(url_for("notices.show", notice_id=notice.id))


@bp.route("/<int:notice_id>/pin", methods=["POST"])
@login_required
def pin(notice_id: int):
    """POST (author, admins): pin or unpin; ``pinned=1|0`` says which, no value toggles.

    htmx gets ``#notice-<id>-status``; otherwise 303 to the notice.
    """
    notice = _managed_or_error(notice_id)
    wanted = request.form.get("pinned")
    publishing.set_pinned(notice, wanted == "1" if wanted in ("0", "1") else not notice.is_pinned)
    if not htmx.is_partial():
        flash(_("Pinned.") if notice.is_pinned else _("Unpinned."), "success")
    return _status_response(notice)


@bp.route("/<int:notice_id>/expire", methods=["POST"])
@login_required
def expire(notice_id: int):
    """POST (author, admins): end the notice now. htmx gets ``#notice-<id>-status``; otherwise 303."""
    notice = _managed_or_error(notice_id)
    publishing.expire_now(notice)
    if not htmx.is_partial():
        flash(_("The notice has expired; it no longer shows in the list."), "success")
    return _status_response(notice)

