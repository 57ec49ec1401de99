"""Error pages, and their htmx form: a toast in the live region, never a page in a div."""
from __future__ import annotations

from flask import make_response, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from office import htmx
from office.rules import Forbidden, NotFound


def toast(message: str, status: int = 200, level: str = "error"):
    """An htmx response that shows ``message`` as a toast, whatever element asked."""
    response = make_response(render_template("_partials/_toast.html", message=message, level=level), status)
    return htmx.as_toast(response)


def _messages():
    return {
        400: _("The request could not be understood."),
        403: _("You do not have permission to open this page."),
        404: _("This page does not exist, or you cannot see it."),
        405: _("This action is not allowed here."),
        413: _("The upload is too large."),
        429: _("Too many requests. Wait a moment and try again."),
        500: _("Something went wrong on our side. The error has been logged."),
    }


def _render(code: int, message: str | None = None):
    message = message or _messages().get(code) or _("Something went wrong.")
    if htmx.is_htmx():
        return toast(message, code)
    template = f"errors/{code}.html" if code in (403, 404, 500) else "errors/error.html"
    return render_template(template, code=code, message=message), code


def register(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _render(400, _("Your form expired or came from elsewhere (security token check failed). "
                              "Reload the page and try again."))

    # Rules raise these instead of calling abort(); a view may also let them through.
    @app.errorhandler(NotFound)
    def not_found(error):
        return _render(404)

    @app.errorhandler(Forbidden)
    def forbidden(error):
        return _render(403)

    # Unhandled exceptions arrive here as InternalServerError (500); in tests
    # they propagate instead, so failures show their traceback.
    @app.errorhandler(HTTPException)
    def http_error(error):
        return _render(error.code or 500)
