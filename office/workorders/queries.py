"""Work-order lists: the tabs (my work, my department's queue, watched, created by me, all) and
their filters (kind, status, breached), each narrowed by the visibility rule as well as by the
tab, with the requester, assignee and queue names joined in (one query per page).
Unevaluated queries; the views page them (office/pagination.py). Imports models and rules.
"""
from __future__ import annotations

import datetime as dt

from peewee import JOIN, Case, fn

from office.models.base import utcnow
from office.models.people import Department, User
from office.models.workorders import (
    ACTIVE_STATUSES,
    KINDS,
    STATUS_OPEN,
    STATUS_PAUSED,
    STATUSES,
    WorkOrder,
    WorkOrderWatcher,
)
from office.workorders import visibility

MINE, QUEUE, WATCHED, CREATED, ALL = "mine", "queue", "watched", "created", "all"
TABS = (MINE, QUEUE, WATCHED, CREATED, ALL)
PAGE_SIZE = 30


def may_see_all(user: User) -> bool:
    """The 全部 tab: directors, administrators and department heads."""
    return visibility.sees_everything(user) or bool(visibility.managed_departments(user))


def tabs_for(user: User) -> tuple[str, ...]:
    return TABS if may_see_all(user) else TABS[:-1]


def with_names():
    requester, assignee = User.alias(), User.alias()
    return (WorkOrder.select(WorkOrder, requester.id, requester.display_name, requester.username,
                             requester.photo, assignee.id, assignee.display_name, assignee.username,
                             assignee.photo, Department.id, Department.name)
            .join(requester, on=(WorkOrder.requester == requester.id), attr="requester")
            .switch(WorkOrder)
            .join(assignee, JOIN.LEFT_OUTER, on=(WorkOrder.assignee == assignee.id), attr="assignee")
            .switch(WorkOrder)
            .join(Department, JOIN.LEFT_OUTER, on=(WorkOrder.queue == Department.id), attr="queue"))


def _due_order():
    # Orders without a clock go last; the rest soonest due first.
    return (Case(None, [(WorkOrder.resolve_due_at.is_null(), 1)], 0), WorkOrder.resolve_due_at, WorkOrder.id)


def tab_list(tab: str, user: User, kind: str | None = None, status: str | None = None, breached: bool = False,
             now: dt.datetime | None = None):
    """``tab``'s orders for ``user``; raises ValueError for an unknown tab or one the user may
    not open (全部 for staff)."""
    if tab not in tabs_for(user):
        raise ValueError(tab)
    now = now or utcnow()
    query = with_names()
    clause = visibility.condition(user)
    if clause is not None:
        query = query.where(clause)
    if tab == MINE:
        query = query.where((WorkOrder.assignee == user.id) & WorkOrder.status.in_(ACTIVE_STATUSES))
        order = _due_order()
    elif tab == QUEUE:
        departments = list(visibility.member_departments(user) | visibility.managed_departments(user))
        query = query.where(WorkOrder.queue.in_(departments) & WorkOrder.assignee.is_null()
                            & (WorkOrder.status == STATUS_OPEN))
        order = (fn.COALESCE(WorkOrder.response_due_at, WorkOrder.created_at), WorkOrder.id)
    elif tab == WATCHED:
        query = query.where(WorkOrder.id.in_(
            WorkOrderWatcher.select(WorkOrderWatcher.work_order).where(WorkOrderWatcher.user == user.id)))
        order = (WorkOrder.id.desc(),)
    elif tab == CREATED:
        query = query.where(WorkOrder.requester == user.id)
        order = (WorkOrder.id.desc(),)
    else:
        order = (WorkOrder.id.desc(),)
    if kind in KINDS:
        query = query.where(WorkOrder.kind == kind)
    if status in STATUSES:
        query = query.where(WorkOrder.status == status)
    if breached:
        query = query.where(breached_condition(now))
    return query.order_by(*order)


def breached_condition(now: dt.datetime):
    """Running orders past a due time (a paused one past it when it was paused). Due times
    already count in working hours, so comparing them with now is exact."""
    at = Case(None, [(WorkOrder.status == STATUS_PAUSED, WorkOrder.paused_at)], now)
    response_late = WorkOrder.first_response_at.is_null() & (WorkOrder.response_due_at < at)
    return WorkOrder.status.in_(ACTIVE_STATUSES) & (response_late | (WorkOrder.resolve_due_at < at))


def counts(user: User) -> dict[str, int]:
    """How many orders my work and my department's queue hold (the tab badges and the tile)."""
    return {MINE: tab_list(MINE, user).count(), QUEUE: tab_list(QUEUE, user).count()}
