"""Rules for a mainline as a whole: create, edit, close; phases; the timeline.

Every change is one transaction that also writes its timeline line (``record``),
keeps the mainline's latest activity, and publishes one live event so open
boards and overviews redraw. Callers enqueue ``tasks.notify.deliver_notifications``
with returned notification ids after the commit. Imports models, office.inbox.notify,
office.live.events and office.rules; never views or tasks.
"""
from __future__ import annotations

import datetime as dt
import secrets

from flask_babel import lazy_gettext as _l

from office.db import atomic_for_update
from office.inbox.notify import notify
from office.live.events import publish
from office.models.base import utcnow
from office.models.inbox import KIND_MAINLINE_UPDATED
from office.models.mainlines import (
    MAINLINE_CHANGED,
    DEFAULT_PHASES,
    FOLLOW_ALL,
    FOLLOW_KEY,
    ROLE_OWNER,
    STATUSES,
    Activity,
    Mainline,
    Member,
    Node,
    Phase,
)
from office.models.people import User
from office.rules import RuleError

TITLE_MAX = 80
PHASE_MAX = 40


class MainlineError(RuleError):
    default_field = "title"


def new_join_token() -> str:
    return secrets.token_urlsafe(16)


def record(mainline: Mainline | int, actor: User | None, kind: str, text: str, node: Node | None = None,
           post_id: int | None = None) -> Activity:
    """One timeline line, the mainline's latest activity, and a live event; call inside the transaction."""
    mainline_id = mainline if isinstance(mainline, int) else mainline.id
    now = utcnow()
    text = " ".join(text.split())[:200]
    activity = Activity.create(mainline=mainline_id, actor=actor.id if actor else None, kind=kind,
                               node=node.id if node else None, post_id=post_id, text=text, created_at=now)
    Mainline.update(last_activity=text, last_activity_at=now).where(Mainline.id == mainline_id).execute()
    publish(MAINLINE_CHANGED, mainline_id)
    return activity


def followers(mainline_id: int, decision: bool = False, skip=()) -> list[int]:
    """Members who follow everything, plus those following decisions when ``decision``."""
    levels = (FOLLOW_ALL, FOLLOW_KEY) if decision else (FOLLOW_ALL,)
    rows = Member.select(Member.user).where((Member.mainline == mainline_id) & Member.follow.in_(levels))
    return [row.user_id for row in rows if row.user_id not in skip]


def tell_followers(mainline_id: int, kind: str, actor: User | None, excerpt: str, decision: bool = False,
                   skip=()) -> list[int]:
    return notify(followers(mainline_id, decision, skip), kind, "mainline", mainline_id,
                  actor.id if actor else None, excerpt)


def _check_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise MainlineError(_l("Give the mainline a title."))
    if len(title) > TITLE_MAX:
        raise MainlineError(_l("At most %(n)d characters.", n=TITLE_MAX))
    return title


def _check_phase_names(names) -> list[str]:
    names = [(n or "").strip() for n in names]
    names = [n for n in names if n]
    if not names:
        raise MainlineError(_l("A mainline needs at least one phase."), "phases")
    if any(len(n) > PHASE_MAX for n in names):
        raise MainlineError(_l("Phase names have at most %(n)d characters.", n=PHASE_MAX), "phases")
    if len(set(names)) != len(names):
        raise MainlineError(_l("Two phases have the same name."), "phases")
    return names


def create_mainline(creator: User, title: str, event_date: dt.date, goal: str = "",
                    phases=DEFAULT_PHASES, owner: User | None = None) -> Mainline:
    """A new active mainline with its phases; the owner (default: the creator) is its first member."""
    title = _check_title(title)
    if not isinstance(event_date, dt.date):
        raise MainlineError(_l("Choose the event date."), "event_date")
    names = _check_phase_names(phases)
    owner = owner or creator
    with atomic_for_update():
        mainline = Mainline.create(title=title, goal=(goal or "").strip(), event_date=event_date, owner=owner,
                                   join_token=new_join_token())
        Phase.insert_many([{"mainline": mainline.id, "name": n, "position": i} for i, n in enumerate(names)]).execute()
        Member.create(mainline=mainline, user=owner, role=ROLE_OWNER)
        record(mainline, creator, "created", str(_l("Mainline created: %(title)s", title=title)))
    return mainline


def update_mainline(mainline: Mainline, by: User, title: str, event_date: dt.date, goal: str,
                    status: str) -> tuple[Mainline, list[int]]:
    """Change title, goal, event date or status; followers of decisions hear of a new date or status."""
    title = _check_title(title)
    if status not in STATUSES:
        raise MainlineError(_l("Unknown status."), "status")
    if not isinstance(event_date, dt.date):
        raise MainlineError(_l("Choose the event date."), "event_date")
    ids = []
    with atomic_for_update():
        Mainline.update(title=title, goal=(goal or "").strip(), event_date=event_date, status=status).where(
            Mainline.id == mainline.id).execute()
        changes = []
        if event_date != mainline.event_date:
            changes.append(str(_l("event date %(date)s", date=event_date.isoformat())))
        if status != mainline.status:
            changes.append(str(_l("status %(status)s", status=status_label(status))))
        text = str(_l("Mainline details changed")) + ("：" + "，".join(changes) if changes else "")
        record(mainline, by, "edited", text)
        if changes:
            ids = tell_followers(mainline.id, KIND_MAINLINE_UPDATED, by, text, decision=True)
    return Mainline.get_by_id(mainline.id), ids


def status_label(status: str) -> str:
    return str({"active": _l("Active"), "done": _l("Done"), "cancelled": _l("Cancelled")}.get(status, status))


def add_phase(mainline: Mainline, by: User, name: str) -> Phase:
    name = _check_phase_names([name])[0]
    with atomic_for_update():
        existing = [p.name for p in Phase.select(Phase.name).where(Phase.mainline == mainline.id)]
        if name in existing:
            raise MainlineError(_l("Two phases have the same name."), "name")
        last = Phase.select(Phase.position).where(Phase.mainline == mainline.id).order_by(
            Phase.position.desc()).first()
        phase = Phase.create(mainline=mainline, name=name, position=(last.position + 1) if last else 0)
        record(mainline, by, "phase", str(_l("Phase added: %(name)s", name=name)))
    return phase


def rename_phase(phase: Phase, by: User, name: str) -> Phase:
    name = _check_phase_names([name])[0]
    with atomic_for_update():
        clash = Phase.select().where((Phase.mainline == phase.mainline_id) & (Phase.name == name)
                                     & (Phase.id != phase.id)).exists()
        if clash:
            raise MainlineError(_l("Two phases have the same name."), "name")
        Phase.update(name=name).where(Phase.id == phase.id).execute()
        record(phase.mainline_id, by, "phase", str(_l("Phase renamed: %(old)s → %(new)s", old=phase.name, new=name)))
    return Phase.get_by_id(phase.id)


def delete_phase(phase: Phase, by: User) -> None:
    """Remove an empty phase; a phase with nodes, or the last one, stays."""
    with atomic_for_update():
        if Node.select().where(Node.phase == phase.id).exists():
            raise MainlineError(_l("Move or delete this phase's nodes first."), "name")
        if Phase.select().where(Phase.mainline == phase.mainline_id).count() <= 1:
            raise MainlineError(_l("A mainline needs at least one phase."), "name")
        Phase.delete().where(Phase.id == phase.id).execute()
        record(phase.mainline_id, by, "phase", str(_l("Phase removed: %(name)s", name=phase.name)))


def set_join_link(mainline: Mainline, by: User, enabled: bool) -> str:
    """Switch the join link on (a fresh secret, the old link stops working) or off."""
    token = new_join_token() if enabled else ""
    with atomic_for_update():
        Mainline.update(join_token=token).where(Mainline.id == mainline.id).execute()
    return token
