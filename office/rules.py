"""What every rule module shares. Imports nothing from the rest of the package."""
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
