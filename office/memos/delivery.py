"""Memo rules: when a memo is due, creating and deleting one, and delivering it exactly once.

No request, no templates, no tasks: tasks/reminders.py calls ``deliver`` and
``deliver_due`` and enqueues delivery beyond the app for the notification ids they
return, after their transactions have committed. Raises MemoError with a
user-facing message. Imports models and the inbox's ``notify``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from office.db import db
from office.inbox.notify import notify
from office.models.base import utcnow
from office.models.inbox import KIND_MEMO
from office.models.notices import Memo
from office.models.people import User
from office.rules import RuleError

TEXT_MAX = 200
TARGET_TYPE = "memo"
# The quick choices of the memo form.
WHEN_HOUR = "hour"
WHEN_TOMORROW = "tomorrow"
WHEN_CUSTOM = "custom"
TOMORROW_AT = dt.time(9, 0)


class MemoError(RuleError):
    """A refused memo; shown next to ``field``."""


@dataclass
class Delivered:
    memo_id: int
    notification_ids: list[int]


def remind_time(when: str, custom: dt.datetime | None, now: dt.datetime, zone: dt.tzinfo) -> dt.datetime | None:
    """The UTC time (naive) a quick choice stands for.

    Args:
        when: WHEN_HOUR (now + 1 h), WHEN_TOMORROW (09:00 tomorrow in ``zone``) or WHEN_CUSTOM.
        custom: the naive local time typed for WHEN_CUSTOM (None when left empty).
        now: naive UTC.
        zone: the office's time zone (Asia/Shanghai), in which "tomorrow" and ``custom`` are read.
    Returns None for WHEN_CUSTOM without a time, or an unknown choice.
    """
    if when == WHEN_HOUR:
        return now + dt.timedelta(hours=1)
    if when == WHEN_TOMORROW:
        today = now.replace(tzinfo=dt.timezone.utc).astimezone(zone).date()
        local = dt.datetime.combine(today + dt.timedelta(days=1), TOMORROW_AT)
        return _to_utc(local, zone)
    if when == WHEN_CUSTOM and custom is not None:
        return _to_utc(custom, zone)
    return None


def _to_utc(local: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    if hasattr(zone, "localize"):  # pytz zones (Flask-Babel's) need localize, not replace
        aware = zone.localize(local)
    else:
        aware = local.replace(tzinfo=zone)
    return aware.astimezone(dt.timezone.utc).replace(tzinfo=None)


def create_memo(owner: User, text: str, remind_at: dt.datetime | None, post_id: int | None = None,
                now: dt.datetime | None = None) -> Memo:
    """A personal reminder for ``owner`` at ``remind_at`` (naive UTC, in the future).

    ``post_id`` ties it to a post ("remind me about this"); the caller has checked
    the owner may see that post. Raises MemoError (``text`` or ``remind_at``).
    """
    now = now or utcnow()
    text = " ".join((text or "").split())
    if not text:
        raise MemoError(_l("Write what to remind you of."), "text")
    if len(text) > TEXT_MAX:
        raise MemoError(_l("Keep it under %(n)d characters.", n=TEXT_MAX), "text")
    if remind_at is None:
        raise MemoError(_l("Choose a date and time."), "remind_at")
    if remind_at <= now:
        raise MemoError(_l("The time must be in the future."), "remind_at")
    return Memo.create(owner=owner.id, text=text, remind_at=remind_at, post=post_id or None, created_at=now)


def delete_memo(owner: User, memo_id: int) -> bool:
    """Delete one of ``owner``'s memos; False when there is no such memo of theirs.

    A delivery already queued for it then finds nothing to claim.
    """
    return Memo.delete().where((Memo.id == memo_id) & (Memo.owner == owner.id)).execute() == 1


def deliver(memo_id: int, now: dt.datetime | None = None) -> list[int]:
    """Deliver one due memo at most once: its owner gets a KIND_MEMO notification.

    The claim is a conditional UPDATE (``delivered_at IS NULL`` and due), so of
    two concurrent deliveries (the queued task and the sweeper, or a retried
    task) exactly one changes the row and writes the notification, in the same
    transaction. Returns the new notification ids ([] when not due, deleted or
    already delivered).
    """
    now = now or utcnow()
    # The UPDATE opens the transaction: SQLite makes a second deliverer wait for the
    # write lock (busy_timeout) and then see the claim; PostgreSQL re-checks the row
    # after the first commits. Either way the loser changes 0 rows.
    with db.atomic():
        claimed = (Memo.update(delivered_at=now)
                   .where((Memo.id == memo_id) & Memo.delivered_at.is_null() & (Memo.remind_at <= now))
                   .execute())
        if claimed != 1:
            return []
        memo = Memo.select(Memo.id, Memo.owner, Memo.text).where(Memo.id == memo_id).get()
        return notify([memo.owner_id], KIND_MEMO, TARGET_TYPE, memo.id, excerpt=memo.text)


def due_memo_ids(now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """Undelivered memos whose time has come, oldest first."""
    query = (Memo.select(Memo.id).where(Memo.delivered_at.is_null() & (Memo.remind_at <= (now or utcnow())))
             .order_by(Memo.remind_at, Memo.id).limit(limit))
    return [memo_id for (memo_id,) in query.tuples()]


def deliver_due(now: dt.datetime | None = None) -> list[Delivered]:
    """Deliver every due memo still undelivered (the queue may have lost its task).

    Each memo is claimed in its own transaction, so one failure does not undo the others.
    """
    now = now or utcnow()
    delivered = []
    for memo_id in due_memo_ids(now):
        ids = deliver(memo_id, now)
        if ids:
            delivered.append(Delivered(memo_id, ids))
    return delivered
