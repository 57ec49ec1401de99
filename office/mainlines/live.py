"""What the live stream redraws when mainlines change (``render``, registered in blueprint.py):
the whole overview for an open 作战图, the figures and timeline for an open mainline page,
the board for an open node board, each only if the viewer may still see the mainline.

Redrawing the whole overview (four queries) is simpler than patching one card and is
what makes new, finished and newly visible mainlines appear or leave on their own.
The contexts are the pages' own (pages.py); never imports views.
"""
from __future__ import annotations

from flask import render_template

from office.live.registry import Changes, Page
from office.mainlines import access, pages
from office.models.mainlines import MAINLINE_CHANGED, Mainline

KINDS = {MAINLINE_CHANGED}
# The open mainline (its page or board) and the overview's status tab.
ARGS = ("mainline", "status")


def render(me, page: Page, changes: Changes) -> str:
    changed = set(changes.subjects(MAINLINE_CHANGED))
    if page.view == "overview":
        visible = access.visible_mainlines(me, Mainline.select(Mainline.id)).where(Mainline.id.in_(list(changed)))
        if not visible.exists():
            return ""
        rows = pages.overview_context(me, page.args.get("status"))["rows"]
        return render_template("mainlines/_overview.html", rows=rows, oob=True)
    mainline_id = page.number("mainline")
    if page.view in ("mainline", "board") and mainline_id in changed:
        mainline = access.visible_mainlines(me).where(Mainline.id == mainline_id).first()
        if mainline is None:
            return ""
        board = pages.board(mainline)
        if page.view == "board":
            return render_template("mainlines/_board.html", board=board, mainline=board.mainline, oob=True)
        return (render_template("mainlines/_figures.html", board=board, mainline=board.mainline, oob=True)
                + render_template("mainlines/_timeline.html", board=board, mainline=board.mainline, oob=True,
                                  timeline=pages.timeline_context(mainline)["timeline"], timeline_more=None))
    return ""
