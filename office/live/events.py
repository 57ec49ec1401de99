"""Publishing live events: rules call ``publish`` inside their transaction.

Rules never know how browsers are told (polling today, see office/live/views.py).
Imports only models.
"""
from __future__ import annotations

from office.models.live import INBOX_CHANGED, LiveEvent


def publish(kind: str, post_id: int | None = None, user_id: int | None = None) -> None:
    """Record one change for open browsers; call inside the cause's transaction."""
    LiveEvent.create(kind=kind, post_id=post_id, user_id=user_id)


def publish_inbox(user_ids) -> None:
    """The badge of each of ``user_ids`` changed (one row per person, in one insert)."""
    rows = [{"kind": INBOX_CHANGED, "user_id": user_id} for user_id in set(user_ids)]
    if rows:
        LiveEvent.insert_many(rows).execute()


def latest_id() -> int:
    """The cursor a freshly rendered page starts from."""
    row = LiveEvent.select(LiveEvent.id).order_by(LiveEvent.id.desc()).limit(1).first()
    return row.id if row else 0
