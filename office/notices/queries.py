"""Read queries for notices: lists, one notice, pinned notices, confirmation statistics.

List queries return unevaluated queries so views can page them; each notice row carries
its author (``notice.author``) and the reader's own confirmation (``notice.mine.confirmed_at``,
None when not confirmed), so a list is one query. Imports models and the publishing rules.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from peewee import JOIN

from office.departments.tree import descendant_ids, walk
from office.feed.visibility import department_chain
from office.models.base import utcnow
from office.models.notices import Notice, NoticeConfirmation, NoticeDepartment
from office.models.people import Department, User
from office.notices.publishing import covered_departments, visible_to


def _addressed(user: User):
    """A column: true when the notice was sent to ``user``'s department chain (or to everyone)."""
    chain = department_chain(user)
    everyone = Notice.to_everyone == True  # noqa: E712 (an SQL expression, selected as a column)
    if not chain:
        return everyone
    return everyone | Notice.id.in_(
        NoticeDepartment.select(NoticeDepartment.notice).where(NoticeDepartment.department.in_(chain)))


def _notices_for(user: User):
    """Notices ``user`` may read, with the author and the user's own confirmation joined.

    ``notice.addressed`` tells whether it was sent to the user's departments (admins and
    directors read notices that were not); ``notice.mine.confirmed_at`` is their confirmation.
    """
    Author = User.alias()
    Mine = NoticeConfirmation.alias()
    return (
        Notice.select(Notice, Author.id, Author.username, Author.display_name, Mine.confirmed_at,
                      _addressed(user).alias("addressed"))
        .join(Author, on=(Notice.author == Author.id), attr="author")
        .switch(Notice)
        .join(Mine, JOIN.LEFT_OUTER, on=((Mine.notice == Notice.id) & (Mine.user == user.id)), attr="mine")
        .where(visible_to(user))
    )


def _unexpired(now: dt.datetime):
    return Notice.expires_at.is_null() | (Notice.expires_at > now)


def notice_list(user: User, include_expired: bool = False, now: dt.datetime | None = None):
    """Visible notices, pinned first, then newest; expired ones only with ``include_expired``."""
    query = _notices_for(user)
    if not include_expired:
        query = query.where(_unexpired(now or utcnow()))
    return query.order_by(Notice.is_pinned.desc(), Notice.created_at.desc(), Notice.id.desc())


def pinned_notices(user: User, limit: int = 3, now: dt.datetime | None = None):
    """Unexpired pinned notices ``user`` may read, newest first (for the home page)."""
    return (_notices_for(user).where(Notice.is_pinned & _unexpired(now or utcnow()))
            .order_by(Notice.created_at.desc(), Notice.id.desc()).limit(limit))


def visible_notice(user: User, notice_id: int) -> Notice | None:
    """One notice if ``user`` may read it (expired ones included), else None."""
    return _notices_for(user).where(Notice.id == notice_id).first()


def notice_departments(notice_id: int) -> list[Department]:
    """The notice's audience departments (id, name), by name; empty for a notice to everyone."""
    return list(
        Department.select(Department.id, Department.name)
        .join(NoticeDepartment, on=(NoticeDepartment.department == Department.id))
        .where(NoticeDepartment.notice == notice_id)
        .order_by(Department.position, Department.name)
    )


@dataclass
class DepartmentStats:
    """Confirmation figures for one row of the statistics table."""

    department: Department | None  # None: people without a department (notices to everyone)
    members: int = 0
    confirmed: int = 0
    pending: list[User] = field(default_factory=list)  # who has not confirmed, by name


@dataclass
class Statistics:
    rows: list[DepartmentStats]
    members: int  # distinct recipients: a person in two audience rows counts once
    confirmed: int


def confirmation_stats(notice: Notice, audience: list[Department]) -> Statistics:
    """Per department: members, how many confirmed, who has not; three queries whatever the size.

    A notice to departments gets one row per audience department, counting its
    sub-departments' members too. A notice to everyone gets one row per department
    with members (its own members only, so rows add up), plus one for people in no
    department. Recipients are today's active members, the author excluded.
    """
    departments = list(Department.select(Department.id, Department.name, Department.parent, Department.position)
                       .order_by(Department.position, Department.name))
    people = (User.select(User.id, User.username, User.display_name, User.photo, User.department)
              .where(User.is_active & (User.id != notice.author_id)))
    if not notice.to_everyone:
        people = people.where(User.department.in_(list(covered_departments([d.id for d in audience], departments))))
    people = list(people.order_by(User.display_name, User.id))
    confirmed = {user_id for (user_id,) in NoticeConfirmation.select(NoticeConfirmation.user)
                 .where(NoticeConfirmation.notice == notice.id).tuples()}

    by_department: dict[int | None, list[User]] = {}
    for person in people:
        by_department.setdefault(person.department_id, []).append(person)

    def row(department: Department | None, members: list[User]) -> DepartmentStats:
        return DepartmentStats(department, len(members), sum(1 for p in members if p.id in confirmed),
                               [p for p in members if p.id not in confirmed])

    rows = []
    if notice.to_everyone:
        for department, _depth in walk(departments):
            if by_department.get(department.id):
                rows.append(row(department, by_department[department.id]))
        if by_department.get(None):
            rows.append(row(None, by_department[None]))
    else:
        for department in audience:
            subtree = descendant_ids(department.id, departments)
            rows.append(row(department, [p for p in people if p.department_id in subtree]))
    return Statistics(rows, len(people), sum(1 for p in people if p.id in confirmed))
