"""Leave allowances (issue 14, point 4): how many days of a leave type (年假) a person has a
year, where it differs from the company's default (config LEAVE_ALLOWANCES). Balances are
computed from this, the approved leave (leave_records) and the pending 请假 requests.

Frozen copies of the models as they were when this ran.
"""
import datetime

from peewee import CharField, DateTimeField, FloatField, ForeignKeyField, Model


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        class Meta:
            table_name = "users"

    class LeaveAllowance(Base):
        user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
        leave_type = CharField(max_length=20)
        days = FloatField()
        updated_at = DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            table_name = "leave_allowances"
            indexes = ((("user", "leave_type"), True),)

    db.create_tables([LeaveAllowance])
