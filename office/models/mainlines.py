"""Mainlines (主线): long cross-department efforts with phases, nodes, members and a private feed.

A mainline's posts are feed posts with scope "mainline" (office/models/feed.py);
everything else about it lives here. Plan vs actual is kept per node
(``planned_hours`` / ``actual_hours``), so phase and mainline figures are sums.
"""
from __future__ import annotations

from peewee import CharField, DateField, DateTimeField, FloatField, ForeignKeyField, IntegerField, TextField

from office.models.base import BaseModel, utcnow
from office.models.people import Department, User

STATUS_ACTIVE = "active"
STATUS_DONE = "done"
STATUS_CANCELLED = "cancelled"
STATUSES = (STATUS_ACTIVE, STATUS_DONE, STATUS_CANCELLED)

# Live event kind (models/live.py): a mainline's nodes, members or figures changed (its board
# and the overview redraw it).
MAINLINE_CHANGED = "mainline_changed"

ROLE_OWNER = "owner"
ROLE_MEMBER = "member"
ROLE_VIEWER = "viewer"  # reads everything, changes nothing
MEMBER_ROLES = (ROLE_OWNER, ROLE_MEMBER, ROLE_VIEWER)

FOLLOW_ALL = "all"
FOLLOW_KEY = "key"  # mentions and decisions
FOLLOW_NONE = "none"
FOLLOW_LEVELS = (FOLLOW_ALL, FOLLOW_KEY, FOLLOW_NONE)

NODE_TODO = "todo"
NODE_DOING = "doing"
NODE_DONE = "done"
NODE_STATUSES = (NODE_TODO, NODE_DOING, NODE_DONE)

DEFAULT_PHASES = ("前期筹备", "中期执行", "后期监督")


class Mainline(BaseModel):
    title = CharField(max_length=80)
    goal = TextField(default="")
    event_date = DateField()
    status = CharField(max_length=10, default=STATUS_ACTIVE, index=True)
    owner = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    # The secret of the join link (request to join, the owner approves); empty when switched off.
    join_token = CharField(max_length=32, default="")
    # What happened last, kept on the row so the overview never looks for it per mainline.
    last_activity = CharField(max_length=200, default="")
    last_activity_at = DateTimeField(default=utcnow)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "mainlines"


class Phase(BaseModel):
    mainline = ForeignKeyField(Mainline, backref="phases", on_delete="CASCADE")
    name = CharField(max_length=40)
    position = IntegerField(default=0)

    class Meta:
        table_name = "mainline_phases"
        indexes = ((("mainline", "position"), False),)


class Member(BaseModel):
    mainline = ForeignKeyField(Mainline, backref="members", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    role = CharField(max_length=10, default=ROLE_MEMBER)
    follow = CharField(max_length=10, default=FOLLOW_KEY)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "mainline_members"
        indexes = ((("mainline", "user"), True), (("user", "mainline"), False))


class JoinRequest(BaseModel):
    """Someone who opened the join link asks to join; the owner accepts or declines.

    One row per person and mainline: asking again after a decline reopens it.
    """

    mainline = ForeignKeyField(Mainline, backref="join_requests", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    message = CharField(max_length=200, default="")
    created_at = DateTimeField(default=utcnow)
    decided_at = DateTimeField(null=True)
    decided_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    accepted = IntegerField(null=True)  # 1 accepted, 0 declined, NULL pending

    class Meta:
        table_name = "mainline_join_requests"
        indexes = ((("mainline", "user"), True),)


class Node(BaseModel):
    """A unit of work in a phase, owned by a person or by a department whose head assigns it."""

    mainline = ForeignKeyField(Mainline, backref="nodes", on_delete="CASCADE")
    phase = ForeignKeyField(Phase, backref="nodes", on_delete="CASCADE")
    title = CharField(max_length=80)
    note = TextField(default="")
    owner = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    department = ForeignKeyField(Department, null=True, backref="+", on_delete="SET NULL")
    planned_hours = FloatField(default=0)
    # Hours from started_at to done_at, fixed when the node is done (plan vs actual).
    actual_hours = FloatField(null=True)
    due_date = DateField(null=True)
    status = CharField(max_length=10, default=NODE_TODO)
    started_at = DateTimeField(null=True)
    done_at = DateTimeField(null=True)
    position = IntegerField(default=0)
    # Set when the due-soon reminder / the overdue escalation went out, so each goes once.
    reminded_at = DateTimeField(null=True)
    escalated_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "mainline_nodes"
        indexes = (
            (("mainline", "phase", "position"), False),
            (("status", "due_date"), False),  # the reminder sweeps
        )


class NodeDependency(BaseModel):
    """``node`` cannot start before ``depends_on`` is done."""

    node = ForeignKeyField(Node, backref="dependencies", on_delete="CASCADE")
    depends_on = ForeignKeyField(Node, backref="dependents", on_delete="CASCADE")

    class Meta:
        table_name = "mainline_node_dependencies"
        indexes = ((("node", "depends_on"), True), (("depends_on", "node"), False))


class Activity(BaseModel):
    """One line of a mainline's timeline: a node changed, someone joined, a progress post."""

    mainline = ForeignKeyField(Mainline, backref="activities", on_delete="CASCADE")
    actor = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    kind = CharField(max_length=20)
    node = ForeignKeyField(Node, null=True, backref="+", on_delete="SET NULL")
    post_id = IntegerField(null=True)
    text = CharField(max_length=200, default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "mainline_activities"
        indexes = ((("mainline", "id"), False),)


class PlanTemplate(BaseModel):
    """A mainline's plan saved for reuse (a plan template, not a Jinja one). ``spec`` is JSON:
    phases and nodes with day offsets from the event date (see office/mainlines/plan_templates.py);
    built-in plan templates live in code."""

    name = CharField(max_length=80)
    description = CharField(max_length=200, default="")
    spec = TextField()
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "mainline_templates"
