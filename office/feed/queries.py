"""Feed queries: one page of posts (keyset), and everything a post card shows,
loaded for the whole page in a fixed number of queries.

Every list goes through office.feed.visibility. Imports only models and rules.
"""
from __future__ import annotations

from peewee import JOIN, SQL, NodeList, fn

from office.departments.tree import all_departments, descendant_ids
from office.feed.visibility import visible_posts
from office.models.feed import Attachment, Comment, Post, PostLike, PostMention, PostRecipient
from office.models.people import Department, User
from office.workorders.sources import orders_for_posts

FILTERS = ("all", "mine", "mentions", "department")
COMMENTS_SHOWN = 3


def posts_with_authors():
    """Posts with author and the author's department joined (one row per post)."""
    return (Post.select(Post, User.id, User.username, User.display_name, User.title, User.photo, Department.id, Department.name)
            .join(User, on=(Post.author == User.id), attr="author")
            .join(Department, JOIN.LEFT_OUTER, on=(User.department == Department.id), attr="author_department"))


def feed(user: User, show: str = "all", department_id: int | None = None, before: int | None = None,
         limit: int = 30, ids=None, mainline_id: int | None = None):
    """The posts ``user`` may see, newest first, narrowed by a filter and a keyset cursor
    (and to one mainline's posts, for its page)."""
    query = visible_posts(user, posts_with_authors())
    if mainline_id:
        query = query.where(Post.mainline_id == mainline_id)
    if show == "mine":
        query = query.where(Post.author == user.id)
    elif show == "mentions":
        mentioned = PostMention.select(PostMention.post).where(PostMention.user == user.id)
        reminded = PostRecipient.select(PostRecipient.post).where(PostRecipient.user == user.id)
        query = query.where(Post.id.in_(mentioned) | Post.id.in_(reminded))
    elif show == "department" and department_id:
        department_ids = descendant_ids(department_id, all_departments())
        members = User.select(User.id).where(User.department.in_(department_ids))
        # Walk ids newest first and test the author, rather than gather every post of
        # the department through the author index and sort them (300 ms at 200,000 posts).
        query = query.where(NodeList((SQL("+"), Post.author), glue="").in_(members))
    if before:
        query = query.where(Post.id < before)
    if ids is not None:
        query = query.where(Post.id.in_(list(ids)))
    return query.order_by(Post.id.desc()).limit(limit)


class Card:
    """What one post card needs beyond the post row, for the viewer."""

    __slots__ = ("post", "liked", "attachments", "comments", "reminder", "confirmed", "reminded", "work_orders")

    def __init__(self, post):
        self.post = post
        self.liked = False
        self.attachments = []
        self.comments = []
        self.reminder = None  # the viewer's PostRecipient row, if they were asked to read
        self.confirmed = 0  # for the author: how many confirmed
        self.reminded = 0  # for the author: how many were asked
        self.work_orders = []  # task orders turned from it that the viewer may see ("已转任务单")


def cards(posts, viewer: User, all_comments: bool = False) -> list[Card]:
    """Decorate posts for ``viewer``: six queries whatever the number of posts (plus the
    department tree for work-order visibility, read once per request)."""
    result = [Card(p) for p in posts]
    if not result:
        return result
    by_id = {c.post.id: c for c in result}
    ids = list(by_id)
    for like in PostLike.select(PostLike.post).where((PostLike.user == viewer.id) & PostLike.post.in_(ids)):
        by_id[like.post_id].liked = True
    for attachment in Attachment.select().where(Attachment.post.in_(ids)).order_by(Attachment.id):
        by_id[attachment.post_id].attachments.append(attachment)
    for comment in _comments(ids, all_comments):
        by_id[comment.post_id].comments.append(comment)
    mine = [i for i, c in by_id.items() if c.post.author_id == viewer.id]
    for row in PostRecipient.select().where(PostRecipient.post.in_(ids)
                                            & ((PostRecipient.user == viewer.id) | PostRecipient.post.in_(mine))):
        card = by_id[row.post_id]
        if row.user_id == viewer.id:
            card.reminder = row
        if card.post.author_id == viewer.id:
            card.reminded += 1
            card.confirmed += row.confirmed_at is not None
    for post_id, orders in orders_for_posts(viewer, ids).items():
        by_id[post_id].work_orders = orders
    return result


def _comments(post_ids, all_comments: bool):
    """The last few comments of each post (all of them for one post's page), oldest first."""
    columns = (Comment.id, Comment.post, Comment.body_html, Comment.created_at,
               User.id, User.username, User.display_name, User.photo)
    if all_comments:
        query = (Comment.select(*columns).join(User, on=(Comment.author == User.id), attr="author")
                 .where(Comment.post.in_(post_ids)))
        return query.order_by(Comment.id)
    ranked = (Comment.select(Comment.id, fn.ROW_NUMBER().over(partition_by=[Comment.post],
                                                              order_by=[Comment.id.desc()]).alias("rank"))
              .where(Comment.post.in_(post_ids)))
    latest = ranked.alias("latest")
    return (Comment.select(*columns)
            .join(User, on=(Comment.author == User.id), attr="author")
            .switch(Comment)
            .join(latest, on=(Comment.id == latest.c.id))
            .where(latest.c.rank <= COMMENTS_SHOWN)
            .order_by(Comment.id))


def confirmations(post: Post):
    """Who was asked to read ``post`` and whether they confirmed (for its author)."""
    return (PostRecipient.select(PostRecipient, User.id, User.username, User.display_name, User.photo)
            .join(User, attr="user")
            .where(PostRecipient.post == post)
            .order_by(PostRecipient.confirmed_at.is_null(False), User.display_name))
