"""The inbox: one notification row per thing a person should see, and its delivery
beyond the app (e-mail, group robot webhooks) with per-user channel settings.

A notification row is written in the same transaction as its cause; deliveries
are huey's business and may fail without losing the row.
"""
from __future__ import annotations

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from office.models.base import BaseModel, utcnow
from office.models.people import User

# What a notification is about; later modules add approvals, task orders, cases.
KIND_MENTION = "mention"
KIND_REMIND = "remind"
KIND_COMMENT = "comment"
KIND_NOTICE = "notice"
KIND_MEMO = "memo"
# Mainlines: invited or accepted, a join request, a node given to you, due soon, overdue,
# and for followers a progress post or a node's change.
KIND_MAINLINE_JOIN = "mainline_join"
KIND_MAINLINE_REQUEST = "mainline_request"
KIND_NODE_ASSIGNED = "node_assigned"
KIND_NODE_DUE = "node_due"
KIND_NODE_OVERDUE = "node_overdue"
KIND_MAINLINE_POST = "mainline_post"
KIND_NODE_CHANGED = "node_changed"
KIND_MAINLINE_UPDATED = "mainline_updated"  # a new event date or status
# Approvals: waiting for you, decided (to the initiator), returned, urged, copied to you.
KIND_APPROVAL_PENDING = "approval_pending"
KIND_APPROVAL_DECIDED = "approval_decided"
KIND_APPROVAL_RETURNED = "approval_returned"
KIND_APPROVAL_URGED = "approval_urged"
KIND_APPROVAL_CC = "approval_cc"
# Orders: a shipped order not picked up or stuck in transit (office/orders/logistics.py).
KIND_ORDER_LOGISTICS = "order_logistics"
# Work orders: given to you (or to your department's queue), changed (for the requester,
# assignee and watchers), commented, near breach (the SLA sweep, no actor), breached (to heads).
KIND_WORK_ORDER_ASSIGNED = "wo_assigned"
KIND_WORK_ORDER_CHANGED = "wo_changed"
KIND_WORK_ORDER_COMMENT = "wo_comment"
KIND_WORK_ORDER_DUE = "wo_due"
KIND_WORK_ORDER_BREACHED = "wo_breached"
KINDS = (KIND_MENTION, KIND_REMIND, KIND_COMMENT, KIND_NOTICE, KIND_MEMO, KIND_MAINLINE_JOIN,
         KIND_MAINLINE_REQUEST, KIND_NODE_ASSIGNED, KIND_NODE_DUE, KIND_NODE_OVERDUE, KIND_MAINLINE_POST,
         KIND_NODE_CHANGED, KIND_MAINLINE_UPDATED, KIND_APPROVAL_PENDING, KIND_APPROVAL_DECIDED,
         KIND_APPROVAL_RETURNED, KIND_APPROVAL_URGED, KIND_APPROVAL_CC, KIND_ORDER_LOGISTICS,
         KIND_WORK_ORDER_ASSIGNED, KIND_WORK_ORDER_CHANGED, KIND_WORK_ORDER_COMMENT, KIND_WORK_ORDER_DUE,
         KIND_WORK_ORDER_BREACHED)

# Live event kind (models/live.py): the unread badge of the event's user changed.
INBOX_CHANGED = "inbox_changed"

CHANNEL_EMAIL = "email"
CHANNEL_WEBHOOK = "webhook"

WEBHOOK_DINGTALK = "dingtalk"
WEBHOOK_FEISHU = "feishu"
WEBHOOK_WECOM = "wecom"
WEBHOOK_KINDS = (WEBHOOK_DINGTALK, WEBHOOK_FEISHU, WEBHOOK_WECOM)

DELIVERY_PENDING = "pending"
DELIVERY_SENT = "sent"
DELIVERY_FAILED = "failed"
# Not sent because the person had already read the notification in the app (quiet hours ended late).
DELIVERY_SKIPPED = "skipped"


class Notification(BaseModel):
    recipient = ForeignKeyField(User, backref="notifications", on_delete="CASCADE")
    kind = CharField(max_length=20)
    actor = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    # A plain-text excerpt of the cause (escaped when shown).
    excerpt = CharField(max_length=200, default="")
    # What it points at: ("post", 12), ("notice", 3), ("memo", 7) ...
    target_type = CharField(max_length=20)
    target_id = IntegerField()
    created_at = DateTimeField(default=utcnow)
    read_at = DateTimeField(null=True)

    class Meta:
        table_name = "notifications"
        indexes = ((("recipient", "read_at", "created_at"), False), (("target_type", "target_id"), False))


class Delivery(BaseModel):
    """One attempt series to push a notification (or a digest) out through one channel."""

    recipient = ForeignKeyField(User, backref="deliveries", on_delete="CASCADE")
    notification = ForeignKeyField(Notification, null=True, backref="deliveries", on_delete="CASCADE")
    channel = CharField(max_length=10)
    subject = CharField(max_length=200, default="")
    status = CharField(max_length=10, default=DELIVERY_PENDING)
    attempts = IntegerField(default=0)
    last_error = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    sent_at = DateTimeField(null=True)

    class Meta:
        table_name = "deliveries"
        indexes = ((("status", "created_at"), False),)


class ChannelSettings(BaseModel):
    """A person's delivery preferences. No row means: in the app only."""

    user = ForeignKeyField(User, backref="channel_settings", unique=True, on_delete="CASCADE")
    email_enabled = BooleanField(default=False)
    webhook_kind = CharField(max_length=10, default="")
    webhook_url = CharField(max_length=500, default="")
    # Quiet hours in the office's time zone, minutes after midnight; both null = none.
    quiet_start = IntegerField(null=True)
    quiet_end = IntegerField(null=True)
    # One summary a day at digest_hour instead of a message per notification.
    digest = BooleanField(default=False)
    digest_hour = IntegerField(default=18)
    last_digest_at = DateTimeField(null=True)

    class Meta:
        table_name = "channel_settings"
