"""Time-based mainline rules: remind whoever answers for a node before its due date, and
escalate a node past its due date to the mainline's owners.

Each node is claimed with a conditional UPDATE (``reminded_at`` / ``escalated_at`` IS
NULL) in the transaction that writes its notifications, so overlapping sweeps tell
people once. ``edit_node`` clears both marks when the due date moves. Called by
tasks/mainlines.py, which delivers the returned notification ids beyond the app.
Imports models, office.inbox.notify and the mainline rules; never views or tasks.
"""
from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_babel import lazy_gettext as _l
from peewee import JOIN

from office.db import atomic_for_update
from office.clock import office_date
from office.inbox.notify import notify
from office.mainlines.plans import record
from office.models.base import utcnow
from office.models.inbox import KIND_NODE_DUE, KIND_NODE_OVERDUE
from office.models.mainlines import NODE_DONE, ROLE_OWNER, STATUS_ACTIVE, Mainline, Member, Node
from office.models.people import Department

# Nodes claimed per sweep; the rest wait for the next run (claimed ones drop out of the query).
BATCH = 500


def _open_nodes():
    """SQL: the node is not done and its mainline is still active."""
    return (Node.status != NODE_DONE) & Node.mainline.in_(
        Mainline.select(Mainline.id).where(Mainline.status == STATUS_ACTIVE))


def _due_soon(today: dt.date):
    days = max(int(current_app.config["NODE_REMIND_DAYS"]), 0)
    # An overdue node is escalated instead; "due soon" would be the wrong message.
    return (Node.due_date >= today) & (Node.due_date <= today + dt.timedelta(days=days))


def _candidates(condition) -> list[int]:
    query = Node.select(Node.id).where(condition).order_by(Node.due_date, Node.id).limit(BATCH)
    return [node_id for (node_id,) in query.tuples()]


def _load(node_id: int) -> Node:
    """The node with its mainline and department, for the texts and the recipients."""
    return (Node.select(Node, Mainline, Department)
            .join(Mainline).switch(Node)
            .join(Department, JOIN.LEFT_OUTER, on=(Node.department == Department.id))
            .where(Node.id == node_id).get())


def answerable(node: Node) -> int | None:
    """Who answers for ``node`` (department joined or loadable): its owner, else its department's head."""
    if node.owner_id:
        return node.owner_id
    if node.department_id and node.department is not None:
        return node.department.head_id
    return None


def mainline_owners(mainline: Mainline) -> list[int]:
    """Members with the owner role; the mainline's recorded owner if none is left."""
    rows = Member.select(Member.user).where((Member.mainline == mainline.id) & (Member.role == ROLE_OWNER))
    return [row.user_id for row in rows.order_by(Member.id)] or [mainline.owner_id]


def remind_due(now: dt.datetime | None = None) -> list[int]:
    """Tell whoever answers for each open node due within NODE_REMIND_DAYS (office days,
    today included) that it is due soon, once per due date.

    A node nobody answers for (a department without a head) reminds the mainline's
    owners instead, so the reminder is not silently used up.
    Args:
        now: naive UTC (default: now); "today" is its date in the office's zone.
    Returns the ids of the KIND_NODE_DUE notifications written.
    """
    now = now or utcnow()
    today = office_date(now)
    ids: list[int] = []
    for node_id in _candidates(_open_nodes() & _due_soon(today) & Node.reminded_at.is_null()):
        with atomic_for_update():
            # Conditions repeated in the claim: the node may have been finished or moved
            # since it was listed, and a concurrent sweep may have claimed it.
            claimed = Node.update(reminded_at=now).where(
                (Node.id == node_id) & Node.reminded_at.is_null() & _open_nodes() & _due_soon(today)).execute()
            if claimed != 1:
                continue
            node = _load(node_id)
            person = answerable(node)
            recipients = [person] if person else mainline_owners(node.mainline)
            excerpt = str(_l("%(node)s is due on %(date)s (%(mainline)s)", node=node.title,
                             date=node.due_date.isoformat(), mainline=node.mainline.title))
            ids += notify(recipients, KIND_NODE_DUE, "mainline", node.mainline_id, excerpt=excerpt)
    return ids


def escalate_overdue(now: dt.datetime | None = None) -> list[int]:
    """Tell the mainline's owners and whoever answers for the node that an open node is past
    its due date (once per due date), and write the timeline line.

    Args:
        now: naive UTC (default: now); a node due yesterday in office time is overdue.
    Returns the ids of the KIND_NODE_OVERDUE notifications written.
    """
    now = now or utcnow()
    today = office_date(now)
    overdue = Node.due_date < today
    ids: list[int] = []
    for node_id in _candidates(_open_nodes() & overdue & Node.escalated_at.is_null()):
        with atomic_for_update():
            claimed = Node.update(escalated_at=now).where(
                (Node.id == node_id) & Node.escalated_at.is_null() & _open_nodes() & overdue).execute()
            if claimed != 1:
                continue
            node = _load(node_id)
            date = node.due_date.isoformat()
            record(node.mainline_id, None, "overdue",
                   str(_l("Overdue: %(node)s, due on %(date)s", node=node.title, date=date)), node=node)
            excerpt = str(_l("%(node)s was due on %(date)s (%(mainline)s)", node=node.title, date=date,
                             mainline=node.mainline.title))
            recipients = mainline_owners(node.mainline) + [answerable(node)]
            ids += notify(recipients, KIND_NODE_OVERDUE, "mainline", node.mainline_id, excerpt=excerpt)
    return ids
