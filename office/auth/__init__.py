"""Signing in and out, the user's own password and language."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from office.auth import views  # noqa: E402,F401  (registers the routes)
