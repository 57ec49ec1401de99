"""Task orders turned from a feed post or a mainline node ("转为任务单", issue 15 point 3): the
work order remembers its source so each side links to the other.
"""
from peewee import ForeignKeyField, Model


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Post(Base):
        class Meta:
            table_name = "posts"

    class Node(Base):
        class Meta:
            table_name = "mainline_nodes"

    migrator.migrate(
        migrator.add_column("work_orders", "source_post_id",
                            ForeignKeyField(Post, null=True, field=Post.id, on_delete="SET NULL")),
        migrator.add_column("work_orders", "source_node_id",
                            ForeignKeyField(Node, null=True, field=Node.id, on_delete="SET NULL")),
    )
