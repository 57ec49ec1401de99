"""Notices (公告) to everyone or to departments, with read confirmation."""
from flask import Blueprint

bp = Blueprint("notices", __name__, url_prefix="/notices")

from office.notices import views  # noqa: E402,F401  (registers the routes)
