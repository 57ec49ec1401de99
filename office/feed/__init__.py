"""The feed: posts, comments, likes, attachments, search."""
from flask import Blueprint

bp = Blueprint("feed", __name__, url_prefix="/feed")

from office.feed import views  # noqa: E402,F401  (registers the routes)
