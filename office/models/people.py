"""People and organisation: departments (a tree) and users with roles."""
from __future__ import annotations

from flask_login import UserMixin
from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    DeferredForeignKey,
    ForeignKeyField,
    IntegerField,
)

from office.models.base import BaseModel, utcnow

ROLE_ADMIN = "admin"
ROLE_DIRECTOR = "director"
ROLE_HEAD = "head"
ROLE_STAFF = "staff"
# Ordered from most to least powerful; the order is used for sorting lists.
ROLES = (ROLE_ADMIN, ROLE_DIRECTOR, ROLE_HEAD, ROLE_STAFF)


class Department(BaseModel):
    name = CharField(max_length=60)
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    # Deferred because users and departments point at each other.
    head = DeferredForeignKey("User", null=True, on_delete="SET NULL")
    position = IntegerField(default=0)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "departments"
        # Names repeat across branches (两个 "售后组"), never among siblings.
        indexes = ((("parent", "name"), True),)

    def __str__(self) -> str:
        return self.name


class User(UserMixin, BaseModel):
    username = CharField(max_length=40, unique=True)
    display_name = CharField(max_length=40)
    title = CharField(max_length=40, default="")
    phone = CharField(max_length=20, default="")
    email = CharField(max_length=120, default="")
    department = ForeignKeyField(Department, null=True, backref="members", on_delete="SET NULL")
    role = CharField(max_length=12, default=ROLE_STAFF, index=True)
    is_active = BooleanField(default=True)
    password_hash = CharField(max_length=255)
    # Part of the session id: changing it (password change, deactivation)
    # signs out every other session of this user.
    session_token = CharField(max_length=32)
    locale = CharField(max_length=10, default="")
    created_at = DateTimeField(default=utcnow)
    last_login_at = DateTimeField(null=True)

    class Meta:
        table_name = "users"

    def __str__(self) -> str:
        return self.display_name

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_admin(self) -> bool:
        return self.role == ROLE_ADMIN

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

