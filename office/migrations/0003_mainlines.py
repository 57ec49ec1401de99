"""Mainlines: phases, members, join requests, nodes and their dependencies, the timeline,
saved templates; live events learn which mainline changed.

Frozen copies of the models as they were when this ran.
"""
import datetime

from peewee import (
    AutoField,
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

    class Department(Base):
        class Meta:
            table_name = "departments"

    class User(Base):
        class Meta:
            table_name = "users"

    utcnow = datetime.datetime.utcnow
    # Mainline ids are link targets (notifications, posts): never reused.
    Key = AutoField if isinstance(db, PostgresqlDatabase) else AutoIncrementField

    migrator.migrate(migrator.add_column("live_events", "mainline_id", IntegerField(null=True)))

    class Mainline(Base):
        id = Key()
        title = CharField(max_length=80)
        goal = TextField(default="")
        event_date = DateField()
        status = CharField(max_length=10, default="active", index=True)
        owner = ForeignKeyField(User, on_delete="RESTRICT")
        join_token = CharField(max_length=32, default="")
        last_activity = CharField(max_length=200, default="")
        last_activity_at = DateTimeField(default=utcnow)
        created_at = DateTimeField(default=utcnow)

        class Meta:
            table_name = "mainlines"

    class Phase(Base):
        mainline = ForeignKeyField(Mainline, on_delete="CASCADE")
        name = CharField(max_length=40)
        position = IntegerField(default=0)

        class Meta:
            table_name = "mainline_phases"
            indexes = ((("mainline", "position"), False),)

    class Member(Base):
        mainline = ForeignKeyField(Mainline, on_delete="CASCADE")
        user = ForeignKeyField(User, on_delete="CASCADE")
        role = CharField(max_length=10, default="member")
        follow = CharField(max_length=10, default="key")
        created_at = DateTimeField(default=utcnow)

        class Meta:
            table_name = "mainline_members"
            indexes = ((("mainline", "user"), True), (("user", "mainline"), False))

    class JoinRequest(Base):
        mainline = ForeignKeyField(Mainline, on_delete="CASCADE")
        user = ForeignKeyField(User, on_delete="CASCADE")
        message = CharField(max_length=200, default="")
        created_at = DateTimeField(default=utcnow)
        decided_at = DateTimeField(null=True)
        decided_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        accepted = IntegerField(null=True)

        class Meta:
            table_name = "mainline_join_requests"
            indexes = ((("mainline", "user"), True),)

    class Node(Base):
        id = Key()
        mainline = ForeignKeyField(Mainline, on_delete="CASCADE")
        phase = ForeignKeyField(Phase, on_delete="CASCADE")
        title = CharField(max_length=80)
        note = TextField(default="")
        owner = ForeignKeyField(User, null=True, on_delete="SET NULL")
        department = ForeignKeyField(Department, null=True, on_delete="SET NULL")
        planned_hours = FloatField(default=0)
        actual_hours = FloatField(null=True)
        due_date = DateField(null=True)
        status = CharField(max_length=10, default="todo")
        started_at = DateTimeField(null=True)
        done_at = DateTimeField(null=True)
        position = IntegerField(default=0)
        reminded_at = DateTimeField(null=True)
        escalated_at = DateTimeField(null=True)
        created_at = DateTimeField(default=utcnow)

        class Meta:
            table_name = "mainline_nodes"
            indexes = ((("mainline", "phase", "position"), False), (("status", "due_date"), False))

    class NodeDependency(Base):
        node = ForeignKeyField(Node, on_delete="CASCADE")
        depends_on = ForeignKeyField(Node, on_delete="CASCADE")

        class Meta:
            table_name = "mainline_node_dependencies"
            indexes = ((("node", "depends_on"), True), (("depends_on", "node"), False))

    class Activity(Base):
        id = Key()
        mainline = ForeignKeyField(Mainline, on_delete="CASCADE")
        actor = ForeignKeyField(User, null=True, on_delete="SET NULL")
        kind = CharField(max_length=20)
        node = ForeignKeyField(Node, null=True, on_delete="SET NULL")
        post_id = IntegerField(null=True)
        text = CharField(max_length=200, default="")
        created_at = DateTimeField(default=utcnow)

        class Meta:
            table_name = "mainline_activities"
            indexes = ((("mainline", "id"), False),)

    class Template(Base):
        name = CharField(max_length=80)
        description = CharField(max_length=200, default="")
        spec = TextField()
        created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = DateTimeField(default=utcnow)

        class Meta:
            table_name = "mainline_templates"

    db.create_tables([Mainline, Phase, Member, JoinRequest, Node, NodeDependency, Activity, Template])
