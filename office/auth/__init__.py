"""Signing in and out, the user's own password and language.

Map: throttle.py (sign-in throttling per username and address); views.py (bp: /login, /logout,
/password, /language), forms.py.
"""
