"""Page contexts for work orders: the words for kinds, statuses, priorities and timeline
actions, a clock as text, and what the detail page shows a viewer (which actions they may take).
The views and (later) the live renderer import this; it imports rules and models only.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from peewee import JOIN

from office.departments.tree import choices as department_choices
from office.models.people import Department, User
from office.models.workorders import (
    ACTIVE_STATUSES,
    EV_ACCEPT,
    EV_ASSIGN,
    EV_CLAIM,
    EV_CLOSE,
    EV_COMMENT,
    EV_ESCALATE,
    EV_OPEN,
    EV_PAUSE,
    EV_REMIND,
    EV_REOPEN,
    EV_RESUME,
    EV_SEND_BACK,
    EV_START,
    EV_SUBMIT,
    EV_TRANSFER,
    EV_UNWATCH,
    EV_WATCH,
    KIND_COMPLAINT,
    KIND_EXCHANGE,
    KIND_INCIDENT,
    KIND_OTHER,
    KIND_REFUND,
    KIND_RESEND,
    KIND_RETURN,
    KIND_TASK,
    PRIORITY_HIGH,
    PRIORITY_LOW,
    PRIORITY_NORMAL,
    PRIORITY_URGENT,
    STATUS_CLOSED,
    STATUS_DONE,
    STATUS_IN_PROGRESS,
    STATUS_OPEN,
    STATUS_PAUSED,
    STATUS_REVIEW,
    WorkOrder,
    WorkOrderDepartment,
    WorkOrderEvent,
    WorkOrderFile,
    WorkOrderWatcher,
)
from office.orders.access import can_work_orders
from office.workorders import queries, sla, sources, visibility

KIND_LABELS = {
    KIND_TASK: _l("Task order"), KIND_RETURN: _l("Return goods"), KIND_EXCHANGE: _l("Exchange"),
    KIND_REFUND: _l("Refund"), KIND_RESEND: _l("Resend"), KIND_COMPLAINT: _l("Complaint"),
    KIND_INCIDENT: _l("Incident"), KIND_OTHER: _l("Other"),
}
STATUS_LABELS = {
    STATUS_OPEN: _l("Waiting to start"), STATUS_IN_PROGRESS: _l("Being handled"), STATUS_REVIEW: _l("Awaiting acceptance"),
    STATUS_DONE: _l("Done"), STATUS_PAUSED: _l("Paused"), STATUS_CLOSED: _l("Closed"),
}
STATUS_TONES = {
    STATUS_OPEN: "warning", STATUS_IN_PROGRESS: "info", STATUS_REVIEW: "brand", STATUS_DONE: "success",
    STATUS_PAUSED: "neutral", STATUS_CLOSED: "neutral",
}
PRIORITY_LABELS = {
    PRIORITY_LOW: _l("Low"), PRIORITY_NORMAL: _l("Normal"), PRIORITY_HIGH: _l("High"), PRIORITY_URGENT: _l("Urgent"),
}
TAB_LABELS = {
    queries.MINE: _l("My work"), queries.QUEUE: _l("Department queue"), queries.WATCHED: _l("Watched"),
    queries.CREATED: _l("Created by me"), queries.ALL: _l("All"),
}
EVENT_LABELS = {
    EV_OPEN: _l("opened it"), EV_CLAIM: _l("claimed it"), EV_ASSIGN: _l("assigned it"),
    EV_TRANSFER: _l("transferred it"), EV_START: _l("started work"), EV_SUBMIT: _l("delivered it for acceptance"),
    EV_ACCEPT: _l("accepted it"), EV_SEND_BACK: _l("sent it back"), EV_PAUSE: _l("paused it"),
    EV_RESUME: _l("resumed it"), EV_CLOSE: _l("closed it"), EV_REOPEN: _l("reopened it"),
    EV_COMMENT: _l("commented"), EV_WATCH: _l("started watching"), EV_UNWATCH: _l("stopped watching"),
    EV_REMIND: _l("reminded: due soon"), EV_ESCALATE: _l("escalated: past due"),
}
CLOCK_LABELS = {sla.RESPONSE: _l("First response"), sla.RESOLVE: _l("Resolution")}
# The list table's columns (templates/macros/table.html), in the order _row.html writes them.
COLUMNS = {
    "title": _l("Title"), "number": _l("Work order number"), "kind": _l("Kind"), "status": _l("Status"),
    "assignee": _l("Assignee"), "clock": _l("Time left"), "actions": _l("Actions"),
}


def duration_text(seconds: int) -> str:
    """Working time as "2 h 05 min" ("2小时05分"); minutes only under an hour."""
    seconds = abs(int(seconds))
    hours, minutes = seconds // 3600, (seconds % 3600) // 60
    if hours:
        return str(_l("%(h)d h %(m)02d min", h=hours, m=minutes))
    return str(_l("%(m)d min", m=max(minutes, 0)))


def clock_text(clock: sla.Clock | None) -> str:
    if clock is None:
        return ""
    name = CLOCK_LABELS[clock.which]
    if clock.breached:
        return str(_l("%(clock)s: %(time)s over", clock=name, time=duration_text(clock.seconds_left)))
    return str(_l("%(clock)s: %(time)s left", clock=name, time=duration_text(clock.seconds_left)))


def actions_for(user: User, order: WorkOrder) -> list[str]:
    """The actions the detail page offers ``user`` (the engine checks each again)."""
    mine = order.assignee_id == user.id
    manager = visibility.manages(user, order)
    requester = order.requester_id == user.id
    status = order.status
    actions = []
    if status == STATUS_OPEN and order.assignee_id is None and visibility.in_queue(user, order):
        actions.append("claim")
    if status == STATUS_OPEN and mine:
        actions.append("start")
    if status == STATUS_IN_PROGRESS and mine:
        actions.append("submit")
    if status == STATUS_REVIEW and requester:
        actions += ["accept", "send_back"]
    if status in (STATUS_OPEN, STATUS_IN_PROGRESS) and (mine or manager):
        actions += ["pause", "transfer"]
    if status == STATUS_PAUSED and (mine or manager):
        actions.append("resume")
    if status in ACTIVE_STATUSES and (mine or manager):
        actions.append("assign")
    if status in ACTIVE_STATUSES and (mine or manager or requester):
        actions.append("close")
    if status in (STATUS_DONE, STATUS_CLOSED) and (requester or manager):
        actions.append("reopen")
    return actions


def detail_context(user: User, order_id: int) -> dict:
    """Everything the detail page shows: the order with names, its clock, timeline, files,
    watchers, related departments, and the viewer's actions."""
    order = queries.with_names().where(WorkOrder.id == order_id).get()
    Actor = User.alias()
    events = list(WorkOrderEvent.select(WorkOrderEvent, Actor.id, Actor.display_name, Actor.username, Actor.photo)
                  .join(Actor, join_type=JOIN.LEFT_OUTER, on=(WorkOrderEvent.actor == Actor.id), attr="actor")
                  .where(WorkOrderEvent.work_order == order.id).order_by(WorkOrderEvent.id))
    files = list(WorkOrderFile.select().where(WorkOrderFile.work_order == order.id).order_by(WorkOrderFile.id))
    files_by_event: dict[int | None, list] = {}
    for item in files:
        files_by_event.setdefault(item.event_id, []).append(item)
    watchers = list(User.select(User.id, User.display_name, User.username, User.photo)
                    .join(WorkOrderWatcher, on=(WorkOrderWatcher.user == User.id))
                    .where(WorkOrderWatcher.work_order == order.id).order_by(User.id))
    related = list(Department.select(Department.id, Department.name)
                   .join(WorkOrderDepartment, on=(WorkOrderDepartment.department == Department.id))
                   .where(WorkOrderDepartment.work_order == order.id).order_by(Department.name))
    clock = sla.current(order)
    actions = actions_for(user, order)
    colleagues = (list(User.select(User.id, User.display_name).where(User.is_active).order_by(User.pinyin, User.id))
                  if "assign" in actions else [])
    return {
        "order": order, "events": events, "files_by_event": files_by_event, "watchers": watchers,
        "watching": any(w.id == user.id for w in watchers), "related": related, "clock": clock,
        "clock_text": clock_text(clock), "actions": actions, "colleagues": colleagues,
        "department_options": department_choices() if "transfer" in actions else [],
        # The order link leads where the viewer may go: only those who work orders open it.
        "can_open_order": bool(order.order_id) and can_work_orders(user),
        # "来自动态 / 来自主线节点": only a source the viewer may see (else nothing).
        "source": sources.source_of(user, order),
    }
