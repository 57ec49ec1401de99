"""Department tree rules: load, create, rename, move, set head, delete.

The tree is small (tens of nodes), so it is loaded whole in one query and
walked in Python. Raises DepartmentError with a user-facing message.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from peewee import JOIN, IntegrityError, fn

from office.audit.trail import record
from office.db import db
from office.models import audit
from office.models.people import ROLE_HEAD, ROLE_STAFF, Department, User
from office.rules import RuleError


class DepartmentError(RuleError):
    """A refused department change; shown next to ``field``."""


@dataclass
class Node:
    department: Department
    depth: int
    member_count: int


def all_departments() -> list[Department]:
    """Every department with its head's name joined in (one query)."""
    Head = User.alias()
    # Only the head's columns the pages show: building wide joined rows is what costs here.
    return list(
        Department.select(Department, Head.id, Head.username, Head.display_name)
        .join(Head, JOIN.LEFT_OUTER, on=(Department.head == Head.id), attr="head")
        .order_by(Department.position, Department.name)
    )


def walk(departments: list[Department]) -> list[tuple[Department, int]]:
    """Depth-first order with depths, children sorted as given."""
    children: dict[int | None, list[Department]] = {}
    for department in departments:
        children.setdefault(department.parent_id, []).append(department)
    ordered: list[tuple[Department, int]] = []

    def visit(parent_id, depth):
        for child in children.get(parent_id, []):
            ordered.append((child, depth))
            visit(child.id, depth + 1)

    visit(None, 0)
    return ordered


def load_tree(departments: list[Department] | None = None) -> list[Node]:
    """The whole tree with member counts (active users only): two queries, one if given the departments."""
    counts = dict(
        User.select(User.department, fn.COUNT(User.id))
        .where(User.is_active & User.department.is_null(False))
        .group_by(User.department)
        .tuples()
    )
    departments = departments if departments is not None else all_departments()
    return [Node(d, depth, counts.get(d.id, 0)) for d, depth in walk(departments)]


def descendant_ids(department_id: int, departments: list[Department] | None = None) -> set[int]:
    """The department and everything under it."""
    departments = departments if departments is not None else list(Department.select())
    children: dict[int | None, list[int]] = {}
    for d in departments:
        children.setdefault(d.parent_id, []).append(d.id)
    found, stack = set(), [department_id]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, []))
    return found


def choices(blank_label=None, departments: list[Department] | None = None) -> list[tuple[int, str]]:
    """(id, indented name) pairs for a select box; id 0 stands for "none"."""
    ordered = walk(departments if departments is not None else all_departments())
    options = [(d.id, "\u3000" * depth + d.name) for d, depth in ordered]
    return ([(0, blank_label)] if blank_label is not None else []) + options


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise DepartmentError(_l("A department needs a name."), "name")
    if len(name) > 60:
        raise DepartmentError(_l("Keep the name under 60 characters."), "name")
    return name


def create_department(name: str, parent: Department | None = None, by: User | None = None) -> Department:
    name = _check_name(name)
    try:
        with db.atomic():
            department = Department.create(name=name, parent=parent)
            record(audit.DEPARTMENT_CREATED, by, subject=name, target=department,
                   parent=parent.name if parent else None)
    except IntegrityError as error:
        raise DepartmentError(_l("%(parent)s already has a department named %(name)s.",
                                 parent=parent.name if parent else _l("The top level"), name=name), "name") from error
    return department


def update_department(
    department: Department,
    by: User | None = None,
    *,
    name: str | None = None,
    parent: Department | None | bool = False,
    head: User | None | bool = False,
    handles_orders: bool | None = None,
    sees_customer_data: bool | None = None,
) -> Department:
    """Rename, move (``parent``), set the head (``head``; False means "leave as is") and/or
    the order flags (None means "leave as is").

    Moving under itself or a descendant is refused. A staff member made head
    is promoted to the department-head role, audited as a role change.
    """
    with db.atomic():
        department = Department.get_by_id(department.id)
        changed = {}
        if name is not None and _check_name(name) != department.name:
            changed["name"] = [department.name, _check_name(name)]
            department.name = _check_name(name)
        if parent is not False and (parent.id if parent else None) != department.parent_id:
            if parent is not None and parent.id in descendant_ids(department.id):
                raise DepartmentError(_l("A department cannot move under itself or its own sub-department."), "parent")
            changed["parent"] = [department.parent.name if department.parent else None,
                                 parent.name if parent else None]
            department.parent = parent
        if head is not False and (head.id if head else None) != department.head_id:
            head = User.get_by_id(head.id) if head is not None else None  # current state, not the caller's copy
            if head is not None and not head.is_active:
                raise DepartmentError(_l("%(name)s is deactivated.", name=head.display_name), "head")
            old_head = User.get_or_none(User.id == department.head_id) if department.head_id else None
            changed["head"] = [old_head.display_name if old_head else None, head.display_name if head else None]
            department.head = head
            if head is not None and head.role == ROLE_STAFF:
                User.update(role=ROLE_HEAD).where(User.id == head.id).execute()
                record(audit.ROLE_CHANGED, by, subject=head.username, target=head,
                       old=ROLE_STAFF, new=ROLE_HEAD, reason=f"head of {department.name}")
        for flag, value in (("handles_orders", handles_orders), ("sees_customer_data", sees_customer_data)):
            if value is not None and bool(value) != getattr(department, flag):
                changed[flag] = [getattr(department, flag), bool(value)]
                setattr(department, flag, bool(value))
        if not changed:
            return department
        try:
            with db.atomic():
                department.save()
        except IntegrityError as error:
            raise DepartmentError(_l("That level already has a department named %(name)s.",
                                     name=department.name), "name") from error
        record(audit.DEPARTMENT_UPDATED, by, subject=department.name, target=department, changed=changed)
    return department


def delete_department(department: Department, by: User | None = None) -> None:
    """Delete an empty department: no sub-departments and no members, active or not."""
    with db.atomic():
        if Department.select().where(Department.parent == department.id).exists():
            raise DepartmentError(_l("Move or delete its sub-departments first."))
        if User.select().where(User.department == department.id).exists():
            raise DepartmentError(_l("Move its members to another department first."))
        record(audit.DEPARTMENT_DELETED, by, subject=department.name, target=department)
        Department.delete().where(Department.id == department.id).execute()
