"""Out of office (代批): a person names one deputy for a window of time; routing
(office/approvals/routing.py ``deputies``) sends their approvals to the deputy meanwhile.

All times are naive UTC; the view converts the office-time form values.
Imports models and office.db; never views or tasks.
"""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from peewee import JOIN

from office.db import atomic_for_update, locked
from office.models.approvals import Delegation
from office.models.base import utcnow
from office.models.people import Department, User
from office.rules import RuleError


class DelegationError(RuleError):
    default_field = "deputy"


def add_delegation(user: User, deputy: User | None, starts_at: dt.datetime, ends_at: dt.datetime,
                   now: dt.datetime | None = None) -> Delegation:
    """Let ``deputy`` approve for ``user`` from ``starts_at`` until ``ends_at`` (naive UTC).

    Raises DelegationError (with the form field it concerns) when the deputy is missing,
    oneself or inactive; when the window ends before it starts or already ended; or when it
    overlaps another window of the same person (one deputy at a time).
    """
    now = now or utcnow()
    if deputy is None:
        raise DelegationError(_l("Choose a deputy."), "deputy")
    if deputy.id == user.id:
        raise DelegationError(_l("You cannot be your own deputy."), "deputy")
    if not deputy.is_active:
        raise DelegationError(_l("%(name)s can no longer sign in; choose another deputy.",
                                 name=deputy.display_name), "deputy")
    if ends_at <= starts_at:
        raise DelegationError(_l("The end must come after the start."), "ends_at")
    if ends_at <= now:
        raise DelegationError(_l("This time has already passed."), "ends_at")
    with atomic_for_update():
        # The person's row is the lock: on PostgreSQL two windows added at once for one person
        # would otherwise both pass the overlap check (SQLite's BEGIN IMMEDIATE already serialises).
        locked(User.select(User.id).where(User.id == user.id)).get()
        clash = (Delegation.select(Delegation.id)
                 .where((Delegation.user == user.id) & (Delegation.starts_at < ends_at)
                        & (Delegation.ends_at > starts_at)).exists())
        if clash:
            raise DelegationError(_l("You already have a deputy for part of this time; cancel that one first."),
                                  "starts_at")
        return Delegation.create(user=user.id, deputy=deputy.id, starts_at=starts_at, ends_at=ends_at,
                                 created_at=now)


def cancel_delegation(delegation: Delegation, user: User) -> None:
    """Remove ``delegation``; only its owner may. Approvals already routed to the deputy stay
    with the deputy (routing decided at that moment); new ones reach ``user`` again.

    Raises DelegationError when ``user`` is not the owner (views answer 404 before that).
    """
    if delegation.user_id != user.id:
        raise DelegationError(_l("Only the person who set this deputy can cancel it."))
    Delegation.delete().where((Delegation.id == delegation.id) & (Delegation.user == user.id)).execute()


def my_delegations(user: User, now: dt.datetime | None = None):
    """``user``'s current and coming windows, soonest first, each with ``deputy_user`` (and its
    ``department``) loaded in the same query."""
    now = now or utcnow()
    Deputy = User.alias()
    return (Delegation.select(Delegation, Deputy, Department)
            .join(Deputy, on=(Delegation.deputy == Deputy.id), attr="deputy_user")
            .join(Department, JOIN.LEFT_OUTER, on=(Deputy.department == Department.id), attr="department")
            .where((Delegation.user == user.id) & (Delegation.ends_at > now))
            .order_by(Delegation.starts_at, Delegation.id))


def standing_in_for(user: User, now: dt.datetime | None = None):
    """The windows in which ``user`` is the deputy right now, each with ``absent`` (the person
    they approve for) loaded."""
    now = now or utcnow()
    Absent = User.alias()
    return (Delegation.select(Delegation, Absent)
            .join(Absent, on=(Delegation.user == Absent.id), attr="absent")
            .where((Delegation.deputy == user.id) & (Delegation.starts_at <= now) & (Delegation.ends_at > now))
            .order_by(Delegation.ends_at, Delegation.id))
