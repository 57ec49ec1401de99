"""Orders (订单): shops on platforms, orders with their lines and timeline, routing rules,
and import batches.

An order is keyed by platform and the platform's order number, so importing the same export
twice, or pushing the same order through the API, finds the row it made before. Our own
lifecycle status sits beside the platform's status text, which is kept as exported.
"""
from __future__ import annotations

from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    DecimalField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from office.models.base import BaseModel, utcnow
from office.models.people import User

PLATFORM_TAOBAO = "taobao"
PLATFORM_TMALL = "tmall"
PLATFORM_JD = "jd"
PLATFORM_PDD = "pdd"
PLATFORM_DOUYIN = "douyin"
PLATFORM_OTHER = "other"
PLATFORMS = (PLATFORM_TAOBAO, PLATFORM_TMALL, PLATFORM_JD, PLATFORM_PDD, PLATFORM_DOUYIN, PLATFORM_OTHER)

# Our lifecycle. UNPAID is before it starts: the platform has the order, nobody has paid.
UNPAID = "unpaid"  # 待付款
REVIEW = "review"  # 待审核
TO_SHIP = "to_ship"  # 待发货
SHIPPED = "shipped"  # 已发货
DELIVERED = "delivered"  # 已签收
AFTERSALE = "aftersale"  # 售后中
CLOSED = "closed"  # 已关闭
STATUSES = (UNPAID, REVIEW, TO_SHIP, SHIPPED, DELIVERED, AFTERSALE, CLOSED)

# Live event kind (models/live.py): an order was created, moved or changed (subject None: an
# import changed many); the warehouse board and the order's page redraw.
ORDER_CHANGED = "order_changed"

# Queues an order waits in while 待审核 (routing rules choose one); EXCEPTION holds orders
# that failed validation on arrival, with their reason.
QUEUE_SERVICE = "service"  # 客服确认
QUEUE_REVIEW = "review"  # 审核
QUEUE_WAREHOUSE = "warehouse"  # 仓库
QUEUE_EXCEPTION = "exception"  # 异常
QUEUES = (QUEUE_SERVICE, QUEUE_REVIEW, QUEUE_WAREHOUSE, QUEUE_EXCEPTION)

SOURCE_IMPORT = "import"
SOURCE_API = "api"
SOURCE_MANUAL = "manual"

# Logistics exceptions flagged by the periodic job.
LOGISTICS_NOT_PICKED_UP = "not_picked_up"  # shipped, but the courier never scanned it
LOGISTICS_STUCK = "stuck"  # in transit for too long

# Import batches.
BATCH_QUEUED = "queued"
BATCH_RUNNING = "running"
BATCH_DONE = "done"
BATCH_REFUSED = "refused"  # the file had errors; nothing was saved
BATCH_FAILED = "failed"  # the job itself broke; nothing was saved
BATCH_STATUSES = (BATCH_QUEUED, BATCH_RUNNING, BATCH_DONE, BATCH_REFUSED, BATCH_FAILED)
BATCH_ENDED = (BATCH_DONE, BATCH_REFUSED, BATCH_FAILED)
# Why a batch failed (ImportBatch.failure; the batch page says it in the reader's language).
FAILURE_CRASHED = "crashed"  # an error in the job; its text is in ``errors``
FAILURE_INTERRUPTED = "interrupted"  # the job vanished (killed, machine restarted) on its last try
FAILURE_NO_SHOP = "no_shop"  # the shop was deleted before the job ran


class Shop(BaseModel):
    name = CharField(max_length=60, unique=True)
    platform = CharField(max_length=10)
    is_active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "shops"

    def __str__(self) -> str:
        return self.name


class RoutingRule(BaseModel):
    """Tried in ``position`` order; the first rule whose every set condition holds picks the
    queue. Unset conditions (None / "") match anything."""

    name = CharField(max_length=60)
    position = IntegerField(default=0)
    is_active = BooleanField(default=True)
    has_message = BooleanField(null=True)  # buyer message present (True) or absent (False)
    min_amount = DecimalField(max_digits=12, decimal_places=2, null=True)  # paid amount over this
    shop = ForeignKeyField(Shop, null=True, backref="+", on_delete="CASCADE")
    platform = CharField(max_length=10, default="")
    sku_code = CharField(max_length=64, default="")  # some line carries this SKU (商家编码)
    queue = CharField(max_length=12)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "order_routing_rules"


class Order(BaseModel):
    shop = ForeignKeyField(Shop, backref="orders", on_delete="RESTRICT")
    platform = CharField(max_length=10)
    order_no = CharField(max_length=64)
    status = CharField(max_length=10, default=REVIEW)
    platform_status = CharField(max_length=40, default="")
    queue = CharField(max_length=12, default="")
    rule = ForeignKeyField(RoutingRule, null=True, backref="+", on_delete="SET NULL")
    exception_reason = CharField(max_length=300, default="")  # non-empty: in the exception queue
    is_priority = BooleanField(default=False)
    buyer_nick = CharField(max_length=80, default="", index=True)
    receiver_name = CharField(max_length=80, default="", index=True)  # the lookup box finds it whole
    receiver_phone = CharField(max_length=40, default="")
    # Last four digits of the phone: platforms export masked numbers (138****5678), and
    # customer service searches by the tail the buyer reads out.
    phone_tail = CharField(max_length=4, default="", index=True)
    receiver_address = CharField(max_length=300, default="")
    buyer_message = TextField(default="")
    seller_memo = TextField(default="")
    goods_amount = DecimalField(max_digits=12, decimal_places=2, default=0)
    shipping_fee = DecimalField(max_digits=12, decimal_places=2, default=0)
    discount = DecimalField(max_digits=12, decimal_places=2, default=0)
    paid_amount = DecimalField(max_digits=12, decimal_places=2, default=0)
    placed_at = DateTimeField(null=True)  # created on the platform
    paid_at = DateTimeField(null=True)
    shipped_at = DateTimeField(null=True)
    delivered_at = DateTimeField(null=True)
    courier = CharField(max_length=40, default="")
    tracking_no = CharField(max_length=60, default="", index=True)
    logistics_issue = CharField(max_length=20, default="")
    logistics_flagged_at = DateTimeField(null=True)
    source = CharField(max_length=10, default=SOURCE_IMPORT)
    parent = ForeignKeyField("self", null=True, backref="split_orders", on_delete="SET NULL")  # split from
    merged_into = ForeignKeyField("self", null=True, backref="merged_orders", on_delete="SET NULL")
    # Hash of the platform's data as last imported: an unchanged re-import is detected
    # without comparing every column.
    fingerprint = CharField(max_length=40, default="")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "orders"
        indexes = (
            (("platform", "order_no"), True),
            (("status", "is_priority", "paid_at"), False),
            (("queue", "status"), False),
            (("shop", "id"), False),
        )


class OrderLine(BaseModel):
    order = ForeignKeyField(Order, backref="lines", on_delete="CASCADE")
    position = IntegerField(default=0)
    sub_order_no = CharField(max_length=64, default="")
    sku_code = CharField(max_length=64, default="", index=True)  # 商家编码
    title = CharField(max_length=200, default="")
    spec = CharField(max_length=200, default="")  # SKU properties: 颜色分类：黑色;尺码：XL
    quantity = IntegerField(default=1)
    unit_price = DecimalField(max_digits=12, decimal_places=2, default=0)
    amount = DecimalField(max_digits=12, decimal_places=2, default=0)  # paid for this line
    platform_status = CharField(max_length=40, default="")
    refund_status = CharField(max_length=40, default="")

    class Meta:
        table_name = "order_lines"


class OrderEvent(BaseModel):
    """The order's timeline: every change, who and when. Never updated or deleted."""

    order = ForeignKeyField(Order, backref="events", on_delete="CASCADE")
    kind = CharField(max_length=20)
    actor = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    detail = TextField(default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "order_events"
        indexes = ((("order", "id"), False),)


class ImportBatch(BaseModel):
    """One upload (or CLI run) of export files; the files wait in ``stored_dir`` for the job
    and are deleted when the batch ends, whichever way."""

    user = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    shop = ForeignKeyField(Shop, null=True, backref="+", on_delete="SET NULL")
    new_shop = CharField(max_length=60, default="")  # created by the import itself, when shop is unset
    platform = CharField(max_length=10, default="")
    status = CharField(max_length=10, default=BATCH_QUEUED)
    filenames = TextField(default="[]")  # JSON list of the names as uploaded
    stored_dir = CharField(max_length=300, default="")
    size_bytes = IntegerField(default=0)
    report = TextField(default="")  # JSON import report once done
    errors = TextField(default="")  # JSON list of row errors once refused (or the crash's text)
    attempts = IntegerField(default=0)  # runs claimed: a vanished job is run once more, then failed
    failure = CharField(max_length=20, default="")  # FAILURE_* once failed
    created_at = DateTimeField(default=utcnow)
    started_at = DateTimeField(null=True)
    finished_at = DateTimeField(null=True)

    class Meta:
        table_name = "order_import_batches"
