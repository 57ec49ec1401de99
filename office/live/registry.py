"""The live-fragment registry: what the event stream redraws, registered by each domain.

A domain tells the stream, from its own blueprint module, which event kinds it redraws for,
which query arguments its pages give their stream (``?view=order&order=42``), and a function
that turns a batch of events into out-of-band HTML for one viewer::

    registry.register(bp, "orders", kinds={ORDER_CHANGED}, args=("order",), render=live.render)

``render(me, page, changes)`` returns HTML ("" for nothing): it checks itself what ``me`` may
see, and may remember a value in ``page.args`` for the next event (the feed's newest post).
Registrations are kept per app (``app.extensions``) when the app registers the blueprint, so
the stream (office/live/views.py) and the event log (models/live.py) know no domain by name.
Imports nothing of the project.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from flask import current_app

_KEY = "office.live"


class Changes:
    """One batch of live events, read by kind."""

    def __init__(self, events):
        self.events = list(events)
        self.kinds = {event.kind for event in self.events}

    def subjects(self, *kinds: str) -> list[int | None]:
        """The subject ids of the events of ``kinds``, in event order, each once (None: many)."""
        return list(dict.fromkeys(e.subject_id for e in self.events if e.kind in kinds))

    def concerns(self, kind: str, user_id: int) -> bool:
        """Whether an event of ``kind`` was about the person ``user_id``."""
        return any(e.kind == kind and e.user_id == user_id for e in self.events)


@dataclass
class Page:
    """The open page a stream serves: its view (``feed``, ``order``...) and the arguments it
    carries, which a renderer may update for the stream's next event."""

    view: str | None
    args: dict = field(default_factory=dict)

    def number(self, name: str) -> int:
        try:
            return int(self.args.get(name) or 0)
        except (TypeError, ValueError):
            return 0


@dataclass(frozen=True)
class Renderer:
    name: str
    kinds: frozenset[str]
    args: tuple[str, ...]
    render: Callable[..., str]


def register(bp, name: str, *, kinds, render: Callable[..., str], args: tuple[str, ...] = ()) -> None:
    """Redraw with ``render`` on the app that registers blueprint ``bp``, for events of ``kinds``;
    ``args`` are the stream arguments this domain's pages carry (kept across reconnections)."""
    renderer = Renderer(name, frozenset(kinds), tuple(args), render)

    @bp.record_once
    def _add(state):
        state.app.extensions.setdefault(_KEY, {})[name] = renderer


def renderers() -> list[Renderer]:
    """The current app's renderers, in blueprint registration order."""
    return list(current_app.extensions.get(_KEY, {}).values())


def stream_args() -> tuple[str, ...]:
    """Every query argument some page gives its stream, besides ``view`` and the cursor."""
    return tuple(dict.fromkeys(arg for renderer in renderers() for arg in renderer.args))
