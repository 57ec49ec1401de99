"""What a notification is called and where it points: kind labels and target URLs.

Used by the inbox views and by the delivery rules (absolute links for e-mail and
robots). Imports only Flask, werkzeug and the inbox and approval model constants.
"""
from __future__ import annotations

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.routing import BuildError

from office.models.approvals import APPROVED, REJECTED, WITHDRAWN
from office.models.inbox import (
    KIND_APPROVAL_CC,
    KIND_APPROVAL_DECIDED,
    KIND_APPROVAL_PENDING,
    KIND_APPROVAL_RETURNED,
    KIND_APPROVAL_URGED,
    KIND_COMMENT,
    KIND_MAINLINE_JOIN,
    KIND_MAINLINE_POST,
    KIND_MAINLINE_REQUEST,
    KIND_MAINLINE_UPDATED,
    KIND_MEMO,
    KIND_MENTION,
    KIND_NODE_ASSIGNED,
    KIND_NODE_CHANGED,
    KIND_NODE_DUE,
    KIND_NODE_OVERDUE,
    KIND_NOTICE,
    KIND_ORDER_LOGISTICS,
    KIND_REMIND,
    KIND_WORK_ORDER_ASSIGNED,
    KIND_WORK_ORDER_BREACHED,
    KIND_WORK_ORDER_CHANGED,
    KIND_WORK_ORDER_COMMENT,
    KIND_WORK_ORDER_DUE,
)

# Shown after the actor's name: "周敏 提到了你".
KIND_LABELS = {
    KIND_MENTION: _l("mentioned you"),
    KIND_REMIND: _l("asks you to read this"),
    KIND_COMMENT: _l("commented on your post"),
    KIND_NOTICE: _l("published a notice"),
    KIND_MEMO: _l("memo reminder"),
    KIND_MAINLINE_JOIN: _l("added you to a mainline"),
    KIND_MAINLINE_REQUEST: _l("asks to join a mainline"),
    KIND_NODE_ASSIGNED: _l("gave you a node"),
    # The two reminders have no actor: the inbox shows "ShopOffice" before them, e-mails the label alone.
    KIND_NODE_DUE: _l("node due soon"),
    KIND_NODE_OVERDUE: _l("node overdue"),
    KIND_MAINLINE_POST: _l("posted progress"),
    KIND_NODE_CHANGED: _l("updated a node"),
    KIND_MAINLINE_UPDATED: _l("changed a mainline"),
    KIND_APPROVAL_PENDING: _l("asks for your approval"),
    KIND_APPROVAL_DECIDED: _l("decided an approval"),
    KIND_APPROVAL_RETURNED: _l("returned your request for changes"),
    KIND_APPROVAL_URGED: _l("urges you to decide"),
    KIND_APPROVAL_CC: _l("copied you on an approval"),
    # From the logistics job, no actor, like the node reminders.
    KIND_ORDER_LOGISTICS: _l("logistics exception"),
    KIND_WORK_ORDER_ASSIGNED: _l("gave you a work order"),
    KIND_WORK_ORDER_CHANGED: _l("updated a work order"),
    KIND_WORK_ORDER_COMMENT: _l("commented on a work order"),
    # From the SLA sweep, no actor.
    KIND_WORK_ORDER_DUE: _l("work order due soon"),
    KIND_WORK_ORDER_BREACHED: _l("work order past its deadline"),
}

# A decided approval says how it ended (the row's ``outcome``, office/inbox/queries.py).
OUTCOME_LABELS = {
    (KIND_APPROVAL_DECIDED, APPROVED): _l("approved your request"),
    (KIND_APPROVAL_DECIDED, REJECTED): _l("rejected your request"),
    (KIND_APPROVAL_DECIDED, WITHDRAWN): _l("withdrew a request"),
}

# target_type -> (endpoint, name of the id argument or None).
TARGETS = {
    "post": ("feed.show", "post_id"),
    "notice": ("notices.show", "notice_id"),
    "memo": ("memos.index", None),
    "approval": ("approvals.show", "request_id"),
    "mainline": ("mainlines.show", "mainline_id"),
    "order": ("orders.show", "order_id"),
    "work_order": ("workorders.show", "order_id"),
}


def kind_label(kind: str, outcome: str | None = None) -> str:
    """The translated words for ``kind`` (and, for a decided approval, its ``outcome``);
    an unknown kind shows as itself."""
    label = OUTCOME_LABELS.get((kind, outcome)) or KIND_LABELS.get(kind)
    return str(label) if label is not None else kind


def _endpoint(target_type: str, target_id: int) -> tuple[str, dict]:
    endpoint, argument = TARGETS.get(target_type, ("inbox.index", None))
    return endpoint, ({argument: target_id} if argument else {})


def target_url(target_type: str, target_id: int) -> str:
    """The in-app URL of what a notification points at; the inbox when unknown.

    A target whose endpoint is not registered (a module not built yet) also
    falls back to the inbox instead of raising BuildError.
    """
    endpoint, values = _endpoint(target_type, target_id)
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return url_for("inbox.index")


def absolute_url(endpoint: str, **values) -> str:
    """SITE_URL + the path of ``endpoint``; works in jobs, where there is no request."""
    adapter = current_app.url_map.bind("localhost")
    return current_app.config["SITE_URL"].rstrip("/") + adapter.build(endpoint, values)


def absolute_target_url(target_type: str, target_id: int) -> str:
    """``target_url`` as an absolute link for e-mails and robot messages."""
    endpoint, values = _endpoint(target_type, target_id)
    try:
        return absolute_url(endpoint, **values)
    except BuildError:
        return absolute_url("inbox.index")
