"""A server-sent-events transport for live updates, built only to measure it against polling
(bench/sse_ratio.py). It is the office app plus one streaming endpoint that sends exactly
what GET /live/ would (office.live.views.updates, live/_updates.html) as SSE events.

One watcher greenlet per worker reads the newest live-event id every TICK seconds and wakes
the streams; each stream then renders its viewer's fragments with a short-lived connection.
Served by gunicorn's gevent workers: `gunicorn "sse_probe:create_app()" -k gevent`.
"""
from __future__ import annotations

import gevent
from flask import Blueprint, Response, render_template, request, stream_with_context
from flask_login import current_user, login_required
from gevent.event import Event
from peewee import fn

TICK = 0.1


class Watcher:
    """Newest live-event id, checked every TICK by one greenlet; streams wait on ``changed``."""

    def __init__(self):
        self.latest = 0
        self.changed = Event()
        self.started = False

    def start(self) -> None:
        if not self.started:
            self.started = True
            gevent.spawn(self.run)

    def run(self) -> None:
        from office.db import db
        from office.models.live import LiveEvent

        while True:
            gevent.sleep(TICK)
            try:
                with db.connection_context():
                    newest = LiveEvent.select(fn.MAX(LiveEvent.id)).scalar() or 0
            except Exception:  # a locked database for one tick is not fatal
                continue
            if newest > self.latest:
                self.latest = newest
                fired, self.changed = self.changed, Event()
                fired.set()


watcher = Watcher()
bp = Blueprint("sse_probe", __name__)


@bp.route("/sse-probe/")
@login_required
def stream():
    from office.db import db
    from office.live.views import updates

    watcher.start()
    me = current_user._get_current_object()
    args = request.args.to_dict()
    db.close()  # a stream must not hold the request's connection for its whole life

    @stream_with_context
    def events():
        cursor = int(args.get("after", 0))
        yield ": open\n\n"
        while True:
            if watcher.latest <= cursor:
                watcher.changed.wait(timeout=15)
            if watcher.latest <= cursor:
                yield ": keep-alive\n\n"
                continue
            with db.connection_context():
                context = updates(me, {**args, "after": cursor})
                if context is None:
                    cursor = watcher.latest
                    continue
                html = render_template("live/_updates.html", **context)
            cursor = context["live_after"]
            args.update(context["live_args"])
            yield "event: live\ndata: " + "\ndata: ".join(html.splitlines()) + "\n\n"

    return Response(events(), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def create_app():
    from app import create_app as office_app

    app = office_app()
    app.register_blueprint(bp)
    return app
