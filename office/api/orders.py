"""(being written)"""
from office.api import bp  # noqa: F401
