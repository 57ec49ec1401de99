"""Who may open what: the session user loader and the guards views use.

Anonymous visitors go to the login page (htmx requests get HX-Redirect);
a signed-in user without the right role gets 403.
"""
from __future__ import annotations

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from office import htmx
from office.extensions import login_manager
from office.models import User
from office.models.people import ROLE_ADMIN


def init_app(app) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    # "basic" marks the session non-fresh on a new address; "strong" would sign
    # out staff whose phones hop between Wi-Fi and mobile data.
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Resolve "<id>:<token>"; a changed token or a deactivated user ends the session."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = User.get_or_none(User.id == int(user_id))
    if user is None or not user.is_active or user.session_token != token:
        return None
    return user


@login_manager.unauthorized_handler
def unauthorized():
    login_url = url_for("auth.login", next=request.full_path.rstrip("?"))
    if htmx.is_htmx():
        return htmx.login_redirect(url_for("auth.login"))
    return redirect(login_url)


def role_required(*roles: str):
    """Allow signed-in users whose role is in ``roles``; others get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


admin_required = role_required(ROLE_ADMIN)


def me() -> User:
    """The signed-in user as the model object itself (not flask-login's proxy), for rules and
    queries that compare, store or pass it on."""
    return current_user._get_current_object()
