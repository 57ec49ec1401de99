"""The feed: posts, their scope, mentions, reminders, comments, likes and attachments.

Counters (comments, likes) live on the post and change in the same transaction
as the row they count, so a feed page never counts per post.
"""
from __future__ import annotations

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from office.models.base import BaseModel, utcnow
from office.models.people import Department, User

SCOPE_EVERYONE = "everyone"
SCOPE_DEPARTMENTS = "departments"
SCOPE_MAINLINE = "mainline"
SCOPES = (SCOPE_EVERYONE, SCOPE_DEPARTMENTS, SCOPE_MAINLINE)

# Live event kinds (models/live.py): a post was added; edited, commented or liked; deleted.
POST_ADDED = "post_added"
POST_CHANGED = "post_changed"
POST_DELETED = "post_deleted"


class Post(BaseModel):
    author = ForeignKeyField(User, backref="posts", on_delete="RESTRICT")
    body = TextField()
    # Rendered and sanitised once on save; pages print it as is.
    body_html = TextField()
    scope = CharField(max_length=12, default=SCOPE_EVERYONE)
    # Points at mainlines.id once that module exists; kept a plain column so the
    # feed does not depend on it.
    mainline_id = IntegerField(null=True, index=True)
    needs_confirmation = BooleanField(default=False)
    comment_count = IntegerField(default=0)
    like_count = IntegerField(default=0)
    created_at = DateTimeField(default=utcnow, index=True)
    edited_at = DateTimeField(null=True)

    class Meta:
        table_name = "posts"
        # No index on scope: SQLite would use it to gather every visible post and
        # sort them (seconds at 200,000 posts) instead of walking ids down to 30 hits.
        indexes = ((("author", "id"), False),)  # "mine"


class PostDepartment(BaseModel):
    """One target department of a post scoped to departments (sub-departments see it too)."""

    post = ForeignKeyField(Post, backref="departments", on_delete="CASCADE")
    department = ForeignKeyField(Department, backref="posts", on_delete="CASCADE")

    class Meta:
        table_name = "post_departments"
        indexes = ((("post", "department"), True), (("department", "post"), False))


class PostMention(BaseModel):
    """Someone @-mentioned in a post or one of its comments (the "mentions" filter)."""

    post = ForeignKeyField(Post, backref="mentions", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="mentions", on_delete="CASCADE")

    class Meta:
        table_name = "post_mentions"
        indexes = ((("post", "user"), True), (("user", "post"), False))


class PostRecipient(BaseModel):
    """A person the author asked to read the post (提醒); they may see it whatever its scope.

    ``confirmed_at`` is set only when the post asks for read confirmation and
    the person pressed the button: nothing else records who read what.
    """

    post = ForeignKeyField(Post, backref="recipients", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="reminders", on_delete="CASCADE")
    confirmed_at = DateTimeField(null=True)

    class Meta:
        table_name = "post_recipients"
        indexes = ((("post", "user"), True), (("user", "post"), False))


class Comment(BaseModel):
    post = ForeignKeyField(Post, backref="comments", on_delete="CASCADE")
    author = ForeignKeyField(User, backref="comments", on_delete="RESTRICT")
    body = TextField()
    body_html = TextField()
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "comments"
        indexes = ((("post", "id"), False),)


class PostLike(BaseModel):
    post = ForeignKeyField(Post, backref="likes", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="likes", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "post_likes"
        indexes = ((("post", "user"), True), (("user", "post"), False))


class Attachment(BaseModel):
    """An uploaded file, stored under instance/uploads with a random name."""

    post = ForeignKeyField(Post, backref="attachments", on_delete="CASCADE")
    uploaded_by = ForeignKeyField(User, backref="attachments", on_delete="RESTRICT")
    file_name = CharField(max_length=200)  # as uploaded, shown escaped and sent quoted
    stored_name = CharField(max_length=64, unique=True)
    content_type = CharField(max_length=100)
    size = IntegerField()
    is_image = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "attachments"
