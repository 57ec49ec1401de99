"""What the live stream sends when mainlines change (office/live/views.py calls ``fragments``):
the whole overview for an open 作战图, the figures and timeline for an open mainline page,
the board for an open node board, each only if the viewer may still see the mainline.

Redrawing the whole overview (four queries) is simpler than patching one card and is
what makes new, finished and newly visible mainlines appear or leave on their own.
"""
from __future__ import annotations

from office.clock import office_date
from office.mainlines import access, queries
from office.models.mainlines import STATUS_ACTIVE, STATUSES, Mainline

TIMELINE_SHOWN = 20


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
