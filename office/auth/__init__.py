"""Signing in and out, the user's own password and language."""
