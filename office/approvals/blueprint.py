"""The approvals blueprint (/approvals), its live-stream renderer (live.py) registered with it,
and what every approvals template may use: the words for a request's status and for the list
tabs, and leave days as text (the list pages and the live stream's redraws show the same). The views import this
module; it imports no views.
"""
from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from office.approvals import leave, live, queries
from office.live import registry
from office.models.approvals import APPROVED, PENDING, REJECTED, RETURNED, WITHDRAWN

bp = Blueprint("approvals", __name__, url_prefix="/approvals")
registry.register(bp, "approvals", kinds=live.KINDS, args=live.ARGS, render=live.render)

STATUS_LABELS = {
    PENDING: _l("Pending approval"),
    APPROVED: _l("Approved"),
    REJECTED: _l("Rejected"),
    RETURNED: _l("Returned"),
    WITHDRAWN: _l("Withdrawn"),
}
TAB_LABELS = {
    queries.PENDING_TAB: _l("Waiting for me"),
    queries.MINE_TAB: _l("Filed by me"),
    queries.CC_TAB: _l("Copied to me"),
    queries.DONE_TAB: _l("Handled"),
}


@bp.app_context_processor
def approval_list_globals():
    # Rows are rendered by the list views and by the live stream, with the same words.
    return {"approval_status_labels": STATUS_LABELS, "approval_tab_labels": TAB_LABELS}


@bp.app_template_global()
def leave_days(days: float) -> str:
    """Leave days as a figure: 2, 2.5."""
    return leave.plain(days)


@bp.app_template_global()
def leave_days_text(days: float) -> str:
    """"2 days", "2.5 days", "1 day" (Chinese: "2 天")."""
    whole = float(days) == int(days)
    # gettext's plural rules take whole numbers only; a half day reads as a plural.
    return ngettext("%(days)s day", "%(days)s days", int(days) if whole else 2, days=leave.plain(days))
