"""Notices (公告) to everyone or to departments, and memos (备忘提醒): personal reminders."""
from __future__ import annotations

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, TextField

from office.models.base import BaseModel, utcnow
from office.models.feed import Post
from office.models.people import Department, User

# Live event kind (models/live.py): a notice's confirmations changed (subject: the notice).
NOTICE_CHANGED = "notice_changed"


class Notice(BaseModel):
    author = ForeignKeyField(User, backref="notices", on_delete="RESTRICT")
    title = CharField(max_length=120)
    body = TextField()
    body_html = TextField()
    # No NoticeDepartment rows means everyone.
    to_everyone = BooleanField(default=True)
    is_pinned = BooleanField(default=False)
    needs_confirmation = BooleanField(default=False)
    expires_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        table_name = "notices"


class NoticeDepartment(BaseModel):
    notice = ForeignKeyField(Notice, backref="departments", on_delete="CASCADE")
    department = ForeignKeyField(Department, backref="notices", on_delete="CASCADE")

    class Meta:
        table_name = "notice_departments"
        indexes = ((("notice", "department"), True), (("department", "notice"), False))


class NoticeConfirmation(BaseModel):
    """A reader pressed "I have read this" on a notice that asks for it."""

    notice = ForeignKeyField(Notice, backref="confirmations", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="notice_confirmations", on_delete="CASCADE")
    confirmed_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "notice_confirmations"
        indexes = ((("notice", "user"), True),)


class Memo(BaseModel):
    owner = ForeignKeyField(User, backref="memos", on_delete="CASCADE")
    text = CharField(max_length=200)
    remind_at = DateTimeField()  # UTC
    post = ForeignKeyField(Post, null=True, backref="memos", on_delete="SET NULL")
    delivered_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "memos"
        indexes = ((("delivered_at", "remind_at"), False), (("owner", "remind_at"), False))
