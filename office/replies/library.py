"""Canned reply rules: the kinds' labels, placeholders, saving a reply, switching it off and on,
and counting a copy.

No request, no templates. Callers check who may do what with office/replies/access.py first (the
views do, and 404/403 accordingly); these functions check the reply itself. Raises ReplyError with
a user-facing message beside a form field. Imports models, office.db and office.rules.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from office.db import db
from office.models.base import utcnow
from office.models.people import User
from office.models.replies import CannedReply
from office.models.workorders import (
    KIND_COMPLAINT,
    KIND_EXCHANGE,
    KIND_INCIDENT,
    KIND_OTHER,
    KIND_REFUND,
    KIND_RESEND,
    KIND_RETURN,
    KIND_TASK,
)
from office.rules import RuleError

TITLE_MAX = 80
BODY_MAX = 2000
TAGS_MAX = 200
# "" is a reply that fits every kind (a greeting, a 双11 delay notice).
ANY_KIND = ""
KIND_LABELS = {
    ANY_KIND: _l("For any case"),
    KIND_TASK: _l("For task orders"),
    KIND_RETURN: _l("For returns"),
    KIND_EXCHANGE: _l("For exchanges"),
    KIND_REFUND: _l("For refunds"),
    KIND_RESEND: _l("For resends"),
    KIND_COMPLAINT: _l("For complaints"),
    KIND_INCIDENT: _l("For incidents"),
    KIND_OTHER: _l("For other cases"),
}
# {买家} {订单号} {快递单号}: a word in braces, filled in by the agent before sending.
PLACEHOLDER = re.compile(r"\{[^{}\s]{1,20}\}")


class ReplyError(RuleError):
    """A refused reply; shown next to ``field``."""


def split_placeholders(body: str) -> list[tuple[str, bool]]:
    """``body`` cut into (text, is_placeholder) pieces, for drawing the placeholders highlighted."""
    pieces, start = [], 0
    for match in PLACEHOLDER.finditer(body or ""):
        if match.start() > start:
            pieces.append((body[start:match.start()], False))
        pieces.append((match.group(0), True))
        start = match.end()
    if start < len(body or ""):
        pieces.append((body[start:], False))
    return pieces


def normalize_tags(tags: str) -> str:
    """Keywords one space apart, whatever separated them (，、, ; or spaces), each once."""
    words = re.split(r"[\s,，、;；]+", tags or "")
    seen: list[str] = []
    for word in words:
        if word and word not in seen:
            seen.append(word)
    return " ".join(seen)


def _clean(title: str, body: str, kind: str, tags: str) -> tuple[str, str, str, str]:
    title = " ".join((title or "").split())
    # Line breaks are kept (a reply is a few short paragraphs); trailing blanks are not.
    body = "\n".join(line.rstrip() for line in (body or "").replace("\r\n", "\n").strip().split("\n"))
    tags = normalize_tags(tags)
    if not title:
        raise ReplyError(_l("Give the reply a short title."), "title")
    if len(title) > TITLE_MAX:
        raise ReplyError(_l("Keep the title under %(n)d characters.", n=TITLE_MAX), "title")
    if not body:
        raise ReplyError(_l("Write the reply itself."), "body")
    if len(body) > BODY_MAX:
        raise ReplyError(_l("Keep the reply under %(n)d characters.", n=BODY_MAX), "body")
    # A lone brace is a placeholder typed half: {买家 would reach the buyer as it stands.
    leftover = PLACEHOLDER.sub("", body)
    if "{" in leftover or "}" in leftover:
        raise ReplyError(_l("A placeholder needs a word in braces on both sides, such as {买家}; "
                            "check the braces."), "body")
    if kind not in KIND_LABELS:
        raise ReplyError(_l("Choose one of the kinds listed."), "kind")
    if len(tags) > TAGS_MAX:
        raise ReplyError(_l("Keep the keywords under %(n)d characters.", n=TAGS_MAX), "tags")
    return title, body, kind, tags


def _check_unique_title(title: str, department_id: int | None, reply_id: int | None = None) -> None:
    same = CannedReply.select(CannedReply.id).where(
        (CannedReply.title == title)
        & (CannedReply.department.is_null() if department_id is None else (CannedReply.department == department_id)))
    if reply_id is not None:
        same = same.where(CannedReply.id != reply_id)
    if same.exists():
        raise ReplyError(_l("This department already has a reply with this title."), "title")


def create_reply(by: User, title: str, body: str, kind: str = ANY_KIND, department_id: int | None = None,
                 tags: str = "") -> CannedReply:
    """Save a new reply for ``department_id`` (None: the whole company).

    The caller has checked ``by`` may file under that department (access.Reach.may_file_under).
    Raises ReplyError (``title``, ``body``, ``kind``, ``tags``).
    """
    title, body, kind, tags = _clean(title, body, kind, tags)
    with db.atomic():
        _check_unique_title(title, department_id)
        now = utcnow()
        return CannedReply.create(title=title, body=body, kind=kind, department=department_id, tags=tags,
                                  created_by=by.id, created_at=now, updated_at=now)


def update_reply(reply: CannedReply, by: User, title: str, body: str, kind: str = ANY_KIND,
                 department_id: int | None = None, tags: str = "") -> CannedReply:
    """Change a reply's wording, kind, department or keywords (its use count stays).

    The caller has checked ``by`` may edit it and may file under ``department_id``.
    Raises ReplyError as create_reply.
    """
    title, body, kind, tags = _clean(title, body, kind, tags)
    with db.atomic():
        _check_unique_title(title, department_id, reply.id)
        now = utcnow()
        (CannedReply.update(title=title, body=body, kind=kind, department=department_id, tags=tags,
                            updated_by=by.id, updated_at=now)
         .where(CannedReply.id == reply.id).execute())
    reply.title, reply.body, reply.kind, reply.tags = title, body, kind, tags
    reply.department, reply.updated_by, reply.updated_at = department_id, by.id, now
    return reply


def set_active(reply: CannedReply, by: User, active: bool) -> CannedReply:
    """Switch a reply off (hidden from readers and the pick list, kept for its editors) or back on."""
    now = utcnow()
    CannedReply.update(is_active=active, updated_by=by.id, updated_at=now).where(CannedReply.id == reply.id).execute()
    reply.is_active, reply.updated_at = active, now
    return reply


def record_use(reply_id: int) -> int:
    """Count one copy of a reply; return its new count (0 when there is no such active reply).

    One UPDATE adding 1 in the database, never a read-then-write in Python, so copies made at the
    same moment by twenty agents are all counted (SQLite serialises the writers; PostgreSQL's row
    lock makes the second add to the first's result).
    """
    with db.atomic():
        changed = (CannedReply.update(use_count=CannedReply.use_count + 1)
                   .where((CannedReply.id == reply_id) & CannedReply.is_active).execute())
        if not changed:
            return 0
        return CannedReply.select(CannedReply.use_count).where(CannedReply.id == reply_id).scalar()
