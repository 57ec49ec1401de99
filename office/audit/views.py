"""Views for /audit: the filterable, read-only trail (admins only)."""
from __future__ import annotations

from flask import Blueprint, current_app, request
from flask_babel import lazy_gettext as _l

from office import htmx
from office.access import admin_required
from office.api.credentials import API_TOKEN_CREATED, API_TOKEN_REVOKED
from office.approvals.form_editor import TEMPLATE_CHANGED
from office.audit import trail
from office.audit.forms import AuditFilterForm
from office.audit.queries import filtered_events
from office.calendar.calendars import CALENDAR_CHANGED
from office.models import audit
from office.orders.notes import AUDIT_ACTION as ORDER_NOTES_PRINTED
from office.orders.views.order import AUDIT_REVEALED as ORDER_REVEALED
from office.pagination import paginate

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.before_app_request
def remember_address():
    # Rules record audit events without reading the request: they get the address from here.
    trail.CLIENT_ADDRESS.set(request.remote_addr or "")

ACTION_LABELS = {
    audit.LOGIN: _l("Signed in"),
    audit.LOGIN_FAILED: _l("Failed sign-in"),
    audit.LOGOUT: _l("Signed out"),
    audit.SIGNED_OUT_ELSEWHERE: _l("Signed out on all other devices"),
    audit.PASSWORD_CHANGED: _l("Changed own password"),
    audit.PASSWORD_RESET: _l("Password reset by admin"),
    audit.USER_CREATED: _l("Account created"),
    audit.USER_UPDATED: _l("Account edited"),
    audit.ROLE_CHANGED: _l("Role changed"),
    audit.USER_DEACTIVATED: _l("Account deactivated"),
    audit.USER_REACTIVATED: _l("Account reactivated"),
    audit.DEPARTMENT_CREATED: _l("Department created"),
    audit.DEPARTMENT_UPDATED: _l("Department changed"),
    audit.DEPARTMENT_DELETED: _l("Department deleted"),
    audit.POST_DELETED: _l("Post deleted by an administrator"),
    audit.NOTICE_PUBLISHED: _l("Notice published"),
    # Modules' own actions: tests/unit/test_audit_labels.py fails when one is recorded without a label.
    API_TOKEN_CREATED: _l("API token created"),
    API_TOKEN_REVOKED: _l("API token revoked"),
    TEMPLATE_CHANGED: _l("Approval form changed"),
    ORDER_NOTES_PRINTED: _l("Shipping notes printed"),
    ORDER_REVEALED: _l("Customer data viewed"),
    CALENDAR_CHANGED: _l("Office calendar changed"),
}


@bp.app_context_processor
def audit_labels():
    # The trail and every profile render events with the same words.
    return {"audit_labels": ACTION_LABELS}


@bp.route("/")
@admin_required
def index():
    """GET: the trail with filters; ``#audit-results`` alone for htmx."""
    form = AuditFilterForm(request.args)
    form.action.choices = [("", _l("All actions"))] + list(ACTION_LABELS.items())
    form.validate()
    query = filtered_events(form.action.data or "", (form.who.data or "").strip(),
                            form.since.data, form.until.data)
    page = paginate(query, current_app.config["PAGE_SIZE"])
    return htmx.render("audit/index.html", partial="audit/_results.html",
                       form=form, page=page, labels=ACTION_LABELS)
