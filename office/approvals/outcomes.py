"""Outcomes act: modules subscribe to "approved / rejected for template X" and run inside the
decision's transaction, so a decision and what it causes commit together or not at all.

Built in: a decided request linked to a mainline posts to that mainline's feed; an approved
请假 (template "leave") becomes leave days (LeaveRecord).
Imports models and the feed's and mainlines' rules (never views); subscribers are plain functions.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Callable

from flask_babel import gettext as _

from office.feed.posts import create_post
from office.mainlines.plans import record
from office.models.approvals import APPROVED, ApprovalRequest, LeaveRecord
from office.models.feed import SCOPE_MAINLINE
from office.models.mainlines import Mainline

# template key ("*" for every template) -> callbacks(request, status)
_subscribers: dict[str, list[Callable[[ApprovalRequest, str], None]]] = {}


def subscribe(template_key: str, callback: Callable[[ApprovalRequest, str], None]) -> None:
    _subscribers.setdefault(template_key, []).append(callback)


def run(request: ApprovalRequest, status: str) -> None:
    """Call every subscriber of the request's template (and of "*") with the final status."""
    key = request.template.key
    for callback in _subscribers.get(key, []) + _subscribers.get("*", []):
        callback(request, status)


def post_to_mainline(request: ApprovalRequest, status: str) -> None:
    """A decided request linked to a mainline appears in the mainline's feed and timeline."""
    if not request.mainline_id:
        return
    if Mainline.get_or_none(Mainline.id == request.mainline_id) is None:
        return
    verdict = _("approved") if status == APPROVED else _("rejected")
    text = _("Approval %(title)s was %(verdict)s.", title=request.title, verdict=verdict)
    post = create_post(request.initiator, text, scope=SCOPE_MAINLINE, mainline_id=request.mainline_id).post
    record(request.mainline_id, None, "approval", text, post_id=post.id)


subscribe("*", post_to_mainline)


def record_leave(request: ApprovalRequest, status: str) -> None:
    """An approved 请假 becomes leave days for its initiator (attendance reads LeaveRecord).

    Once per request: the unique request index ignores a second run. A request without its
    dates (an administrator edited the form's fields) records nothing.
    """
    if status != APPROVED:
        return
    data = json.loads(request.data or "{}")
    dates, days = data.get("dates"), data.get("days")
    if not dates or len(dates) != 2 or days is None:
        return
    LeaveRecord.insert(user=request.initiator_id, request=request.id, leave_type=str(data.get("leave_type") or ""),
                       starts_on=dt.date.fromisoformat(dates[0]), ends_on=dt.date.fromisoformat(dates[1]),
                       days=float(days)).on_conflict_ignore().execute()


subscribe("leave", record_leave)
