"""Departments, users and the audit trail.

The models here are frozen copies: later migrations change the live models,
never this file.
"""
import datetime

from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    PostgresqlDatabase,
    TextField,
)


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Department(Base):
        name = CharField(max_length=60)
        parent = ForeignKeyField("self", null=True, on_delete="RESTRICT")
        head_id = IntegerField(null=True, index=True)
        position = IntegerField(default=0)
        created_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            table_name = "departments"
            indexes = ((("parent", "name"), True),)

    class User(Base):
        username = CharField(max_length=40, unique=True)
        display_name = CharField(max_length=40)
        title = CharField(max_length=40, default="")
        phone = CharField(max_length=20, default="")
        email = CharField(max_length=120, default="")
        department = ForeignKeyField(Department, null=True, on_delete="SET NULL")
        role = CharField(max_length=12, default="staff", index=True)
        is_active = BooleanField(default=True)
        password_hash = CharField(max_length=255)
        session_token = CharField(max_length=32)
        locale = CharField(max_length=10, default="")
        created_at = DateTimeField(default=datetime.datetime.utcnow)
        last_login_at = DateTimeField(null=True)

        class Meta:
            table_name = "users"

    class AuditEvent(Base):
        created_at = DateTimeField(default=datetime.datetime.utcnow)
        action = CharField(max_length=40)
        actor = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        subject = CharField(max_length=120, default="")
        target_type = CharField(max_length=40, default="")
        target_id = IntegerField(null=True)
        ip = CharField(max_length=45, default="")
        detail = TextField(default="{}")

        class Meta:
            table_name = "audit_events"
            indexes = (
                (("action", "subject", "created_at"), False),
                (("action", "ip", "created_at"), False),
                (("created_at",), False),
                (("target_type", "target_id"), False),
            )

    db.create_tables([Department, User, AuditEvent])

    # The audit trail is append-only in the database too, not only in the model.
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql(
            "ALTER TABLE departments ADD CONSTRAINT departments_head_fk "
            "FOREIGN KEY (head_id) REFERENCES users (id) ON DELETE SET NULL"
        )
        db.execute_sql(
            "CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql"
        )
        db.execute_sql(
            "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            db.execute_sql(
                f"CREATE TRIGGER audit_events_no_{event.lower()} BEFORE {event} ON audit_events "
                "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
            )
