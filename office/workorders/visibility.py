"""Who may see a work order: its requester, its assignee, its watchers, the members of its
queue department and of the departments it names (a member of a sub-department is a member of
the departments above it), the heads of those departments and of every department above them,
and directors and administrators. Everyone else gets 404 (office.rules.NotFound).

``can_see`` checks one order; ``condition`` is the same rule as a WHERE clause for lists.
``managed_departments`` is where a person acts as head (assign, transfer, see all).
Imports models and office.request_cache.
"""
from __future__ import annotations

from peewee import Expression

from office import request_cache
from office.models.people import ROLE_ADMIN, ROLE_DIRECTOR, Department, User
from office.models.workorders import WorkOrder, WorkOrderDepartment, WorkOrderWatcher


def sees_everything(user: User) -> bool:
    return user.role in (ROLE_ADMIN, ROLE_DIRECTOR)


# The department tree (ids, parents, heads), read once per request: a list page asks several times.
_TREE = request_cache.entry("workorders.department_tree")


def _tree() -> dict[int, Department]:
    return _TREE.get(lambda: {d.id: d for d in Department.select(Department.id, Department.parent, Department.head)})


def member_departments(user: User, tree: dict[int, Department] | None = None) -> set[int]:
    """The user's department and every department above it."""
    tree = tree if tree is not None else _tree()
    found: set[int] = set()
    current = user.department_id
    while current and current not in found and current in tree:
        found.add(current)
        current = tree[current].parent_id
    return found


def managed_departments(user: User, tree: dict[int, Department] | None = None) -> set[int]:
    """The departments the user heads and every department below them."""
    tree = tree if tree is not None else _tree()
    children: dict[int | None, list[int]] = {}
    for department in tree.values():
        children.setdefault(department.parent_id, []).append(department.id)
    found: set[int] = set()
    stack = [d.id for d in tree.values() if d.head_id == user.id]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, []))
    return found


def departments_of(user: User) -> set[int]:
    """Departments whose orders the user sees: as a member or as a head."""
    tree = _tree()
    return member_departments(user, tree) | managed_departments(user, tree)


def condition(user: User) -> Expression | None:
    """The WHERE clause of the orders ``user`` may see (None: all of them)."""
    if sees_everything(user):
        return None
    clause = ((WorkOrder.requester == user.id) | (WorkOrder.assignee == user.id)
              | WorkOrder.id.in_(WorkOrderWatcher.select(WorkOrderWatcher.work_order)
                                 .where(WorkOrderWatcher.user == user.id)))
    departments = departments_of(user)
    if departments:
        clause |= WorkOrder.queue.in_(list(departments)) | WorkOrder.id.in_(
            WorkOrderDepartment.select(WorkOrderDepartment.work_order)
            .where(WorkOrderDepartment.department.in_(list(departments))))
    return clause


def can_see(user: User, order: WorkOrder) -> bool:
    if sees_everything(user) or user.id in (order.requester_id, order.assignee_id):
        return True
    if WorkOrderWatcher.select().where((WorkOrderWatcher.work_order == order.id)
                                       & (WorkOrderWatcher.user == user.id)).exists():
        return True
    departments = departments_of(user)
    if not departments:
        return False
    if order.queue_id in departments:
        return True
    return WorkOrderDepartment.select().where((WorkOrderDepartment.work_order == order.id)
                                              & WorkOrderDepartment.department.in_(list(departments))).exists()


def manages(user: User, order: WorkOrder) -> bool:
    """Directors, administrators, and heads over the order's queue or its assignee's department:
    they may assign, reassign, transfer, pause and close any order they see."""
    if sees_everything(user):
        return True
    managed = managed_departments(user)
    if not managed:
        return False
    if order.queue_id in managed:
        return True
    if order.assignee_id:
        assignee = User.get_or_none(User.id == order.assignee_id)
        return bool(assignee and assignee.department_id in managed)
    return False


def in_queue(user: User, order: WorkOrder) -> bool:
    """May ``user`` claim from the order's queue: a member of the queue department or below it."""
    return bool(order.queue_id) and order.queue_id in member_departments(user)
