"""List queries for people; they return unevaluated queries so views can page them."""
from __future__ import annotations

from peewee import JOIN, Case

from office.models.audit import AuditEvent
from office.models.people import ROLES, Department, User


def _role_order():
    return Case(User.role, [(role, index) for index, role in enumerate(ROLES)], len(ROLES))


def directory(q: str = "", department_ids=None, include_inactive: bool = False):
    """Users with their department joined, filtered by text and by a set of department ids."""
    # The listed columns only (no password hash or tokens): cheaper rows, nothing secret in memory.
    query = (User.select(User.id, User.username, User.display_name, User.title, User.phone, User.email,
                         User.department, User.role, User.is_active, Department.id, Department.name)
             .join(Department, JOIN.LEFT_OUTER))
    if not include_inactive:
        query = query.where(User.is_active)
    q = (q or "").strip()
    if q:
        query = query.where(
            User.display_name.contains(q) | User.username.contains(q)
            | User.title.contains(q) | User.phone.contains(q) | User.email.contains(q)
        )
    if department_ids is not None:
        query = query.where(User.department.in_(list(department_ids)))
    return query.order_by(User.is_active.desc(), _role_order(), User.display_name, User.id)


def recent_activity(user: User, limit: int = 10):
    """Audit rows the user did or that were done to their account, newest first."""
    Actor = User.alias()
    return (
        AuditEvent.select(AuditEvent, Actor)
        .join(Actor, JOIN.LEFT_OUTER, on=(AuditEvent.actor == Actor.id), attr="actor")
        .where((AuditEvent.actor == user) | ((AuditEvent.target_type == "users") & (AuditEvent.target_id == user.id)))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
