"""All tables. ALL_MODELS is in foreign-key order (for create_tables and checks)."""
from office.models.audit import AuditEvent
from office.models.people import ROLES, Department, User

ALL_MODELS = (Department, User, AuditEvent)

__all__ = ["ALL_MODELS", "ROLES", "AuditEvent", "Department", "User"]
