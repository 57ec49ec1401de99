"""Notices (公告) to everyone or to departments, with read confirmation.

Map: publishing.py (who may publish, publishing, confirming, reminding), queries.py (visible
notices, who has read); views.py (bp, /notices), forms.py.
"""
