"""The huey instance: SqliteHuey in the instance folder, RedisHuey when OFFICE_REDIS_URL is set.

Created at import from the environment, because the consumer imports it
before any app exists. ``create_app`` only flips ``immediate``; the consumer's entry point
(tasks/consumer.py) hands over the app factory. Imports only office.config.
"""
from __future__ import annotations

import functools
import os
import threading

from flask import has_app_context
from huey import RedisHuey, SqliteHuey

from office.config import instance_path


def make_huey(redis_url: str = "", path: str = ""):
    if redis_url:
        return RedisHuey("shopoffice", url=redis_url)
    return SqliteHuey("shopoffice", filename=path or str(instance_path() / "huey.db"))


huey = make_huey(os.environ.get("OFFICE_REDIS_URL", ""), os.environ.get("OFFICE_HUEY_PATH", ""))


class AppContext:
    """Run a task inside an app context with an open database connection.

    In immediate mode the task runs inside the caller's request and reuses its
    context and connection; in the consumer the app is built once per process.
    """

    _app = None
    _factory = None
    _lock = threading.Lock()

    def __init__(self):
        self._local = threading.local()

    @classmethod
    def app(cls):
        with cls._lock:
            if cls._app is None:
                if cls._factory is None:
                    raise RuntimeError("no app to run jobs in: start the consumer as "
                                       "'huey_consumer tasks.consumer.huey' (see tasks/consumer.py)")
                cls._app = cls._factory()
            return cls._app

    def __enter__(self):
        from office.db import db

        # A stack, not one slot: in immediate mode a task may run another inline.
        stack = self._local.__dict__.setdefault("stack", [])
        ctx = None
        if not has_app_context():
            ctx = self.app().app_context()
            ctx.push()
        stack.append((ctx, db.connect(reuse_if_open=True)))
        return self

    def __exit__(self, *exc):
        from office.db import db

        ctx, opened = self._local.stack.pop()
        if opened and not db.is_closed():
            db.close()
        if ctx is not None:
            ctx.pop()
        return False


_context = AppContext()


def use_app_factory(factory) -> None:
    """Tell jobs how to build the app when none is running (the consumer; tasks/consumer.py).

    The queue is given the factory instead of importing app.py: the app imports every view,
    views enqueue jobs, and jobs must not import the app back.
    """
    AppContext._factory = factory


def app_task(**kwargs):
    """Decorator for tasks that touch models: ``@app_task(retries=3, retry_delay=10)``."""
    return huey.context_task(_context, **kwargs)


def app_on_startup(name: str):
    """Decorator for a consumer start hook that touches models: huey calls it as each worker
    starts (again after each recycle), before it takes a job."""

    def decorator(func):
        @functools.wraps(func)
        def run():
            with _context:
                return func()

        huey.on_startup(name)(run)
        return func

    return decorator


def app_periodic_task(validate_datetime, **kwargs):
    """Decorator for periodic tasks that touch models: ``@app_periodic_task(crontab(minute="*"))``."""

    def decorator(func):
        @functools.wraps(func)
        def run(*args, **kw):
            with _context:
                return func(*args, **kw)

        return huey.periodic_task(validate_datetime, **kwargs)(run)

    return decorator
