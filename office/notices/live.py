"""What the live stream redraws for notices (registered in notices/views.py): the read
confirmations (已读 x/y and who has not confirmed) on an open notice page, as people confirm,
for viewers who may see them."""
from __future__ import annotations

from flask import render_template

from office.live.registry import Changes, Page
from office.models.notices import NOTICE_CHANGED
from office.notices.pages import notice_context
from office.notices.queries import visible_notice

KINDS = {NOTICE_CHANGED}
# The open notice.
ARGS = ("notice",)


def render(me, page: Page, changes: Changes) -> str:
    notice_id = page.number("notice")
    if page.view != "notice" or notice_id not in changes.subjects(NOTICE_CHANGED):
        return ""
    notice = visible_notice(me, notice_id)
    if notice is None:
        return ""
    context = notice_context(me, notice)
    if context["stats"] is None:
        return ""
    return render_template("notices/_stats.html", oob=True, **context)
