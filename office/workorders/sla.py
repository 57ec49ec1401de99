"""The clocks of a work order: first response and resolution, counted in working time
(office/workhours.py) on the calendar of the order's kind, and the sweep that reminds and
escalates.

Budgets come from config WORK_ORDER_SLA (per kind, in minutes). Pausing stops the clocks: on
resume the due times move later by the working time spent paused. The sweep (``sweep``, run by
tasks/workorders.py) reminds the assignee once when a clock is near breach, tells the
department head once when it breaches, and the head's head once when it has been breached for
as long again as its budget. Each step is a conditional update of the order's level for that
clock inside a locked transaction, so a sweep run twice (or two at once) notifies once.
Imports models, office.workhours, office.clock, office.inbox.notify, office.live.events.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app

from office import clock, workhours
from office.calendar import calendars
from office.db import atomic_for_update, locked
from office.inbox.notify import notify
from office.live.events import publish
from office.models.base import utcnow
from office.models.inbox import KIND_WORK_ORDER_BREACHED, KIND_WORK_ORDER_DUE
from office.models.people import Department, User
from office.models.workorders import (
    ACTIVE_STATUSES,
    EV_ESCALATE,
    EV_REMIND,
    STATUS_PAUSED,
    WORK_ORDER_CHANGED,
    WorkOrder,
    WorkOrderEvent,
)

RESPONSE = "response"
RESOLVE = "resolve"
LEVEL_REMINDED = 1
LEVEL_HEAD = 2
LEVEL_HEADS_HEAD = 3


def _settings(kind: str) -> dict:
    table = current_app.config["WORK_ORDER_SLA"]
    return table.get(kind) or table.get("other") or {}


def calendar_for(kind: str) -> workhours.WorkCalendar:
    """The calendar a kind's clocks count in: round the clock for the kinds configured so, else
    the office calendar (its working hours, holidays and 调休 days, as an admin keeps them)."""
    if _settings(kind).get("round_the_clock"):
        return calendars.round_the_clock()
    return calendars.office_calendar()


def budgets(kind: str) -> tuple[int | None, int | None]:
    """(first response, resolution) budgets in working seconds; None where the kind has none
    (a task order's resolution is its own deadline)."""
    settings = _settings(kind)
    response, resolve = settings.get("response"), settings.get("resolve")
    return (response * 60 if response else None, resolve * 60 if resolve else None)


def due_times(kind: str, start: dt.datetime, deadline: dt.datetime | None = None
              ) -> tuple[dt.datetime | None, dt.datetime | None]:
    """When the first response and the resolution are due for an order opened at ``start``.
    A deadline given (a task order's) is the resolution's due time, whatever the kind's budget."""
    calendar, zone = calendar_for(kind), clock.zone()
    response, resolve = budgets(kind)
    response_due = workhours.add(start, response, calendar, zone) if response else None
    resolve_due = deadline or (workhours.add(start, resolve, calendar, zone) if resolve else None)
    if response_due and resolve_due and response_due > resolve_due:
        response_due = resolve_due
    return response_due, resolve_due


def paused_working_seconds(order: WorkOrder, now: dt.datetime) -> int:
    """Working seconds since the order was paused (0 when it is not)."""
    if order.paused_at is None:
        return 0
    return workhours.working_seconds(order.paused_at, now, calendar_for(order.kind), clock.zone())


def shifted(due: dt.datetime | None, kind: str, seconds: int) -> dt.datetime | None:
    """``due`` moved later by ``seconds`` of the kind's working time (a pause just ended)."""
    if due is None or seconds <= 0:
        return due
    return workhours.add(due, seconds, calendar_for(kind), clock.zone())


@dataclass(frozen=True)
class Clock:
    """What a row or card shows: which clock runs, when it is due, the working seconds left
    (negative once breached) and whether it is stopped (paused)."""

    which: str
    due: dt.datetime
    seconds_left: int
    breached: bool
    stopped: bool


def _left(due: dt.datetime, at: dt.datetime, kind: str) -> int:
    calendar, zone = calendar_for(kind), clock.zone()
    if at <= due:
        return workhours.working_seconds(at, due, calendar, zone)
    return -workhours.working_seconds(due, at, calendar, zone)


def current(order: WorkOrder, now: dt.datetime | None = None) -> Clock | None:
    """The clock that matters now: first response until someone responded, then resolution;
    None for an order that has ended or has no clock. A paused order's clock is read at the
    moment it was paused: it does not run."""
    if order.status not in ACTIVE_STATUSES:
        return None
    at = order.paused_at or now or utcnow()
    if order.first_response_at is None and order.response_due_at is not None:
        which, due = RESPONSE, order.response_due_at
    elif order.resolve_due_at is not None:
        which, due = RESOLVE, order.resolve_due_at
    else:
        return None
    left = _left(due, at, order.kind)
    return Clock(which, due, left, left < 0 or at > due, order.status == STATUS_PAUSED)


# ---- the sweep ----

def _department_of(order: WorkOrder) -> Department | None:
    """The department answering for the order: its queue, else the assignee's department."""
    if order.queue_id:
        return Department.get_or_none(Department.id == order.queue_id)
    if order.assignee_id:
        assignee = User.get_or_none(User.id == order.assignee_id)
        if assignee and assignee.department_id:
            return Department.get_or_none(Department.id == assignee.department_id)
    return None


def _heads_above(department: Department | None, skip: set[int]) -> list[int]:
    """Heads walking up from ``department``, each person once, leaving out ``skip`` (the
    assignee is not escalated to about their own lateness)."""
    heads: list[int] = []
    seen: set[int] = set()
    while department is not None and department.id not in seen:
        seen.add(department.id)
        if department.head_id and department.head_id not in skip and department.head_id not in heads:
            heads.append(department.head_id)
        department = Department.get_or_none(Department.id == department.parent_id) if department.parent_id else None
    return heads


def escalation_targets(order: WorkOrder) -> list[int]:
    """[the department head, the head's head], as far as they exist."""
    return _heads_above(_department_of(order), {order.assignee_id} if order.assignee_id else set())[:2]


def _remind_targets(order: WorkOrder) -> list[int]:
    if order.assignee_id:
        return [order.assignee_id]
    # Unclaimed in a queue: the queue's own members are who can still make it.
    return [u.id for u in User.select(User.id).where((User.department == order.queue_id) & User.is_active)]


def _step(order: WorkOrder, which: str, now: dt.datetime) -> int:
    """The level a clock should have reached at ``now`` (0 when nothing is due yet)."""
    due = order.response_due_at if which == RESPONSE else order.resolve_due_at
    if due is None:
        return 0
    left = _left(due, now, order.kind)
    if now < due:
        start_budget = workhours.working_seconds(order.created_at, due, calendar_for(order.kind), clock.zone())
        budget = max(start_budget - order.paused_seconds, 0)
        share = current_app.config["WORK_ORDER_NEAR_SHARE"]
        return LEVEL_REMINDED if left <= budget * share else 0
    response, resolve = budgets(order.kind)
    budget = (response if which == RESPONSE else resolve) or workhours.working_seconds(
        order.created_at, due, calendar_for(order.kind), clock.zone())
    return LEVEL_HEADS_HEAD if -left >= budget else LEVEL_HEAD


def _advance(order_id: int, which: str, now: dt.datetime) -> list[int]:
    """Move one clock of one order to the level it has reached, telling whom each new level
    names; returns notification ids."""
    level_field = WorkOrder.response_level if which == RESPONSE else WorkOrder.resolve_level
    with atomic_for_update():
        order = locked(WorkOrder.select().where(WorkOrder.id == order_id)).get()
        if order.status not in ACTIVE_STATUSES or order.status == STATUS_PAUSED:
            return []
        if which == RESPONSE and order.first_response_at is not None:
            return []
        have = order.response_level if which == RESPONSE else order.resolve_level
        reached = _step(order, which, now)
        if reached <= have:
            return []
        WorkOrder.update({level_field: reached}).where(
            (WorkOrder.id == order.id) & (level_field < reached)).execute()
        ids: list[int] = []
        heads = escalation_targets(order)
        for level in range(have + 1, reached + 1):
            if level == LEVEL_REMINDED:
                # A clock found already breached skips its reminder: the head is told instead.
                if reached == LEVEL_REMINDED:
                    targets = _remind_targets(order)
                    WorkOrderEvent.create(work_order=order.id, action=EV_REMIND, to_value=which, created_at=now)
                    ids += notify(targets, KIND_WORK_ORDER_DUE, "work_order", order.id, None, order.title, now=now)
            else:
                target = heads[level - LEVEL_HEAD] if len(heads) > level - LEVEL_HEAD else None
                if target is None:
                    continue
                head = User.get_by_id(target)
                WorkOrderEvent.create(work_order=order.id, action=EV_ESCALATE, from_value=which,
                                      to_value=head.display_name, created_at=now)
                ids += notify([target], KIND_WORK_ORDER_BREACHED, "work_order", order.id, None, order.title, now=now)
        publish(WORK_ORDER_CHANGED, order.id)
    return ids


def sweep(now: dt.datetime | None = None) -> list[int]:
    """One pass over the running clocks; returns the notification ids written (for delivery)."""
    now = now or utcnow()
    running = WorkOrder.select().where(
        WorkOrder.status.in_([s for s in ACTIVE_STATUSES if s != STATUS_PAUSED])
        & (WorkOrder.resolve_due_at.is_null(False) | WorkOrder.response_due_at.is_null(False)))
    ids: list[int] = []
    for row in running.iterator():
        # Checked without a lock first: most clocks have nothing new, and only those that do
        # take the order's lock (where the check is made again).
        if (row.first_response_at is None and row.response_due_at is not None
                and _step(row, RESPONSE, now) > row.response_level):
            ids += _advance(row.id, RESPONSE, now)
        if row.resolve_due_at is not None and _step(row, RESOLVE, now) > row.resolve_level:
            ids += _advance(row.id, RESOLVE, now)
    return ids
