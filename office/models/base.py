"""Shared model helpers: UTC timestamps. Imports only peewee and office.db."""
from __future__ import annotations

import datetime as dt

from office.db import BaseModel  # noqa: F401  (re-exported for model modules)


def utcnow() -> dt.datetime:
    """Naive UTC now: every timestamp is stored in UTC and shown in the user's zone."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
