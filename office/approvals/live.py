"""What the live stream sends when approval requests change (office/live/views.py calls
``fragments``): the whole request section for an open request page, and fresh tab counts for
open lists, each only for what the viewer may see.
"""
from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from office.approvals import engine, queries
from office.models.approvals import ApprovalAssignment, ApprovalCc, ApprovalRequest


def fragments(me, view: str | None, request_id: int, changed: set[int]) -> dict:
    if view == "approval" and request_id in changed:
        approval = ApprovalRequest.get_or_none(ApprovalRequest.id == request_id)
        if approval is None or not engine.can_see(me, approval):
            return {}
        from office.approvals.views import request_context

        # Rendered here: the section's template takes the context's keys as its variables.
        html = render_template("approvals/_request.html", oob=True, **request_context(me, approval))
        return {"approval_section": Markup(html)}
    if view == "approvals" and _touches(me, changed):
        return {"approval_counts": queries.counts(me)}
    return {}


def _touches(me, changed: set[int]) -> bool:
    """Whether any changed request is one of the viewer's (so their counts may have moved)."""
    ids = list(changed)
    mine = ApprovalRequest.select().where(ApprovalRequest.id.in_(ids) & (ApprovalRequest.initiator == me.id))
    deciding = ApprovalAssignment.select().where(ApprovalAssignment.request.in_(ids)
                                                 & (ApprovalAssignment.user == me.id))
    copied = ApprovalCc.select().where(ApprovalCc.request.in_(ids) & (ApprovalCc.user == me.id))
    return mine.exists() or deciding.exists() or copied.exists()
