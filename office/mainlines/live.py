"""What the live stream redraws when mainlines change (``render``, registered with the blueprint):
the whole overview for an open 作战图, the figures and timeline for an open mainline page,
the board for an open node board, each only if the viewer may still see the mainline.

Redrawing the whole overview (four queries) is simpler than patching one card and is
what makes new, finished and newly visible mainlines appear or leave on their own.
"""
from __future__ import annotations

from flask import render_template

from office.clock import office_date
from office.live.registry import Changes, Page
from office.mainlines import access, queries
from office.models.mainlines import MAINLINE_CHANGED, STATUS_ACTIVE, STATUSES, Mainline

TIMELINE_SHOWN = 20
KINDS = {MAINLINE_CHANGED}
# The open mainline (its page or board) and the overview's status tab.
ARGS = ("mainline", "status")


def render(me, page: Page, changes: Changes) -> str:
    mainline_id = page.number("mainline") if page.view in ("mainline", "board") else 0
    context = fragments(me, page.view, mainline_id, page.args.get("status"), set(changes.subjects(MAINLINE_CHANGED)))
    if "overview_rows" in context:
        return render_template("mainlines/_overview.html", rows=context["overview_rows"], oob=True)
    if "mainline_board" in context:
        board = context["mainline_board"]
        if page.view == "board":
            return render_template("mainlines/_board.html", board=board, mainline=board.mainline, oob=True)
        return (render_template("mainlines/_figures.html", board=board, mainline=board.mainline, oob=True)
                + render_template("mainlines/_timeline.html", board=board, mainline=board.mainline, oob=True,
                                  timeline=context["mainline_timeline"], timeline_more=None))
    return ""


def fragments(me, view: str | None, mainline_id: int, status: str | None, changed: set[int]) -> dict:
    if view == "overview":
        visible = access.visible_mainlines(me, Mainline.select(Mainline.id)).where(Mainline.id.in_(list(changed)))
        if not visible.exists():
            return {}
        status = status if status in STATUSES else STATUS_ACTIVE
        return {"overview_rows": queries.overview(me, office_date(), status)}
    if view in ("mainline", "board") and mainline_id in changed:
        mainline = access.visible_mainlines(me).where(Mainline.id == mainline_id).first()
        if mainline is None:
            return {}
        context = {"mainline_board": queries.board(mainline, office_date()), "mainline_view": view}
        if view == "mainline":
            context["mainline_timeline"] = list(queries.timeline(mainline, limit=TIMELINE_SHOWN))
        return context
    return {}
