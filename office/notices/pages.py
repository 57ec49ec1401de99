"""Page contexts for notices: what one notice's page and its fragments (confirm button,
statistics, status) render, built for one viewer. Used by the views and by live.py."""
from __future__ import annotations

from office.models.base import utcnow
from office.models.notices import Notice
from office.notices import publishing
from office.notices.queries import confirmation_stats, notice_departments


def notice_context(user, notice: Notice) -> dict:
    """Everything show.html and its partials need: one query for the audience, three for statistics."""
    audience = [] if notice.to_everyone else notice_departments(notice.id)
    stats = None
    if notice.needs_confirmation and publishing.can_see_stats(user, notice):
        stats = confirmation_stats(notice, audience)
    return {
        "notice": notice,
        "audience": audience,
        "recipient": publishing.is_recipient(user, notice, [d.id for d in audience]),
        "stats": stats,
        "can_manage": publishing.can_manage(user, notice),
        "now": utcnow(),
    }
