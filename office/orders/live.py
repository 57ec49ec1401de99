"""What the live stream redraws when orders change (``render``, registered with the blueprint):
the whole warehouse board on an open board, the open order page's sections when that order
(or, after an import, any order) changed; only for people who work orders. Never imports views.
"""
from __future__ import annotations

from flask import render_template

from office.live.registry import Changes, Page
from office.models.orders import ORDER_CHANGED
from office.orders import board
from office.orders.pages import live_fragments

KINDS = {ORDER_CHANGED}
# The open order's page, and whether a scan opened it (its items to pack and tracking box first).
ARGS = ("order", "scan")


def render(me, page: Page, changes: Changes) -> str:
    if page.view == "warehouse":
        context = board.fragments(me, page.view)
        if "warehouse_board" in context:
            return render_template("orders/_board.html", board=context["warehouse_board"], oob=True)
        return ""
    if page.view == "order":
        return live_fragments(me, page.number("order"), set(changes.subjects(ORDER_CHANGED)),
                              scan=page.number("scan") == 1).get("order_sections", "")
    return ""
