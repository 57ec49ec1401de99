"""The /api blueprint. Its routes live in office/api/views/; CSRF does not apply there (the
Bearer token is the credential)."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")
