"""What the live stream redraws when work orders change (``render``, registered with the
blueprint): the whole order section for an open order page, and the list for an open list, each
only for what the viewer may see.
"""
from __future__ import annotations

from flask import render_template

from office.live.registry import Changes, Page
from office.models.workorders import KINDS as ORDER_KINDS
from office.models.workorders import STATUSES, WORK_ORDER_CHANGED, WorkOrder
from office.pagination import paginate
from office.workorders import pages, queries, visibility

KINDS = {WORK_ORDER_CHANGED}
# The open order, and the list's tab, filter and page.
ARGS = ("work_order", "tab", "kind", "status", "breached", "page")


def list_args(args: dict) -> dict:
    """The list's tab and filter among a stream's (or a request's) arguments; anything else dropped."""
    kept = {"tab": args.get("tab") if args.get("tab") in queries.TABS else queries.MINE}
    if args.get("kind") in ORDER_KINDS:
        kept["kind"] = args["kind"]
    if args.get("status") in STATUSES:
        kept["status"] = args["status"]
    if args.get("breached") in ("1", "y", "on"):
        kept["breached"] = "1"
    return kept


def list_context(me, args: dict, number: int) -> dict:
    """The list section's context for ``me``: one page of the tab, filtered."""
    kept = list_args(args)
    tab = kept["tab"]
    page = paginate(queries.tab_list(tab, me, kept.get("kind"), kept.get("status"), "breached" in kept),
                    queries.PAGE_SIZE, number)
    return {"tab": tab, "page": page, "rows": page.items, "list_args": kept,
            "filter_args": {k: v for k, v in kept.items() if k != "tab"}}


def render(me, page: Page, changes: Changes) -> str:
    changed = {s for s in changes.subjects(WORK_ORDER_CHANGED) if s}
    if page.view == "work_order":
        order_id = page.number("work_order")
        if order_id not in changed:
            return ""
        order = WorkOrder.get_or_none(WorkOrder.id == order_id)
        if order is None or not visibility.can_see(me, order):
            return ""
        return render_template("workorders/_order.html", oob=True, **pages.detail_context(me, order_id))
    if page.view == "work_orders":
        if page.args.get("tab") not in queries.tabs_for(me) and page.args.get("tab"):
            return ""
        query = WorkOrder.select(WorkOrder.id).where(WorkOrder.id.in_(list(changed)))
        clause = visibility.condition(me)
        if clause is not None:
            query = query.where(clause)
        if not changed or not query.exists():
            return ""
        return render_template("workorders/_list.html", oob=True,
                               **list_context(me, page.args, max(page.number("page"), 1)))
    return ""
