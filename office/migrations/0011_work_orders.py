"""Work orders (issue 15): the order itself with its clocks, its immutable timeline, watchers,
related departments and files.

Frozen copies of the models as they were when this ran.
"""
import datetime

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        class Meta:
            table_name = "users"

    class Department(Base):
        class Meta:
            table_name = "departments"

    class Mainline(Base):
        class Meta:
            table_name = "mainlines"

    class Order(Base):
        class Meta:
            table_name = "orders"

    utcnow = datetime.datetime.utcnow

    class WorkOrder(Base):
        number = CharField(max_length=20, unique=True)
        kind = CharField(max_length=12, index=True)
        title = CharField(max_length=120)
        body = TextField(default="")
        requester = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
        assignee = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        queue = ForeignKeyField(Department, null=True, backref="+", on_delete="SET NULL")
        priority = CharField(max_length=8, default="normal")
        status = CharField(max_length=12, default="open")
        pause_reason = CharField(max_length=200, default="")
        close_reason = CharField(max_length=200, default="")
        mainline = ForeignKeyField(Mainline, null=True, backref="+", on_delete="SET NULL")
        order = ForeignKeyField(Order, null=True, backref="+", on_delete="SET NULL")
        deadline = DateTimeField(null=True)
        created_at = DateTimeField(default=utcnow)
        updated_at = DateTimeField(default=utcnow)
        first_response_at = DateTimeField(null=True)
        resolved_at = DateTimeField(null=True)
        closed_at = DateTimeField(null=True)
        closed_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        response_due_at = DateTimeField(null=True)
        resolve_due_at = DateTimeField(null=True)
        paused_seconds = IntegerField(default=0)
        paused_at = DateTimeField(null=True)
        response_level = IntegerField(default=0)
        resolve_level = IntegerField(default=0)

        class Meta:
            table_name = "work_orders"
            indexes = ((("assignee", "status", "resolve_due_at"), False), (("queue", "status", "id"), False),
                       (("requester", "id"), False), (("status", "resolve_due_at"), False))

    class WorkOrderEvent(Base):
        work_order = ForeignKeyField(WorkOrder, backref="events", on_delete="CASCADE")
        actor = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        action = CharField(max_length=12)
        from_value = CharField(max_length=120, default="")
        to_value = CharField(max_length=120, default="")
        comment = TextField(default="")
        created_at = DateTimeField(default=utcnow)

        class Meta:
            table_name = "work_order_events"
            indexes = ((("work_order", "id"), False),)

    class WorkOrderWatcher(Base):
        work_order = ForeignKeyField(WorkOrder, backref="watchers", on_delete="CASCADE")
        user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
        created_at = DateTimeField(default=utcnow)

        class Meta:
            table_name = "work_order_watchers"
            indexes = ((("work_order", "user"), True), (("user", "work_order"), False))

    class WorkOrderDepartment(Base):
        work_order = ForeignKeyField(WorkOrder, backref="departments", on_delete="CASCADE")
        department = ForeignKeyField(Department, backref="+", on_delete="CASCADE")

        class Meta:
            table_name = "work_order_departments"
            indexes = ((("work_order", "department"), True), (("department", "work_order"), False))

    class WorkOrderFile(Base):
        work_order = ForeignKeyField(WorkOrder, backref="files", on_delete="CASCADE")
        event = ForeignKeyField(WorkOrderEvent, null=True, backref="files", on_delete="CASCADE")
        uploaded_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
        file_name = CharField(max_length=200)
        stored_name = CharField(max_length=64, unique=True)
        content_type = CharField(max_length=100)
        size = IntegerField()
        is_image = BooleanField(default=False)
        created_at = DateTimeField(default=utcnow)

        class Meta:
            table_name = "work_order_files"

    db.create_tables([WorkOrder, WorkOrderEvent, WorkOrderWatcher, WorkOrderDepartment, WorkOrderFile])
