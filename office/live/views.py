"""Live updates by server-sent events: the one place that decides how open pages learn of changes.

Every signed-in page holds one EventSource on ``GET /live/?after=<event id>&view=...``
(templates/live/_stream.html, htmx-ext-sse). The stream sleeps until the process's
watcher sees a newer live event, then sends one ``live`` event whose data are
out-of-band fragments rendered for this viewer (new post cards into #feed-posts,
fresh stats / comments / text of changed posts, removals, the inbox badges), and
only for posts they may see. Each event's id is the cursor, so a reconnecting
browser (Last-Event-ID) resumes where it stopped; streams end after
LIVE_STREAM_SECONDS and the browser reconnects, which re-checks the session.

Chosen over polling by measurement (bench/transport_ratio.py, 50 open pages): delay p50
188 vs 511 ms, idle server CPU 0.8 % vs 32 % of a core. It needs gevent workers
(scripts/serve); one watcher per process reads the newest event id every
LIVE_WATCH_MS, so events written by other processes (the huey consumer) arrive too.
"""
from __future__ import annotations

import threading
import time

from flask import Blueprint, Response, current_app, render_template, request, stream_with_context
from flask_login import current_user, login_required

from office.db import db
from office.live.events import latest_id
from office.feed.queries import cards, feed
from office.models.live import (
    APPROVAL_CHANGED,
    INBOX_CHANGED,
    MAINLINE_CHANGED,
    ORDER_CHANGED,
    POST_ADDED,
    POST_CHANGED,
    POST_DELETED,
    LiveEvent,
)

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


def stream_args(args) -> dict:
    """The page description a stream carries: view=feed (with its filter), view=post,
    view=mainline / board (with the mainline id), view=overview (with the status shown),
    view=approval (one request), view=approvals (the lists, with the tab shown),
    view=warehouse (the warehouse board of orders to ship) or view=order (one order)."""
    keep = ("view", "show", "department", "post", "top", "mainline", "status", "approval", "tab", "order",
            "template", "since", "until")  # template, since, until: the approvals lists' filter
    return {k: args[k] for k in keep if args.get(k)}


def updates(me, args) -> dict | None:
    """What changed for ``me`` since ``args["after"]``, as the context of live/_events.html;
    None when no event happened at all. ``args`` is the stream's query (see stream_args).

    Separate from the view so another transport (bench/poll_probe.py's polling prototype)
    renders exactly the same fragments.
    """
    after = _int(args.get("after"))
    events = list(LiveEvent.select().where(LiveEvent.id > after).order_by(LiveEvent.id).limit(BATCH))
    if not events:
        return None
    keep = stream_args(args)
    view = keep.get("view")
    added, changed, deleted, mainlines, approvals = [], set(), set(), set(), set()
    orders: set[int | None] = set()  # None: an import changed many orders at once
    inbox = False
    for event in events:
        if event.kind == MAINLINE_CHANGED:
            mainlines.add(event.mainline_id)
        elif event.kind == APPROVAL_CHANGED:
            approvals.add(event.approval_id)
        elif event.kind == ORDER_CHANGED:
            orders.add(event.order_id)
        elif event.kind == INBOX_CHANGED:
            inbox = inbox or event.user_id == me.id
        elif event.kind == POST_ADDED:
            added.append(event.post_id)
        elif event.kind == POST_CHANGED:
            changed.add(event.post_id)
        elif event.kind == POST_DELETED:
            deleted.add(event.post_id)
    new_cards, changed_cards = [], []
    if view == "post":
        post_id = _int(args.get("post"))
        changed = {post_id} & (changed | set(added)) - deleted
        deleted = {post_id} & deleted
        added = []
    top = _int(args.get("top"))
    mainline_id = _int(args.get("mainline")) if view in ("mainline", "board") else 0
    if view == "board":
        added, changed = [], set()
    if view in ("feed", "mainline") and added:
        # Posts already on the page (rendered after the page's cursor was read) are not added twice.
        fresh = [i for i in added if i not in deleted and i > top]
        if fresh:
            keep["top"] = max(fresh)
        posts = feed(me, keep.get("show", "all"), _int(args.get("department")) or None, ids=fresh,
                     limit=len(fresh), mainline_id=mainline_id or None) if fresh else []
        new_cards = cards(posts, me)
        changed -= {c.post.id for c in new_cards}
    if view in ("feed", "post", "mainline") and changed - deleted:
        ids = changed - deleted
        posts = feed(me, ids=ids, limit=len(ids))
        changed_cards = cards(posts, me, all_comments=view == "post")
    if view not in ("feed", "post", "mainline"):
        deleted = set()
    context = {"live_after": events[-1].id, "live_args": keep, "new_cards": new_cards,
               "changed_cards": changed_cards, "deleted": sorted(deleted), "inbox": inbox,
               "all_comments": view == "post"}
    if mainlines:
        from office.mainlines.live import fragments

        context.update(fragments(me, view, mainline_id, keep.get("status"), mainlines))
    if approvals and view in ("approval", "approvals"):
        from office.approvals.live import fragments as approval_fragments

        context.update(approval_fragments(me, view, _int(args.get("approval")), approvals, keep))
    if orders and view == "warehouse":
        from office.orders.board import fragments as board_fragments

        context.update(board_fragments(me, view))
    if orders and view == "order":
        from office.orders.views import live_fragments as order_fragments

        context.update(order_fragments(me, _int(args.get("order")), orders))
    return context


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
    """GET ?after=&view=feed|post&...: a text/event-stream of ``live`` events, each a set of OOB
    fragments (post cards, #post-<id>-stats / -comment-list / -body, deletions, badges).
    With LIVE_STREAM_SECONDS 0 (tests) it checks once and ends."""
    app = current_app._get_current_object()
    me = current_user._get_current_object()
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
                return
            if not waiter.wait(min(HEARTBEAT_SECONDS, max(ends - time.monotonic(), 0))):
                yield ": keep-alive\n\n"

    response = Response(events(), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"  # nginx: pass events through at once
    return response
