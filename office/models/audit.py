"""The audit trail: one append-only row per sensitive action."""
from __future__ import annotations

import json

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from office.models.base import BaseModel, utcnow
from office.models.people import User

# Actions written by the foundation; later modules add their own names.
LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOGOUT = "logout"
SIGNED_OUT_ELSEWHERE = "signed_out_elsewhere"  # every other session of the account ended
PASSWORD_CHANGED = "password_changed"
PASSWORD_RESET = "password_reset"
USER_CREATED = "user_created"
USER_UPDATED = "user_updated"
ROLE_CHANGED = "role_changed"
USER_DEACTIVATED = "user_deactivated"
USER_REACTIVATED = "user_reactivated"
DEPARTMENT_CREATED = "department_created"
DEPARTMENT_UPDATED = "department_updated"
DEPARTMENT_DELETED = "department_deleted"
POST_DELETED = "post_deleted"  # by an admin, not the author
NOTICE_PUBLISHED = "notice_published"


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or delete an audit row."""


class AuditEvent(BaseModel):
    created_at = DateTimeField(default=utcnow)
    action = CharField(max_length=40)
    actor = ForeignKeyField(User, null=True, backref="audit_events", on_delete="RESTRICT")
    # What the action was about: a username for logins (even unknown ones),
    # or "<table>:<id>" for records.
    subject = CharField(max_length=120, default="")
    target_type = CharField(max_length=40, default="")
    target_id = IntegerField(null=True)
    ip = CharField(max_length=45, default="")
    detail = TextField(default="{}")

    class Meta:
        table_name = "audit_events"
        indexes = (
            (("action", "subject", "created_at"), False),  # login throttling
            (("action", "ip", "created_at"), False),
            (("created_at",), False),
            (("target_type", "target_id"), False),
        )

    @property
    def details(self) -> dict:
        return json.loads(self.detail or "{}")

    def save(self, *args, **kwargs):
        # Rows are written once; an update would rewrite history.
        if self.id is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("audit events cannot be changed")
        return super().save(*args, **kwargs)

    def delete_instance(self, *args, **kwargs):
        raise AppendOnlyError("audit events cannot be deleted")

    @classmethod
    def update(cls, *args, **kwargs):
        raise AppendOnlyError("audit events cannot be changed")

    @classmethod
    def delete(cls):
        raise AppendOnlyError("audit events cannot be deleted")
