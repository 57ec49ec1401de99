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


def romanize(name: str) -> tuple[str, str]:
    """Pinyin of a name without tones, and its initials: 陈嘉慧 -> ("chenjiahui", "cjh").

    Latin letters and digits pass through whole, so "Alice 王" -> ("alicewang", "alicew").
    """
    from pypinyin import Style, lazy_pinyin

    full, initials, word = [], [], []
    for char in name.lower() + " ":
        if char.isascii() and char.isalnum():
            word.append(char)
            continue
        if word:
            full.append("".join(word))
            initials.append("".join(word))
            word = []
        if "\u3400" <= char <= "\u9fff":
            syllable = lazy_pinyin(char, style=Style.NORMAL)[0]
            full.append(syllable)
            initials.append(syllable[:1])
    return "".join(full)[:120], "".join(initials)[:40]


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
    # Orders: a department that works orders (and its sub-departments) may open them; one
    # that also sees customer data reads phones and addresses unmasked.
    handles_orders = BooleanField(default=False)
    sees_customer_data = BooleanField(default=False)
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
    # Derived from display_name on save, for the @mention autocomplete (chenjiahui / cjh).
    pinyin = CharField(max_length=120, default="")
    initials = CharField(max_length=40, default="")
    # The stored name of the profile photo under the uploads folder ("" for none); a new upload
    # gets a new random name, so it also busts the browser's cache (people.photo's ``v``).
    photo = CharField(max_length=64, default="")

    class Meta:
        table_name = "users"

    def save(self, *args, **kwargs):
        self.pinyin, self.initials = romanize(self.display_name or "")
        return super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.display_name

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_admin(self) -> bool:
        return self.role == ROLE_ADMIN

    def has_role(self, *roles: str) -> bool:
        return self.role in roles



class ApiToken(BaseModel):
    """A personal token for the JSON API (an ERP or script acting as this user).

    Only a hash is stored; the token itself is shown once, when it is made.
    """

    user = ForeignKeyField(User, backref="api_tokens", on_delete="CASCADE")
    name = CharField(max_length=60)
    token_hash = CharField(max_length=64, unique=True)
    prefix = CharField(max_length=12)  # the first characters, so people can tell tokens apart
    created_at = DateTimeField(default=utcnow)
    last_used_at = DateTimeField(null=True)
    revoked_at = DateTimeField(null=True)

    class Meta:
        table_name = "api_tokens"
