"""Rules for nodes: add, edit, assign, start, finish, reopen, delete; dependencies.

A node cannot start (or finish) before the nodes it depends on are done. Moves
are conditional updates (``WHERE status = ...``), so two people pressing "done"
at once record it once. Finishing fixes ``actual_hours`` (started to done), which
is what plan-vs-actual reads; a clock reading of nothing (finish pressed right after
start) is not taken as an actual: the person is asked (``ActualNeeded``). Imports
models, office.inbox.notify and the mainline rules; never views or tasks.
"""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l

from office.db import atomic_for_update
from office.inbox.notify import notify
from office.mainlines.plans import record, tell_followers
from office.models.base import utcnow
from office.models.inbox import KIND_NODE_ASSIGNED, KIND_NODE_CHANGED
from office.models.mainlines import (
    NODE_DOING,
    NODE_DONE,
    NODE_TODO,
    ROLE_MEMBER,
    Mainline,
    Member,
    Node,
    NodeDependency,
    Phase,
)
from office.models.people import Department, User
from office.rules import RuleError

TITLE_MAX = 80
HOURS_MAX = 10000


class NodeError(RuleError):
    default_field = "title"


class ActualNeeded(NodeError):
    """Finished right after it was started: the clock knows nothing of the work, so ask."""
    default_field = "actual_hours"


# Under this many seconds from start to finish the clock reads 0 h (hours are kept to 0.1): the
# person pressed start and finish together, typically after doing the work. Recording 0 h would
# show the whole plan as saved ("节省 8 h") in the figures the director reads, so such a finish
# asks for the real hours; left empty, the actual is unknown and stays out of plan vs actual.
# A director trusts a figure only if it comes from a real start and finish or from the person
# who did the work, never one the software made up (not 0 h, and not the planned hours either).
MEASURED_MIN_SECONDS = 180


def parse_actual(value) -> float | None:
    """Hours typed on the finish form: None for empty (unknown), else 0 < hours ≤ HOURS_MAX."""
    text = str(value if value is not None else "").strip().replace("，", ".").replace(",", ".")
    if not text:
        return None
    try:
        hours = float(text)
    except ValueError:
        raise ActualNeeded(_l("Actual hours must be a number.")) from None
    if not 0 < hours <= HOURS_MAX:
        raise ActualNeeded(_l("Actual hours must be more than 0 and at most %(n)d.", n=HOURS_MAX))
    return round(hours, 1)


def hours_between(start: dt.datetime, end: dt.datetime) -> float:
    return round((end - start).total_seconds() / 3600, 1)


def _check(mainline: Mainline, title: str, phase_id: int, planned_hours, owner: User | None,
           department: Department | None) -> tuple[str, float]:
    title = (title or "").strip()
    if not title:
        raise NodeError(_l("Name the node."))
    if len(title) > TITLE_MAX:
        raise NodeError(_l("At most %(n)d characters.", n=TITLE_MAX))
    if not Phase.select().where((Phase.id == phase_id) & (Phase.mainline == mainline.id)).exists():
        raise NodeError(_l("Choose a phase of this mainline."), "phase")
    try:
        hours = float(planned_hours or 0)
    except (TypeError, ValueError):
        raise NodeError(_l("Planned hours must be a number."), "planned_hours") from None
    if hours < 0 or hours > HOURS_MAX:
        raise NodeError(_l("Planned hours must be between 0 and %(n)d.", n=HOURS_MAX), "planned_hours")
    if owner is not None and department is not None and owner.department_id != department.id:
        department = None  # a person owns it; their own department is implied
    return title, hours


def _ensure_member(mainline_id: int, user_id: int | None) -> None:
    """Whoever owns a node (or heads its department) must see the mainline."""
    if user_id:
        Member.insert(mainline=mainline_id, user=user_id, role=ROLE_MEMBER).on_conflict_ignore().execute()


def _owner_of(node: Node) -> int | None:
    """Who answers for the node: its owner, else the head of its department."""
    if node.owner_id:
        return node.owner_id
    if node.department_id:
        department = Department.get_or_none(Department.id == node.department_id)
        return department.head_id if department else None
    return None


def _check_dependencies(mainline: Mainline, node_id: int | None, depends_on) -> list[int]:
    ids = sorted({int(i) for i in depends_on or () if i})
    if not ids:
        return []
    if node_id in ids:
        raise NodeError(_l("A node cannot depend on itself."), "depends_on")
    found = {n.id for n in Node.select(Node.id).where((Node.id.in_(ids)) & (Node.mainline == mainline.id))}
    if found != set(ids):
        raise NodeError(_l("Dependencies must be nodes of this mainline."), "depends_on")
    if node_id is not None:
        # Refuse a cycle: nothing the node should wait for may itself (transitively) wait for the node.
        edges: dict[int, set[int]] = {}
        rows = (NodeDependency.select(NodeDependency.node, NodeDependency.depends_on)
                .join(Node, on=(NodeDependency.node == Node.id)).where(Node.mainline == mainline.id))
        for row in rows:
            edges.setdefault(row.node_id, set()).add(row.depends_on_id)
        stack, seen = list(ids), set()
        while stack:
            current = stack.pop()
            if current == node_id:
                raise NodeError(_l("These dependencies would make a circle."), "depends_on")
            if current not in seen:
                seen.add(current)
                stack.extend(edges.get(current, ()))
    return ids


def add_node(mainline: Mainline, by: User, title: str, phase_id: int, owner: User | None = None,
             department: Department | None = None, planned_hours=0, due_date: dt.date | None = None,
             depends_on=(), note: str = "") -> tuple[Node, list[int]]:
    """A new node; its owner (or its department's head) joins the mainline and is told."""
    title, hours = _check(mainline, title, phase_id, planned_hours, owner, department)
    with atomic_for_update():
        deps = _check_dependencies(mainline, None, depends_on)
        last = (Node.select(Node.position).where((Node.mainline == mainline.id) & (Node.phase == phase_id))
                .order_by(Node.position.desc()).first())
        node = Node.create(mainline=mainline, phase=phase_id, title=title, note=(note or "").strip(),
                           owner=owner, department=None if owner else department, planned_hours=hours,
                           due_date=due_date, position=(last.position + 1) if last else 0)
        if deps:
            NodeDependency.insert_many([{"node": node.id, "depends_on": d} for d in deps]).execute()
        answerable = _owner_of(node)
        _ensure_member(mainline.id, answerable)
        record(mainline, by, "node_added", str(_l("Node added: %(title)s", title=title)), node=node)
        ids = notify([answerable], KIND_NODE_ASSIGNED, "mainline", mainline.id, by.id, title) if answerable else []
    return node, ids


def edit_node(node: Node, by: User, title: str, phase_id: int, owner: User | None = None,
              department: Department | None = None, planned_hours=0, due_date: dt.date | None = None,
              depends_on=(), note: str = "") -> tuple[Node, list[int]]:
    """Change a node; a new owner is told. Reminders start over when the due date moves."""
    mainline = Mainline.get_by_id(node.mainline_id)
    title, hours = _check(mainline, title, phase_id, planned_hours, owner, department)
    with atomic_for_update():
        deps = _check_dependencies(mainline, node.id, depends_on)
        before = _owner_of(node)
        changes = {"title": title, "phase": phase_id, "owner": owner.id if owner else None,
                   "department": None if owner else (department.id if department else None),
                   "planned_hours": hours, "due_date": due_date, "note": (note or "").strip()}
        if due_date != node.due_date:
            changes.update(reminded_at=None, escalated_at=None)
        if phase_id != node.phase_id:
            last = (Node.select(Node.position).where((Node.mainline == mainline.id) & (Node.phase == phase_id))
                    .order_by(Node.position.desc()).first())
            changes["position"] = (last.position + 1) if last else 0
        Node.update(**changes).where(Node.id == node.id).execute()
        NodeDependency.delete().where(NodeDependency.node == node.id).execute()
        if deps:
            NodeDependency.insert_many([{"node": node.id, "depends_on": d} for d in deps]).execute()
        node = Node.get_by_id(node.id)
        answerable = _owner_of(node)
        _ensure_member(mainline.id, answerable)
        record(mainline, by, "node_edited", str(_l("Node changed: %(title)s", title=title)), node=node)
        ids = []
        if answerable and answerable != before:
            ids = notify([answerable], KIND_NODE_ASSIGNED, "mainline", mainline.id, by.id, title)
    return node, ids


def assign_node(node: Node, by: User, owner: User) -> tuple[Node, list[int]]:
    """The head of a node's department gives it to a person (who joins the mainline)."""
    with atomic_for_update():
        Node.update(owner=owner.id).where(Node.id == node.id).execute()
        _ensure_member(node.mainline_id, owner.id)
        text = str(_l("%(title)s assigned to %(name)s", title=node.title, name=owner.display_name))
        record(node.mainline_id, by, "node_assigned", text, node=node)
        ids = notify([owner.id], KIND_NODE_ASSIGNED, "mainline", node.mainline_id, by.id, node.title)
    return Node.get_by_id(node.id), ids


def waiting_for(node: Node) -> list[Node]:
    """The nodes ``node`` depends on that are not done yet."""
    return list(Node.select(Node.id, Node.title).join(NodeDependency, on=(NodeDependency.depends_on == Node.id))
                .where((NodeDependency.node == node.id) & (Node.status != NODE_DONE)).order_by(Node.id))


def _refuse_if_waiting(node: Node) -> None:
    pending = waiting_for(node)
    if pending:
        raise NodeError(_l("Waiting for: %(names)s", names="、".join(n.title for n in pending)), "status")


def _changed(node: Node, by: User, kind: str, text: str) -> list[int]:
    record(node.mainline_id, by, kind, text, node=node)
    return tell_followers(node.mainline_id, KIND_NODE_CHANGED, by, text, skip={by.id})


def start_node(node: Node, by: User, now: dt.datetime | None = None) -> tuple[bool, list[int]]:
    """todo → doing. Refused while a dependency is not done. Returns (changed, notification ids)."""
    now = now or utcnow()
    with atomic_for_update():
        _refuse_if_waiting(node)
        changed = Node.update(status=NODE_DOING, started_at=now).where(
            (Node.id == node.id) & (Node.status == NODE_TODO)).execute()
        ids = _changed(node, by, "node_started", str(_l("Started: %(title)s", title=node.title))) if changed else []
    return bool(changed), ids


def finish_node(node: Node, by: User, now: dt.datetime | None = None, actual_hours=None,
                answered: bool = False) -> tuple[bool, list[int]]:
    """todo or doing → done, fixing the actual hours: measured from the start, unknown when it
    never started. Finished within MEASURED_MIN_SECONDS of its start, it raises ActualNeeded
    unless ``answered`` (the person's ``actual_hours``, empty for unknown); a real measurement
    is kept over an answer.

    Owners of nodes that were waiting for this one hear they can start.
    """
    now = now or utcnow()
    typed = parse_actual(actual_hours) if answered else None
    with atomic_for_update():
        _refuse_if_waiting(node)
        current = Node.get_by_id(node.id)
        if current.status == NODE_DONE:
            return False, []
        measured = (current.started_at is not None
                    and (now - current.started_at).total_seconds() >= MEASURED_MIN_SECONDS)
        if measured:
            actual = hours_between(current.started_at, now)  # the clock wins over a typed answer
        elif answered:
            actual = typed
        elif current.started_at is None:
            actual = None  # never started: unknown, left out of plan vs actual
        else:
            raise ActualNeeded(_l("Started less than 3 minutes ago: how many hours did it really take?"))
        changed = Node.update(status=NODE_DONE, done_at=now, actual_hours=actual).where(
            (Node.id == node.id) & (Node.status == current.status)).execute()
        if not changed:
            return False, []
        if actual is None:
            text = str(_l("Done: %(title)s", title=node.title))
        else:
            text = str(_l("Done: %(title)s, %(actual)s h of %(planned)s h planned", title=node.title,
                          actual=_hours(actual), planned=_hours(current.planned_hours)))
        ids = _changed(node, by, "node_done", text)
        ids += _tell_unblocked(node, by)
    return True, ids


def _tell_unblocked(node: Node, by: User) -> list[int]:
    """Owners of nodes whose last pending dependency was ``node``."""
    ids = []
    dependents = (Node.select().join(NodeDependency, on=(NodeDependency.node == Node.id))
                  .where((NodeDependency.depends_on == node.id) & (Node.status == NODE_TODO)))
    for dependent in dependents:
        if not waiting_for(dependent):
            answerable = _owner_of(dependent)
            if answerable:
                ids += notify([answerable], KIND_NODE_ASSIGNED, "mainline", node.mainline_id, by.id,
                              str(_l("Can start now: %(title)s", title=dependent.title)))
    return ids


def reopen_node(node: Node, by: User) -> tuple[bool, list[int]]:
    """done → doing (the start is kept, the finish and actual hours are cleared)."""
    with atomic_for_update():
        changed = Node.update(status=NODE_DOING, done_at=None, actual_hours=None).where(
            (Node.id == node.id) & (Node.status == NODE_DONE)).execute()
        if changed and node.started_at is None:
            Node.update(started_at=utcnow()).where(Node.id == node.id).execute()
        ids = _changed(node, by, "node_reopened", str(_l("Reopened: %(title)s", title=node.title))) if changed else []
    return bool(changed), ids


def delete_node(node: Node, by: User) -> None:
    with atomic_for_update():
        Node.delete().where(Node.id == node.id).execute()
        record(node.mainline_id, by, "node_deleted", str(_l("Node removed: %(title)s", title=node.title)))


def _hours(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}"
