"""The feed, the inbox and its deliveries, notices, memos, live events; pinyin on users.

Frozen copies of the models as they were when this ran. Chinese substring
search: an FTS5 trigram index on SQLite, pg_trgm indexes on PostgreSQL.
"""
import datetime

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    PostgresqlDatabase,
    TextField,
)
from playhouse.sqlite_ext import AutoIncrementField

# SQLite keeps an external-content FTS5 index per table, fed by triggers, so
# every writer (views, tasks, imports) keeps it in step in its own transaction.
FTS_TABLES = (("posts", "post_search"), ("comments", "comment_search"))


def romanize(name):
    """Frozen copy of office.models.people.romanize as it was for this migration."""
    from pypinyin import Style, lazy_pinyin

    full, initials, word = [], [], []
    for char in name.lower() + " ":
        if char.isascii() and char.isalnum():
            word.append(char)
            continue
        if word:
            full.append("".join(word))
            initials.append("".join(word))
            word = []
        if "\u3400" <= char <= "\u9fff":
            syllable = lazy_pinyin(char, style=Style.NORMAL)[0]
            full.append(syllable)
            initials.append(syllable[:1])
    return "".join(full)[:120], "".join(initials)[:40]


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

    migrator.migrate(
        migrator.add_column("users", "pinyin", CharField(max_length=120, default="")),
        migrator.add_column("users", "initials", CharField(max_length=40, default="")),
    )
    for user_id, name in db.execute_sql("SELECT id, display_name FROM users").fetchall():
        full, initials = romanize(name)
        db.execute_sql(f"UPDATE users SET pinyin = {db.param}, initials = {db.param} WHERE id = {db.param}",
                       (full, initials, user_id))

    utcnow = datetime.datetime.utcnow
    # Ids that are links or cursors are never reused: SQLite needs AUTOINCREMENT for that
    # (a deleted newest post's id would go to the next post, and its notifications with it).
    Key = AutoField if isinstance(db, PostgresqlDatabase) else AutoIncrementField

    class Post(Base):
        id = Key()
        author = ForeignKeyField(User, on_delete="RESTRICT")
        body = TextField()
        body_html = TextField()
        scope = CharField(max_length=12, default="everyone")
        mainline_id = IntegerField(null=True, index=True)
        needs_confirmation = BooleanField(default=False)
        comment_count = IntegerField(default=0)
        like_count = IntegerField(default=0)
        created_at = DateTimeField(default=utcnow, index=True)
        edited_at = DateTimeField(null=True)

        class Meta:
            table_name = "posts"
            indexes = ((("author", "id"), False),)

    class PostDepartment(Base):
        post = ForeignKeyField(Post, on_delete="CASCADE")
        department = ForeignKeyField(Department, on_delete="CASCADE")

        class Meta:
            table_name = "post_departments"
            indexes = ((("post", "department"), True), (("department", "post"), False))

    class PostMention(Base):
        post = ForeignKeyField(Post, on_delete="CASCADE")
        user = ForeignKeyField(User, on_delete="CASCADE")

        class Meta:
            table_name = "post_mentions"
            indexes = ((("post", "user"), True), (("user", "post"), False))

    class PostRecipient(Base):
        post = ForeignKeyField(Post, on_delete="CASCADE")
        user = ForeignKeyField(User, on_delete="CASCADE")
        confirmed_at = DateTimeField(null=True)

        class Meta:
            table_name = "post_recipients"
            indexes = ((("post", "user"), True), (("user", "post"), False))

    class Comment(Base):
        id = Key()
        post = ForeignKeyField(Post, on_delete="CASCADE")
        author = ForeignKeyField(User, on_delete="RESTRICT")
        body = TextField()
        body_html = TextField()
        created_at = DateTimeField(default=utcnow)

        class Meta:
            table_name = "comments"
            indexes = ((("post", "id"), False),)

    class PostLike(Base):
        post = ForeignKeyField(Post, on_delete="CASCADE")
        user = ForeignKeyField(User, on_delete="CASCADE")
        created_at = DateTimeField(default=utcnow)

        class Meta:
            table_name = "post_likes"
            indexes = ((("post", "user"), True), (("user", "post"), False))

    class Attachment(Base):
        id = Key()
        post = ForeignKeyField(Post, on_delete="CASCADE")
        uploaded_by = ForeignKeyField(User, on_delete="RESTRICT")
        file_name = CharField(max_length=200)
        stored_name = CharField(max_length=64, unique=True)
        content_type = CharField(max_length=100)
        size = IntegerField()
        is_image = BooleanField(default=False)
        created_at = DateTimeField(default=utcnow)

        class Meta:
            table_name = "attachments"

    class Notification(Base):
        id = Key()
        recipient = ForeignKeyField(User, on_delete="CASCADE")
        kind = CharField(max_length=20)
        actor = ForeignKeyField(User, null=True, on_delete="SET NULL")
        excerpt = CharField(max_length=200, default="")
        target_type = CharField(max_length=20)
        target_id = IntegerField()
        created_at = DateTimeField(default=utcnow)
        read_at = DateTimeField(null=True)

        class Meta:
            table_name = "notifications"
            indexes = ((("recipient", "read_at", "created_at"), False), (("target_type", "target_id"), False))

    class Delivery(Base):
        id = Key()
        recipient = ForeignKeyField(User, on_delete="CASCADE")
        notification = ForeignKeyField(Notification, null=True, on_delete="CASCADE")
        channel = CharField(max_length=10)
        subject = CharField(max_length=200, default="")
        status = CharField(max_length=10, default="pending")
        attempts = IntegerField(default=0)
        last_error = TextField(default="")
        created_at = DateTimeField(default=utcnow)
        sent_at = DateTimeField(null=True)

        class Meta:
            table_name = "deliveries"
            indexes = ((("status", "created_at"), False),)

    class ChannelSettings(Base):
        user = ForeignKeyField(User, unique=True, on_delete="CASCADE")
        email_enabled = BooleanField(default=False)
        webhook_kind = CharField(max_length=10, default="")
        webhook_url = CharField(max_length=500, default="")
        quiet_start = IntegerField(null=True)
        quiet_end = IntegerField(null=True)
        digest = BooleanField(default=False)
        digest_hour = IntegerField(default=18)
        last_digest_at = DateTimeField(null=True)

        class Meta:
            table_name = "channel_settings"

    class Notice(Base):
        id = Key()
        author = ForeignKeyField(User, on_delete="RESTRICT")
        title = CharField(max_length=120)
        body = TextField()
        body_html = TextField()
        to_everyone = BooleanField(default=True)
        is_pinned = BooleanField(default=False)
        needs_confirmation = BooleanField(default=False)
        expires_at = DateTimeField(null=True)
        created_at = DateTimeField(default=utcnow, index=True)

        class Meta:
            table_name = "notices"

    class NoticeDepartment(Base):
        notice = ForeignKeyField(Notice, on_delete="CASCADE")
        department = ForeignKeyField(Department, on_delete="CASCADE")

        class Meta:
            table_name = "notice_departments"
            indexes = ((("notice", "department"), True), (("department", "notice"), False))

    class NoticeConfirmation(Base):
        notice = ForeignKeyField(Notice, on_delete="CASCADE")
        user = ForeignKeyField(User, on_delete="CASCADE")
        confirmed_at = DateTimeField(default=utcnow)

        class Meta:
            table_name = "notice_confirmations"
            indexes = ((("notice", "user"), True),)

    class Memo(Base):
        id = Key()
        owner = ForeignKeyField(User, on_delete="CASCADE")
        text = CharField(max_length=200)
        remind_at = DateTimeField()
        post = ForeignKeyField(Post, null=True, on_delete="SET NULL")
        delivered_at = DateTimeField(null=True)
        created_at = DateTimeField(default=utcnow)

        class Meta:
            table_name = "memos"
            indexes = ((("delivered_at", "remind_at"), False), (("owner", "remind_at"), False))

    class LiveEvent(Base):
        id = Key()
        kind = CharField(max_length=20)
        post_id = IntegerField(null=True)
        user_id = IntegerField(null=True)
        created_at = DateTimeField(default=utcnow, index=True)

        class Meta:
            table_name = "live_events"

    db.create_tables([Post, PostDepartment, PostMention, PostRecipient, Comment, PostLike, Attachment,
                      Notification, Delivery, ChannelSettings, Notice, NoticeDepartment,
                      NoticeConfirmation, Memo, LiveEvent])

    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table, _index in FTS_TABLES:
            db.execute_sql(f"CREATE INDEX {table}_body_trgm ON {table} USING gin (body gin_trgm_ops)")
        return
    for table, index in FTS_TABLES:
        db.execute_sql(f"CREATE VIRTUAL TABLE {index} USING fts5(body, content='{table}', "
                       "content_rowid='id', tokenize='trigram')")
        db.execute_sql(f"CREATE TRIGGER {table}_search_insert AFTER INSERT ON {table} BEGIN "
                       f"INSERT INTO {index}(rowid, body) VALUES (new.id, new.body); END")
        db.execute_sql(f"CREATE TRIGGER {table}_search_delete AFTER DELETE ON {table} BEGIN "
                       f"INSERT INTO {index}({index}, rowid, body) VALUES ('delete', old.id, old.body); END")
        db.execute_sql(f"CREATE TRIGGER {table}_search_update AFTER UPDATE OF body ON {table} BEGIN "
                       f"INSERT INTO {index}({index}, rowid, body) VALUES ('delete', old.id, old.body); "
                       f"INSERT INTO {index}(rowid, body) VALUES (new.id, new.body); END")
