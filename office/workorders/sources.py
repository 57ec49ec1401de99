"""Task orders turned from a feed post or a mainline node ("转为任务单", issue 15 point 3): the
prefill of the new-order form, and the links both ways, each shown only to those who may see
the other side (the feed's visibility rule, mainline membership, work-order visibility).

Imports models, office.feed.visibility, office.mainlines.access and office.workorders.visibility.
"""
from __future__ import annotations

from flask_babel import gettext as _

from office.feed import visibility as feed_visibility
from office.mainlines import access as mainline_access
from office.models.feed import Post, PostDepartment
from office.models.mainlines import Mainline, Node
from office.models.people import User
from office.models.workorders import KIND_TASK, WorkOrder
from office.rules import NotFound
from office.workorders import visibility

TITLE_MAX = WorkOrder.title.max_length


def visible_post(user: User, post_id: int) -> Post:
    """The post if ``user`` may see it in the feed; NotFound otherwise (existence does not leak)."""
    return feed_visibility.post_or_404(user, post_id)


def visible_node(user: User, node_id: int) -> tuple[Mainline, Node]:
    """The node and its mainline if ``user`` may see the mainline; NotFound otherwise."""
    node = Node.get_or_none(Node.id == node_id)
    if node is None:
        raise NotFound(node_id)
    mainline = mainline_access.mainline_or_404(user, node.mainline_id)
    return mainline, node


def _title(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first[:TITLE_MAX]


def from_post(post: Post, link: str) -> dict:
    """The new-order form's data for a task order turned from ``post`` (``link``: the post's URL)."""
    quoted = "\n".join("> " + line for line in post.body.splitlines())
    departments = [row.department_id for row in PostDepartment.select(PostDepartment.department)
                   .where(PostDepartment.post == post.id)]
    return {"kind": KIND_TASK, "title": _title(post.body) or _("Task order"),
            "body": _("From a post: %(link)s", link=link) + "\n\n" + quoted, "departments": departments}


def from_node(mainline: Mainline, node: Node, link: str) -> dict:
    """The new-order form's data for a task order turned from a mainline node."""
    body = _("From the mainline node %(node)s (%(mainline)s): %(link)s", node=node.title, mainline=mainline.title,
             link=link)
    if node.note:
        body += "\n\n" + node.note
    return {"kind": KIND_TASK, "title": node.title[:TITLE_MAX], "body": body,
            "departments": [node.department_id] if node.department_id else []}


def _visible(user: User, query):
    clause = visibility.condition(user)
    return query if clause is None else query.where(clause)


def orders_for_posts(user: User, post_ids) -> dict[int, list[WorkOrder]]:
    """The work orders ``user`` may see that were turned from these posts, by post. One query for
    the page; only when some post of it was turned, a second with the visibility rule (which
    first reads the department tree, once per request): never one per card."""
    found: dict[int, list[WorkOrder]] = {}
    if not post_ids:
        return found
    query = WorkOrder.select(WorkOrder.id, WorkOrder.number, WorkOrder.source_post).where(
        WorkOrder.source_post.in_(list(post_ids))).order_by(WorkOrder.id)
    turned = list(query)
    if not turned or visibility.sees_everything(user):
        rows = turned
    else:
        rows = _visible(user, query.where(WorkOrder.id.in_([o.id for o in turned])))
    for order in rows:
        found.setdefault(order.source_post_id, []).append(order)
    return found


def orders_for_node(user: User, node_id: int) -> list[WorkOrder]:
    query = WorkOrder.select(WorkOrder.id, WorkOrder.number).where(WorkOrder.source_node == node_id)
    return list(_visible(user, query.order_by(WorkOrder.id)))


def source_of(user: User, order: WorkOrder) -> dict:
    """What the order's page links back to, only if ``user`` may see it: {"post": Post} or
    {"mainline": Mainline, "node": Node}, else {}."""
    if order.source_post_id and feed_visibility.can_see(user, order.source_post_id):
        return {"post": Post.get_by_id(order.source_post_id)}
    if order.source_node_id:
        try:
            mainline, node = visible_node(user, order.source_node_id)
        except NotFound:
            return {}
        return {"mainline": mainline, "node": node}
    return {}
