"""List queries for the inbox and the delivery failures; they return unevaluated queries.

Each notification row carries ``outcome``: for a decided approval, how it ended (approved,
rejected, withdrawn), so the inbox says so instead of "decided an approval".
"""
from __future__ import annotations

from peewee import JOIN

from office.models.approvals import ApprovalRequest
from office.models.inbox import DELIVERY_FAILED, KIND_APPROVAL_DECIDED, Delivery, Notification
from office.models.people import User


def outcome():
    """A column for Notification queries: the status of the approval a decided-approval row
    points at (final: approved, rejected, withdrawn), else NULL. A scalar subquery, so a page
    stays one query; read the status now rather than storing it, as old rows have none."""
    Target = ApprovalRequest.alias()
    return (Target.select(Target.status)
            .where((Notification.kind == KIND_APPROVAL_DECIDED) & (Notification.target_type == "approval")
                   & (Target.id == Notification.target_id))
            .alias("outcome"))


def inbox(user_id: int, unread_only: bool = False, before: int | None = None):
    """``user_id``'s notifications, newest first, with the actor's name joined (one query).

    Keyset paging by id (``before``): new notifications arrive at the top while
    someone pages, which would shift OFFSET pages.
    """
    Actor = User.alias()
    query = (Notification.select(Notification, Actor.id, Actor.username, Actor.display_name, Actor.photo, outcome())
             .join(Actor, JOIN.LEFT_OUTER, on=(Notification.actor == Actor.id), attr="actor")
             .where(Notification.recipient == user_id))
    if unread_only:
        query = query.where(Notification.read_at.is_null())
    if before:
        query = query.where(Notification.id < before)
    return query.order_by(Notification.id.desc())


def _deliveries():
    return (Delivery.select(Delivery, User.id, User.display_name, User.username,
                            Notification.id, Notification.kind, Notification.excerpt)
            .join(User, on=(Delivery.recipient == User.id), attr="recipient")
            .switch(Delivery)
            .join(Notification, JOIN.LEFT_OUTER, on=(Delivery.notification == Notification.id), attr="notification"))


def failed_deliveries():
    """Failed deliveries, newest first, with the recipient and the notification (if any) joined."""
    return (_deliveries().where(Delivery.status == DELIVERY_FAILED)
            .order_by(Delivery.created_at.desc(), Delivery.id.desc()))


def delivery_row(delivery_id: int) -> Delivery | None:
    """One delivery (any status) as the failures table shows it."""
    return _deliveries().where(Delivery.id == delivery_id).first()
