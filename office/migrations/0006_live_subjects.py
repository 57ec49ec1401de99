"""Live events name their subject with one column: ``subject_id`` (the post, mainline, approval
or order the kind is about) replaces one column per domain, so a new domain's events need no
schema change. Events live a day; the ones still here keep their subject.
"""
from peewee import IntegerField


def up(migrator, db):
    migrator.migrate(migrator.add_column("live_events", "subject_id", IntegerField(null=True)))
    db.execute_sql("UPDATE live_events SET subject_id = COALESCE(post_id, mainline_id, approval_id, order_id)")
    migrator.migrate(
        migrator.drop_column("live_events", "post_id"),
        migrator.drop_column("live_events", "mainline_id"),
        migrator.drop_column("live_events", "approval_id"),
        migrator.drop_column("live_events", "order_id"),
    )
