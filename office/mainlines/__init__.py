"""Mainlines (主线): long cross-department efforts with phases, nodes, members and a private feed.

Rules (no request, no views, no tasks): access.py (who sees, starts and changes what: the one
privacy rule), plans.py (the mainline, its phases, the timeline), nodes.py (nodes,
dependencies, plan vs actual), membership.py (invitations, join requests, roles, follow
levels), plan_templates.py (built-in and saved plan templates, back-scheduling), progress.py
(progress posts), reminders.py (due-soon reminders and overdue escalation, run by
tasks/mainlines.py), queries.py (overview, board, timeline).
Web: blueprint.py (bp, template globals, the feed's mainline scope), forms.py, pages.py (page
contexts shared by views and live.py), live.py (what the live stream redraws), views/ (the
pages; see its __init__). Importing this package loads nothing.
"""
