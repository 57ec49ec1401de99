"""(being written)"""
from office.orders import bp  # noqa: F401
