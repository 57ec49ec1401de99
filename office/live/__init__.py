"""Live updates: open pages learn of changes within about a second, by server-sent events.

Map: events.py (``publish``: rules record a change inside their transaction), registry.py (what
each domain redraws: kinds, stream arguments, a renderer; registered with the domain's
blueprint), views.py (bp, the /live/ stream and its watcher: knows no domain).
See docs/architecture.md for the live path.
"""
