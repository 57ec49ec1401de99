"""Errors a rule raises when what it was asked for is not there or not allowed.

Rules never call Flask's ``abort``: they raise these, and office/errors.py answers 404 or 403
for any request that lets one escape (a non-member's 404 hides that the thing exists).
Imports nothing of the project.
"""
from __future__ import annotations


class NotFound(LookupError):
    """The thing does not exist, or the person may not know it does (answered as 404)."""


class Forbidden(PermissionError):
    """The person may see the thing but not do this to it (answered as 403)."""
