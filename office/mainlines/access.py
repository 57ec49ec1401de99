"""Who may see and change a mainline: the one rule every mainline page, partial,
live update, export and mainline post goes through.

Only members and directors see a mainline or anything in it; everyone else gets
404, so its existence does not leak. Owners (and directors) manage it; members
move the nodes they own; viewers only read. Admins, directors and department
heads start mainlines. Imports only models.
"""
from __future__ import annotations

from office import request_cache
from office.rules import Forbidden, NotFound
from peewee import Expression

from office.models.feed import Post
from office.models.mainlines import ROLE_MEMBER, ROLE_OWNER, Mainline, Member, Node
from office.models.people import ROLE_ADMIN, ROLE_DIRECTOR, ROLE_HEAD, User

# Who may start a mainline: those who plan cross-department work.
CREATOR_ROLES = (ROLE_ADMIN, ROLE_DIRECTOR, ROLE_HEAD)


def can_create(user: User) -> bool:
    """Start a mainline (blank or from a plan template)."""
    return user.role in CREATOR_ROLES


def sees_all(user: User) -> bool:
    """Directors oversee every mainline without joining it."""
    return user.role == ROLE_DIRECTOR


def member_ids(user: User):
    """A subquery: ids of the mainlines ``user`` is a member of."""
    return Member.select(Member.mainline).where(Member.user == user.id)


def visible_mainlines(user: User, query=None):
    """``query`` (default: all mainlines) narrowed to those ``user`` may see."""
    query = Mainline.select() if query is None else query
    if sees_all(user):
        return query
    return query.where(Mainline.id.in_(member_ids(user)))


def posts_rule(user: User) -> Expression:
    """The feed's condition for posts scoped to a mainline (registered in office/mainlines/blueprint.py)."""
    if sees_all(user):
        return Post.mainline_id.is_null(False)
    return Post.mainline_id.in_(member_ids(user))


def mainline_or_404(user: User, mainline_id: int) -> Mainline:
    mainline = visible_mainlines(user).where(Mainline.id == mainline_id).first()
    if mainline is None:
        raise NotFound(mainline_id)
    return mainline


def managed_or_404(user: User, mainline_id: int) -> Mainline:
    """The mainline for a managers' action: 404 for outsiders (first, so nothing leaks), then
    403 for members who do not manage it."""
    mainline = mainline_or_404(user, mainline_id)
    if not can_manage(user, mainline):
        raise Forbidden(mainline_id)
    return mainline


# Member rows by (user id, mainline id), read once per request; forget() after changing members.
MEMBERS = request_cache.entry("mainlines.members")


def membership(user: User, mainline: Mainline) -> Member | None:
    """The user's member row (cached for the request)."""
    cache = MEMBERS.get(dict)
    key = (user.id, mainline.id)
    if key not in cache:
        cache[key] = Member.get_or_none((Member.mainline == mainline.id) & (Member.user == user.id))
    return cache[key]


def role_in(user: User, mainline: Mainline) -> str | None:
    row = membership(user, mainline)
    return row.role if row else None


def can_manage(user: User, mainline: Mainline) -> bool:
    """Edit the plan, phases, nodes and members: the owner, or a director."""
    return sees_all(user) or role_in(user, mainline) == ROLE_OWNER


def can_post(user: User, mainline: Mainline) -> bool:
    """Write progress posts: owners and members (viewers read), and directors."""
    return sees_all(user) or role_in(user, mainline) in (ROLE_OWNER, ROLE_MEMBER)


def department_head_of(node: Node) -> int | None:
    if not node.department_id:
        return None
    # The department queries.board joined in, so a board's per-card checks cost no query;
    # a node loaded alone reads it once.
    department = node.department
    return department.head_id if department else None


def can_move(user: User, mainline: Mainline, node: Node) -> bool:
    """Start, finish or reopen a node: its owner, the head of its department, or a manager."""
    if can_manage(user, mainline):
        return True
    if role_in(user, mainline) not in (ROLE_OWNER, ROLE_MEMBER):
        return False
    return node.owner_id == user.id or department_head_of(node) == user.id


def can_assign(user: User, mainline: Mainline, node: Node) -> bool:
    """Give a department's node to a person: the head of that department, or a manager."""
    return can_manage(user, mainline) or (
        role_in(user, mainline) in (ROLE_OWNER, ROLE_MEMBER) and department_head_of(node) == user.id)


def node_or_404(user: User, mainline: Mainline, node_id: int) -> Node:
    node = Node.get_or_none((Node.id == node_id) & (Node.mainline == mainline.id))
    if node is None:
        raise NotFound(node_id)
    return node
