"""What the live stream redraws for the inbox (registered in inbox/views.py): the unread
badges, on every page, when the viewer's own count changed. Never imports views."""
from __future__ import annotations

from flask import render_template

from office.live.registry import Changes, Page
from office.models.inbox import INBOX_CHANGED

KINDS = {INBOX_CHANGED}


def render(me, page: Page, changes: Changes) -> str:
    if not changes.concerns(INBOX_CHANGED, me.id):
        return ""
    return render_template("inbox/_badges_oob.html")
