"""The home page and the health check.

Map: views.py (bp: / with the feed and the team, /healthz). The feed on it comes from feed/pages.py.
"""
