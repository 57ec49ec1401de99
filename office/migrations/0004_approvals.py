"""Approvals: templates with fields and routes, requests, steps, approvers, the history,
cc and out-of-office delegation; live events learn which request changed.

Frozen copies of the models as they were when this ran.
"""
import datetime

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    FloatField,
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
    # Request ids are link targets (notifications, exports): never reused.
    Key = AutoField if isinstance(db, PostgresqlDatabase) else AutoIncrementField

    migrator.migrate(migrator.add_column("live_events", "approval_id", IntegerField(null=True)))

    class ApprovalTemplate(Base):
        key = CharField(max_length=40, unique=True)
        name = CharField(max_length=60)
        description = CharField(max_length=200, default="")
        fields = TextField(default="[]")
        route = TextField(default="[]")
        free_routing = CharField(max_length=10, default="none")
        time_limit_hours = IntegerField(default=24)
        is_active = BooleanField(default=True)
        position = IntegerField(default=0)
        created_at = DateTimeField(default=utcnow)

        class Meta:
            table_name = "approval_templates"

    class ApprovalRequest(Base):
        id = Key()
        template = ForeignKeyField(ApprovalTemplate, on_delete="RESTRICT")
        initiator = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
        title = CharField(max_length=120)
        data = TextField(default="{}")
        status = CharField(max_length=10, default="pending")
        current_step = IntegerField(null=True)
        mainline_id = IntegerField(null=True, index=True)
        created_at = DateTimeField(default=utcnow)
        submitted_at = DateTimeField(default=utcnow)
        decided_at = DateTimeField(null=True)
        last_urged_at = DateTimeField(null=True)

        class Meta:
            table_name = "approval_requests"
            indexes = ((("initiator", "id"), False), (("status", "id"), False))

    class ApprovalStep(Base):
        request = ForeignKeyField(ApprovalRequest, on_delete="CASCADE")
        position = IntegerField()
        name = CharField(max_length=60)
        mode = CharField(max_length=3, default="all")
        status = CharField(max_length=10, default="waiting")
        started_at = DateTimeField(null=True)
        finished_at = DateTimeField(null=True)
        reminded_at = DateTimeField(null=True)
        escalated_at = DateTimeField(null=True)

        class Meta:
            table_name = "approval_steps"
            indexes = ((("request", "position"), False), (("status", "started_at"), False))

    class ApprovalAssignment(Base):
        step = ForeignKeyField(ApprovalStep, on_delete="CASCADE")
        request = ForeignKeyField(ApprovalRequest, on_delete="CASCADE")
        user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
        on_behalf_of = ForeignKeyField(User, backref="+", null=True, on_delete="SET NULL")
        decision = CharField(max_length=10, null=True)
        decided_at = DateTimeField(null=True)
        is_open = BooleanField(default=False)
        created_at = DateTimeField(default=utcnow)

        class Meta:
            table_name = "approval_assignments"
            indexes = ((("user", "is_open", "request"), False), (("step", "user"), False),
                       (("user", "decided_at"), False))

    class ApprovalAction(Base):
        id = Key()
        request = ForeignKeyField(ApprovalRequest, on_delete="CASCADE")
        actor = ForeignKeyField(User, backref="+", null=True, on_delete="SET NULL")
        on_behalf_of = ForeignKeyField(User, backref="+", null=True, on_delete="SET NULL")
        action = CharField(max_length=12)
        step_position = IntegerField(null=True)
        target = ForeignKeyField(User, backref="+", null=True, on_delete="SET NULL")
        comment = TextField(default="")
        created_at = DateTimeField(default=utcnow)

        class Meta:
            table_name = "approval_actions"
            indexes = ((("request", "id"), False),)

    class ApprovalCc(Base):
        request = ForeignKeyField(ApprovalRequest, on_delete="CASCADE")
        user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
        created_at = DateTimeField(default=utcnow)

        class Meta:
            table_name = "approval_ccs"
            indexes = ((("request", "user"), True), (("user", "request"), False))

    class Delegation(Base):
        user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
        deputy = ForeignKeyField(User, backref="+", on_delete="CASCADE")
        starts_at = DateTimeField()
        ends_at = DateTimeField()
        created_at = DateTimeField(default=utcnow)

        class Meta:
            table_name = "approval_delegations"
            indexes = ((("user", "starts_at"), False),)

    class ApprovalFile(Base):
        request = ForeignKeyField(ApprovalRequest, null=True, on_delete="CASCADE")
        uploaded_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
        field_name = CharField(max_length=40, default="")
        action = ForeignKeyField(ApprovalAction, null=True, on_delete="CASCADE")
        file_name = CharField(max_length=200)
        stored_name = CharField(max_length=64, unique=True)
        content_type = CharField(max_length=100)
        size = IntegerField()
        is_image = BooleanField(default=False)
        created_at = DateTimeField(default=utcnow)

        class Meta:
            table_name = "approval_files"

    class LeaveRecord(Base):
        user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
        request = ForeignKeyField(ApprovalRequest, unique=True, on_delete="CASCADE")
        leave_type = CharField(max_length=20)
        starts_on = DateField()
        ends_on = DateField()
        days = FloatField()
        created_at = DateTimeField(default=utcnow)

        class Meta:
            table_name = "leave_records"
            indexes = ((("user", "starts_on"), False),)

    db.create_tables([ApprovalTemplate, ApprovalRequest, ApprovalStep, ApprovalAssignment, ApprovalAction,
                      ApprovalCc, Delegation, ApprovalFile, LeaveRecord])
