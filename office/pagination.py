"""Page-number pagination for admin-style lists (the feed uses keyset paging instead)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import request


@dataclass
class Page:
    items: list
    number: int
    has_prev: bool
    has_next: bool


def paginate(query, per_page: int, number: int | None = None) -> Page:
    """Fetch one page plus one row to learn whether another page exists; never COUNT(*)."""
    if number is None:
        number = request.args.get("page", 1, type=int)
    number = max(1, number)
    rows = list(query.offset((number - 1) * per_page).limit(per_page + 1))
    return Page(items=rows[:per_page], number=number, has_prev=number > 1, has_next=len(rows) > per_page)
