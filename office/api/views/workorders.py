"""/api/work-orders: an ERP or script lists, reads and opens work orders with a personal token
(Bearer), as its owner. The lists are the pages' tabs (office/workorders/queries.py) and one order
is read through the same visibility rule (office/workorders/visibility.py): an order the token's
owner may not see is 404, and no list holds it. Opening goes through engine.open_order, so the
refusals are the form's, as {"errors": [{"field", "reason"}]} with 422. Only the token
authenticates, so CSRF does not apply (csrf.exempt), as on POST /api/orders.
"""
from __future__ import annotations

import datetime as dt

from flask import jsonify, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from peewee import JOIN

from office import clock
from office.api.blueprint import bp
from office.api.views.orders import bearer_user, user_locale
from office.extensions import csrf
from office.models.base import utcnow
from office.models.orders import Order
from office.models.people import Department, User
from office.models.workorders import ACTIVE_STATUSES, STATUS_PAUSED, WorkOrder, WorkOrderEvent
from office.orders.access import can_work_orders
from office.pagination import paginate
from office.workorders import engine, queries, visibility
from office.workorders.engine import WorkOrderError
from tasks import notify as notify_tasks


def _refuse(status: int, reason: str, field: str = ""):
    response = jsonify({"errors": [{"field": field, "reason": reason}]})
    response.status_code = status
    return response


def _time(value: dt.datetime | None) -> str | None:
    # Stored as naive UTC; said so explicitly for the caller.
    return value.replace(tzinfo=dt.UTC).isoformat() if value else None


def _person(user: User | None) -> dict | None:
    if user is None or user.id is None:
        return None
    return {"username": user.username, "name": user.display_name}


def _late(due: dt.datetime | None, done: dt.datetime | None, order: WorkOrder, now: dt.datetime) -> bool:
    """Whether a clock is breached. Due times already count in working hours and a pause moves
    them on resume, so comparing moments is exact (the same rule as the 已超时 filter)."""
    if due is None:
        return False
    if done is None:
        if order.status == STATUS_PAUSED:
            done = order.paused_at
        elif order.status not in ACTIVE_STATUSES:
            done = order.resolved_at or order.closed_at
    return (done or now) > due


def _summary(order: WorkOrder, now: dt.datetime) -> dict:
    queue = getattr(order, "queue", None)
    return {
        "number": order.number, "kind": order.kind, "status": order.status, "priority": order.priority,
        "title": order.title,
        "requester": _person(order.requester), "assignee": _person(order.assignee) if order.assignee_id else None,
        "queue": queue.name if order.queue_id and queue is not None else None,
        "deadline": _time(order.deadline), "created_at": _time(order.created_at),
        "updated_at": _time(order.updated_at),
        "clock": {
            "first_response_due_at": _time(order.response_due_at),
            "first_response_at": _time(order.first_response_at),
            "resolution_due_at": _time(order.resolve_due_at),
            "resolved_at": _time(order.resolved_at),
            "closed_at": _time(order.closed_at),
            "paused_seconds": order.paused_seconds,
            "paused_since": _time(order.paused_at),
            "first_response_breached": _late(order.response_due_at, order.first_response_at, order, now),
            "resolution_breached": _late(order.resolve_due_at, order.resolved_at, order, now),
        },
        "url": url_for("workorders.show", order_id=order.id, _external=True),
    }


def _authorized():
    user, refusal = bearer_user()
    if refusal is None and not user.is_active:
        refusal = _refuse(401, _("This API token is unknown or has been revoked."))
    return user, refusal


@bp.route("/work-orders")
def work_orders():
    """GET ?scope=mine|queue|watched|created|all&kind=&status=&breached=1&page=: one page of the
    work orders the token's owner sees in that list (default: all they may see, else mine), with
    {"work_orders", "page", "has_next", "next"}. 400 for a scope they may not open, 401 no token."""
    user, refusal = _authorized()
    if refusal is not None:
        return refusal
    with force_locale(user_locale(user)):
        default = queries.ALL if queries.may_see_all(user) else queries.MINE
        scope = request.args.get("scope", default)
        now = utcnow()
        try:
            query = queries.tab_list(scope, user, kind=request.args.get("kind") or None,
                                     status=request.args.get("status") or None,
                                     breached=request.args.get("breached") in ("1", "true"), now=now)
        except ValueError:
            return _refuse(400, _("Choose one of: %(scopes)s.", scopes=", ".join(queries.tabs_for(user))),
                           field="scope")
        page = paginate(query, queries.PAGE_SIZE)
        following = None
        if page.has_next:
            following = url_for("api.work_orders", **{**request.args.to_dict(), "page": page.number + 1},
                                _external=True)
        return jsonify({"work_orders": [_summary(order, now) for order in page.items], "page": page.number,
                        "has_next": page.has_next, "next": following})


@bp.route("/work-orders/<number>")
def work_order(number: str):
    """GET: one work order with its clocks and its timeline; 404 when the token's owner may not
    see it (or it does not exist), 401 no token."""
    user, refusal = _authorized()
    if refusal is not None:
        return refusal
    with force_locale(user_locale(user)):
        found = queries.with_names().where(WorkOrder.number == number).first()
        if found is None or not visibility.can_see(user, found):
            return _refuse(404, _("No work order has this number."), field="number")
        actor = User.alias()
        events = (WorkOrderEvent.select(WorkOrderEvent, actor.id, actor.username, actor.display_name)
                  .join(actor, JOIN.LEFT_OUTER, on=(WorkOrderEvent.actor == actor.id), attr="actor")
                  .where(WorkOrderEvent.work_order == found.id)
                  .order_by(WorkOrderEvent.created_at, WorkOrderEvent.id))
        body = _summary(found, utcnow())
        body["body"] = found.body
        body["pause_reason"] = found.pause_reason
        body["close_reason"] = found.close_reason
        body["timeline"] = [
            {"action": e.action, "actor": _person(e.actor) if e.actor_id else None, "at": _time(e.created_at),
             "from": e.from_value, "to": e.to_value, "comment": e.comment}
            for e in events
        ]
        return jsonify(body)


def _deadline(value) -> dt.datetime | None:
    """ISO 8601; without an offset it is the office's local time. Stored as naive UTC."""
    if value in (None, ""):
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise WorkOrderError(_("Give the deadline as an ISO 8601 date and time."), "deadline") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock.zone())
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def _open(user: User, data: dict):
    assignee = queue = order = None
    name = str(data.get("assignee") or "").strip()
    if name:
        assignee = User.get_or_none((User.username == name) & User.is_active)
        if assignee is None:
            raise WorkOrderError(_("Choose an active colleague."), "assignee")
    department = str(data.get("queue") or "").strip()
    if department:
        queue = Department.get_or_none(Department.name == department)
        if queue is None:
            raise WorkOrderError(_("No department has this name."), "queue")
    names = data.get("departments") or []
    names = {str(n).strip() for n in (names if isinstance(names, list) else [names]) if str(n).strip()}
    related = list(Department.select().where(Department.name.in_(list(names)))) if names else []
    if len(related) != len(names):
        raise WorkOrderError(_("No department has this name."), "departments")
    number = str(data.get("order_no") or "").strip()
    if number:
        # As on the form: only those who work orders may probe order numbers.
        if not can_work_orders(user):
            raise WorkOrderError(_("Only those who work orders may link one."), "order_no")
        order = Order.select().where(Order.order_no == number).order_by(Order.id.desc()).first()
        if order is None:
            raise WorkOrderError(_("No order has this number."), "order_no")
    return engine.open_order(user, str(data.get("kind") or ""), str(data.get("title") or ""),
                             str(data.get("body") or ""), assignee=assignee, queue=queue, departments=related,
                             priority=str(data.get("priority") or "normal"), deadline=_deadline(data.get("deadline")),
                             order=order)


@bp.route("/work-orders", methods=["POST"])
def work_order_create():
    """POST (JSON {kind, title, body, assignee (username) or queue (department name), departments
    (related departments' names), priority, deadline (task orders), order_no}): open a work order as the token's owner. 201 with the order,
    422 with {"errors": [{"field", "reason"}]}, 400 not a JSON object, 401 no token."""
    user, refusal = _authorized()
    if refusal is not None:
        return refusal
    with force_locale(user_locale(user)):
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            return _refuse(400, _("Send a JSON object."))
        try:
            outcome = _open(user, data)
        except WorkOrderError as error:
            return _refuse(422, str(error), field=error.field or "")
        if outcome.notification_ids:
            # After the engine's commit: a channel failure cannot undo the opening.
            notify_tasks.deliver_notifications(outcome.notification_ids)
        found = queries.with_names().where(WorkOrder.id == outcome.order.id).get()
        response = jsonify(_summary(found, utcnow()))
        response.status_code = 201
        response.headers["Location"] = url_for("api.work_order", number=found.number, _external=True)
        return response


# The token is the credential; a cross-site form cannot set an Authorization header.
csrf.exempt(work_order_create)
