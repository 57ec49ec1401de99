"""Who may see a post: the one rule every feed list, post page, partial, search and
attachment goes through.

Scopes: everyone; chosen departments (their sub-departments included; admins and
directors see all of them); a mainline, whose rule the mainlines module plugs in
with ``register_scope`` so the feed's views never change. The author and the
people asked to read (提醒) always see the post, except in a mainline, which only
its members see.
Imports only models and office.db.
"""
from __future__ import annotations

import operator
from functools import reduce
from typing import Callable

from office import request_cache
from office.rules import NotFound
from peewee import Expression

from office.models.feed import SCOPE_DEPARTMENTS, SCOPE_EVERYONE, SCOPE_MAINLINE, Post, PostDepartment, PostRecipient
from office.models.people import ROLE_ADMIN, ROLE_DIRECTOR, Department, User

# scope name -> function(user) returning the extra condition for posts of that scope.
_scope_rules: dict[str, Callable[[User], Expression]] = {}


def register_scope(scope: str, rule: Callable[[User], Expression]) -> None:
    """Let another module decide who sees posts of ``scope`` (e.g. mainline members)."""
    _scope_rules[scope] = rule


# Every department's parent, read once per request (each card's visibility check asks).
_PARENTS = request_cache.entry("feed.department_parents")


def department_chain(user: User) -> list[int]:
    """The user's department and every department above it (cached for the request)."""
    if not user.department_id:
        return []
    cache = _PARENTS.get(lambda: {d.id: d.parent_id for d in Department.select(Department.id, Department.parent)})
    chain, current = [], user.department_id
    while current is not None and current not in chain:
        chain.append(current)
        current = cache.get(current)
    return chain


def visible_to(user: User) -> Expression:
    """A WHERE condition on Post: true for the posts ``user`` may see."""
    personal = (Post.author == user.id) | Post.id.in_(
        PostRecipient.select(PostRecipient.post).where(PostRecipient.user == user.id))
    conditions = [
        Post.scope == SCOPE_EVERYONE,
        # A mainline's posts are for its members only: someone who left loses their own posts too.
        (Post.scope != SCOPE_MAINLINE) & personal,
    ]
    if user.role in (ROLE_ADMIN, ROLE_DIRECTOR):
        conditions.append(Post.scope == SCOPE_DEPARTMENTS)
    else:
        chain = department_chain(user)
        if chain:
            conditions.append((Post.scope == SCOPE_DEPARTMENTS) & Post.id.in_(
                PostDepartment.select(PostDepartment.post).where(PostDepartment.department.in_(chain))))
    for scope, rule in _scope_rules.items():
        conditions.append((Post.scope == scope) & rule(user))
    return reduce(operator.or_, conditions)


def visible_posts(user: User, query=None):
    """``query`` (default: all posts) narrowed to what ``user`` may see."""
    query = Post.select() if query is None else query
    return query.where(visible_to(user))


def can_see(user: User, post_id: int) -> bool:
    return visible_posts(user, Post.select(Post.id)).where(Post.id == post_id).exists()


def post_or_404(user: User, post_id: int, query=None) -> Post:
    """The post if ``user`` may see it; 404 otherwise, so existence does not leak."""
    post = visible_posts(user, query).where(Post.id == post_id).first()
    if post is None:
        raise NotFound(post_id)
    return post


def viewers(post_id: int, users) -> list[User]:
    """Those of ``users`` who may see the post (for mentions: nobody is told of a post they cannot open)."""
    return [user for user in users if can_see(user, post_id)]
