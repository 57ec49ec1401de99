"""Canned replies (话术, issue 15 point 6): wording per work-order kind and department, searchable,
copied with one tap (its use counted).

Frozen copies of the models as they were when this ran.
"""
import datetime

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


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

    class CannedReply(Base):
        title = CharField(max_length=80)
        body = TextField()
        kind = CharField(max_length=20, default="")
        department = ForeignKeyField(Department, null=True, backref="+", on_delete="CASCADE")
        tags = CharField(max_length=200, default="")
        created_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
        updated_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        created_at = DateTimeField(default=datetime.datetime.utcnow)
        updated_at = DateTimeField(default=datetime.datetime.utcnow)
        use_count = IntegerField(default=0)
        is_active = BooleanField(default=True)

        class Meta:
            table_name = "canned_replies"
            indexes = ((("department", "is_active"), False),)

    db.create_tables([CannedReply])
