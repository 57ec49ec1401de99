"""Notice rules: who may publish, see, confirm and manage a notice; publishing, confirming,
pinning and expiring. No request, no templates, no tasks: the caller enqueues delivery of
the returned notification ids after the rule's transaction has committed.

Raises NoticeError with a user-facing message. Imports models, markup, the audit trail,
the inbox's ``notify``, the department tree and the feed's department chain.
"""
from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass, field
from functools import reduce

from flask import current_app
from flask_babel import lazy_gettext as _l
from peewee import Expression, IntegrityError, fn

from office.audit.trail import record
from office.db import atomic_for_update, db, locked
from office.departments.tree import descendant_ids
from office.feed.visibility import department_chain
from office.inbox.notify import mark_handled, notify
from office.live.events import publish as publish_event
from office.markup import render
from office.models.base import utcnow
from office.models.inbox import KIND_NOTICE, KIND_REMIND, Notification
from office.models.notices import NOTICE_CHANGED, Notice, NoticeConfirmation, NoticeDepartment
from office.models.people import ROLE_ADMIN, ROLE_DIRECTOR, ROLE_HEAD, Department, User
from office.rules import RuleError

# Audit action (office.models.audit holds the foundation's names; modules add their own).
NOTICE_PUBLISHED = "notice_published"
# Roles allowed to broadcast; admins and directors also see every notice and its statistics.
PUBLISHER_ROLES = (ROLE_ADMIN, ROLE_DIRECTOR, ROLE_HEAD)
OVERSEER_ROLES = (ROLE_ADMIN, ROLE_DIRECTOR)
TITLE_MAX = 120
BODY_MAX = 10000
TARGET_TYPE = "notice"


class NoticeError(RuleError):
    """A refused notice change; shown next to ``field``."""


@dataclass
class Published:
    notice: Notice
    notification_ids: list[int] = field(default_factory=list)


def can_publish(user: User) -> bool:
    return user.has_role(*PUBLISHER_ROLES)


def sees_all(user: User) -> bool:
    return user.has_role(*OVERSEER_ROLES)


def can_manage(user: User, notice: Notice) -> bool:
    """Pin, unpin and expire: the author and admins (directors read, they do not edit others' notices)."""
    return notice.author_id == user.id or user.is_admin


def can_see_stats(user: User, notice: Notice) -> bool:
    return notice.author_id == user.id or sees_all(user)


def visible_to(user: User) -> Expression:
    """A WHERE condition on Notice: true for the notices ``user`` may read.

    Notices to everyone; notices to a department on the user's chain (a notice to
    客服部 reaches 售前组 under it); the user's own; every notice for admins and directors.
    """
    if sees_all(user):
        return Notice.id.is_null(False)
    conditions = [Notice.to_everyone == True, Notice.author == user.id]  # noqa: E712 (SQL, not Python)
    chain = department_chain(user)
    if chain:
        conditions.append(Notice.id.in_(
            NoticeDepartment.select(NoticeDepartment.notice).where(NoticeDepartment.department.in_(chain))))
    return reduce(operator.or_, conditions)


def is_recipient(user: User, notice: Notice, department_ids) -> bool:
    """Whether ``user`` is in the notice's audience (the author never is).

    ``department_ids`` are the notice's departments, loaded by the caller.
    """
    if user.id == notice.author_id or not user.is_active:
        return False
    if notice.to_everyone:
        return True
    return bool(set(department_chain(user)) & set(department_ids))


def covered_departments(department_ids, departments: list[Department] | None = None) -> set[int]:
    """The chosen departments and every department under them."""
    departments = departments if departments is not None else list(Department.select(Department.id, Department.parent))
    covered: set[int] = set()
    for department_id in department_ids:
        covered |= descendant_ids(department_id, departments)
    return covered


def recipient_ids(to_everyone: bool, department_ids, author_id: int | None = None) -> list[int]:
    """Active users in the audience, the author left out, in id order."""
    query = User.select(User.id).where(User.is_active)
    if not to_everyone:
        query = query.where(User.department.in_(list(covered_departments(department_ids))))
    return [user_id for (user_id,) in query.order_by(User.id).tuples() if user_id != author_id]


def _check(author: User, title: str, body: str, department_ids, expires_at, now) -> tuple[str, str, list[int]]:
    if not can_publish(author):
        raise NoticeError(_l("Only administrators, directors and department heads publish notices."))
    title = (title or "").strip()
    if not title:
        raise NoticeError(_l("A notice needs a title."), "title")
    if len(title) > TITLE_MAX:
        raise NoticeError(_l("Keep the title under %(n)d characters.", n=TITLE_MAX), "title")
    body = (body or "").strip()
    if not body:
        raise NoticeError(_l("A notice needs a text."), "body")
    if len(body) > BODY_MAX:
        raise NoticeError(_l("Keep the text under %(n)d characters.", n=BODY_MAX), "body")
    wanted = sorted(set(department_ids or ()))
    if wanted:
        found = {d for (d,) in Department.select(Department.id).where(Department.id.in_(wanted)).tuples()}
        if found != set(wanted):
            raise NoticeError(_l("A chosen department no longer exists."), "departments")
    if expires_at is not None and expires_at <= now:
        raise NoticeError(_l("The expiry must be in the future."), "expires_at")
    return title, body, wanted


def publish(
    author: User,
    title: str,
    body: str,
    department_ids=(),
    *,
    pinned: bool = False,
    needs_confirmation: bool = False,
    expires_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Published:
    """Publish a notice to everyone (no ``department_ids``) or to departments and their sub-departments.

    Args:
        author: an admin, director or department head.
        expires_at: naive UTC, in the future, or None for never.
    Writes, in one transaction: the notice, its departments, one notification per
    recipient (active users in the audience, the author excluded) and an audit row.
    Raises NoticeError (with ``field``) for bad input or a user who may not publish.
    """
    now = now or utcnow()
    title, body, wanted = _check(author, title, body, department_ids, expires_at, now)
    with db.atomic():
        notice = Notice.create(
            author=author.id, title=title, body=body, body_html=render(body), to_everyone=not wanted,
            is_pinned=bool(pinned), needs_confirmation=bool(needs_confirmation), expires_at=expires_at,
            created_at=now,
        )
        if wanted:
            NoticeDepartment.insert_many([{"notice": notice.id, "department": d} for d in wanted]).execute()
        recipients = recipient_ids(not wanted, wanted, author.id)
        ids = notify(recipients, KIND_NOTICE, TARGET_TYPE, notice.id, actor_id=author.id, excerpt=title)
        record(NOTICE_PUBLISHED, author, subject=title, target=notice, departments=wanted,
               recipients=len(recipients), pinned=bool(pinned), confirmation=bool(needs_confirmation),
               expires_at=expires_at.isoformat() if expires_at else None)
    return Published(notice, ids)


def confirm(notice: Notice, user: User, department_ids) -> bool:
    """Record that ``user`` read ``notice``; True if this call recorded it.

    Idempotent: a second click (or two at once) finds the unique (notice, user)
    row and returns False. Raises NoticeError when the notice asks for no
    confirmation or ``user`` is not in its audience.
    """
    if not notice.needs_confirmation:
        raise NoticeError(_l("This notice does not ask for confirmation."))
    if not is_recipient(user, notice, department_ids):
        raise NoticeError(_l("This notice was not sent to you."))
    with db.atomic():
        try:
            # A savepoint, so the unique violation of a concurrent click leaves the
            # surrounding transaction usable on PostgreSQL.
            with db.atomic():
                NoticeConfirmation.create(notice=notice.id, user=user.id)
        except IntegrityError:
            created = False
        else:
            created = True
            # The author's open page redraws its 已读 x/y (office/notices/live.py).
            publish_event(NOTICE_CHANGED, notice.id)
        # Confirming is handling the notice: its inbox items are read in the same commit.
        mark_handled(user.id, TARGET_TYPE, notice.id)
    return created


def unconfirmed_ids(notice: Notice) -> list[int]:
    """Today's recipients (active, in the audience, not the author) who have not confirmed, in id order."""
    department_ids = [] if notice.to_everyone else [
        d for (d,) in NoticeDepartment.select(NoticeDepartment.department)
        .where(NoticeDepartment.notice == notice.id).tuples()]
    confirmed = {u for (u,) in NoticeConfirmation.select(NoticeConfirmation.user)
                 .where(NoticeConfirmation.notice == notice.id).tuples()}
    return [u for u in recipient_ids(notice.to_everyone, department_ids, notice.author_id) if u not in confirmed]


def remind_unread(notice_id: int, user: User, now: dt.datetime | None = None) -> list[int]:
    """提醒未读: one "asks you to read this" notification to each recipient who has not
    confirmed, at most once per NOTICE_REMIND_MINUTES per notice; returns their ids.

    The last reminder is the newest such notification about the notice, so no column is
    needed; the notice row is locked so two clicks at once send one reminder.
    Raises NoticeError: not the author or an admin, no confirmation asked, expired,
    everyone confirmed, or reminded too recently (saying how long to wait).
    """
    now = now or utcnow()
    gap = dt.timedelta(minutes=current_app.config["NOTICE_REMIND_MINUTES"])
    with atomic_for_update():
        notice = locked(Notice.select().where(Notice.id == notice_id)).get()
        if not can_manage(user, notice):
            raise NoticeError(_l("Only the author or an administrator can send reminders."))
        if not notice.needs_confirmation:
            raise NoticeError(_l("This notice does not ask for confirmation."))
        if is_expired(notice, now):
            raise NoticeError(_l("This notice has expired."))
        last = (Notification.select(fn.MAX(Notification.created_at))
                .where((Notification.kind == KIND_REMIND) & (Notification.target_type == TARGET_TYPE)
                       & (Notification.target_id == notice.id)).scalar())
        if last is not None and now - last < gap:
            wait = int((gap - (now - last)).total_seconds() // 60) + 1
            raise NoticeError(_l("You reminded them recently; you can remind again in %(n)d minutes.", n=wait))
        waiting = unconfirmed_ids(notice)
        if not waiting:
            raise NoticeError(_l("Everyone has confirmed; nobody to remind."))
        ids = notify(waiting, KIND_REMIND, TARGET_TYPE, notice.id, actor_id=user.id, excerpt=notice.title,
                     now=now)
    return ids


def set_pinned(notice: Notice, pinned: bool) -> None:
    """Pin or unpin; an explicit value (not a toggle) so a double click cannot undo itself."""
    Notice.update(is_pinned=bool(pinned)).where(Notice.id == notice.id).execute()
    notice.is_pinned = bool(pinned)


def expire_now(notice: Notice, now: dt.datetime | None = None) -> None:
    """End the notice now (it leaves lists); an already expired notice keeps its time."""
    now = now or utcnow()
    Notice.update(expires_at=now).where(
        (Notice.id == notice.id) & (Notice.expires_at.is_null() | (Notice.expires_at > now))).execute()
    if notice.expires_at is None or notice.expires_at > now:
        notice.expires_at = now


def is_expired(notice: Notice, now: dt.datetime | None = None) -> bool:
    return notice.expires_at is not None and notice.expires_at <= (now or utcnow())
