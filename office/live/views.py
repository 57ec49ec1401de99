"""Live updates by server-sent events: the one place that decides how open pages learn of changes.

Every signed-in page holds one EventSource on ``GET /live/?after=<event id>&view=...``
(templates/live/_stream.html, htmx-ext-sse). The stream sleeps until the process's
watcher sees a newer live event, then sends one ``live`` event whose data are
out-of-band fragments rendered for this viewer by the domains' registered renderers
(office/live/registry.py: new post cards, a redrawn board, the inbox badges...), each
showing only what the viewer may see. This module knows no domain. Each event's id is the cursor, so a reconnecting
browser (Last-Event-ID) resumes where it stopped; streams end after
LIVE_STREAM_SECONDS with a ``bye`` event naming the next stream's URL, which the page opens
(static/js/office.js), re-checking the session.

Chosen over polling by measurement (bench/transport_ratio.py, 50 open pages): delay p50
188 vs 511 ms, idle server CPU 0.8 % vs 32 % of a core. It needs gevent workers
(scripts/serve); one watcher per process reads the newest event id every
LIVE_WATCH_MS, so events written by other processes (the huey consumer) arrive too.
"""
from __future__ import annotations

import threading
import time

from flask import Blueprint, Response, current_app, render_template, request, stream_with_context, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from office import request_cache
from office.db import db
from office.live import registry
from office.live.events import latest_id
from office.live.registry import Changes, Page
from office.models.live import LiveEvent

bp = Blueprint("live", __name__, url_prefix="/live")

# Enough for a busy second; a page that fell further behind catches up over a few events.
BATCH = 500
HEARTBEAT_SECONDS = 15



@bp.app_template_global()
def live_cursor() -> int:
    """The newest live event id: where a page's live stream starts."""
    return latest_id()


class Watcher:
    """The newest live-event id in this process, refreshed by one background thread
    (a greenlet under gevent); streams wait on ``changed`` instead of querying."""

    def __init__(self):
        self.latest = 0
        self.changed = threading.Event()
        self._lock = threading.Lock()
        self._thread = None

    def start(self, app) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, args=(app,), daemon=True, name="live-watcher")
                self._thread.start()

    def _run(self, app) -> None:
        period = app.config["LIVE_WATCH_MS"] / 1000
        # Plain SQL, built once: the tick costs SQLite's O(1) max(rowid), nothing else.
        sql = f'SELECT MAX(id) FROM "{LiveEvent._meta.table_name}"'
        with app.app_context():
            self._watch(sql, period)

    def _watch(self, sql: str, period: float) -> None:
        # One connection kept for the watcher's life: ten ticks a second would otherwise
        # pay for opening a connection (and SQLite's pragmas) every time.
        while True:
            try:
                db.connect(reuse_if_open=True)
                newest = db.execute_sql(sql).fetchone()[0] or 0
            except Exception:  # a busy or restarted database: reconnect on the next tick
                newest = self.latest
                if not db.is_closed():
                    db.close()
            if newest > self.latest:
                self.latest = newest
                fired, self.changed = self.changed, threading.Event()
                fired.set()
            time.sleep(period)


watcher = Watcher()


def page_of(args) -> Page:
    """The page a stream serves, from its query: ``view`` and the arguments the domains
    registered (the feed's filter, the mainline, the order...); anything else is dropped."""
    keep = {k: args[k] for k in ("view", *registry.stream_args()) if args.get(k)}
    return Page(view=keep.get("view"), args=keep)


def updates(me, args) -> dict | None:
    """What changed for ``me`` since ``args["after"]``, as the context of live/_events.html;
    None when no event happened at all. ``args`` is the stream's query (see page_of).

    Each domain's registered renderer draws its own fragments (office/live/registry.py).
    Separate from the view so another transport (bench/poll_probe.py's polling prototype)
    renders exactly the same fragments.
    """
    after = _int(args.get("after"))
    events = list(LiveEvent.select().where(LiveEvent.id > after).order_by(LiveEvent.id).limit(BATCH))
    if not events:
        return None
    # A stream keeps one app context for minutes: nothing cached before this batch may be trusted.
    request_cache.clear()
    page = page_of(args)
    changes = Changes(events)
    fragments = [renderer.render(me, page, changes) for renderer in registry.renderers()
                 if renderer.kinds & changes.kinds]
    # Renderers return HTML they drew from escaping templates: trusted here as markup.
    return {"live_after": events[-1].id, "live_args": page.args, "fragments": [Markup(f) for f in fragments if f]}


def _int(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _resume(args) -> dict:
    """The stream's starting point: the page's query, or where a reconnecting browser stopped."""
    args = args.to_dict()
    last = request.headers.get("Last-Event-ID", "")
    after, _, top = last.partition(".")
    if after.isdigit():
        args["after"] = after
        if top.isdigit():
            args["top"] = top
    return args


def _event(context: dict) -> str:
    html = render_template("live/_events.html", **context)
    event_id = f"{context['live_after']}.{context['live_args'].get('top', 0)}"
    return f"event: live\nid: {event_id}\ndata: " + "\ndata: ".join(html.splitlines() or [""]) + "\n\n"


@bp.route("/")
@login_required
def stream():
    """GET ?after=&view=...: a text/event-stream of ``live`` events, each a set of OOB fragments
    drawn by the registered renderers.
    With LIVE_STREAM_SECONDS 0 (tests) it checks once and ends."""
    app = current_app._get_current_object()
    me = current_user._get_current_object()  # the stream outlives the request: keep the user itself
    args = _resume(request.args)
    lifetime = app.config["LIVE_STREAM_SECONDS"]
    if lifetime:
        watcher.start(app)
    db.close()  # a stream must not hold the request's connection for its whole life

    @stream_with_context
    def events():
        ends = time.monotonic() + lifetime
        cursor = _int(args.get("after"))
        yield "retry: 2000\n\n"
        while True:
            # Taken before looking at ``latest``: a change in between still wakes us.
            waiter = watcher.changed
            if not lifetime or watcher.latest > cursor:
                with db.connection_context():
                    context = updates(me, {**args, "after": cursor})
                    chunk = _event(context) if context else None
                if context:
                    cursor = context["live_after"]
                    args.update(context["live_args"])
                    yield chunk
                else:
                    cursor = max(cursor, watcher.latest)  # pruned meanwhile: nothing to send
                if not lifetime:
                    return
                continue
            if time.monotonic() >= ends:
                # Said before ending: the browser's EventSource would report the end as an
                # error (htmx logs it) before reconnecting by itself; office.js closes it on
                # this event instead and opens the URL given, which resumes at the cursor.
                yield f"event: bye\ndata: {url_for('live.stream', **{**args, 'after': cursor})}\n\n"
                return
            if not waiter.wait(min(HEARTBEAT_SECONDS, max(ends - time.monotonic(), 0))):
                yield ": keep-alive\n\n"

    response = Response(events(), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"  # nginx: pass events through at once
    return response
