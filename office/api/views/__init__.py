"""The JSON API's views: orders.py (POST /api/orders), workorders.py (/api/work-orders) and
tokens.py (the /api/tokens page).
Importing this package registers their routes on ``bp``."""
from office.api.blueprint import bp
from office.api.views import orders, tokens, workorders

__all__ = ["bp", "orders", "tokens", "workorders"]
