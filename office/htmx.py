"""The only module that reads HX-* request headers or writes HX-* response headers.

An htmx upgrade (4.x renames several headers) should touch this file and the
templates, nothing else.
"""
from __future__ import annotations

import json

from flask import make_response, redirect as flask_redirect, render_template, request

# Where error toasts go: base.html's live region.
TOASTS_TARGET = "#toasts"


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def is_partial() -> bool:
    """True for an htmx request that wants a fragment, not a boosted page or history restore."""
    return (
        is_htmx()
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def target() -> str | None:
    """The id of the element the response will be swapped into, without '#'."""
    return request.headers.get("HX-Target")


def render(template: str, partial: str | None = None, status: int = 200, **context):
    """Render the full page, or ``partial`` when htmx asks for a fragment.

    Always adds ``Vary: HX-Request`` so caches keep the two apart.
    """
    name = partial if partial and is_partial() else template
    response = make_response(render_template(name, **context), status)
    response.vary.add("HX-Request")
    return response


def redirect(location: str):
    """Send the browser elsewhere after a POST: HX-Redirect for htmx, 303 otherwise.

    A plain 302 would be followed by htmx and the whole page swapped into the target.
    """
    if is_htmx():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
        return response
    return flask_redirect(location, code=303)


def login_redirect(location: str):
    """Answer an anonymous htmx request: 401 with HX-Redirect so the whole page navigates."""
    response = make_response("", 401)
    response.headers["HX-Redirect"] = location
    return response


def as_toast(response):
    """Retarget an error response so it lands in the toast region, never in the caller's div."""
    response.headers["HX-Retarget"] = TOASTS_TARGET
    response.headers["HX-Reswap"] = "beforeend"
    response.vary.add("HX-Request")
    return response


def trigger(response, event: str, detail: dict | None = None):
    """Add an event for listeners to re-query (``hx-trigger="<event> from:body"``)."""
    events = json.loads(response.headers.get("HX-Trigger", "{}"))
    events[event] = detail or {}
    response.headers["HX-Trigger"] = json.dumps(events)
    return response


def retarget(response, selector: str, swap: str = "outerHTML"):
    """Swap the response somewhere other than the requesting element's target."""
    response.headers["HX-Retarget"] = selector
    response.headers["HX-Reswap"] = swap
    return response
