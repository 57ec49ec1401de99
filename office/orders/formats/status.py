"""The platforms' status texts → records.STAGE_*.

Exact texts of each platform's exports first; anything else (a new export version's
wording, a full-width comma become an ASCII one) falls back to keywords, and an unknown
text gives "" so that intake judges the order by its payment time.
"""
from __future__ import annotations

from office.orders.records import STAGE_CLOSED, STAGE_DELIVERED, STAGE_PAID, STAGE_SHIPPED, STAGE_UNPAID

_EXACT = {
    # Taobao / Tmall (订单报表, 宝贝报表)
    "等待买家付款": STAGE_UNPAID,
    "没有创建支付宝交易": STAGE_UNPAID,
    "买家已付款等待卖家发货": STAGE_PAID,
    "等待卖家发货": STAGE_PAID,
    "买家已付款": STAGE_PAID,
    # 千牛's current export spells some out in full (punctuation is dropped before the lookup).
    "卖家已发货等待买家确认收货": STAGE_SHIPPED,
    "买家已签收": STAGE_DELIVERED,
    "交易关闭退款": STAGE_CLOSED,
    "交易关闭退款成功": STAGE_CLOSED,
    # Paid with a foreign card, the payment not yet confirmed: not to ship until it is.
    "外卡支付付款确认中": STAGE_UNPAID,
    # Part shipped: the rest still has to go out, so it stays in the warehouse's work.
    "卖家部分发货": STAGE_PAID,
    "卖家已发货等待买家确认": STAGE_SHIPPED,
    "等待买家确认收货": STAGE_SHIPPED,
    "交易成功": STAGE_DELIVERED,
    "交易关闭": STAGE_CLOSED,
    "付款以后用户退款成功交易自动关闭": STAGE_CLOSED,
    "交易被淘宝关闭": STAGE_CLOSED,
    # JD (京东)
    "等待付款": STAGE_UNPAID,
    "等待付款确认": STAGE_UNPAID,
    "等待出库": STAGE_PAID,
    "等待打印": STAGE_PAID,
    "等待发货": STAGE_PAID,
    "等待确认收货": STAGE_SHIPPED,
    "已出库": STAGE_SHIPPED,
    "完成": STAGE_DELIVERED,
    # 锁定: the buyer asked to cancel (or a refund is pending) and JD forbids shipping it.
    # It usually ends 已取消, but JD may unlock it (the next export says 等待出库 again), so it
    # is not over: still paid, held in the exception queue (``is_locked``, intake).
    "锁定": STAGE_PAID,
    "已取消": STAGE_CLOSED,
    "取消": STAGE_CLOSED,
    # Pinduoduo (拼多多)
    "待支付": STAGE_UNPAID,
    "待付款": STAGE_UNPAID,
    # Paid but the group is not complete: PDD refunds it if the group fails, so not to ship yet.
    "待成团": STAGE_UNPAID,
    "待发货": STAGE_PAID,
    "已发货待签收": STAGE_SHIPPED,
    "已发货待收货": STAGE_SHIPPED,
    "已签收": STAGE_DELIVERED,
    "已收货": STAGE_DELIVERED,
    "未发货退款成功": STAGE_CLOSED,
    "已发货退款成功": STAGE_CLOSED,
    # Douyin (抖店)
    "备货中": STAGE_PAID,
    "已支付": STAGE_PAID,
    "部分发货": STAGE_PAID,
    "已发货": STAGE_SHIPPED,
    "待收货": STAGE_SHIPPED,
    "已完成": STAGE_DELIVERED,
    "已关闭": STAGE_CLOSED,
}

# Tried in order on texts not known exactly: the closing words first, since "已发货，退款成功"
# is over even though it was shipped.
_KEYWORDS = (
    (("锁定", "冻结"), STAGE_PAID),
    (("关闭", "取消", "退款成功", "删除", "作废"), STAGE_CLOSED),
    (("待付款", "待支付", "未付款", "等待买家付款", "等待付款"), STAGE_UNPAID),
    (("交易成功", "完成", "签收", "已收货"), STAGE_DELIVERED),
    (("已发货", "待收货", "确认收货", "运输中", "配送中", "已出库"), STAGE_SHIPPED),
    (("待发货", "已付款", "已支付", "备货", "出库", "部分发货"), STAGE_PAID),
)

_PUNCTUATION = str.maketrans({c: None for c in "，,、 \u3000。.;；:：()（）"})
_cache: dict[str, str] = {}


def stage_of(status: str) -> str:
    """The STAGE_* for a platform's status text, or "" when it says nothing we know."""
    found = _cache.get(status)
    if found is not None:
        return found
    key = status.translate(_PUNCTUATION)
    found = _EXACT.get(key)
    if found is None:
        found = ""
        for words, stage in _KEYWORDS:
            if any(word in key for word in words):
                found = stage
                break
    if len(_cache) < 10_000:  # status texts are few; a hostile file cannot grow this unbounded
        _cache[status] = found
    return found


_RELEASED = ("解除锁定", "解锁", "解除冻结", "解冻")


def is_locked(status: str) -> bool:
    """The platform forbids shipping the order for now (JD's 锁定: a cancel or refund
    request being handled); it may be released or cancelled later. 解除锁定 is a release."""
    key = status.translate(_PUNCTUATION)
    if any(word in key for word in _RELEASED):
        return False
    return "锁定" in key or "冻结" in key


_NO_AFTERSALE = frozenset({"无售后或售后取消", "无售后", "没有申请退款", "售后取消", "无"})


def refund_text(status: str) -> str:
    """A line's after-sales text, "" when it says there is none (PDD: 无售后或售后取消)."""
    return "" if status in _NO_AFTERSALE else status
