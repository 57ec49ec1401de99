"""Who may read and who may edit canned replies: the one rule, used by the views, the queries and
工作台 alike.

Readers: everyone signed in reads the company's replies (no department) and those of their own
department and of the departments above it (售后组's staff read 客服部's). Editors: admins edit
every reply; a department's head (``Department.head``) edits, and so also reads, the replies of the
departments they head and of those under them. Imports models only.
"""
from __future__ import annotations

from dataclasses import dataclass

from peewee import Expression

from office.models.people import Department, User
from office.models.replies import CannedReply


@dataclass(frozen=True)
class Reach:
    """What one person may do with replies. ``None`` for a set means every department (admins)."""

    readable: frozenset[int] | None
    editable: frozenset[int] | None

    @property
    def is_admin(self) -> bool:
        return self.editable is None

    @property
    def can_create(self) -> bool:
        """Admins, and the head of at least one department."""
        return self.editable is None or bool(self.editable)

    def can_read(self, reply: CannedReply) -> bool:
        return (reply.department_id is None or self.readable is None or reply.department_id in self.readable) \
            and (reply.is_active or self.can_edit(reply))

    def can_edit(self, reply: CannedReply) -> bool:
        if self.editable is None:
            return True
        return reply.department_id is not None and reply.department_id in self.editable

    def may_file_under(self, department_id: int | None) -> bool:
        """May save a reply for ``department_id`` (None: the whole company, admins only)."""
        if self.editable is None:
            return True
        return department_id is not None and department_id in self.editable


def reach(user: User) -> Reach:
    """``user``'s reach: one query over the department tree (tens of rows), none for an admin."""
    if user.is_admin:
        return Reach(None, None)
    rows = list(Department.select(Department.id, Department.parent, Department.head).tuples())
    parent = {row[0]: row[1] for row in rows}
    children: dict[int, list[int]] = {}
    for department_id, parent_id, _head in rows:
        children.setdefault(parent_id, []).append(department_id)
    own: set[int] = set()
    current = user.department_id
    while current is not None and current not in own:  # guards a (corrupt) cycle
        own.add(current)
        current = parent.get(current)
    editable: set[int] = set()
    stack = [department_id for department_id, _parent, head in rows if head == user.id]
    while stack:
        current = stack.pop()
        if current not in editable:
            editable.add(current)
            stack.extend(children.get(current, ()))
    return Reach(frozenset(own | editable), frozenset(editable))


def readable_condition(who: Reach) -> Expression:
    """A WHERE condition on CannedReply: the replies ``who`` may see (inactive ones only where
    they may edit them, so they can switch them back on)."""
    if who.readable is None:
        return CannedReply.id.is_null(False)
    in_reach = CannedReply.department.is_null() | CannedReply.department.in_(sorted(who.readable))
    if not who.editable:
        return in_reach & CannedReply.is_active
    return in_reach & (CannedReply.is_active | CannedReply.department.in_(sorted(who.editable)))
