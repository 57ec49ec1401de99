"""The JSON API (/api): per-user tokens (tokens.py, managed on /api/tokens) and the order
intake (orders.py, POST /api/orders). Answers are JSON, CSRF does not apply (the Bearer token
is the credential), and a session cookie alone never authenticates an API call."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")

from office.api import orders, tokens  # noqa: E402,F401  (registers the routes)
