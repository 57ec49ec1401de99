"""One request cache: named values kept on ``flask.g`` for one request, each name owned by one
module, all forgotten in one call.

A request's app context ends with the request, but a live stream keeps one for minutes, so the
stream calls ``clear()`` before each event and nothing cached outlives the change that caused
it. Outside an app context (scripts, a job's setup) nothing is cached. Imports only flask.g.
"""
from __future__ import annotations

from typing import Callable, TypeVar

from flask import g, has_app_context

T = TypeVar("T")

_SLOT = "_office_request_cache"
_names: set[str] = set()


class Entry:
    """One named value; create it once per module with ``entry(name)``."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def get(self, build: Callable[[], T]) -> T:
        """The cached value, built by ``build()`` on first use in this request."""
        if not has_app_context():
            return build()
        store = g.setdefault(_SLOT, {})
        if self.name not in store:
            store[self.name] = build()
        return store[self.name]

    def set(self, value) -> None:
        """Store ``value`` for the rest of the request (a fact the web layer hands to rules)."""
        if has_app_context():
            g.setdefault(_SLOT, {})[self.name] = value

    def forget(self) -> None:
        """Drop the value (after a change this request made to what it describes)."""
        if has_app_context():
            g.get(_SLOT, {}).pop(self.name, None)


def entry(name: str) -> Entry:
    """Claim ``name`` for the calling module; a second claim is a programming error."""
    if name in _names:
        raise ValueError(f"request cache entry {name!r} is already owned by another module")
    _names.add(name)
    return Entry(name)


def clear() -> None:
    """Forget every cached value (end of a request; before each live-stream event)."""
    if has_app_context():
        g.pop(_SLOT, None)


def init_app(app) -> None:
    app.teardown_request(lambda exc: clear())
