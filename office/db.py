"""The one database object every model binds to, its per-request connection, and the
connection of a command line command (``connected``).

``db`` is a proxy filled by ``init_app`` from DATABASE_URL, so models can be
declared before any app exists. Imports only peewee (and Flask inside its functions).
"""
from __future__ import annotations

from functools import wraps
from pathlib import Path

from peewee import DatabaseProxy, Model, SqliteDatabase
from playhouse.db_url import connect as connect_url

db = DatabaseProxy()

# WAL lets readers run while one writer commits; busy_timeout makes a second
# writer wait instead of failing at once.
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "normal",
    "foreign_keys": 1,
    "busy_timeout": 10000,
    "cache_size": -16000,
}


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


def open_database(url: str):
    """Build a peewee Database for ``url``; SQLite URLs get the pragmas above."""
    if url.startswith("sqlite"):
        database = connect_url(url, pragmas=SQLITE_PRAGMAS)
    else:
        database = connect_url(url)
    return database


def is_sqlite() -> bool:
    return isinstance(db.obj, SqliteDatabase)


def init_app(app, excluded_endpoints: tuple[str, ...] = ("static",)) -> None:
    """Point the proxy at the app's database and open one connection per request.

    Endpoints in ``excluded_endpoints`` (static files, long-lived streams) never
    hold a connection.
    """
    db.initialize(open_database(app.config["DATABASE_URL"]))

    # Told the endpoint by Flask itself (this runs first for every routed request), so the
    # database module never reads the request. Unrouted requests (404s) connect on first query.
    @app.url_value_preprocessor
    def _connect(endpoint, values):
        if endpoint not in excluded_endpoints:
            db.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if not db.is_closed():
            db.close()


MIGRATIONS_DIR = str(Path(__file__).with_name("migrations"))


def connected(func):
    """A command line command's body run in the app context with one connection, closed after
    (outside any request nothing else opens it)."""
    from flask.cli import with_appcontext

    @wraps(func)
    def wrapper(*args, **kwargs):
        with db.connection_context():
            return func(*args, **kwargs)

    return with_appcontext(wrapper)


def migration_runner():
    """peewee's migration runner over office/migrations, history in ``schema_migrations``."""
    from playhouse.migrations import Runner

    return Runner(db.obj, directory=MIGRATIONS_DIR, table_name="schema_migrations")


def migrate() -> list[str]:
    """Apply pending migrations in order (each in its own transaction); return their names."""
    return migration_runner().up()


def atomic_for_update():
    """A transaction for check-then-write rules (the last admin, later stock levels).

    SQLite: BEGIN IMMEDIATE takes the write lock before the check, so a second
    writer waits instead of checking stale data. PostgreSQL: a plain transaction;
    the rule locks the rows it checks with SELECT ... FOR UPDATE (see ``locked``).
    """
    if is_sqlite():
        return db.atomic(lock_type="IMMEDIATE")
    return db.atomic()


def locked(query):
    """``query`` with FOR UPDATE where the database supports it (SQLite locks whole-file instead)."""
    return query if is_sqlite() else query.for_update()
