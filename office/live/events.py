"""Publishing live events: rules call ``publish`` inside their transaction.

Rules never know how browsers are told (server-sent events today, see office/live/views.py),
and this module knows no domain: a kind is the publishing domain's own word. Imports only models.
"""
from __future__ import annotations

from office.db import db, is_sqlite
from office.models.live import LiveEvent

# Any constant: the advisory lock that orders event commits on PostgreSQL.
_EVENTS_LOCK = 0x5E0FF1CE


def _in_id_order() -> None:
    """Make events commit in id order, so a stream's cursor never skips one.

    PostgreSQL hands out ids at insert, not at commit: without this, event 10 could
    commit after a stream had already read 11 and moved past it. The lock is held to
    the end of the transaction. SQLite has one writer at a time, so ids already
    commit in order there.
    """
    if not is_sqlite():
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_EVENTS_LOCK,))


def publish(kind: str, subject_id: int | None = None, user_id: int | None = None) -> None:
    """Record one change for open browsers; call inside the cause's transaction.

    Args:
        kind: the domain's event kind (e.g. models.orders.ORDER_CHANGED).
        subject_id: the row the change is about; None when it touched many at once.
        user_id: whom it concerns, for kinds that are about one person.
    """
    _in_id_order()
    LiveEvent.create(kind=kind, subject_id=subject_id, user_id=user_id)


def publish_to(kind: str, user_ids) -> None:
    """One event of ``kind`` for each of ``user_ids`` (one row per person, in one insert)."""
    rows = [{"kind": kind, "user_id": user_id} for user_id in set(user_ids)]
    if rows:
        _in_id_order()
        LiveEvent.insert_many(rows).execute()


def latest_id() -> int:
    """The cursor a freshly rendered page starts from."""
    row = LiveEvent.select(LiveEvent.id).order_by(LiveEvent.id.desc()).limit(1).first()
    return row.id if row else 0
