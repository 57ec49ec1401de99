"""Read queries for canned replies: the list page's search and the pick partial. They return
unevaluated queries and take the reader's reach (office/replies/access.py).

Search is a plain substring match (LIKE on SQLite, ILIKE on PostgreSQL: peewee's ``contains``,
wildcards escaped) over title, body and keywords, every word of the query required. Why not the
feed's trigram indexes (office/feed/search.py): a company keeps tens to a few hundred replies, all
read through one department filter, so scanning them costs well under a millisecond; trigram
indexes would add triggers and a migration per database, and cannot answer the one- and
two-character words agents type most (退款, 补发). Imports models and access.py only.
"""
from __future__ import annotations

from peewee import JOIN, Case

from office.models.people import Department
from office.models.replies import CannedReply
from office.replies.access import Reach, readable_condition

MAX_QUERY = 50
MAX_WORDS = 5
# The filter value for "the whole company's replies only" (a department id is a number).
COMPANY = "company"


def matches(q: str):
    """A WHERE condition: every word of ``q`` appears in the title, the body or the keywords."""
    condition = None
    for word in (q or "").strip()[:MAX_QUERY].split()[:MAX_WORDS]:
        one = CannedReply.title.contains(word) | CannedReply.body.contains(word) | CannedReply.tags.contains(word)
        condition = one if condition is None else condition & one
    return condition


def replies(who: Reach, q: str = "", kind: str | None = None, department: str = ""):
    """The replies ``who`` may see, with their department's name: active ones first, then the most
    used, then by title.

    Args:
        kind: a kind code, "" for the replies that fit any kind, None for every kind.
        department: "" for all, COMPANY for the company's own, or a department id (as text; one
            outside the reader's reach finds nothing, as the condition above still applies).
    """
    query = (CannedReply.select(CannedReply, Department.id, Department.name)
             .join(Department, JOIN.LEFT_OUTER, on=(CannedReply.department == Department.id), attr="department")
             .where(readable_condition(who)))
    condition = matches(q)
    if condition is not None:
        query = query.where(condition)
    if kind is not None:
        query = query.where(CannedReply.kind == kind)
    if department == COMPANY:
        query = query.where(CannedReply.department.is_null())
    elif department.isdigit():
        query = query.where(CannedReply.department == int(department))
    return query.order_by(CannedReply.is_active.desc(), CannedReply.use_count.desc(), CannedReply.title,
                          CannedReply.id)


def pick(who: Reach, kind: str = "", q: str = "", limit: int = 8):
    """The pick partial's list: active replies ``who`` may see for ``kind`` (and those for any
    kind), the kind's own first, then the most used. One query."""
    query = (CannedReply.select(CannedReply.id, CannedReply.title, CannedReply.body, CannedReply.kind,
                                CannedReply.use_count, CannedReply.department, CannedReply.is_active)
             .where(readable_condition(who) & CannedReply.is_active))
    condition = matches(q)
    if condition is not None:
        query = query.where(condition)
    if kind:
        query = query.where(CannedReply.kind.in_([kind, ""]))
        own_first = Case(None, [(CannedReply.kind == kind, 0)], 1)
        query = query.order_by(own_first, CannedReply.use_count.desc(), CannedReply.title, CannedReply.id)
    else:
        query = query.order_by(CannedReply.use_count.desc(), CannedReply.title, CannedReply.id)
    return query.limit(limit)
