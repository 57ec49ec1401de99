"""Import batches that can end after a crash (issue 13): ``attempts`` counts the runs a batch
was claimed for (a batch whose job vanished is run once more, then failed), ``failure`` says
why one failed (a code the batch page translates), and ``new_shop`` names the shop an upload
creates, which the import now creates inside its own transaction (a refused upload leaves
none behind).
"""
from peewee import CharField, IntegerField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("order_import_batches", "new_shop", CharField(max_length=60, default="")),
        migrator.add_column("order_import_batches", "attempts", IntegerField(default=0)),
        migrator.add_column("order_import_batches", "failure", CharField(max_length=20, default="")),
    )
