"""Canned replies (话术): the wording customer service copies into a buyer chat, per work-order kind
and department (issue 15, point 6)."""
from __future__ import annotations

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from office.models.base import BaseModel, utcnow
from office.models.people import Department, User


class CannedReply(BaseModel):
    title = CharField(max_length=80)
    # Plain text; {买家} {订单号} {快递单号} are placeholders the agent fills in (shown highlighted).
    body = TextField()
    # One of office.models.workorders.KINDS, or "" for a reply that fits any kind.
    kind = CharField(max_length=20, default="")
    # NULL: the whole company's; otherwise that department's (and its sub-departments').
    department = ForeignKeyField(Department, null=True, backref="canned_replies", on_delete="CASCADE")
    # Keywords people search by besides the title and body (退差价 运费险), one space apart.
    tags = CharField(max_length=200, default="")
    created_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    updated_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    # Raised by one UPDATE ... SET use_count = use_count + 1 per copy, so no click is lost.
    use_count = IntegerField(default=0)
    is_active = BooleanField(default=True)

    class Meta:
        table_name = "canned_replies"
        # The list: a department's active replies, most used first.
        indexes = ((("department", "is_active"), False),)
