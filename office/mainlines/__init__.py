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

from office.feed.visibility import register_scope
from office.mainlines.access import posts_rule
from office.models.feed import SCOPE_MAINLINE

bp = Blueprint("mainlines", __name__, url_prefix="/mainlines")

# Mainline posts are for members (and directors) only, wherever the feed lists them.
register_scope(SCOPE_MAINLINE, posts_rule)

from office.mainlines import member_views, node_views, views  # noqa: E402,F401  (registers the routes)
