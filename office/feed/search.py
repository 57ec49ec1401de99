"""Chinese substring search over posts and their comments, only within what the
searcher may see.

SQLite: the FTS5 trigram indexes kept by triggers (migration 0002) for three
characters or more; a trigram index cannot answer a shorter pattern (SQLite 3.40
returns nothing), so one or two characters ("退款") scan the text instead, newest
first, which stops as soon as a page is full. PostgreSQL: ILIKE, served by the
pg_trgm GIN indexes from three characters on. Imports only models and the feed's queries.
"""
from __future__ import annotations

from peewee import SQL, fn

from office.db import is_sqlite
from office.feed.queries import posts_with_authors
from office.feed.visibility import visible_posts
from office.models.feed import Comment, Post

MAX_QUERY = 100


def _pattern(q: str) -> str:
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def matches(q: str):
    """A WHERE condition on Post: its text, or one of its comments, contains ``q``."""
    pattern = _pattern(q)
    if not is_sqlite():
        return (Post.id.in_(Post.select(Post.id).where(SQL("body ILIKE %s ESCAPE '\\'", [pattern])))
                | Post.id.in_(Comment.select(Comment.post).where(SQL("body ILIKE %s ESCAPE '\\'", [pattern]))))
    if len(q) < 3 or any(ch in q for ch in "%_\\"):
        # A trigram index answers only plain patterns of three characters or more (and only
        # without ESCAPE). Otherwise: a condition on the row itself, so the newest-first
        # walk stops after a page of hits.
        return (fn.LIKE(pattern, Post.body, "\\")
                | Post.id.in_(Comment.select(Comment.post).where(fn.LIKE(pattern, Comment.body, "\\"))))
    pattern = f"%{q}%"
    return (Post.id.in_(SQL("(SELECT rowid FROM post_search WHERE post_search.body LIKE ?)", [pattern]))
            | Post.id.in_(SQL("(SELECT c.post_id FROM comments AS c WHERE c.id IN (SELECT rowid FROM "
                              "comment_search WHERE comment_search.body LIKE ?))", [pattern])))


def search(user, q: str, before: int | None = None, limit: int = 30):
    """Visible posts matching ``q`` in their text or comments, newest first."""
    q = (q or "").strip()[:MAX_QUERY]
    query = visible_posts(user, posts_with_authors()).where(matches(q))
    if before:
        query = query.where(Post.id < before)
    return query.order_by(Post.id.desc()).limit(limit)
