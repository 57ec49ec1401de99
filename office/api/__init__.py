"""The JSON API (/api): answers are JSON, CSRF does not apply (the Bearer token is the
credential), and a session cookie alone never authenticates an API call.

Map: credentials.py (per-user tokens: create, revoke, check), payload.py (checking a pushed
JSON order into an order record); blueprint.py, views/ (orders.py: POST /api/orders;
tokens.py: /api/tokens, where each person makes and revokes their own).
"""
