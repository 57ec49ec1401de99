"""Profile photos (issue 14, design system): ``users.photo`` holds the stored file's random
name under the uploads folder, "" for a person shown by their initials."""
from peewee import CharField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("users", "photo", CharField(max_length=64, default="")),
    )
