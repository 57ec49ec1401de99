"""Rules for who is in a mainline: invitations, join requests by link, roles, leaving,
and each member's follow level.

Joining is by invitation (the owner adds people, who are told) or by request:
someone with the join link asks, and the owner accepts or declines. A mainline
always keeps an owner. Imports models, office.inbox.notify and the mainline rules.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from office.db import atomic_for_update, locked
from office.inbox.notify import notify
from office.mainlines.plans import record
from office.models.base import utcnow
from office.models.inbox import KIND_MAINLINE_JOIN, KIND_MAINLINE_REQUEST
from office.models.mainlines import (
    FOLLOW_LEVELS,
    MEMBER_ROLES,
    ROLE_MEMBER,
    ROLE_OWNER,
    JoinRequest,
    Mainline,
    Member,
)
from office.models.people import User
from office.rules import RuleError


class MemberError(RuleError):
    default_field = "people"


def invite(mainline: Mainline, by: User, people: list[User], role: str = ROLE_MEMBER) -> list[int]:
    """Add people at once (no acceptance step); each is told. Returns notification ids."""
    if role not in MEMBER_ROLES or role == ROLE_OWNER:
        raise MemberError(_l("Choose member or viewer."), "role")
    # Re-read: callers may pass partly loaded users (the @mention directory).
    people = list(User.select().where(User.id.in_([p.id for p in people]) & User.is_active)) if people else []
    if not people:
        raise MemberError(_l("Name at least one colleague."))
    with atomic_for_update():
        present = {m.user_id for m in Member.select(Member.user).where(
            (Member.mainline == mainline.id) & Member.user.in_([p.id for p in people]))}
        new = [p for p in people if p.id not in present]
        if not new:
            raise MemberError(_l("They are already members."))
        Member.insert_many([{"mainline": mainline.id, "user": p.id, "role": role} for p in new]).execute()
        # An open request of someone invited is settled by the invitation.
        JoinRequest.update(decided_at=utcnow(), decided_by=by.id, accepted=1).where(
            (JoinRequest.mainline == mainline.id) & JoinRequest.user.in_([p.id for p in new])
            & JoinRequest.decided_at.is_null()).execute()
        names = "、".join(p.display_name for p in new)
        record(mainline, by, "joined", str(_l("%(names)s joined", names=names)))
        return notify([p.id for p in new], KIND_MAINLINE_JOIN, "mainline", mainline.id, by.id, mainline.title)


def request_to_join(mainline: Mainline, user: User, message: str = "") -> tuple[JoinRequest, list[int]]:
    """Ask to join (through the join link); the owner is told. Asking again reopens a declined request."""
    message = " ".join((message or "").split())[:200]
    with atomic_for_update():
        if Member.select().where((Member.mainline == mainline.id) & (Member.user == user.id)).exists():
            raise MemberError(_l("You are already a member."), "message")
        existing = JoinRequest.get_or_none((JoinRequest.mainline == mainline.id) & (JoinRequest.user == user.id))
        if existing is None:
            request = JoinRequest.create(mainline=mainline, user=user, message=message)
        else:
            JoinRequest.update(message=message, created_at=utcnow(), decided_at=None, decided_by=None,
                               accepted=None).where(JoinRequest.id == existing.id).execute()
            request = JoinRequest.get_by_id(existing.id)
        owners = [m.user_id for m in Member.select(Member.user).where(
            (Member.mainline == mainline.id) & (Member.role == ROLE_OWNER))]
        text = str(_l("%(name)s asks to join %(title)s", name=user.display_name, title=mainline.title))
        ids = notify(owners, KIND_MAINLINE_REQUEST, "mainline", mainline.id, user.id, text)
    return request, ids


def decide(request: JoinRequest, by: User, accept: bool) -> tuple[bool, list[int]]:
    """Accept (the person becomes a member) or decline; a request is decided once."""
    with atomic_for_update():
        changed = JoinRequest.update(decided_at=utcnow(), decided_by=by.id, accepted=int(accept)).where(
            (JoinRequest.id == request.id) & JoinRequest.decided_at.is_null()).execute()
        if not changed:
            return False, []
        mainline = Mainline.get_by_id(request.mainline_id)
        user = User.get_by_id(request.user_id)
        if accept:
            Member.insert(mainline=mainline.id, user=user.id, role=ROLE_MEMBER).on_conflict_ignore().execute()
            record(mainline, by, "joined", str(_l("%(names)s joined", names=user.display_name)))
            text = str(_l("Your request to join %(title)s was accepted", title=mainline.title))
        else:
            text = str(_l("Your request to join %(title)s was declined", title=mainline.title))
        # A declined person can no longer open the mainline, so the row points at the inbox.
        target_type = "mainline" if accept else "inbox"
        ids = notify([user.id], KIND_MAINLINE_JOIN, target_type, mainline.id, by.id, text)
    return True, ids


def _owners_left(mainline_id: int, without: int) -> int:
    return locked(Member.select().where((Member.mainline == mainline_id) & (Member.role == ROLE_OWNER)
                                        & (Member.id != without))).count()


def change_role(member: Member, by: User, role: str) -> Member:
    """Make someone owner, member or viewer; the last owner cannot step down."""
    if role not in MEMBER_ROLES:
        raise MemberError(_l("Unknown role."), "role")
    with atomic_for_update():
        if member.role == ROLE_OWNER and role != ROLE_OWNER and not _owners_left(member.mainline_id, member.id):
            raise MemberError(_l("A mainline needs an owner: make someone else owner first."), "role")
        Member.update(role=role).where(Member.id == member.id).execute()
        if role == ROLE_OWNER:
            Mainline.update(owner=member.user_id).where(Mainline.id == member.mainline_id).execute()
        elif member.role == ROLE_OWNER:
            other = Member.select(Member.user).where((Member.mainline == member.mainline_id)
                                                     & (Member.role == ROLE_OWNER)).first()
            Mainline.update(owner=other.user_id).where(Mainline.id == member.mainline_id).execute()
        user = User.get_by_id(member.user_id)
        record(member.mainline_id, by, "role", str(_l("%(name)s is now %(role)s", name=user.display_name,
                                                      role=role_label(role))))
    return Member.get_by_id(member.id)


def remove(member: Member, by: User) -> None:
    """Remove a member (or leave); the last owner stays. They lose sight of everything in it."""
    with atomic_for_update():
        if member.role == ROLE_OWNER and not _owners_left(member.mainline_id, member.id):
            raise MemberError(_l("A mainline needs an owner: make someone else owner first."), "role")
        Member.delete().where(Member.id == member.id).execute()
        if member.role == ROLE_OWNER:
            other = Member.select(Member.user).where((Member.mainline == member.mainline_id)
                                                     & (Member.role == ROLE_OWNER)).first()
            Mainline.update(owner=other.user_id).where(Mainline.id == member.mainline_id).execute()
        user = User.get_by_id(member.user_id)
        text = (_l("%(name)s left", name=user.display_name) if by.id == user.id
                else _l("%(name)s was removed", name=user.display_name))
        record(member.mainline_id, by, "left", str(text))


def set_follow(member: Member, level: str) -> None:
    if level not in FOLLOW_LEVELS:
        raise MemberError(_l("Unknown follow level."), "follow")
    Member.update(follow=level).where(Member.id == member.id).execute()


def role_label(role: str) -> str:
    return str({ROLE_OWNER: _l("owner"), ROLE_MEMBER: _l("member"), "viewer": _l("viewer")}.get(role, role))
