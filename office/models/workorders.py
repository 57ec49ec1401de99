"""Work orders (任务单, 售后 cases, complaints, incidents): one engine for every kind (issue 15).

This module starts with the vocabulary the engine and its neighbours (canned replies, the office
calendar) share: the kinds and the statuses. Labels are translated where they are shown
(office/workorders/ maps these codes to words); the codes are what is stored.
"""
from __future__ import annotations

from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from office.models.base import BaseModel, utcnow
from office.models.feed import Post
from office.models.mainlines import Mainline, Node
from office.models.orders import Order
from office.models.people import Department, User

# Kinds: a task order between departments, the after-sale kinds tied to an order, a buyer's
# complaint, an incident (a payment interface down during 双11), and the rest.
KIND_TASK = "task"            # 任务单
KIND_RETURN = "return"        # 退货
KIND_EXCHANGE = "exchange"    # 换货
KIND_REFUND = "refund"        # 退款
KIND_RESEND = "resend"        # 补发
KIND_COMPLAINT = "complaint"  # 投诉
KIND_INCIDENT = "incident"    # 事故
KIND_OTHER = "other"          # 其他
KINDS = (KIND_TASK, KIND_RETURN, KIND_EXCHANGE, KIND_REFUND, KIND_RESEND, KIND_COMPLAINT, KIND_INCIDENT,
         KIND_OTHER)
AFTER_SALE_KINDS = (KIND_RETURN, KIND_EXCHANGE, KIND_REFUND, KIND_RESEND, KIND_COMPLAINT, KIND_OTHER)

# Statuses: 待处理 → 处理中 → 待验收 → 已完成, plus 暂停 (the clock stops, with a reason) and
# 已关闭 (ended without being done, with a reason).
STATUS_OPEN = "open"
STATUS_IN_PROGRESS = "in_progress"
STATUS_REVIEW = "review"
STATUS_DONE = "done"
STATUS_PAUSED = "paused"
STATUS_CLOSED = "closed"
STATUSES = (STATUS_OPEN, STATUS_IN_PROGRESS, STATUS_REVIEW, STATUS_DONE, STATUS_PAUSED, STATUS_CLOSED)
ACTIVE_STATUSES = (STATUS_OPEN, STATUS_IN_PROGRESS, STATUS_REVIEW, STATUS_PAUSED)

PRIORITY_LOW = "low"
PRIORITY_NORMAL = "normal"
PRIORITY_HIGH = "high"
PRIORITY_URGENT = "urgent"
PRIORITIES = (PRIORITY_LOW, PRIORITY_NORMAL, PRIORITY_HIGH, PRIORITY_URGENT)

# Timeline actions (WorkOrderEvent.action).
EV_OPEN = "open"
EV_CLAIM = "claim"
EV_ASSIGN = "assign"
EV_TRANSFER = "transfer"      # to another department's queue
EV_START = "start"
EV_SUBMIT = "submit"          # for the requester's acceptance (待验收)
EV_ACCEPT = "accept"
EV_SEND_BACK = "send_back"    # not accepted: back to 处理中 with a reason
EV_PAUSE = "pause"
EV_RESUME = "resume"
EV_CLOSE = "close"
EV_REOPEN = "reopen"
EV_COMMENT = "comment"
EV_WATCH = "watch"
EV_UNWATCH = "unwatch"
EV_REMIND = "remind"          # the SLA sweep: near breach
EV_ESCALATE = "escalate"      # the SLA sweep: breached, told a head

# Live event kind (models/live.py): a work order changed (its page and the lists redraw).
WORK_ORDER_CHANGED = "work_order_changed"


class WorkOrder(BaseModel):
    """One case or task order. ``assignee`` is the person working it; ``queue`` the department
    whose queue holds it until someone there claims it (both may be set: claimed from a queue).

    Clocks: ``response_due_at`` / ``resolve_due_at`` are computed when opened (office/workorders/
    sla.py) and moved later by the working time spent paused; ``paused_at`` is set while paused.
    ``response_level`` / ``resolve_level`` record what the SLA sweep already did for each clock
    (1 reminded, 2 head told, 3 head's head told), so a sweep run twice notifies once.
    """

    number = CharField(max_length=20, unique=True)
    kind = CharField(max_length=12, index=True)
    title = CharField(max_length=120)
    body = TextField(default="")
    requester = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    assignee = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    queue = ForeignKeyField(Department, null=True, backref="+", on_delete="SET NULL")
    priority = CharField(max_length=8, default=PRIORITY_NORMAL)
    status = CharField(max_length=12, default=STATUS_OPEN)
    pause_reason = CharField(max_length=200, default="")
    close_reason = CharField(max_length=200, default="")
    mainline = ForeignKeyField(Mainline, null=True, backref="+", on_delete="SET NULL")
    order = ForeignKeyField(Order, null=True, backref="+", on_delete="SET NULL")
    deadline = DateTimeField(null=True)  # a task order's own deadline (its resolution clock)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    first_response_at = DateTimeField(null=True)
    resolved_at = DateTimeField(null=True)
    closed_at = DateTimeField(null=True)
    closed_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    response_due_at = DateTimeField(null=True)
    resolve_due_at = DateTimeField(null=True)
    paused_seconds = IntegerField(default=0)  # working seconds spent paused, all pauses together
    paused_at = DateTimeField(null=True)
    response_level = IntegerField(default=0)
    resolve_level = IntegerField(default=0)
    # What it was turned from ("转为任务单" on a feed card or a mainline node); shown as a link both ways.
    source_post = ForeignKeyField(Post, null=True, backref="+", on_delete="SET NULL")
    source_node = ForeignKeyField(Node, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        table_name = "work_orders"
        indexes = ((("assignee", "status", "resolve_due_at"), False), (("queue", "status", "id"), False),
                   (("requester", "id"), False), (("status", "resolve_due_at"), False))


class WorkOrderEvent(BaseModel):
    """The timeline: one row per thing that happened, never edited or deleted."""

    work_order = ForeignKeyField(WorkOrder, backref="events", on_delete="CASCADE")
    actor = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")  # None: the SLA sweep
    action = CharField(max_length=12)
    from_value = CharField(max_length=120, default="")
    to_value = CharField(max_length=120, default="")
    comment = TextField(default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "work_order_events"
        indexes = ((("work_order", "id"), False),)


class WorkOrderWatcher(BaseModel):
    work_order = ForeignKeyField(WorkOrder, backref="watchers", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "work_order_watchers"
        indexes = ((("work_order", "user"), True), (("user", "work_order"), False))


class WorkOrderDepartment(BaseModel):
    """A department the order names (相关部门): its members and head may see it."""

    work_order = ForeignKeyField(WorkOrder, backref="departments", on_delete="CASCADE")
    department = ForeignKeyField(Department, backref="+", on_delete="CASCADE")

    class Meta:
        table_name = "work_order_departments"
        indexes = ((("work_order", "department"), True), (("department", "work_order"), False))


class WorkOrderFile(BaseModel):
    """A file given when opening or with a comment (office/uploads.py stores it under a random
    name); served only to those who may see the order."""

    work_order = ForeignKeyField(WorkOrder, backref="files", on_delete="CASCADE")
    event = ForeignKeyField(WorkOrderEvent, null=True, backref="files", on_delete="CASCADE")
    uploaded_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    file_name = CharField(max_length=200)
    stored_name = CharField(max_length=64, unique=True)
    content_type = CharField(max_length=100)
    size = IntegerField()
    is_image = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "work_order_files"
