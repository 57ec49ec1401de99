"""Read queries for memos; they return unevaluated queries. Imports models only."""
from __future__ import annotations

from office.models.notices import Memo
from office.models.people import User

_COLUMNS = (Memo.id, Memo.text, Memo.remind_at, Memo.post, Memo.delivered_at)


def upcoming_memos(user: User):
    """The user's memos not yet delivered, soonest first (all of them: people keep few)."""
    return (Memo.select(*_COLUMNS).where((Memo.owner == user.id) & Memo.delivered_at.is_null())
            .order_by(Memo.remind_at, Memo.id))


def delivered_memos(user: User, limit: int = 50):
    """The user's delivered memos, latest first."""
    return (Memo.select(*_COLUMNS).where((Memo.owner == user.id) & Memo.delivered_at.is_null(False))
            .order_by(Memo.delivered_at.desc(), Memo.id.desc()).limit(limit))
