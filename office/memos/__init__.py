"""Memos (备忘提醒): personal reminders delivered at a time."""
from flask import Blueprint

bp = Blueprint("memos", __name__, url_prefix="/memos")

from office.memos import views  # noqa: E402,F401  (registers the routes)
