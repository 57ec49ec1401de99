"""Rules for posts: write, edit, delete, comment, like, confirm reading.

Each change is one transaction with its notification rows and live event.
Writes to posts and comments take SQLite's write lock up front (BEGIN
IMMEDIATE): their search-index triggers read before writing, and a deferred
transaction that has read cannot wait for the lock, it fails at once.
Callers enqueue ``tasks.notify.deliver_notifications`` with the returned ids
after it commits. Imports models, office.markup, office.inbox.notify,
office.live.events and the feed's own rule modules; never views or tasks.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from office import markup
from office.audit import trail
from office.db import atomic_for_update, db
from office.uploads import Upload, discard as discard_stored
from office.feed import mentions
from office.feed.visibility import viewers
from office.inbox.notify import notify, publish_badges
from office.live.events import publish
from office.models import audit
from office.models.base import utcnow
from office.models.feed import (
    POST_DELETED,
    POST_CHANGED,
    POST_ADDED,
    SCOPE_DEPARTMENTS,
    SCOPE_EVERYONE,
    SCOPE_MAINLINE,
    Attachment,
    Comment,
    Post,
    PostDepartment,
    PostLike,
    PostMention,
    PostRecipient,
)
from office.models.inbox import KIND_COMMENT, KIND_MENTION, KIND_REMIND, Notification
from office.models.people import Department, User
from office.rules import RuleError

COMMENT_MAX_LENGTH = 1000


class PostError(RuleError):
    """A post or comment was refused; ``field`` names the form field (the text by default)."""

    default_field = "body"


@dataclass
class Result:
    post: Post
    notification_ids: list[int] = field(default_factory=list)
    comment: Comment | None = None


def _check_body(body: str, limit: int, allow_empty: bool = False) -> str:
    body = (body or "").strip()
    if not body and not allow_empty:
        raise PostError(_l("Write something first."))
    if len(body) > limit:
        raise PostError(_l("At most %(n)d characters.", n=limit))
    return body


def _record_mentions(post: Post, people: list[User], actor: User, excerpt: str, skip=()) -> list[int]:
    # Nobody is told about a post they could not open.
    people = [p for p in viewers(post.id, people) if p.id not in skip]
    if not people:
        return []
    PostMention.insert_many([{"post": post.id, "user": p.id} for p in people]).on_conflict_ignore().execute()
    return notify([p.id for p in people], KIND_MENTION, "post", post.id, actor.id, excerpt)


def create_post(author: User, body: str, scope: str = SCOPE_EVERYONE, departments=(), mainline_id=None,
                remind: list[User] = (), needs_confirmation: bool = False,
                uploads: list[Upload] = ()) -> Result:
    """Publish a post with its scope, reminders, mentions and already-stored uploads.

    Raises PostError for an empty or overlong text, a department scope without
    departments, or read confirmation asked of nobody. Stored uploads are
    removed again when the post is refused.
    """
    try:
        body = _check_body(body, current_app.config["POST_MAX_LENGTH"], allow_empty=bool(uploads))
        departments = [d if isinstance(d, Department) else Department.get_by_id(d) for d in departments]
        if scope == SCOPE_DEPARTMENTS and not departments:
            raise PostError(_l("Choose at least one department."), "departments")
        if scope == SCOPE_MAINLINE and not mainline_id:
            raise PostError(_l("Choose a mainline."), "scope")
        if scope not in (SCOPE_EVERYONE, SCOPE_DEPARTMENTS, SCOPE_MAINLINE):
            raise PostError(_l("Unknown audience."), "scope")
        remind = [u for u in remind if u.id != author.id]
        if needs_confirmation and not remind:
            raise PostError(_l("Name the people who should confirm reading."), "remind")
        text, mentioned = mentions.resolve(body)
        with atomic_for_update():
            post = Post.create(author=author, body=body, body_html=markup.render(text), scope=scope,
                               mainline_id=mainline_id if scope == SCOPE_MAINLINE else None,
                               needs_confirmation=needs_confirmation)
            if scope == SCOPE_DEPARTMENTS:
                PostDepartment.insert_many([{"post": post.id, "department": d.id} for d in departments]).execute()
            for upload in uploads:
                Attachment.create(post=post, uploaded_by=author, file_name=upload.file_name,
                                  stored_name=upload.stored_name, content_type=upload.content_type,
                                  size=upload.size, is_image=upload.is_image)
            excerpt = markup.excerpt(body)
            ids = []
            if remind:
                PostRecipient.insert_many([{"post": post.id, "user": u.id} for u in remind]).execute()
                ids += notify([u.id for u in remind], KIND_REMIND, "post", post.id, author.id, excerpt)
            ids += _record_mentions(post, mentioned, author, excerpt, skip={u.id for u in remind})
            publish(POST_ADDED, post.id)
    except Exception:
        discard_stored(u.stored_name for u in uploads)
        raise
    return Result(post, ids)


def can_edit(post: Post, user: User, now: dt.datetime | None = None) -> bool:
    window = dt.timedelta(minutes=current_app.config["FEED_EDIT_MINUTES"])
    return post.author_id == user.id and (now or utcnow()) - post.created_at <= window


def can_delete(post: Post, user: User) -> bool:
    return post.author_id == user.id or user.is_admin


def edit_post(post: Post, editor: User, body: str) -> Result:
    """Change the text within the edit window; people newly mentioned are told.

    Raises PostError when the window has passed or the editor is not the author.
    """
    if not can_edit(post, editor):
        raise PostError(_l("Posts can be edited for %(n)d minutes after posting.",
                           n=current_app.config["FEED_EDIT_MINUTES"]))
    has_files = Attachment.select().where(Attachment.post == post).exists()
    body = _check_body(body, current_app.config["POST_MAX_LENGTH"], allow_empty=has_files)
    text, mentioned = mentions.resolve(body)
    with atomic_for_update():
        already = {m.user_id for m in PostMention.select(PostMention.user).where(PostMention.post == post)}
        Post.update(body=body, body_html=markup.render(text), edited_at=utcnow()).where(Post.id == post.id).execute()
        ids = _record_mentions(post, mentioned, editor, markup.excerpt(body), skip=already)
        publish(POST_CHANGED, post.id)
    return Result(Post.get_by_id(post.id), ids)


def delete_post(post: Post, by: User) -> None:
    """Delete a post with its comments, likes and files (author or an admin).

    Raises PermissionError for anyone else. Files go after the commit, so a
    failed delete keeps them.
    """
    if not can_delete(post, by):
        raise PermissionError("only the author or an admin may delete a post")
    stored = [a.stored_name for a in Attachment.select(Attachment.stored_name).where(Attachment.post == post)]
    with atomic_for_update():
        if by.id != post.author_id:
            trail.record(audit.POST_DELETED, by, subject=markup.excerpt(post.body, 100), target=post)
        # Notifications about it go too (pending e-mails and robot messages with them):
        # they would point at nothing and quote deleted text.
        about_post = (Notification.target_type == "post") & (Notification.target_id == post.id)
        told = [n.recipient_id for n in Notification.select(Notification.recipient).where(about_post)]
        Notification.delete().where(about_post).execute()
        Post.delete().where(Post.id == post.id).execute()
        publish(POST_DELETED, post.id)
        publish_badges(told)
    discard_stored(stored)


def add_comment(post: Post, author: User, body: str) -> Result:
    """Comment on a post the author can see; the post's author and people mentioned are told."""
    body = _check_body(body, COMMENT_MAX_LENGTH)
    text, mentioned = mentions.resolve(body)
    excerpt = markup.excerpt(body)
    with atomic_for_update():
        comment = Comment.create(post=post, author=author, body=body, body_html=markup.render(text))
        Post.update(comment_count=Post.comment_count + 1).where(Post.id == post.id).execute()
        ids = notify([post.author_id], KIND_COMMENT, "post", post.id, author.id, excerpt)
        ids += _record_mentions(post, mentioned, author, excerpt, skip={post.author_id})
        publish(POST_CHANGED, post.id)
    return Result(post, ids, comment)


def set_like(post: Post, user: User, liked: bool) -> bool:
    """Like or unlike (idempotent: pressing twice never counts twice). Returns whether it changed."""
    with db.atomic():
        if liked:
            try:
                with db.atomic():
                    PostLike.create(post=post, user=user)
            except IntegrityError:
                return False
            Post.update(like_count=Post.like_count + 1).where(Post.id == post.id).execute()
        else:
            removed = PostLike.delete().where((PostLike.post == post) & (PostLike.user == user)).execute()
            if not removed:
                return False
            Post.update(like_count=Post.like_count - 1).where(Post.id == post.id).execute()
        publish(POST_CHANGED, post.id)
    return True


def confirm_read(post: Post, user: User) -> bool:
    """Record that ``user`` read a post that asked them to confirm; True the first time."""
    if not post.needs_confirmation:
        return False
    with db.atomic():
        changed = PostRecipient.update(confirmed_at=utcnow()).where(
            (PostRecipient.post == post) & (PostRecipient.user == user) & PostRecipient.confirmed_at.is_null()
        ).execute()
        if changed:
            publish(POST_CHANGED, post.id)
    return bool(changed)
