"""The inbox (my queue), unread badge, delivery channels and their failures."""
from flask import Blueprint

bp = Blueprint("inbox", __name__, url_prefix="/inbox")

from office.inbox import views  # noqa: E402,F401  (registers the routes)
