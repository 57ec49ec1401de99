"""The department tree: create, rename, move, set head, delete (admins only)."""
from flask import Blueprint

bp = Blueprint("departments", __name__, url_prefix="/departments")

from office.departments import views  # noqa: E402,F401  (registers the routes)
