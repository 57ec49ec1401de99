"""Shared fixtures: a migrated database per test (SQLite file, or PostgreSQL when
OFFICE_TEST_DATABASE_URL is set), the app (built once, re-pointed per test), its client,
and signing in; and how pytest-xdist shares the tests out."""
from __future__ import annotations

import copy
import os
import shutil
import uuid
from pathlib import Path

import pytest
from flask import Config
from flask.globals import _cv_app
from flask.testing import FlaskClient

from office import db as office_db
from office.models import ALL_MODELS

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("OFFICE_TEST_DATABASE_URL", "")
TEST_PASSWORD = "password123"


def create_pg_database(base_url: str, name: str) -> str:
    """Create database ``name`` on the server of ``base_url``; return its URL."""
    import psycopg2

    conn = psycopg2.connect(base_url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return base_url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    """Run the real migrations once per session (per xdist worker); tests start from a copy
    (SQLite) or from the same database emptied (PostgreSQL)."""
    if PG_URL:
        url = create_pg_database(PG_URL, f"office_test_{uuid.uuid4().hex[:8]}")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('template') / 'office.db'}"
    office_db.db.initialize(office_db.open_database(url))
    with office_db.db.connection_context():
        office_db.migrate()
        if not PG_URL:
            office_db.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return url


class _PgReset:
    """Empty every model's table and restart its id sequences, as
    ``TRUNCATE ... RESTART IDENTITY CASCADE`` does, in a few ms instead of ~80.

    TRUNCATE makes new files for each of the ~40 tables on every test; deleting the few rows
    a test wrote is much cheaper. The DELETEs run with triggers and foreign keys off
    (session_replication_role, superuser only: the test server's ``postgres``), so their
    order does not matter and the append-only audit trail's trigger does not object; without
    superuser rights it falls back to TRUNCATE. One connection serves the whole session.
    """

    def __init__(self, url: str):
        self.database = office_db.open_database(url)
        tables = [m._meta.table_name for m in ALL_MODELS]
        self.truncate = "TRUNCATE {} RESTART IDENTITY CASCADE".format(", ".join(f'"{t}"' for t in tables))
        cursor = self.database.execute_sql("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
        # The sequences that RESTART IDENTITY restarts: those owned by the tables' columns.
        sequences = self.database.execute_sql(
            "SELECT s.oid::regclass::text, q.seqstart FROM pg_class s "
            "JOIN pg_sequence q ON q.seqrelid = s.oid "
            "JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.deptype IN ('a', 'i') "
            "JOIN pg_class t ON t.oid = d.refobjid "
            "WHERE s.relkind = 'S' AND t.relname = ANY(%s) AND pg_table_is_visible(t.oid)", (tables,)).fetchall()
        restart = "SELECT " + ", ".join(f"setval('{name}', {start}, false)" for name, start in sequences)
        self.delete = None
        if superuser:
            self.delete = ["SET LOCAL session_replication_role = replica",
                           *(f'DELETE FROM "{t}"' for t in tables), *([restart] if sequences else [])]

    def __call__(self) -> None:
        with self.database.atomic():
            if self.delete:
                for sql in self.delete:
                    self.database.execute_sql(sql)
            else:
                self.database.execute_sql(self.truncate)


_pg_reset: dict[str, _PgReset] = {}


def _fresh_database(template_url: str, tmp_path) -> str:
    if PG_URL:
        if template_url not in _pg_reset:
            _pg_reset[template_url] = _PgReset(template_url)
        _pg_reset[template_url]()
        return template_url
    target = tmp_path / "office.db"
    shutil.copyfile(template_url.removeprefix("sqlite:///"), target)
    return f"sqlite:///{target}"


@pytest.fixture
def app_config(migrated_database, tmp_path):
    return {
        "TESTING": True,
        "SECRET_KEY": "test-" + uuid.uuid4().hex,
        "DATABASE_URL": _fresh_database(migrated_database, tmp_path),
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "HUEY_IMMEDIATE": True,
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # The live stream checks once and ends, so the test client can read it whole.
        "LIVE_STREAM_SECONDS": 0,
    }


class IsolatedClient(FlaskClient):
    """Runs each request in its own app context, as production does.

    The test holds an app context for factories and queries; without this, a
    request would reuse it and share ``g`` (and flask-login's cached user)
    with the test and with other clients.
    """

    def open(self, *args, **kwargs):
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)


# Settings that create_app hands to extensions while it builds the app (Flask-Babel copies
# its defaults, Flask-WTF turns the method list into a set): changing them on a built app
# changes nothing, so a test that overrides one gets an app of its own.
BUILD_SETTINGS = ("BABEL_DEFAULT_LOCALE", "BABEL_DEFAULT_TIMEZONE", "BABEL_DOMAIN",
                  "BABEL_TRANSLATION_DIRECTORIES", "WTF_CSRF_METHODS", "TEMPLATES_AUTO_RELOAD")

# Built apps by their BUILD_SETTINGS, each with its config as built minus the per-test part.
_apps: dict[tuple, tuple] = {}


def _settings(overrides: dict) -> tuple[dict, Path]:
    """The settings create_app(overrides) would apply (defaults, OFFICE_* variables,
    overrides, then what finalize derives from the instance folder), and that folder."""
    from office.config import Defaults, finalize, instance_path

    instance = instance_path(overrides)
    config = Config(str(ROOT))
    config.from_object(Defaults)
    config.from_prefixed_env("OFFICE")
    config.update(overrides)
    finalize(config, instance)
    return copy.deepcopy(dict(config)), instance


def _shared_app(overrides: dict, tmp_path_factory):
    """The app built once for overrides' BUILD_SETTINGS, and its config without any test's part."""
    from app import create_app

    settings, _ = _settings(overrides)
    key = tuple(repr(settings.get(name)) for name in BUILD_SETTINGS)
    if key not in _apps:
        build = {name: overrides[name] for name in BUILD_SETTINGS if name in overrides}
        build["INSTANCE_PATH"] = str(tmp_path_factory.mktemp("app-instance"))
        app = create_app(build)
        app.test_client_class = IsolatedClient
        base = dict(app.config)
        del base["INSTANCE_PATH"]
        _apps[key] = (app, base)
        _check_reconfigure(app, base, overrides)
    return _apps[key]


def _reconfigure(app, base: dict, overrides: dict) -> None:
    """Make ``app`` what create_app(overrides) would have built: its config, instance
    folder, database and huey mode (the four things create_app sets from the config)."""
    from tasks.queue import huey

    settings, instance = _settings(overrides)
    app.config.clear()
    app.config.update(copy.deepcopy(base))
    app.config.update(settings)
    app.instance_path = str(instance)
    office_db.db.initialize(office_db.open_database(app.config["DATABASE_URL"]))
    huey.immediate = bool(app.config["HUEY_IMMEDIATE"])


def _check_reconfigure(app, base: dict, overrides: dict) -> None:
    """Once per built app: a re-pointed app has the config and instance folder that
    create_app gives (fails loudly if create_app starts deriving settings another way)."""
    from app import create_app

    fresh = create_app(overrides)
    _reconfigure(app, base, overrides)
    differ = sorted(k for k in fresh.config.keys() | app.config.keys()
                    if fresh.config.get(k, KeyError) != app.config.get(k, KeyError))
    assert not differ, f"the shared test app's config differs from create_app's in {differ}: update tests/conftest.py"
    assert app.instance_path == fresh.instance_path


@pytest.fixture
def app(app_config, tmp_path_factory):
    """The app as create_app(app_config) builds it, over this test's fresh database.

    Building the app costs ~0.1 s (14 blueprints), so it is built once per session and
    re-pointed for each test (config, instance folder, database, huey mode); the config
    is put back afterwards, so a test may change ``app.config`` freely.
    """
    shared, base = _shared_app(app_config, tmp_path_factory)
    _reconfigure(shared, base, app_config)
    try:
        with shared.app_context():
            yield shared
    finally:
        shared.config.clear()
        shared.config.update(base)
        if not office_db.db.is_closed():
            office_db.db.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, user, password: str = TEST_PASSWORD):
        username = user if isinstance(user, str) else user.username
        return self.client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def admin(app):
    from tests.factories import make_user

    return make_user("boss", role="admin", display_name="周敏")


@pytest.fixture
def staff(app):
    from tests.factories import make_user

    return make_user("xiaoli", role="staff", display_name="李小丽")


def hx(client, method: str, url: str, target: str | None = None, **kwargs):
    """Send a request the way htmx does."""
    headers = {"HX-Request": "true", **kwargs.pop("headers", {})}
    if target:
        headers["HX-Target"] = target
    return client.open(url, method=method.upper(), headers=headers, **kwargs)


E2E_SCOPE = "tests/e2e"


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``-n N --dist loadfile`` with tests/e2e as one unit, handed out first.

    The e2e tests share one live server and one chromium in one worker, as in a serial run
    (on two cores a second server and browser cost about what they save); starting them first
    lets the other workers share the remaining files, biggest first (xdist's usual order).
    Each file still runs whole in one worker, in its usual order.
    """
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class Scheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return E2E_SCOPE if nodeid.startswith(E2E_SCOPE + "/") else super()._split_scope(nodeid)

        def _assign_work_unit(self, node) -> None:
            if E2E_SCOPE in self.workqueue:
                self.workqueue.move_to_end(E2E_SCOPE, last=False)
            super()._assign_work_unit(node)

    return Scheduling(config, log)
