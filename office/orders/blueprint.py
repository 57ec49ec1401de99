"""The orders blueprint (/orders), registered with the live stream (orders/live.py), and the
words every order template may use: status, platform, queue, logistics and move labels, the
desk's tabs, the import batch states. Imported by each module of office/orders/views/; never
imports views.
"""
from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from office.live import registry
from office.models import orders as m
from office.orders import lifecycle, live, queries
from office.orders.access import can_work_orders as allowed
from office.orders.labels import LOGISTICS_LABELS, STATUS_LABELS, platform_label, queue_label, status_label

bp = Blueprint("orders", __name__, url_prefix="/orders")
registry.register(bp, "orders", kinds=live.KINDS, args=live.ARGS, render=live.render)

TAB_LABELS = {queries.TAB_ALL: _l("All"), **STATUS_LABELS}

# What each move is called on its button; a move missing here reads "Move to <status>".
# 已发货 is not a button: shipping takes the courier and tracking number form.
MOVE_LABELS = {
    m.TO_SHIP: _l("Pass review"),
    m.DELIVERED: _l("Confirm delivery"),
    m.AFTERSALE: _l("To after-sales"),
    m.CLOSED: _l("Close order"),
    m.REVIEW: _l("Back to review"),
}

BATCH_LABELS = {
    "queued": _l("Waiting"),
    "running": _l("Importing"),
    "done": _l("Import done"),
    "refused": _l("Refused"),
    "failed": _l("Failed"),
}

# The order table's columns (templates/macros/table.html), in the order the rows write their cells: the
# desk leaves out the receiver, the lookup results the checkbox.
ORDER_COLUMNS = {
    "pick": _l("Select"),
    "no": _l("Order number"),
    "shop": _l("Shop"),
    "buyer": _l("Buyer"),
    "receiver": _l("Receiver"),
    "items": _l("Items"),
    "amount": _l("Paid amount"),
    "status": _l("Status"),
    "time": _l("Paid at"),
}

# Why a batch failed (ImportBatch.failure), said on its page.
FAILURE_LABELS = {
    m.FAILURE_CRASHED: _l("An error in ShopOffice stopped the import."),
    m.FAILURE_INTERRUPTED: _l("The import was cut off twice before it could finish (the job consumer or the "
                              "server stopped while it ran)."),
    m.FAILURE_NO_SHOP: _l("The shop of this import was deleted before the import ran."),
}


@bp.app_context_processor
def order_globals():
    # The desk, the order page and the live stream say the same words.
    return {"order_tab_labels": TAB_LABELS, "order_event_label": lifecycle.event_label,
            "order_move_labels": MOVE_LABELS, "order_columns": ORDER_COLUMNS}


@bp.app_context_processor
def import_globals():
    return {"import_batch_labels": BATCH_LABELS, "import_failure_labels": FAILURE_LABELS}


@bp.app_template_global()
def order_status_label(status: str) -> str:
    return status_label(status)


@bp.app_template_global()
def order_platform_label(platform: str) -> str:
    return platform_label(platform)


@bp.app_template_global()
def order_queue_label(queue: str) -> str:
    return queue_label(queue)


@bp.app_template_global()
def order_logistics_label(issue: str) -> str:
    # A global, not context: the shared macros (orders/_order_macros.html) are imported without context.
    return str(LOGISTICS_LABELS.get(issue, issue))


@bp.app_template_global()
def can_work_orders() -> bool:
    return allowed(current_user)
