"""The order pages, one module per page family (as templates/orders/): desk.py (the desk and
the lookup box), order.py (one order and its actions), entry.py (/orders/new), imports.py
(/orders/import), board.py (the warehouse board), notes.py (shipping notes), rules.py
(routing rules). Importing this package registers their routes on ``bp``.
"""
from office.orders.blueprint import bp  # noqa: F401  (app.py registers it from here)
from office.orders.views import board, desk, entry, imports, notes, order, rules  # noqa: F401  (routes)
