"""What every rule module shares: the errors rules raise. Imports nothing from the rest of the package.

Rules never call Flask's ``abort``: they raise NotFound or Forbidden, which office/errors.py
answers with 404 or 403 for any request that lets one escape (a non-member's 404 hides that the
thing exists), or their domain's RuleError, which the view shows beside the form.
"""
from __future__ import annotations


class RuleError(ValueError):
    """A refused change: str(error) is shown to the user next to the form field ``field``.

    Each domain raises its own subclass (AccountError, PostError, NoticeError ...),
    so a view catches only the refusals of the rules it calls.
    """

    default_field: str | None = None

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.field = field or self.default_field


class NotFound(LookupError):
    """The thing does not exist, or the person may not know it does (answered as 404)."""


class Forbidden(PermissionError):
    """The person may see the thing but not do this to it (answered as 403)."""
