"""The staff directory, profiles, and user administration (admins only)."""
from flask import Blueprint

bp = Blueprint("people", __name__, url_prefix="/people")

from office.people import views  # noqa: E402,F401  (registers the routes)
