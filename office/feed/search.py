"""Chinese substring search over posts and their comments, only within what the
searcher may see.

SQLite: the FTS5 trigram indexes kept by triggers (migration 0002); LIKE on
them uses the index from three characters on and scans below that. PostgreSQL:
ILIKE served by pg_trgm GIN indexes. Imports only models and the feed's queries.
"""
from __future__ import annotations

from peewee import SQL

from office.db import is_sqlite
from office.feed.queries import posts_with_authors
from office.feed.visibility import visible_posts
from office.models.feed import Comment, Post

MAX_QUERY = 100


def _pattern(q: str) -> str:
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def matching_post_ids(q: str):
    """A subquery of ids of posts whose text, or one of whose comments, contains ``q``."""
    pattern = _pattern(q)
    if is_sqlite():
        in_posts = SQL("(SELECT rowid FROM post_search WHERE post_search.body LIKE ? ESCAPE '\\')", [pattern])
        in_comments = SQL("(SELECT c.post_id FROM comments AS c WHERE c.id IN "
                          "(SELECT rowid FROM comment_search WHERE comment_search.body LIKE ? ESCAPE '\\'))", [pattern])
        return in_posts, in_comments
    in_posts = Post.select(Post.id).where(SQL("body ILIKE %s ESCAPE '\\'", [pattern]))
    in_comments = Comment.select(Comment.post).where(SQL("body ILIKE %s ESCAPE '\\'", [pattern]))
    return in_posts, in_comments


def search(user, q: str, before: int | None = None, limit: int = 30):
    """Visible posts matching ``q`` in their text or comments, newest first."""
    q = (q or "").strip()[:MAX_QUERY]
    in_posts, in_comments = matching_post_ids(q)
    query = visible_posts(user, posts_with_authors()).where(Post.id.in_(in_posts) | Post.id.in_(in_comments))
    if before:
        query = query.where(Post.id < before)
    return query.order_by(Post.id.desc()).limit(limit)
