"""Names shown for platforms, statuses and queues (translated), kept apart from the rules so
templates, exports and the CLI all say the same thing."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from office.models import orders as m

PLATFORM_LABELS = {
    m.PLATFORM_TAOBAO: _l("Taobao"),
    m.PLATFORM_TMALL: _l("Tmall"),
    m.PLATFORM_JD: _l("JD"),
    m.PLATFORM_PDD: _l("Pinduoduo"),
    m.PLATFORM_DOUYIN: _l("Douyin"),
    m.PLATFORM_OTHER: _l("Other platform"),
}

STATUS_LABELS = {
    m.UNPAID: _l("Awaiting payment"),
    m.REVIEW: _l("To review"),
    m.TO_SHIP: _l("To ship"),
    m.SHIPPED: _l("Shipped"),
    m.DELIVERED: _l("Signed for"),
    m.AFTERSALE: _l("After-sales"),
    m.CLOSED: _l("Closed"),
}

QUEUE_LABELS = {
    m.QUEUE_SERVICE: _l("Customer service confirms"),
    m.QUEUE_REVIEW: _l("Review"),
    m.QUEUE_WAREHOUSE: _l("Warehouse"),
    m.QUEUE_EXCEPTION: _l("Exceptions"),
}

LOGISTICS_LABELS = {
    m.LOGISTICS_NOT_PICKED_UP: _l("Not picked up"),
    m.LOGISTICS_STUCK: _l("Stuck in transit"),
}


def platform_label(platform: str) -> str:
    return str(PLATFORM_LABELS.get(platform, platform))


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def queue_label(queue: str) -> str:
    return str(QUEUE_LABELS.get(queue, queue))
