"""The home page, the health check, the navigation's own pages and what makes the site installable.

Map: views.py (bp: / with the feed and the team, /workbench 工作台, /me 我的, /healthz,
/manifest.webmanifest, /sw.js, /offline), pages.py (what 工作台 lists for a user). The feed on the
home page comes from feed/pages.py.
"""
