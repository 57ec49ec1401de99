"""Orders (订单): shops, import of the platforms' own exports, the JSON API's intake,
validation on arrival, routing to queues, the lifecycle, shipping notes, the warehouse board.

Map: access.py (who works orders, who sees customer data, masking), records.py (what an
order is before it is saved), formats/ (reading Taobao/Tmall, JD, Pinduoduo and Douyin
exports into records), intake.py (saving records: idempotent, all or nothing, the import
report), validation.py (problems on arrival → the exception queue), routing.py (rules →
queues), lifecycle.py (status moves, priority, merge, split, courier and tracking, the
timeline), logistics.py (orders not picked up or stuck), queries.py (lists, lookup, board),
notes.py (shipping notes, barcodes), entry.py (orders typed in by hand); views.py,
entry_views.py, import_views.py, board_views.py, rule_views.py, note_views.py. Rules never
import views or tasks.
"""
from flask import Blueprint

from office.live import registry
from office.orders import live

bp = Blueprint("orders", __name__, url_prefix="/orders")
registry.register(bp, "orders", kinds=live.KINDS, args=live.ARGS, render=live.render)

from office.orders import board_views, entry_views, import_views, note_views, rule_views, views  # noqa: E402,F401  (routes)


@bp.app_template_global()
def order_status_label(status: str) -> str:
    from office.orders.labels import status_label

    return status_label(status)


@bp.app_template_global()
def order_platform_label(platform: str) -> str:
    from office.orders.labels import platform_label

    return platform_label(platform)


@bp.app_template_global()
def order_queue_label(queue: str) -> str:
    from office.orders.labels import queue_label

    return queue_label(queue)


@bp.app_template_global()
def can_work_orders() -> bool:
    from flask_login import current_user

    from office.orders.access import can_work_orders as allowed

    return allowed(current_user)
