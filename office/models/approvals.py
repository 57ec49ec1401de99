"""Approvals (审批): templates with their own fields and routes, requests moving through steps,
the approvers of each step, an immutable history, cc, and out-of-office delegation.

A request's route is resolved when it is submitted (and again when it is resubmitted after
a return): each step gets its approver rows then, so delegation is decided "at that
moment" and the history can say "B 代 A". Fields and routes are JSON on the template
(office/approvals/fields.py and routes.py read them).
"""
from __future__ import annotations

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from office.models.base import BaseModel, utcnow
from office.models.people import User

# Who may choose the next approver when a template allows free routing (自由流程).
FREE_NONE = "none"
FREE_INITIATOR = "initiator"  # the initiator picks the approver of the first free step
FREE_APPROVERS = "approvers"  # each approver may pass the request on to someone they pick
FREE_ROUTING = (FREE_NONE, FREE_INITIATOR, FREE_APPROVERS)

PENDING = "pending"
APPROVED = "approved"
REJECTED = "rejected"
RETURNED = "returned"  # back with the initiator for changes
WITHDRAWN = "withdrawn"
REQUEST_STATUSES = (PENDING, APPROVED, REJECTED, RETURNED, WITHDRAWN)

# Live event kind (models/live.py): a request moved or gained a history row (its page and the
# approvers' lists redraw).
APPROVAL_CHANGED = "approval_changed"

STEP_WAITING = "waiting"
STEP_ACTIVE = "active"
STEP_DONE = "done"
STEP_REJECTED = "rejected"
STEP_CANCELLED = "cancelled"  # the request was returned or withdrawn while it waited

MODE_ALL = "all"  # 会签: every approver must approve
MODE_ANY = "any"  # 或签: the first approval decides

# History actions.
SUBMIT = "submit"
RESUBMIT = "resubmit"
APPROVE = "approve"
REJECT = "reject"
RETURN = "return"
TRANSFER = "transfer"
ADD_BEFORE = "add_before"
ADD_AFTER = "add_after"
WITHDRAW = "withdraw"
URGE = "urge"
COMMENT = "comment"
CC = "cc"
PASS_ON = "pass_on"  # free routing: an approver chose the next approver
REMIND = "remind"
ESCALATE = "escalate"


class ApprovalTemplate(BaseModel):
    key = CharField(max_length=40, unique=True)
    name = CharField(max_length=60)
    description = CharField(max_length=200, default="")
    fields = TextField(default="[]")  # JSON list of FieldSpec dicts
    route = TextField(default="[]")  # JSON list of StepSpec dicts
    free_routing = CharField(max_length=10, default=FREE_NONE)
    # Hours a step may wait before its approvers are reminded (then their heads, as much again later).
    time_limit_hours = IntegerField(default=24)
    is_active = BooleanField(default=True)
    position = IntegerField(default=0)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "approval_templates"


class ApprovalRequest(BaseModel):
    template = ForeignKeyField(ApprovalTemplate, backref="requests", on_delete="RESTRICT")
    initiator = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    title = CharField(max_length=120)
    data = TextField(default="{}")  # cleaned field values, JSON
    status = CharField(max_length=10, default=PENDING)
    # Position of the step waiting for decisions; None once decided, returned or withdrawn.
    current_step = IntegerField(null=True)
    mainline_id = IntegerField(null=True, index=True)
    created_at = DateTimeField(default=utcnow)
    submitted_at = DateTimeField(default=utcnow)
    decided_at = DateTimeField(null=True)
    last_urged_at = DateTimeField(null=True)

    class Meta:
        table_name = "approval_requests"
        indexes = ((("initiator", "id"), False), (("status", "id"), False))


class ApprovalStep(BaseModel):
    request = ForeignKeyField(ApprovalRequest, backref="steps", on_delete="CASCADE")
    position = IntegerField()
    name = CharField(max_length=60)
    mode = CharField(max_length=3, default=MODE_ALL)
    status = CharField(max_length=10, default=STEP_WAITING)
    started_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)
    reminded_at = DateTimeField(null=True)
    escalated_at = DateTimeField(null=True)

    class Meta:
        table_name = "approval_steps"
        indexes = ((("request", "position"), False), (("status", "started_at"), False))


class ApprovalAssignment(BaseModel):
    """One approver on one step. ``user`` acts; ``on_behalf_of`` is whom they stand in for
    (delegation, "B 代 A"). ``decision`` is set once, by a conditional update."""

    step = ForeignKeyField(ApprovalStep, backref="assignments", on_delete="CASCADE")
    request = ForeignKeyField(ApprovalRequest, backref="+", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    on_behalf_of = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    decision = CharField(max_length=10, null=True)
    decided_at = DateTimeField(null=True)
    # Open rows of the active step are what 待我审批 lists.
    is_open = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "approval_assignments"
        indexes = ((("user", "is_open", "request"), False), (("step", "user"), False),
                   (("user", "decided_at"), False))


class ApprovalAction(BaseModel):
    """The history: one row per action, never updated or deleted."""

    request = ForeignKeyField(ApprovalRequest, backref="actions", on_delete="CASCADE")
    actor = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    on_behalf_of = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    action = CharField(max_length=12)
    step_position = IntegerField(null=True)
    target = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")  # transferred / added / cc'd
    comment = TextField(default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "approval_actions"
        indexes = ((("request", "id"), False),)


class ApprovalCc(BaseModel):
    request = ForeignKeyField(ApprovalRequest, backref="ccs", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "approval_ccs"
        indexes = ((("request", "user"), True), (("user", "request"), False))


class Delegation(BaseModel):
    """While ``starts_at`` <= now < ``ends_at``, approvals routed to ``user`` go to ``deputy``."""

    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    deputy = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    starts_at = DateTimeField()
    ends_at = DateTimeField()
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "approval_delegations"
        indexes = ((("user", "starts_at"), False),)


class ApprovalFile(BaseModel):
    """A file given in an attachment field (or with a comment), stored under instance/uploads with
    a random name and served only to those who may see the request."""

    request = ForeignKeyField(ApprovalRequest, null=True, backref="files", on_delete="CASCADE")
    uploaded_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    field_name = CharField(max_length=40, default="")  # "" for a file attached to a comment
    action = ForeignKeyField(ApprovalAction, null=True, backref="files", on_delete="CASCADE")
    file_name = CharField(max_length=200)
    stored_name = CharField(max_length=64, unique=True)
    content_type = CharField(max_length=100)
    size = IntegerField()
    is_image = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "approval_files"


class LeaveRecord(BaseModel):
    """Leave days from an approved 请假 request; attendance reads these."""

    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    request = ForeignKeyField(ApprovalRequest, unique=True, backref="+", on_delete="CASCADE")
    leave_type = CharField(max_length=20)
    starts_on = DateField()
    ends_on = DateField()
    days = FloatField()
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "leave_records"
        indexes = ((("user", "starts_on"), False),)


class LeaveAllowance(BaseModel):
    """Days of one leave type a person has each year, where it differs from the company default
    (config LEAVE_ALLOWANCES); office/approvals/leave.py computes balances from it."""

    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    leave_type = CharField(max_length=20)
    days = FloatField()
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "leave_allowances"
        indexes = ((("user", "leave_type"), True),)
