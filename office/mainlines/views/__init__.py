"""The mainlines pages (/mainlines), one module per page family: overview.py (the overview and
starting a mainline), plan_templates.py (the plan template list, saving a plan as one),
progress.py (a mainline's progress page, feed, timeline, figures), settings.py (details,
status, phases), export.py (the CSV), nodes.py (the node board and node actions), members.py
(members and joining). Importing this package registers their routes on ``bp``.
"""
from office.mainlines.blueprint import bp
from office.mainlines.views import export, members, nodes, overview, plan_templates, progress, settings  # noqa: F401

__all__ = ["bp"]
