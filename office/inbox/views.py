"""Views for /inbox: my notifications, the unread badge, my delivery settings, and the
admins' list of failed deliveries.

Every response that changes my unread count carries the badge (``#inbox-badge``)
out of band. Without JavaScript the same URLs serve pages and answer POSTs with 303.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, has_request_context, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from office import htmx, request_cache
from office.inbox import live
from office.live import registry
from office.access import admin_required, me
from office.inbox.channels import reset_for_retry
from office.inbox.forms import ChannelSettingsForm
from office.inbox.links import kind_label, target_url
from office.inbox.notify import mark_read, unread_count
from office.inbox.preferences import SettingsError, save_settings, settings_for
from office.inbox.queries import delivery_row, failed_deliveries, inbox
from office.models.base import utcnow
from office.models.inbox import Delivery, Notification
from office.pagination import paginate
from tasks import notify as notify_tasks

bp = Blueprint("inbox", __name__, url_prefix="/inbox")
registry.register(bp, "inbox", kinds=live.KINDS, render=live.render)

# The signed-in user's unread count, once per request (the badge shows it twice).
UNREAD = request_cache.entry("inbox.unread")


def inbox_unread() -> int:
    """The signed-in user's unread count, counted at most once per request; 0 for anonymous."""
    if not has_request_context() or not current_user.is_authenticated:
        return 0
    return UNREAD.get(lambda: unread_count(current_user.id))


@bp.app_context_processor
def inbox_globals():
    # A callable, so pages that never show the badge never count.
    return {"inbox_unread": inbox_unread, "inbox_kind_label": kind_label, "inbox_link": target_url}


def _show() -> str:
    return "unread" if (request.values.get("show") == "unread") else "all"


def _list_context(show: str, before: int | None = None) -> dict:
    size = current_app.config["PAGE_SIZE"]
    rows = list(inbox(current_user.id, unread_only=show == "unread", before=before).limit(size + 1))
    items = rows[:size]
    return {"items": items, "show": show, "before": before,
            "next_before": items[-1].id if len(rows) > size else None, "unread": inbox_unread()}


@bp.route("/")
@login_required
def index():
    """GET: my notifications, newest first; ?show=unread filters, ?before=<id> pages back.

    htmx (tabs, paging) gets ``#inbox-list`` alone. The query count does not grow
    with rows: one page with actors joined; the unread count is shared with the badge.
    """
    before = request.args.get("before", type=int)
    return htmx.render("inbox/index.html", partial="inbox/_list.html", **_list_context(_show(), before))


@bp.route("/<int:notification_id>/read", methods=["POST"])
@login_required
def read(notification_id: int):
    """POST: mark one of my notifications read.

    Someone else's (or a missing) id is 404, so existence does not leak. htmx
    aimed at the row (HX-Target ``notification-<id>``) gets the row plus the OOB
    badge; otherwise 303 / HX-Redirect to what it points at, or back to the
    inbox when the form sends ``stay``.
    """
    notification = inbox(current_user.id).where(Notification.id == notification_id).first()
    if notification is None:
        abort(404)
    if notification.read_at is None:
        mark_read(current_user.id, notification.id)
        notification.read_at = utcnow()
        UNREAD.forget()
    if htmx.is_partial() and htmx.target() == f"notification-{notification.id}":
        return htmx.render("inbox/_row_update.html", n=notification, show=_show())
    if request.form.get("stay"):
        return htmx.redirect(url_for("inbox.index", show="unread") if _show() == "unread"
                             else url_for("inbox.index"))
    return htmx.redirect(target_url(notification.target_type, notification.target_id))


@bp.route("/read-all", methods=["POST"])
@login_required
def read_all():
    """POST: mark all my notifications read. htmx: ``#inbox-list`` plus the OOB badge; otherwise 303."""
    if mark_read(current_user.id):
        UNREAD.forget()
    show = _show()
    if htmx.is_partial():
        return htmx.render("inbox/_list_update.html", **_list_context(show))
    flash(_("All notifications are marked read."), "success")
    return htmx.redirect(url_for("inbox.index", show="unread") if show == "unread" else url_for("inbox.index"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """GET: my delivery settings. POST: save them (the row is created on the first save).

    Valid: 303 back with a flash, or for htmx ``#inbox-settings-form`` saying so.
    Invalid: the form with its errors and 422.
    """
    user = me()
    form = ChannelSettingsForm()
    status, saved = 200, False
    if request.method == "GET":
        form.fill(settings_for(user.id))
    elif form.validate_on_submit():
        try:
            save_settings(user, **form.values())
        except SettingsError as error:
            getattr(form, error.field).errors.append(str(error))
            status = 422
        else:
            if not htmx.is_partial():
                flash(_("Saved."), "success")
                return htmx.redirect(url_for("inbox.settings"))
            saved = True
    else:
        status = 422
    return htmx.render("inbox/settings.html", partial="inbox/_settings_form.html", status=status,
                       form=form, saved=saved, account_email=user.email)


@bp.route("/failures")
@admin_required
def failures():
    """GET (admins): failed deliveries, newest first; ``#delivery-failures`` alone for htmx paging.

    One query for the rows, whatever their number: people and notifications are joined.
    """
    page = paginate(failed_deliveries(), current_app.config["PAGE_SIZE"])
    return htmx.render("inbox/failures.html", partial="inbox/_failure_table.html", page=page)


@bp.route("/failures/<int:delivery_id>/retry", methods=["POST"])
@admin_required
def retry(delivery_id: int):
    """POST (admins): put a failed delivery back in the queue with a fresh attempt count.

    htmx: its row (``#delivery-<id>``) with the status it has now; otherwise 303
    to the list with a flash. An unknown id is 404; one not failed is left alone.
    """
    if not Delivery.select().where(Delivery.id == delivery_id).exists():
        abort(404)
    queued = reset_for_retry(delivery_id)
    if queued:
        notify_tasks.enqueue_delivery(delivery_id)
    if htmx.is_partial():
        return htmx.render("inbox/_failure_row.html", delivery=delivery_row(delivery_id))
    flash(_("The delivery is queued again.") if queued else _("This delivery has not failed."),
          "success" if queued else "info")
    return htmx.redirect(url_for("inbox.failures"))
