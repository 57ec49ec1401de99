"""The live event log: one small row per change other open browsers should show.

Written in the same transaction as the change; office/live reads it after a
cursor. Rows are pruned after a day (tasks/live.py).
"""
from __future__ import annotations

from peewee import CharField, DateTimeField, IntegerField

from office.models.base import BaseModel, utcnow

POST_ADDED = "post_added"
POST_CHANGED = "post_changed"  # edited, commented, liked
POST_DELETED = "post_deleted"
INBOX_CHANGED = "inbox_changed"
# A mainline's nodes, members or figures changed (its board and the overview redraw it).
MAINLINE_CHANGED = "mainline_changed"
# An approval request moved or gained a history row (its page and the approvers' lists redraw).
APPROVAL_CHANGED = "approval_changed"
# An order was created, moved or changed (the warehouse board and its page redraw).
ORDER_CHANGED = "order_changed"


class LiveEvent(BaseModel):
    kind = CharField(max_length=20)
    post_id = IntegerField(null=True)
    # For inbox events: whose badge changed.
    user_id = IntegerField(null=True)
    mainline_id = IntegerField(null=True)
    approval_id = IntegerField(null=True)
    order_id = IntegerField(null=True)
    created_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        table_name = "live_events"
