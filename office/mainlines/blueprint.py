"""The mainlines blueprint (/mainlines), the template globals its pages use, and what the domain
plugs into shared mechanisms when an app registers the blueprint: the feed's mainline scope and
the live stream's renderer (live.py). Imports rules, models and live.py, never views (they import this).
"""
from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from office.clock import office_date
from office.feed.visibility import register_scope
from office.live import registry
from office.mainlines import live
from office.mainlines.access import can_assign, can_manage, can_move, posts_rule
from office.mainlines.membership import role_label
from office.models.feed import SCOPE_MAINLINE

bp = Blueprint("mainlines", __name__, url_prefix="/mainlines")

# The overview, mainline page and board redraw live; the registry keeps this per app, at registration.
registry.register(bp, "mainlines", kinds=live.KINDS, args=live.ARGS, render=live.render)


@bp.record_once
def _register_scope(_state) -> None:
    # Mainline posts are for members (and directors) only, wherever the feed lists them. At
    # registration, not import, so every app gets it (the huey consumer builds one too).
    register_scope(SCOPE_MAINLINE, posts_rule)


@bp.app_template_global()
def office_today():
    return office_date()


@bp.app_template_global()
def member_role_label(role: str) -> str:
    return role_label(role)


@bp.app_template_global()
def can_manage_mainline(mainline) -> bool:
    return current_user.is_authenticated and can_manage(current_user, mainline)


@bp.app_template_global()
def node_can_move(mainline, node) -> bool:
    """access.can_move for the signed-in user, so _board.html renders from the board alone."""
    return current_user.is_authenticated and can_move(current_user, mainline, node)


@bp.app_template_global()
def node_can_assign(mainline, node) -> bool:
    """access.can_assign for the signed-in user (a department's node, given to one of its people)."""
    return current_user.is_authenticated and can_assign(current_user, mainline, node)
