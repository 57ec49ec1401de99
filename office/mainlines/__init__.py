"""Mainlines (主线): long cross-department efforts with phases, nodes, members and a private feed.

Map: access.py (who sees and changes what: the one privacy rule), plans.py (the
mainline, its phases, the timeline), nodes.py (nodes, dependencies, plan vs
actual), membership.py (invitations, join requests, roles, follow levels),
templates.py (built-in and saved templates, back-scheduling), progress.py
(progress posts), reminders.py (due-soon reminders and overdue escalation, run
by tasks/mainlines.py), queries.py (overview, board, timeline), export.py (CSV);
views.py (overview, mainline page, templates), node_views.py (the node board),
member_views.py (members and joining). Rules never import views or tasks.
"""
from flask import Blueprint
from flask_login import current_user

from office.feed.visibility import register_scope
from office.live import registry
from office.mainlines import live
from office.mainlines.access import posts_rule
from office.models.feed import SCOPE_MAINLINE

bp = Blueprint("mainlines", __name__, url_prefix="/mainlines")

# Mainline posts are for members (and directors) only, wherever the feed lists them.
register_scope(SCOPE_MAINLINE, posts_rule)
registry.register(bp, "mainlines", kinds=live.KINDS, args=live.ARGS, render=live.render)


@bp.app_template_global()
def office_today():
    from office.clock import office_date

    return office_date()


@bp.app_template_global()
def member_role_label(role: str) -> str:
    from office.mainlines.membership import role_label

    return role_label(role)


@bp.app_template_global()
def can_manage_mainline(mainline) -> bool:
    from office.mainlines.access import can_manage

    return current_user.is_authenticated and can_manage(current_user, mainline)


@bp.app_template_global()
def node_can_move(mainline, node) -> bool:
    """access.can_move for the signed-in user, so _board.html renders from the board alone."""
    from office.mainlines.access import can_move

    return current_user.is_authenticated and can_move(current_user, mainline, node)


@bp.app_template_global()
def node_can_assign(mainline, node) -> bool:
    """access.can_assign for the signed-in user (a department's node, given to one of its people)."""
    from office.mainlines.access import can_assign

    return current_user.is_authenticated and can_assign(current_user, mainline, node)

from office.mainlines import member_views, node_views, views  # noqa: E402,F401  (registers the routes)
