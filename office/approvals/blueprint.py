"""The approvals blueprint (/approvals), its live-stream renderer (live.py) registered with it,
and what every approvals template may use: the words for a request's status and for the list
tabs (the list pages and the live stream's redraws show the same). The views import this
module; it imports no views.
"""
from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from office.approvals import live, queries
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
