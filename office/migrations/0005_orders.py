"""Orders: shops, products, routing rules, orders with lines and timeline, import batches,
API tokens; departments learn whether they work orders and see customer data; live events
learn which order changed.

Frozen copies of the models as they were when this ran.
"""
import datetime

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateTimeField,
    DecimalField,
    ForeignKeyField,
    IntegerField,
    Model,
    PostgresqlDatabase,
    TextField,
)
from playhouse.sqlite_ext import AutoIncrementField


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        class Meta:
            table_name = "users"

    utcnow = datetime.datetime.utcnow
    # Order ids are link targets (shipping notes, notifications): never reused.
    Key = AutoField if isinstance(db, PostgresqlDatabase) else AutoIncrementField

    migrator.migrate(
        migrator.add_column("live_events", "order_id", IntegerField(null=True)),
        migrator.add_column("departments", "handles_orders", BooleanField(default=False)),
        migrator.add_column("departments", "sees_customer_data", BooleanField(default=False)),
    )

    class ApiToken(Base):
        user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
        name = CharField(max_length=60)
        token_hash = CharField(max_length=64, unique=True)
        prefix = CharField(max_length=12)
        created_at = DateTimeField(default=utcnow)
        last_used_at = DateTimeField(null=True)
        revoked_at = DateTimeField(null=True)

        class Meta:
            table_name = "api_tokens"

    class Product(Base):
        sku_code = CharField(max_length=64, unique=True)
        name = CharField(max_length=200)
        price = DecimalField(max_digits=12, decimal_places=2)
        is_active = BooleanField(default=True)
        created_at = DateTimeField(default=utcnow)

        class Meta:
            table_name = "products"

    class Shop(Base):
        name = CharField(max_length=60, unique=True)
        platform = CharField(max_length=10)
        is_active = BooleanField(default=True)
        created_at = DateTimeField(default=utcnow)

        class Meta:
            table_name = "shops"

    class RoutingRule(Base):
        name = CharField(max_length=60)
        position = IntegerField(default=0)
        is_active = BooleanField(default=True)
        has_message = BooleanField(null=True)
        min_amount = DecimalField(max_digits=12, decimal_places=2, null=True)
        shop = ForeignKeyField(Shop, null=True, backref="+", on_delete="CASCADE")
        platform = CharField(max_length=10, default="")
        sku_code = CharField(max_length=64, default="")
        queue = CharField(max_length=12)
        created_at = DateTimeField(default=utcnow)

        class Meta:
            table_name = "order_routing_rules"

    class Order(Base):
        id = Key()
        shop = ForeignKeyField(Shop, backref="orders", on_delete="RESTRICT")
        platform = CharField(max_length=10)
        order_no = CharField(max_length=64)
        status = CharField(max_length=10, default="review")
        platform_status = CharField(max_length=40, default="")
        queue = CharField(max_length=12, default="")
        rule = ForeignKeyField(RoutingRule, null=True, backref="+", on_delete="SET NULL")
        exception_reason = CharField(max_length=300, default="")
        is_priority = BooleanField(default=False)
        buyer_nick = CharField(max_length=80, default="", index=True)
        receiver_name = CharField(max_length=80, default="", index=True)
        receiver_phone = CharField(max_length=40, default="")
        phone_tail = CharField(max_length=4, default="", index=True)
        receiver_address = CharField(max_length=300, default="")
        buyer_message = TextField(default="")
        seller_memo = TextField(default="")
        goods_amount = DecimalField(max_digits=12, decimal_places=2, default=0)
        shipping_fee = DecimalField(max_digits=12, decimal_places=2, default=0)
        discount = DecimalField(max_digits=12, decimal_places=2, default=0)
        paid_amount = DecimalField(max_digits=12, decimal_places=2, default=0)
        placed_at = DateTimeField(null=True)
        paid_at = DateTimeField(null=True)
        shipped_at = DateTimeField(null=True)
        delivered_at = DateTimeField(null=True)
        courier = CharField(max_length=40, default="")
        tracking_no = CharField(max_length=60, default="", index=True)
        logistics_issue = CharField(max_length=20, default="")
        logistics_flagged_at = DateTimeField(null=True)
        source = CharField(max_length=10, default="import")
        parent = ForeignKeyField("self", null=True, backref="split_orders", on_delete="SET NULL")
        merged_into = ForeignKeyField("self", null=True, backref="merged_orders", on_delete="SET NULL")
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

    class OrderLine(Base):
        order = ForeignKeyField(Order, backref="lines", on_delete="CASCADE")
        position = IntegerField(default=0)
        sub_order_no = CharField(max_length=64, default="")
        sku_code = CharField(max_length=64, default="", index=True)
        title = CharField(max_length=200, default="")
        spec = CharField(max_length=200, default="")
        quantity = IntegerField(default=1)
        unit_price = DecimalField(max_digits=12, decimal_places=2, default=0)
        amount = DecimalField(max_digits=12, decimal_places=2, default=0)
        platform_status = CharField(max_length=40, default="")
        refund_status = CharField(max_length=40, default="")

        class Meta:
            table_name = "order_lines"

    class OrderEvent(Base):
        order = ForeignKeyField(Order, backref="events", on_delete="CASCADE")
        kind = CharField(max_length=20)
        actor = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        detail = TextField(default="")
        created_at = DateTimeField(default=utcnow)

        class Meta:
            table_name = "order_events"
            indexes = ((("order", "id"), False),)

    class ImportBatch(Base):
        user = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        shop = ForeignKeyField(Shop, null=True, backref="+", on_delete="SET NULL")
        platform = CharField(max_length=10, default="")
        status = CharField(max_length=10, default="queued")
        filenames = TextField(default="[]")
        stored_dir = CharField(max_length=300, default="")
        size_bytes = IntegerField(default=0)
        report = TextField(default="")
        errors = TextField(default="")
        created_at = DateTimeField(default=utcnow)
        started_at = DateTimeField(null=True)
        finished_at = DateTimeField(null=True)

        class Meta:
            table_name = "order_import_batches"

    db.create_tables([ApiToken, Product, Shop, RoutingRule, Order, OrderLine, OrderEvent, ImportBatch])
