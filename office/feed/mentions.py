"""@mentions: find who a text names, and turn the names into profile links.

A mention is ``@username`` or ``@显示名``; the longest matching name wins, so
"@陈嘉慧你好" finds 陈嘉慧. Display names shared by two people are ambiguous and
must be written as @username. Imports only models.
"""
from __future__ import annotations

import re

from flask import current_app

from office.models.people import User

_MENTION = re.compile(r"(?<![\w@.])@([\w.\-·]{1,40})")
# Markdown characters that would change a link's text.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]()<>#!|~])")


def _directory() -> dict[str, User]:
    people: dict[str, User] = {}
    ambiguous: set[str] = set()
    active = User.select(User.id, User.username, User.display_name, User.role, User.department).where(User.is_active)
    for user in active:
        people[user.username.lower()] = user
        name = user.display_name
        if name in people and people[name].id != user.id:
            ambiguous.add(name)
        people.setdefault(name, user)
    for name in ambiguous:
        people.pop(name, None)
    return people


def _match(token: str, people: dict[str, User]) -> tuple[str, User] | None:
    for end in range(len(token), 0, -1):
        user = people.get(token[:end]) or people.get(token[:end].lower())
        if user is not None:
            return token[:end], user
    return None


def resolve(text: str) -> tuple[str, list[User]]:
    """``text`` with each mention turned into a Markdown link, and the people mentioned."""
    if "@" not in (text or ""):
        return text or "", []
    people = _directory()
    found: dict[int, User] = {}
    adapter = current_app.url_map.bind("")

    def link(match: re.Match) -> str:
        hit = _match(match.group(1), people)
        if hit is None:
            return match.group(0)
        written, user = hit
        found[user.id] = user
        href = adapter.build("people.profile", {"username": user.username})
        label = _MD_SPECIAL.sub(r"\\\1", user.display_name)
        return f"[@{label}]({href})" + match.group(1)[len(written):]

    return _MENTION.sub(link, text), list(found.values())


def find_people(text: str) -> tuple[list[User], list[str]]:
    """People named in a free list ("@陈嘉慧 wanglei, 郑丽"), and the words that matched nobody."""
    people = _directory()
    users: dict[int, User] = {}
    unknown = []
    for word in re.split(r"[\s,，、;；]+", text or ""):
        word = word.lstrip("@").strip()
        if not word:
            continue
        user = people.get(word) or people.get(word.lower())
        if user is None:
            unknown.append(word)
        else:
            users[user.id] = user
    return list(users.values()), unknown


def suggestions(q: str, limit: int = 8):
    """Active people whose name, username, pinyin or pinyin initials start with ``q``."""
    q = (q or "").strip().lstrip("@").lower()
    query = User.select(User.id, User.username, User.display_name, User.title).where(User.is_active)
    if q:
        query = query.where(User.display_name.startswith(q) | User.username.startswith(q)
                            | User.pinyin.startswith(q) | User.initials.startswith(q)
                            | User.display_name.contains(q))
    return query.order_by(User.initials, User.display_name).limit(limit)
