"""Live updates: open pages learn about new posts, comments, likes and badge counts."""
from flask import Blueprint

bp = Blueprint("live", __name__, url_prefix="/live")

from office.live import views  # noqa: E402,F401  (registers the routes)
