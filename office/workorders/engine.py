"""The work-order engine: open an order, and every action on it (claim from a department
queue, assign or reassign, transfer to another department, start, submit for acceptance,
accept or send back, pause and resume, close, reopen, comment with @mentions, watch).

Every action is one transaction that first locks the order (SQLite: BEGIN IMMEDIATE;
PostgreSQL: SELECT ... FOR UPDATE), re-reads it, checks the status it needs and writes one
timeline row: so twenty people claiming or closing the same case at once leave one owner and
one close, and the others are told what happened instead. Each action publishes
WORK_ORDER_CHANGED and returns the inbox notification ids; callers enqueue
``tasks.notify.deliver_notifications`` with them after the commit.
Imports models, the work-order rules, office.inbox.notify, office.feed.mentions; never views.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from office.db import atomic_for_update, locked
from office.feed import mentions
from office.inbox.notify import mark_handled, notify
from office.live.events import publish
from office.models.base import utcnow
from office.models.inbox import (
    KIND_MENTION,
    KIND_WORK_ORDER_ASSIGNED,
    KIND_WORK_ORDER_CHANGED,
    KIND_WORK_ORDER_COMMENT,
)
from office.models.mainlines import Mainline
from office.models.orders import Order
from office.models.people import Department, User
from office.models.workorders import (
    ACTIVE_STATUSES,
    EV_ACCEPT,
    EV_ASSIGN,
    EV_CLAIM,
    EV_CLOSE,
    EV_COMMENT,
    EV_OPEN,
    EV_PAUSE,
    EV_REOPEN,
    EV_RESUME,
    EV_SEND_BACK,
    EV_START,
    EV_SUBMIT,
    EV_TRANSFER,
    EV_UNWATCH,
    EV_WATCH,
    KIND_TASK,
    KINDS,
    PRIORITIES,
    PRIORITY_NORMAL,
    STATUS_CLOSED,
    STATUS_DONE,
    STATUS_IN_PROGRESS,
    STATUS_OPEN,
    STATUS_PAUSED,
    STATUS_REVIEW,
    WORK_ORDER_CHANGED,
    WorkOrder,
    WorkOrderDepartment,
    WorkOrderEvent,
    WorkOrderFile,
    WorkOrderWatcher,
)
from office.rules import NotFound, RuleError
from office.workorders import sla, visibility

TARGET = "work_order"  # the inbox's target_type
TITLE_MAX = 120
REASON_MAX = 200
BODY_MAX = 10000


class WorkOrderError(RuleError):
    default_field = "comment"


@dataclass
class Outcome:
    order: WorkOrder
    notification_ids: list[int] = field(default_factory=list)


# ---- helpers ----

def _text(value: str, limit: int, field_name: str, required: bool = False, message=None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise WorkOrderError(message or _l("This field is required."), field_name)
    if len(value) > limit:
        raise WorkOrderError(_l("At most %(n)d characters.", n=limit), field_name)
    return value


def _lock(order_id: int) -> WorkOrder:
    order = locked(WorkOrder.select().where(WorkOrder.id == order_id)).first()
    if order is None:
        raise NotFound(order_id)
    return order


def _visible(order_id: int, user: User) -> WorkOrder:
    """The order locked for this action, or NotFound when ``user`` may not know it exists."""
    order = _lock(order_id)
    if not visibility.can_see(user, order):
        raise NotFound(order_id)
    return order


def _event(order: WorkOrder, actor: User | None, action: str, now: dt.datetime, from_value: str = "",
           to_value: str = "", comment: str = "") -> WorkOrderEvent:
    event = WorkOrderEvent.create(work_order=order.id, actor=actor.id if actor else None, action=action,
                                  from_value=from_value[:120], to_value=to_value[:120], comment=comment,
                                  created_at=now)
    publish(WORK_ORDER_CHANGED, order.id)
    if actor is not None:
        # Acting on an order answers what the inbox said about it.
        mark_handled(actor.id, TARGET, order.id)
    return event


def _save(order: WorkOrder, now: dt.datetime, **values) -> None:
    values["updated_at"] = now
    WorkOrder.update(**values).where(WorkOrder.id == order.id).execute()
    for name, value in values.items():
        setattr(order, name, value)


def _interested(order: WorkOrder) -> list[int]:
    """Who hears about a change: the requester, the assignee and the watchers."""
    watchers = [w.user_id for w in WorkOrderWatcher.select(WorkOrderWatcher.user)
                .where(WorkOrderWatcher.work_order == order.id)]
    return [order.requester_id, order.assignee_id, *watchers]


def _queue_members(department_id: int) -> list[int]:
    return [u.id for u in User.select(User.id).where((User.department == department_id) & User.is_active)]


def _responded(order: WorkOrder, user: User, now: dt.datetime) -> dict:
    """The first response is the first thing someone other than the requester does on it."""
    if order.first_response_at is None and user.id != order.requester_id:
        return {"first_response_at": now}
    return {}


def _need(order: WorkOrder, statuses, message) -> None:
    if order.status not in statuses:
        raise WorkOrderError(message, "status")


def _add_watchers(order: WorkOrder, people: list[User], now: dt.datetime) -> list[User]:
    present = {w.user_id for w in WorkOrderWatcher.select(WorkOrderWatcher.user)
               .where(WorkOrderWatcher.work_order == order.id)}
    new = [p for p in {p.id: p for p in people}.values() if p.id not in present]
    if new:
        WorkOrderWatcher.insert_many([{"work_order": order.id, "user": p.id, "created_at": now}
                                      for p in new]).execute()
    return new


def _store_files(order: WorkOrder, event: WorkOrderEvent | None, user: User, stored, now: dt.datetime) -> None:
    rows = [{"work_order": order.id, "event": event.id if event else None, "uploaded_by": user.id,
             "file_name": f.file_name, "stored_name": f.stored_name, "content_type": f.content_type,
             "size": f.size, "is_image": f.is_image, "created_at": now} for f in stored]
    if rows:
        WorkOrderFile.insert_many(rows).execute()


def _mention(order: WorkOrder, body: str, actor: User, now: dt.datetime) -> list[int]:
    """People @mentioned in ``body`` start watching (so they may open it) and are told."""
    _linked, people = mentions.resolve(body)  # active people only
    people = [p for p in people if p.id != actor.id]
    if not people:
        return []
    _add_watchers(order, people, now)
    return notify([p.id for p in people], KIND_MENTION, TARGET, order.id, actor.id, order.title, now=now)


# ---- opening ----

def _number(order_id: int, now: dt.datetime) -> str:
    return f"WO-{now.year}-{order_id:06d}"


def open_order(requester: User, kind: str, title: str, body: str = "", assignee: User | None = None,
               queue: Department | None = None, departments=(), priority: str = PRIORITY_NORMAL,
               deadline: dt.datetime | None = None, order: Order | None = None, mainline: Mainline | None = None,
               stored_files=(), source_post: int | None = None, source_node: int | None = None, now: dt.datetime | None = None) -> Outcome:
    """Open a work order for a person or a department's queue. Its clocks start now (a task
    order's resolution is due at its deadline, which it must have)."""
    now = now or utcnow()
    if kind not in KINDS:
        raise WorkOrderError(_l("Choose a kind."), "kind")
    if priority not in PRIORITIES:
        raise WorkOrderError(_l("Choose a priority."), "priority")
    title = _text(title, TITLE_MAX, "title", required=True)
    body = _text(body, BODY_MAX, "body")
    if assignee is None and queue is None:
        raise WorkOrderError(_l("Give it to a person or a department."), "assignee")
    if assignee is not None and not assignee.is_active:
        raise WorkOrderError(_l("Choose an active colleague."), "assignee")
    if kind == KIND_TASK and deadline is None:
        raise WorkOrderError(_l("A task order needs a deadline."), "deadline")
    if deadline is not None and deadline <= now:
        raise WorkOrderError(_l("The deadline must be in the future."), "deadline")
    response_due, resolve_due = sla.due_times(kind, now, deadline)
    linked_body = mentions.resolve(body)[0]  # stored with @names as profile links, like comments
    with atomic_for_update():
        row = WorkOrder.create(
            number=f"new-{uuid.uuid4().hex[:16]}", kind=kind, title=title, body=linked_body, requester=requester.id,
            assignee=assignee.id if assignee else None, queue=queue.id if queue else None, priority=priority,
            deadline=deadline, order=order.id if order else None, mainline=mainline.id if mainline else None,
            source_post=source_post, source_node=source_node, created_at=now, updated_at=now, response_due_at=response_due, resolve_due_at=resolve_due)
        # The number comes from the id, so two orders opened at once never take the same one.
        _save(row, now, number=_number(row.id, now))
        related = {d.id for d in departments} - {queue.id if queue else None}
        if related:
            WorkOrderDepartment.insert_many([{"work_order": row.id, "department": d} for d in related]).execute()
        event = _event(row, requester, EV_OPEN, now, to_value=assignee.display_name if assignee else queue.name)
        _store_files(row, event, requester, stored_files, now)
        told = [assignee.id] if assignee else _queue_members(queue.id)
        ids = notify(told, KIND_WORK_ORDER_ASSIGNED, TARGET, row.id, requester.id, title, now=now)
        ids += _mention(row, body, requester, now)
    return Outcome(WorkOrder.get_by_id(row.id), ids)


# ---- who takes it ----

def claim(order_id: int, user: User, now: dt.datetime | None = None) -> Outcome:
    """Take an unclaimed order from one's department queue and start it, in one tap."""
    now = now or utcnow()
    with atomic_for_update():
        order = _visible(order_id, user)
        if order.assignee_id is not None:
            holder = User.get_by_id(order.assignee_id)
            raise WorkOrderError(_l("%(name)s has already taken this order.", name=holder.display_name), "status")
        _need(order, (STATUS_OPEN,), _l("This order is no longer waiting in a queue."))
        if not visibility.in_queue(user, order):
            raise WorkOrderError(_l("Only members of its department may claim this order."), "status")
        _save(order, now, assignee=user.id, status=STATUS_IN_PROGRESS, **_responded(order, user, now))
        _event(order, user, EV_CLAIM, now, from_value=STATUS_OPEN, to_value=STATUS_IN_PROGRESS)
        ids = notify(_interested(order), KIND_WORK_ORDER_CHANGED, TARGET, order.id, user.id, order.title, now=now)
    return Outcome(order, ids)


def assign(order_id: int, user: User, to: User, comment: str = "", now: dt.datetime | None = None) -> Outcome:
    """Give the order to a person (reassign when it has one): its assignee handing it over, or
    a head over it, a director or an administrator."""
    now = now or utcnow()
    comment = _text(comment, REASON_MAX, "comment")
    with atomic_for_update():
        order = _visible(order_id, user)
        _need(order, ACTIVE_STATUSES, _l("This order has ended; reopen it first."))
        if user.id != order.assignee_id and not visibility.manages(user, order):
            raise WorkOrderError(_l("Only its assignee or a head over it may reassign this order."), "assignee")
        if not to.is_active:
            raise WorkOrderError(_l("Choose an active colleague."), "assignee")
        if to.id == order.assignee_id:
            raise WorkOrderError(_l("It is already theirs."), "assignee")
        before = User.get_by_id(order.assignee_id).display_name if order.assignee_id else ""
        status = STATUS_OPEN if order.status == STATUS_IN_PROGRESS else order.status
        _save(order, now, assignee=to.id, status=status, resolve_level=0, response_level=0)
        _event(order, user, EV_ASSIGN, now, from_value=before, to_value=to.display_name, comment=comment)
        ids = notify([to.id], KIND_WORK_ORDER_ASSIGNED, TARGET, order.id, user.id, order.title, now=now)
    return Outcome(order, ids)


def transfer(order_id: int, user: User, department: Department, comment: str = "",
             now: dt.datetime | None = None) -> Outcome:
    """Send the order to another department's queue, unclaimed (待处理), with a reason."""
    now = now or utcnow()
    comment = _text(comment, REASON_MAX, "comment", required=True, message=_l("Say why it moves."))
    with atomic_for_update():
        order = _visible(order_id, user)
        _need(order, (STATUS_OPEN, STATUS_IN_PROGRESS), _l("Only an order waiting or in progress can be transferred."))
        if user.id != order.assignee_id and not visibility.manages(user, order):
            raise WorkOrderError(_l("Only its assignee or a head over it may transfer this order."), "department")
        if department.id == order.queue_id and order.assignee_id is None:
            raise WorkOrderError(_l("It is already in that queue."), "department")
        before = Department.get_by_id(order.queue_id).name if order.queue_id else ""
        _save(order, now, queue=department.id, assignee=None, status=STATUS_OPEN)
        _event(order, user, EV_TRANSFER, now, from_value=before, to_value=department.name, comment=comment)
        ids = notify(_queue_members(department.id), KIND_WORK_ORDER_ASSIGNED, TARGET, order.id, user.id,
                     order.title, now=now)
    return Outcome(order, ids)


# ---- working it ----

def _assignee_only(order: WorkOrder, user: User) -> None:
    if order.assignee_id != user.id:
        raise WorkOrderError(_l("Only its assignee may do this."), "status")


def _move(order_id: int, user: User, action: str, allowed, to_status: str, message, now, comment: str = "",
          check=_assignee_only, tell=None, **values) -> Outcome:
    with atomic_for_update():
        order = _visible(order_id, user)
        _need(order, allowed, message)
        check(order, user)
        before = order.status
        _save(order, now, status=to_status, **values)
        _event(order, user, action, now, from_value=before, to_value=to_status, comment=comment)
        ids = notify(tell if tell is not None else _interested(order), KIND_WORK_ORDER_CHANGED, TARGET,
                     order.id, user.id, order.title, now=now)
    return Outcome(order, ids)


def start(order_id: int, user: User, now: dt.datetime | None = None) -> Outcome:
    now = now or utcnow()
    with atomic_for_update():
        order = _visible(order_id, user)
        _need(order, (STATUS_OPEN,), _l("This order is not waiting to be started."))
        _assignee_only(order, user)
        _save(order, now, status=STATUS_IN_PROGRESS, **_responded(order, user, now))
        _event(order, user, EV_START, now, from_value=STATUS_OPEN, to_value=STATUS_IN_PROGRESS)
        ids = notify([order.requester_id], KIND_WORK_ORDER_CHANGED, TARGET, order.id, user.id, order.title, now=now)
    return Outcome(order, ids)


def submit(order_id: int, user: User, comment: str = "", now: dt.datetime | None = None) -> Outcome:
    """Delivered: the requester is asked to accept it (待验收)."""
    now = now or utcnow()
    comment = _text(comment, BODY_MAX, "comment")
    with atomic_for_update():
        order = _visible(order_id, user)
        _need(order, (STATUS_IN_PROGRESS,), _l("Only an order in progress can be delivered."))
        _assignee_only(order, user)
        _save(order, now, status=STATUS_REVIEW, **_responded(order, user, now))
        _event(order, user, EV_SUBMIT, now, from_value=STATUS_IN_PROGRESS, to_value=STATUS_REVIEW, comment=comment)
        ids = notify([order.requester_id], KIND_WORK_ORDER_CHANGED, TARGET, order.id, user.id, order.title, now=now)
    return Outcome(order, ids)


def _requester_only(order: WorkOrder, user: User) -> None:
    if order.requester_id != user.id:
        raise WorkOrderError(_l("Only its requester may accept or send back this order."), "status")


def accept(order_id: int, user: User, comment: str = "", now: dt.datetime | None = None) -> Outcome:
    """The requester accepts the delivery: done (已完成), the resolution clock stops."""
    now = now or utcnow()
    comment = _text(comment, BODY_MAX, "comment")
    return _move(order_id, user, EV_ACCEPT, (STATUS_REVIEW,), STATUS_DONE,
                 _l("This order is not waiting for acceptance."), now, comment, check=_requester_only,
                 resolved_at=now)


def send_back(order_id: int, user: User, reason: str, now: dt.datetime | None = None) -> Outcome:
    """Not accepted: back to its assignee (处理中) with the reason."""
    now = now or utcnow()
    reason = _text(reason, REASON_MAX, "comment", required=True, message=_l("Say what is missing."))
    return _move(order_id, user, EV_SEND_BACK, (STATUS_REVIEW,), STATUS_IN_PROGRESS,
                 _l("This order is not waiting for acceptance."), now, reason, check=_requester_only)


def _assignee_or_manager(order: WorkOrder, user: User) -> None:
    if order.assignee_id != user.id and not visibility.manages(user, order):
        raise WorkOrderError(_l("Only its assignee or a head over it may do this."), "status")


def pause(order_id: int, user: User, reason: str, now: dt.datetime | None = None) -> Outcome:
    """Stop the clocks (等待买家...) with the reason; ``resume`` starts them again."""
    now = now or utcnow()
    reason = _text(reason, REASON_MAX, "reason", required=True, message=_l("Say why it waits."))
    return _move(order_id, user, EV_PAUSE, (STATUS_OPEN, STATUS_IN_PROGRESS), STATUS_PAUSED,
                 _l("Only an order waiting or in progress can be paused."), now, reason,
                 check=_assignee_or_manager, paused_at=now, pause_reason=reason)


def _unpause(order: WorkOrder, now: dt.datetime) -> dict:
    """What resuming (or closing) a paused order writes: the pause's working time is added up
    and the clocks that still run move later by it."""
    if order.paused_at is None:
        return {}
    spent = sla.paused_working_seconds(order, now)
    values = {"paused_at": None, "paused_seconds": order.paused_seconds + spent,
              "resolve_due_at": sla.shifted(order.resolve_due_at, order.kind, spent)}
    if order.first_response_at is None:
        values["response_due_at"] = sla.shifted(order.response_due_at, order.kind, spent)
    return values


def resume(order_id: int, user: User, now: dt.datetime | None = None) -> Outcome:
    now = now or utcnow()
    with atomic_for_update():
        order = _visible(order_id, user)
        _need(order, (STATUS_PAUSED,), _l("This order is not paused."))
        _assignee_or_manager(order, user)
        last_pause = (WorkOrderEvent.select(WorkOrderEvent.from_value)
                      .where((WorkOrderEvent.work_order == order.id) & (WorkOrderEvent.action == EV_PAUSE))
                      .order_by(WorkOrderEvent.id.desc()).first())
        back_to = last_pause.from_value if last_pause and last_pause.from_value else STATUS_IN_PROGRESS
        if order.assignee_id is None:
            back_to = STATUS_OPEN
        _save(order, now, status=back_to, pause_reason="", **_unpause(order, now))
        _event(order, user, EV_RESUME, now, from_value=STATUS_PAUSED, to_value=back_to)
        ids = notify(_interested(order), KIND_WORK_ORDER_CHANGED, TARGET, order.id, user.id, order.title, now=now)
    return Outcome(order, ids)


def close(order_id: int, user: User, reason: str, now: dt.datetime | None = None) -> Outcome:
    """End the order without it being done (已关闭), with the reason; the closer and the time
    are kept."""
    now = now or utcnow()
    reason = _text(reason, REASON_MAX, "reason", required=True, message=_l("Say why it closes."))
    with atomic_for_update():
        order = _visible(order_id, user)
        if order.status == STATUS_CLOSED:
            closer = User.get_by_id(order.closed_by_id) if order.closed_by_id else None
            raise WorkOrderError(_l("%(name)s has already closed this order.",
                                    name=closer.display_name if closer else "?"), "status")
        _need(order, ACTIVE_STATUSES, _l("This order has ended."))
        if user.id not in (order.requester_id, order.assignee_id) and not visibility.manages(user, order):
            raise WorkOrderError(_l("Only its requester, its assignee or a head over it may close this order."),
                                 "status")
        before = order.status
        _save(order, now, status=STATUS_CLOSED, close_reason=reason, closed_at=now, closed_by=user.id,
              **_unpause(order, now))
        _event(order, user, EV_CLOSE, now, from_value=before, to_value=STATUS_CLOSED, comment=reason)
        ids = notify(_interested(order), KIND_WORK_ORDER_CHANGED, TARGET, order.id, user.id, order.title, now=now)
    return Outcome(order, ids)


def reopen(order_id: int, user: User, reason: str, now: dt.datetime | None = None) -> Outcome:
    """Bring back a done or closed order; its resolution clock starts again from now (a task
    order keeps its deadline while that is still ahead)."""
    now = now or utcnow()
    reason = _text(reason, REASON_MAX, "reason", required=True, message=_l("Say why it reopens."))
    with atomic_for_update():
        order = _visible(order_id, user)
        _need(order, (STATUS_DONE, STATUS_CLOSED), _l("This order has not ended."))
        if user.id != order.requester_id and not visibility.manages(user, order):
            raise WorkOrderError(_l("Only its requester or a head over it may reopen this order."), "status")
        deadline = order.deadline if order.deadline and order.deadline > now else None
        _response, resolve_due = sla.due_times(order.kind, now, deadline)
        before = order.status
        to_status = STATUS_IN_PROGRESS if order.assignee_id else STATUS_OPEN
        _save(order, now, status=to_status, resolved_at=None, closed_at=None, closed_by=None, close_reason="",
              resolve_due_at=resolve_due or order.resolve_due_at, resolve_level=0)
        _event(order, user, EV_REOPEN, now, from_value=before, to_value=to_status, comment=reason)
        ids = notify(_interested(order), KIND_WORK_ORDER_CHANGED, TARGET, order.id, user.id, order.title, now=now)
    return Outcome(order, ids)


# ---- talking about it ----

def comment(order_id: int, user: User, body: str, stored_files=(), now: dt.datetime | None = None) -> Outcome:
    """A comment on the timeline (Markdown-lite, @mentions, files). The assignee's or a queue
    member's first comment is the order's first response."""
    now = now or utcnow()
    body = _text(body, BODY_MAX, "comment", required=not stored_files, message=_l("Write something."))
    with atomic_for_update():
        order = _visible(order_id, user)
        values = {}
        if user.id == order.assignee_id or visibility.in_queue(user, order):
            values = _responded(order, user, now)
        _save(order, now, **values)
        event = _event(order, user, EV_COMMENT, now, comment=mentions.resolve(body)[0])
        _store_files(order, event, user, stored_files, now)
        ids = notify(_interested(order), KIND_WORK_ORDER_COMMENT, TARGET, order.id, user.id, body or order.title,
                     now=now)
        ids += _mention(order, body, user, now)
    return Outcome(order, ids)


def watch(order_id: int, user: User, now: dt.datetime | None = None) -> Outcome:
    now = now or utcnow()
    with atomic_for_update():
        order = _visible(order_id, user)
        if _add_watchers(order, [user], now):
            _event(order, user, EV_WATCH, now)
    return Outcome(order)


def unwatch(order_id: int, user: User, now: dt.datetime | None = None) -> Outcome:
    """Stop watching. Someone who could see the order only as a watcher loses sight of it."""
    now = now or utcnow()
    with atomic_for_update():
        order = _visible(order_id, user)
        removed = WorkOrderWatcher.delete().where((WorkOrderWatcher.work_order == order.id)
                                                  & (WorkOrderWatcher.user == user.id)).execute()
        if removed:
            _event(order, user, EV_UNWATCH, now)
    return Outcome(order)


def get_visible(order_id: int, user: User) -> WorkOrder:
    """The order for a page, or NotFound (404) when ``user`` may not see it."""
    order = WorkOrder.get_or_none(WorkOrder.id == order_id)
    if order is None or not visibility.can_see(user, order):
        raise NotFound(order_id)
    return order
