"""Writing notification rows: the one way any module tells a person something.

``notify`` is called inside the cause's transaction and returns the new rows'
ids; the caller enqueues ``tasks.notify.deliver_notifications(ids)`` after the
transaction commits, so a failing channel never loses the in-app row.
Imports only models and office.live.events.
"""
from __future__ import annotations

from office.db import db
from office.live.events import publish_to
from office.models.base import utcnow
from office.models.inbox import INBOX_CHANGED, Notification


def notify(recipient_ids, kind: str, target_type: str, target_id: int, actor_id: int | None = None,
           excerpt: str = "", now=None) -> list[int]:
    """One unread notification per recipient (the actor never notifies themselves).

    ``now`` (naive UTC) is the rule's clock when it has one. Returns the ids of the rows
    written, in recipient order.
    """
    recipients = [rid for rid in dict.fromkeys(recipient_ids) if rid and rid != actor_id]
    if not recipients:
        return []
    now = now or utcnow()
    excerpt = " ".join((excerpt or "").split())[:200]
    ids = []
    for recipient_id in recipients:
        ids.append(Notification.insert(
            recipient=recipient_id, kind=kind, actor=actor_id, excerpt=excerpt,
            target_type=target_type, target_id=target_id, created_at=now,
        ).execute())
    publish_badges(recipients)
    return ids


def unread_count(user_id: int) -> int:
    return Notification.select().where(
        (Notification.recipient == user_id) & Notification.read_at.is_null()).count()


def mark_read(user_id: int, notification_id: int | None = None) -> int:
    """Mark one (or, with no id, every) unread notification of ``user_id`` read; return how many."""
    query = Notification.update(read_at=utcnow()).where(
        (Notification.recipient == user_id) & Notification.read_at.is_null())
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    with db.atomic():
        changed = query.execute()
        if changed:
            publish_badges([user_id])
    return changed


def mark_handled(user_id: int, target_type: str, target_id: int) -> int:
    """Mark ``user_id``'s unread notifications about one thing read, because they just acted
    on it (approved the request, confirmed the notice...): the inbox should not keep asking.

    Call inside the action's transaction, so the action and the cleared items commit together;
    the badge moves on open pages when any changed. Returns how many were marked.
    """
    changed = Notification.update(read_at=utcnow()).where(
        (Notification.recipient == user_id) & Notification.read_at.is_null()
        & (Notification.target_type == target_type) & (Notification.target_id == target_id)).execute()
    if changed:
        publish_badges([user_id])
    return changed


def mark_settled(user_ids, target_type: str, target_id: int, kinds) -> int:
    """Mark read the asks (``kinds``) that ``user_ids`` still have about one thing, because
    someone else settled it: on a step one approver is enough for, the others' "please approve"
    must not stay unread once a colleague decided. Call inside the settling transaction."""
    user_ids = list(user_ids)
    if not user_ids:
        return 0
    changed = Notification.update(read_at=utcnow()).where(
        Notification.recipient.in_(user_ids) & Notification.read_at.is_null()
        & (Notification.target_type == target_type) & (Notification.target_id == target_id)
        & Notification.kind.in_(list(kinds))).execute()
    if changed:
        publish_badges(user_ids)
    return changed


def publish_badges(user_ids) -> None:
    """Tell open pages that the unread badge of each of ``user_ids`` changed."""
    publish_to(INBOX_CHANGED, user_ids)
