"""Polling as a transport for live updates, kept only to measure it against the app's
server-sent events (bench/transport_ratio.py). It is the office app plus one endpoint that
answers what the live stream would send, once: 204 when nothing happened, else the same
fragments (office.live.views.updates, live/_events.html) and the next cursor in X-Live-Cursor.
A page would ask every second (htmx `every 1000ms`). This was the first transport; the
measurement is why the app now streams.
"""
from __future__ import annotations

from flask import Blueprint, make_response, render_template, request
from flask_login import current_user, login_required

bp = Blueprint("poll_probe", __name__)


@bp.route("/poll-probe/")
@login_required
def poll():
    from office.live.views import updates

    context = updates(current_user._get_current_object(), request.args)
    if context is None:
        return make_response("", 204)
    response = make_response(render_template("live/_events.html", **context))
    response.headers["X-Live-Cursor"] = f"{context['live_after']}.{context['live_args'].get('top', 0)}"
    return response


def create_app():
    from app import create_app as office_app

    app = office_app()
    app.register_blueprint(bp)
    return app
