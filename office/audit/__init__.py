"""The audit trail: ``trail.record`` writes it, the /audit page (admins) reads it."""
from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/audit")

from office.audit import views  # noqa: E402,F401  (registers the routes)
