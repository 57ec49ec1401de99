"""Mainline queries: the overview (作战图), one mainline's board with plan vs actual,
its timeline and members. Each loads a whole page in a fixed number of queries.

Every list starts from access.visible_mainlines or a mainline the view already
opened through access.mainline_or_404. Imports only models and access.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from peewee import JOIN, Case, fn

from office.mainlines.access import visible_mainlines
from office.models.mainlines import (
    NODE_DONE,
    STATUS_ACTIVE,
    Activity,
    JoinRequest,
    Mainline,
    Member,
    Node,
    NodeDependency,
    Phase,
)
from office.models.people import Department, User

OVERDUE_SHOWN = 3


@dataclass
class Figures:
    """Plan vs actual over some nodes: done nodes count their actual hours."""

    total: int = 0
    done: int = 0
    overdue: int = 0
    planned: float = 0  # every node
    planned_done: float = 0  # done nodes with a known actual
    actual: float = 0
    # Done nodes whose actual is unknown (never started, or a same-minute finish left blank):
    # left out of actual and over, so savings come only from real data; the board says how many.
    # (Counted by the board; the overview's summed figures do not show plan vs actual.)
    unknown: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def over(self) -> float:
        """Hours over plan on finished nodes (negative: under)."""
        return round(self.actual - self.planned_done, 1)

    def add(self, node: Node, today: dt.date) -> None:
        self.total += 1
        self.planned += node.planned_hours or 0
        if node.status == NODE_DONE:
            self.done += 1
            if node.actual_hours is not None:
                self.planned_done += node.planned_hours or 0
                self.actual += node.actual_hours
            else:
                self.unknown += 1
        elif node.due_date and node.due_date < today:
            self.overdue += 1


def is_overdue(node: Node, today: dt.date) -> bool:
    return node.status != NODE_DONE and node.due_date is not None and node.due_date < today


@dataclass
class OverviewRow:
    mainline: Mainline
    phase: str = ""  # the first phase with unfinished nodes
    figures: Figures = field(default_factory=Figures)
    overdue_nodes: list = field(default_factory=list)
    blockers: list = field(default_factory=list)  # (waiting node, late dependency)


def overview(user: User, today: dt.date, status: str = STATUS_ACTIVE) -> list[OverviewRow]:
    """Every mainline of ``status`` the user may see, with current phase, % done, overdue nodes,
    blockers (nodes waiting for an overdue dependency) and latest activity: five queries.

    Figures are summed by the database per mainline and phase: building a model object per
    node cost 120 ms at 50 mainlines of 40 nodes (bench/overview_ratio.py).
    """
    Owner = User.alias()
    mainlines = list(visible_mainlines(user, Mainline.select(Mainline, Owner.id, Owner.username, Owner.display_name)
                                       .join(Owner, on=(Mainline.owner == Owner.id), attr="owner"))
                     .where(Mainline.status == status)
                     .order_by(Mainline.event_date, Mainline.id))
    rows = {m.id: OverviewRow(m) for m in mainlines}
    if not rows:
        return []
    ids = list(rows)
    phases = {p.id: p for p in Phase.select(Phase.id, Phase.name, Phase.position).where(Phase.mainline.in_(ids))}
    first_open: dict[int, Phase] = {}
    done = Node.status == NODE_DONE
    late = (Node.status != NODE_DONE) & (Node.due_date < today)
    finished = done & Node.actual_hours.is_null(False)
    sums = (Node.select(Node.mainline, Node.phase, fn.COUNT(Node.id), _count(done), _count(late),
                        fn.SUM(Node.planned_hours), fn.SUM(Case(None, [(finished, Node.planned_hours)], 0)),
                        fn.SUM(Case(None, [(finished, Node.actual_hours)], 0)))
            .where(Node.mainline.in_(ids)).group_by(Node.mainline, Node.phase).tuples())
    for mainline_id, phase_id, total, n_done, n_late, planned, planned_done, actual in sums:
        figures = rows[mainline_id].figures
        figures.total += total
        figures.done += int(n_done or 0)
        figures.overdue += int(n_late or 0)
        figures.planned += float(planned or 0)
        figures.planned_done += float(planned_done or 0)
        figures.actual += float(actual or 0)
        phase = phases.get(phase_id)
        if total > (n_done or 0) and phase is not None:
            current = first_open.get(mainline_id)
            if current is None or phase.position < current.position:
                first_open[mainline_id] = phase
    for mainline_id, row in rows.items():
        if mainline_id in first_open:
            row.phase = first_open[mainline_id].name
    ranked = (Node.select(Node.id, fn.ROW_NUMBER().over(partition_by=[Node.mainline],
                                                        order_by=[Node.due_date, Node.id]).alias("rank"))
              .where(Node.mainline.in_(ids) & late))
    first_late = ranked.alias("first_late")
    for node in (Node.select(Node.id, Node.mainline, Node.title, Node.due_date)
                 .join(first_late, on=(Node.id == first_late.c.id))
                 .where(first_late.c.rank <= OVERDUE_SHOWN).order_by(Node.due_date, Node.id)):
        rows[node.mainline_id].overdue_nodes.append(node)
    Waiting, Late = Node.alias(), Node.alias()
    blocked = (NodeDependency.select(Waiting.mainline, Waiting.title, Late.title.alias("late_title"))
               .join(Waiting, on=(NodeDependency.node == Waiting.id))
               .join(Late, on=(NodeDependency.depends_on == Late.id), src=NodeDependency)
               .where(Waiting.mainline.in_(ids) & (Waiting.status != NODE_DONE) & (Late.status != NODE_DONE)
                      & (Late.due_date < today))
               .order_by(Late.due_date, Waiting.id).tuples())
    for mainline_id, waiting_title, late_title in blocked:
        rows[mainline_id].blockers.append((waiting_title, late_title))
    return list(rows.values())


def _count(condition):
    return fn.SUM(Case(None, [(condition, 1)], 0))


@dataclass
class PhaseColumn:
    phase: Phase
    nodes: list = field(default_factory=list)
    figures: Figures = field(default_factory=Figures)


@dataclass
class Board:
    mainline: Mainline
    columns: list[PhaseColumn]
    figures: Figures
    depends: dict  # node id -> [Node it waits for]
    today: dt.date


def board(mainline: Mainline, today: dt.date) -> Board:
    """Phases with their nodes (owner, department, dependencies) and plan vs actual: three queries."""
    columns = {p.id: PhaseColumn(p) for p in
               Phase.select().where(Phase.mainline == mainline.id).order_by(Phase.position, Phase.id)}
    Head = User.alias()
    nodes = list(Node.select(Node, User.id, User.username, User.display_name, Department.id, Department.name,
                             Department.head, Head.id, Head.display_name)
                 .join(User, JOIN.LEFT_OUTER, on=(Node.owner == User.id), attr="owner")
                 .switch(Node)
                 .join(Department, JOIN.LEFT_OUTER, on=(Node.department == Department.id), attr="department")
                 .join(Head, JOIN.LEFT_OUTER, on=(Department.head == Head.id), attr="head")
                 .where(Node.mainline == mainline.id)
                 .order_by(Node.position, Node.id))
    by_id = {n.id: n for n in nodes}
    depends: dict[int, list[Node]] = {}
    if by_id:
        for link in NodeDependency.select().where(NodeDependency.node.in_(list(by_id))):
            if link.depends_on_id in by_id:
                depends.setdefault(link.node_id, []).append(by_id[link.depends_on_id])
    total = Figures()
    for node in nodes:
        column = columns.get(node.phase_id)
        if column is None:
            continue
        column.nodes.append(node)
        column.figures.add(node, today)
        total.add(node, today)
    return Board(mainline, list(columns.values()), total, depends, today)


def waiting(node: Node, board: Board) -> list[Node]:
    """Dependencies of ``node`` on the board that are not done."""
    return [d for d in board.depends.get(node.id, []) if d.status != NODE_DONE]


def timeline(mainline: Mainline, before: int | None = None, limit: int = 30):
    query = (Activity.select(Activity, User.id, User.username, User.display_name)
             .join(User, JOIN.LEFT_OUTER, on=(Activity.actor == User.id), attr="actor")
             .where(Activity.mainline == mainline.id))
    if before:
        query = query.where(Activity.id < before)
    return query.order_by(Activity.id.desc()).limit(limit)


def members(mainline: Mainline):
    """Members with their names and departments, owners first."""
    role_order = Case(None, ((Member.role == "owner", 0), (Member.role == "member", 1)), 2)
    return (Member.select(Member, User.id, User.username, User.display_name, User.title, User.photo, Department.id,
                          Department.name)
            .join(User, attr="user")
            .join(Department, JOIN.LEFT_OUTER, on=(User.department == Department.id), attr="department")
            .where(Member.mainline == mainline.id)
            .order_by(role_order, User.display_name))


def pending_requests(mainline: Mainline):
    return (JoinRequest.select(JoinRequest, User.id, User.username, User.display_name)
            .join(User, on=(JoinRequest.user == User.id), attr="user")
            .where((JoinRequest.mainline == mainline.id) & JoinRequest.decided_at.is_null())
            .order_by(JoinRequest.created_at))
