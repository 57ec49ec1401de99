"""The approvals engine: file a request, and every action on it (approve, reject, return,
resubmit, transfer, add an approver before or after oneself, pass on under free routing,
withdraw, urge, comment, cc).

Every action is one transaction that first locks the request (SQLite: BEGIN IMMEDIATE;
PostgreSQL: SELECT ... FOR UPDATE), re-reads its state, and writes one immutable history
row. So two approvers at once, or one double click, never advance a request twice or lose
an action: the second sees the state the first left. Callers enqueue
``tasks.notify.deliver_notifications`` with the returned ids after the commit.
Here ``approval`` is always an ApprovalRequest and ``approval_id`` its id (Flask's request
never appears). Imports models, the approval rule modules, office.inbox.notify; never views or
tasks.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l

from office.approvals import leave, outcomes
from office.approvals.fields import FieldErrors, FieldSpec, clean
from office.approvals.routing import ResolvedStep, StepSpec, deputies, resolve
from office.db import atomic_for_update, locked
from office.inbox.notify import mark_handled, mark_settled, notify
from office.live.events import publish
from office.models.approvals import (
    APPROVAL_CHANGED,
    ADD_AFTER,
    ADD_BEFORE,
    APPROVE,
    APPROVED,
    CC,
    COMMENT,
    FREE_APPROVERS,
    MODE_ANY,
    PASS_ON,
    PENDING,
    REJECT,
    REJECTED,
    RESUBMIT,
    RETURN,
    RETURNED,
    STEP_ACTIVE,
    STEP_CANCELLED,
    STEP_DONE,
    STEP_REJECTED,
    STEP_WAITING,
    SUBMIT,
    TRANSFER,
    URGE,
    WITHDRAW,
    WITHDRAWN,
    ApprovalAction,
    ApprovalAssignment,
    ApprovalCc,
    ApprovalRequest,
    ApprovalStep,
    ApprovalTemplate,
)
from office.models.base import utcnow
from office.models.inbox import (
    KIND_APPROVAL_CC,
    KIND_APPROVAL_DECIDED,
    KIND_APPROVAL_PENDING,
    KIND_APPROVAL_RETURNED,
    KIND_APPROVAL_URGED,
)
from office.models.people import ROLE_ADMIN, User
from office.rules import RuleError

COMMENT_MAX = 1000
TRANSFERRED = "transfer"  # an assignment handed to someone else (fits decision's 10 characters)


class ApprovalError(RuleError):
    default_field = "comment"


@dataclass
class Outcome:
    request: ApprovalRequest  # the approval request after the action (callers read outcome.request)
    notification_ids: list[int] = field(default_factory=list)


def template_fields(template: ApprovalTemplate) -> list[FieldSpec]:
    return [FieldSpec.from_dict(f) for f in json.loads(template.fields or "[]")]


def template_route(template: ApprovalTemplate) -> list[StepSpec]:
    return [StepSpec.from_dict(s) for s in json.loads(template.route or "[]")]


def clean_fields(template: ApprovalTemplate, raw) -> dict:
    """The template's fields cleaned from ``raw`` (fields.clean), with what the server works out
    itself put in first: a 请假's days are counted from its dates (leave.with_days), whatever
    the form sent. Raises FieldErrors for every refused field."""
    specs = template_fields(template)
    raw = leave.with_days(template.key, specs, raw)
    try:
        return clean(specs, raw)
    except FieldErrors as error:
        if leave.no_working_day(template.key, specs, raw):
            # "Days: at least 0.5" would name a field nobody typed; the dates are what to change.
            errors = {name: message for name, message in error.errors.items() if name != leave.DAYS_FIELD}
            errors[leave.DATES_FIELD] = str(leave.NO_WORKING_DAY)
            raise FieldErrors(errors, {spec.name: spec.label for spec in specs}) from None
        raise


def preview(template: ApprovalTemplate, initiator: User, data: dict, chosen: User | None = None,
            now: dt.datetime | None = None) -> list[ResolvedStep]:
    """The route this request would take, for the submit form (cleaned ``data``)."""
    return resolve(template_route(template), template_fields(template), initiator, data, now or utcnow(), chosen)


def _comment(text: str) -> str:
    text = (text or "").strip()
    if len(text) > COMMENT_MAX:
        raise ApprovalError(_l("At most %(n)d characters.", n=COMMENT_MAX))
    return text


def _record(approval_id: int, actor: User | None, action: str, step_position: int | None = None,
            comment: str = "", target: User | None = None, on_behalf_of: int | None = None,
            now: dt.datetime | None = None) -> None:
    ApprovalAction.create(request=approval_id, actor=actor.id if actor else None, action=action,
                          step_position=step_position, comment=comment, target=target.id if target else None,
                          on_behalf_of=on_behalf_of, created_at=now or utcnow())
    publish(APPROVAL_CHANGED, approval_id)
    if actor is not None:
        # Whoever acts on a request (approves, rejects, returns, transfers, comments...) has
        # handled what their inbox said about it: those items are read in the same commit.
        mark_handled(actor.id, "approval", approval_id)


def _lock(approval_id: int) -> ApprovalRequest:
    """Re-read the request inside the transaction, locked against every other action on it."""
    return locked(ApprovalRequest.select().where(ApprovalRequest.id == approval_id)).get()


def _build_steps(approval: ApprovalRequest, route: list[ResolvedStep], first_position: int) -> None:
    for offset, step in enumerate(route):
        row = ApprovalStep.create(request=approval.id, position=first_position + offset, name=step.name,
                                  mode=step.mode)
        if step.approvers:
            ApprovalAssignment.insert_many([
                {"step": row.id, "request": approval.id, "user": a.user.id,
                 "on_behalf_of": a.on_behalf_of.id if a.on_behalf_of else None}
                for a in step.approvers]).execute()


def _excerpt(approval: ApprovalRequest) -> str:
    return approval.title


def _activate(approval: ApprovalRequest, position: int, actor: User | None, now: dt.datetime) -> list[int]:
    """Open the step at ``position`` (its undecided approvers are asked), or, past the last
    step, approve the request. Returns notification ids."""
    step = (ApprovalStep.select().where((ApprovalStep.request == approval.id) & (ApprovalStep.position >= position)
                                        & (ApprovalStep.status == STEP_WAITING))
            .order_by(ApprovalStep.position).first())
    if step is None:
        return _finish(approval, APPROVED, actor, now)
    ApprovalStep.update(status=STEP_ACTIVE, started_at=now, reminded_at=None, escalated_at=None).where(
        ApprovalStep.id == step.id).execute()
    ApprovalAssignment.update(is_open=True).where(
        (ApprovalAssignment.step == step.id) & ApprovalAssignment.decision.is_null()).execute()
    ApprovalRequest.update(current_step=step.position, status=PENDING).where(
        ApprovalRequest.id == approval.id).execute()
    waiting = [a.user_id for a in ApprovalAssignment.select(ApprovalAssignment.user).where(
        (ApprovalAssignment.step == step.id) & ApprovalAssignment.is_open)]
    return notify(waiting, KIND_APPROVAL_PENDING, "approval", approval.id, actor.id if actor else None,
                  _excerpt(approval))


def _finish(approval: ApprovalRequest, status: str, actor: User | None, now: dt.datetime) -> list[int]:
    ApprovalRequest.update(status=status, current_step=None, decided_at=now).where(
        ApprovalRequest.id == approval.id).execute()
    _close_open(approval.id)
    decided = ApprovalRequest.get_by_id(approval.id)
    outcomes.run(decided, status)
    return notify([approval.initiator_id], KIND_APPROVAL_DECIDED, "approval", approval.id,
                  actor.id if actor else None, _excerpt(approval))


def _close_open(approval_id: int) -> None:
    _settle_asks(ApprovalAssignment.request == approval_id, approval_id)
    ApprovalAssignment.update(is_open=False).where(
        (ApprovalAssignment.request == approval_id) & ApprovalAssignment.is_open).execute()


def _settle_asks(which, approval_id: int) -> None:
    """Approvers whose open turn ends without their decision (a colleague decided for the step,
    the request ended or was withdrawn) have nothing left to do: their asks leave the inbox."""
    waiting = [a.user_id for a in ApprovalAssignment.select(ApprovalAssignment.user).where(
        which & ApprovalAssignment.is_open & ApprovalAssignment.decision.is_null())]
    mark_settled(waiting, "approval", approval_id, (KIND_APPROVAL_PENDING, KIND_APPROVAL_URGED))


def _refuse_nobody(route: list[ResolvedStep]) -> None:
    empty = [s for s in route if not s.approvers]
    if empty:
        raise ApprovalError(_l("Step %(name)s would reach nobody: %(why)s", name=empty[0].name,
                               why=empty[0].problem), "route")


def submit(template: ApprovalTemplate, initiator: User, raw: dict, title: str = "", cc: list[User] = (),
           chosen: User | None = None, mainline_id: int | None = None,
           now: dt.datetime | None = None) -> Outcome:
    """File a request: clean the fields, resolve the route (refused when a step would reach
    nobody), open the first step, tell its approvers and the people cc'd."""
    if not template.is_active:
        raise ApprovalError(_l("This form is no longer in use."), "template")
    now = now or utcnow()
    data = clean_fields(template, raw)
    route = preview(template, initiator, data, chosen, now)
    _refuse_nobody(route)
    title = (title or "").strip()[:120] or f"{initiator.display_name}的{template.name}"
    with atomic_for_update():
        approval = ApprovalRequest.create(template=template, initiator=initiator, title=title,
                                         data=json.dumps(data, ensure_ascii=False), mainline_id=mainline_id,
                                         created_at=now, submitted_at=now)
        _build_steps(approval, route, 0)
        _record(approval.id, initiator, SUBMIT, now=now)
        ids = _activate(approval, 0, initiator, now)
        ids += _add_cc(approval, initiator, cc, now)
    return Outcome(ApprovalRequest.get_by_id(approval.id), ids)


def _add_cc(approval: ApprovalRequest, by: User, people, now: dt.datetime) -> list[int]:
    people = [p for p in people if p.id != approval.initiator_id]
    if not people:
        return []
    present = {c.user_id for c in ApprovalCc.select(ApprovalCc.user).where(ApprovalCc.request == approval.id)}
    new = [p for p in people if p.id not in present]
    if not new:
        return []
    ApprovalCc.insert_many([{"request": approval.id, "user": p.id, "created_at": now} for p in new]).execute()
    for person in new:
        _record(approval.id, by, CC, target=person, now=now)
    return notify([p.id for p in new], KIND_APPROVAL_CC, "approval", approval.id, by.id, _excerpt(approval))


def _my_open(approval: ApprovalRequest, user: User) -> ApprovalAssignment:
    """The user's open assignment on the request's current step, or ApprovalError."""
    if approval.status != PENDING:
        raise ApprovalError(_l("This request has already been decided."), "status")
    mine = (ApprovalAssignment.select().join(ApprovalStep)
            .where((ApprovalAssignment.request == approval.id) & (ApprovalAssignment.user == user.id)
                   & ApprovalAssignment.is_open & (ApprovalStep.position == approval.current_step)).first())
    if mine is None:
        raise ApprovalError(_l("It is not your turn to decide."), "status")
    return mine


def _decide(assignment: ApprovalAssignment, decision: str, now: dt.datetime) -> bool:
    # Conditional: of two identical clicks racing here, one changes the row.
    return bool(ApprovalAssignment.update(decision=decision, decided_at=now, is_open=False).where(
        (ApprovalAssignment.id == assignment.id) & ApprovalAssignment.decision.is_null()).execute())


def approve(approval_id: int, user: User, comment: str = "", next_approver: User | None = None,
            now: dt.datetime | None = None) -> Outcome:
    """Approve as one of the current step's approvers. Any-of: the step is done; all-of: once
    everyone approved. Under free routing an approver may name who decides next."""
    comment = _comment(comment)
    now = now or utcnow()
    with atomic_for_update():
        approval = _lock(approval_id)
        mine = _my_open(approval, user)
        if not _decide(mine, APPROVE, now):
            raise ApprovalError(_l("You have already decided."), "status")
        _record(approval.id, user, APPROVE, approval.current_step, comment, on_behalf_of=mine.on_behalf_of_id,
                now=now)
        step = ApprovalStep.get_by_id(mine.step_id)
        ids: list[int] = []
        pending = ApprovalAssignment.select().where(
            (ApprovalAssignment.step == step.id) & ApprovalAssignment.decision.is_null())
        if step.mode == MODE_ANY or not pending.exists():
            ApprovalStep.update(status=STEP_DONE, finished_at=now).where(ApprovalStep.id == step.id).execute()
            _settle_asks(ApprovalAssignment.step == step.id, approval.id)
            ApprovalAssignment.update(is_open=False).where(ApprovalAssignment.step == step.id).execute()
            if next_approver is not None:
                ids += _pass_on(approval, step, user, next_approver, now)
            ids += _activate(approval, step.position + 1, user, now)
    return Outcome(ApprovalRequest.get_by_id(approval_id), ids)


def _shift_from(approval_id: int, position: int) -> None:
    """Make room for a step at ``position``: every step from there moves one down."""
    ApprovalStep.update(position=ApprovalStep.position + 1).where(
        (ApprovalStep.request == approval_id) & (ApprovalStep.position >= position)).execute()


def _insert_step(approval: ApprovalRequest, position: int, name: str, person: User, now: dt.datetime) -> None:
    _shift_from(approval.id, position)
    deputy = deputies([person.id], now).get(person.id)
    actor, behalf = (deputy, person) if deputy else (person, None)
    step = ApprovalStep.create(request=approval.id, position=position, name=name, mode="all")
    ApprovalAssignment.create(step=step.id, request=approval.id, user=actor.id,
                              on_behalf_of=behalf.id if behalf else None)


def _pass_on(approval: ApprovalRequest, step: ApprovalStep, user: User, person: User, now: dt.datetime) -> list[int]:
    template = ApprovalTemplate.get_by_id(approval.template_id)
    if template.free_routing != FREE_APPROVERS:
        raise ApprovalError(_l("This form does not let approvers choose who decides next."), "next_approver")
    if not person.is_active or person.id == approval.initiator_id:
        raise ApprovalError(_l("Choose an active colleague other than the initiator."), "next_approver")
    _insert_step(approval, step.position + 1, str(_l("Chosen by %(name)s", name=user.display_name)), person, now)
    _record(approval.id, user, PASS_ON, step.position, target=person, now=now)
    return []


def reject(approval_id: int, user: User, comment: str = "", now: dt.datetime | None = None) -> Outcome:
    """Reject: the request ends here (a comment saying why is expected by the form)."""
    comment = _comment(comment)
    now = now or utcnow()
    with atomic_for_update():
        approval = _lock(approval_id)
        mine = _my_open(approval, user)
        if not _decide(mine, REJECT, now):
            raise ApprovalError(_l("You have already decided."), "status")
        _record(approval.id, user, REJECT, approval.current_step, comment, on_behalf_of=mine.on_behalf_of_id,
                now=now)
        ApprovalStep.update(status=STEP_REJECTED, finished_at=now).where(ApprovalStep.id == mine.step_id).execute()
        ids = _finish(approval, REJECTED, user, now)
    return Outcome(ApprovalRequest.get_by_id(approval_id), ids)


def return_to_initiator(approval_id: int, user: User, comment: str, now: dt.datetime | None = None) -> Outcome:
    """Send it back for changes; the initiator edits and resubmits (the route starts over)."""
    comment = _comment(comment)
    if not comment:
        raise ApprovalError(_l("Say what should change."))
    now = now or utcnow()
    with atomic_for_update():
        approval = _lock(approval_id)
        mine = _my_open(approval, user)
        _record(approval.id, user, RETURN, approval.current_step, comment, on_behalf_of=mine.on_behalf_of_id,
                now=now)
        _cancel_steps(approval.id, now)
        ApprovalRequest.update(status=RETURNED, current_step=None).where(ApprovalRequest.id == approval.id).execute()
        ids = notify([approval.initiator_id], KIND_APPROVAL_RETURNED, "approval", approval.id, user.id, comment)
    return Outcome(ApprovalRequest.get_by_id(approval_id), ids)


def _cancel_steps(approval_id: int, now: dt.datetime) -> None:
    ApprovalStep.update(status=STEP_CANCELLED, finished_at=now).where(
        (ApprovalStep.request == approval_id) & ApprovalStep.status.in_([STEP_WAITING, STEP_ACTIVE])).execute()
    _close_open(approval_id)


def resubmit(approval_id: int, initiator: User, raw: dict, chosen: User | None = None,
             now: dt.datetime | None = None) -> Outcome:
    """The initiator files a returned request again with changed fields; the route is resolved
    afresh (new steps after the old ones, which stay on the record)."""
    now = now or utcnow()
    with atomic_for_update():
        approval = _lock(approval_id)
        if approval.initiator_id != initiator.id or approval.status != RETURNED:
            raise ApprovalError(_l("Only a returned request can be filed again, by its initiator."), "status")
        template = ApprovalTemplate.get_by_id(approval.template_id)
        data = clean_fields(template, raw)
        route = preview(template, initiator, data, chosen, now)
        _refuse_nobody(route)
        last = (ApprovalStep.select(ApprovalStep.position).where(ApprovalStep.request == approval.id)
                .order_by(ApprovalStep.position.desc()).first())
        start = (last.position + 1) if last else 0
        ApprovalRequest.update(data=json.dumps(data, ensure_ascii=False), submitted_at=now).where(
            ApprovalRequest.id == approval.id).execute()
        _build_steps(approval, route, start)
        _record(approval.id, initiator, RESUBMIT, now=now)
        ids = _activate(approval, start, initiator, now)
    return Outcome(ApprovalRequest.get_by_id(approval_id), ids)


def transfer(approval_id: int, user: User, to: User, comment: str = "", now: dt.datetime | None = None) -> Outcome:
    """Hand one's decision to someone else (转交); they take one's place on the step."""
    comment = _comment(comment)
    now = now or utcnow()
    with atomic_for_update():
        approval = _lock(approval_id)
        mine = _my_open(approval, user)
        _check_colleague(approval, to, mine.step_id)
        if not _decide(mine, TRANSFERRED, now):
            raise ApprovalError(_l("You have already decided."), "status")
        deputy = deputies([to.id], now).get(to.id)
        actor, behalf = (deputy, to) if deputy else (to, None)
        ApprovalAssignment.create(step=mine.step_id, request=approval.id, user=actor.id,
                                  on_behalf_of=behalf.id if behalf else None, is_open=True)
        _record(approval.id, user, TRANSFER, approval.current_step, comment, target=to,
                on_behalf_of=mine.on_behalf_of_id, now=now)
        ids = notify([actor.id], KIND_APPROVAL_PENDING, "approval", approval.id, user.id, _excerpt(approval))
    return Outcome(ApprovalRequest.get_by_id(approval_id), ids)


def _check_colleague(approval: ApprovalRequest, person: User, step_id: int) -> None:
    if not person.is_active or person.id == approval.initiator_id:
        raise ApprovalError(_l("Choose an active colleague other than the initiator."), "target")
    already = ApprovalAssignment.select().where((ApprovalAssignment.step == step_id)
                                                & (ApprovalAssignment.user == person.id)
                                                & ApprovalAssignment.decision.is_null()).exists()
    if already:
        raise ApprovalError(_l("%(name)s already decides on this step.", name=person.display_name), "target")


def add_approver(approval_id: int, user: User, person: User, before: bool, comment: str = "",
                 now: dt.datetime | None = None) -> Outcome:
    """加签: ``person`` decides in a step of their own, before the current one (which then waits
    for them) or right after it."""
    comment = _comment(comment)
    now = now or utcnow()
    with atomic_for_update():
        approval = _lock(approval_id)
        mine = _my_open(approval, user)
        _check_colleague(approval, person, mine.step_id)
        position = approval.current_step
        name = str(_l("Added by %(name)s", name=user.display_name))
        ids: list[int] = []
        if before:
            # The current step steps aside: its open approvers wait until the added one decides.
            ApprovalStep.update(status=STEP_WAITING).where(ApprovalStep.id == mine.step_id).execute()
            ApprovalAssignment.update(is_open=False).where(ApprovalAssignment.step == mine.step_id).execute()
            _insert_step(approval, position, name, person, now)
            _record(approval.id, user, ADD_BEFORE, position, comment, target=person, now=now)
            ids += _activate(approval, position, user, now)
        else:
            _insert_step(approval, position + 1, name, person, now)
            _record(approval.id, user, ADD_AFTER, position, comment, target=person, now=now)
    return Outcome(ApprovalRequest.get_by_id(approval_id), ids)


def withdraw(approval_id: int, initiator: User, comment: str = "", now: dt.datetime | None = None) -> Outcome:
    """The initiator takes back a request nobody has decided yet (pending or returned)."""
    comment = _comment(comment)
    now = now or utcnow()
    with atomic_for_update():
        approval = _lock(approval_id)
        if approval.initiator_id != initiator.id:
            raise ApprovalError(_l("Only the initiator can withdraw a request."), "status")
        if approval.status not in (PENDING, RETURNED):
            raise ApprovalError(_l("This request has already been decided."), "status")
        waiting = [a.user_id for a in ApprovalAssignment.select(ApprovalAssignment.user).where(
            (ApprovalAssignment.request == approval.id) & ApprovalAssignment.is_open)]
        _cancel_steps(approval.id, now)
        ApprovalRequest.update(status=WITHDRAWN, current_step=None, decided_at=now).where(
            ApprovalRequest.id == approval.id).execute()
        _record(approval.id, initiator, WITHDRAW, approval.current_step, comment, now=now)
        ids = notify(waiting, KIND_APPROVAL_DECIDED, "approval", approval.id, initiator.id, _excerpt(approval))
    return Outcome(ApprovalRequest.get_by_id(approval_id), ids)


def urge(approval_id: int, initiator: User, now: dt.datetime | None = None) -> Outcome:
    """催办: remind the current approvers, at most once per APPROVAL_URGE_MINUTES."""
    now = now or utcnow()
    gap = dt.timedelta(minutes=current_app.config["APPROVAL_URGE_MINUTES"])
    with atomic_for_update():
        approval = _lock(approval_id)
        if approval.initiator_id != initiator.id or approval.status != PENDING:
            raise ApprovalError(_l("Only the initiator can urge a pending request."), "status")
        if approval.last_urged_at and now - approval.last_urged_at < gap:
            wait = int((gap - (now - approval.last_urged_at)).total_seconds() // 60) + 1
            raise ApprovalError(_l("You urged recently; you can urge again in %(n)d minutes.", n=wait), "status")
        ApprovalRequest.update(last_urged_at=now).where(ApprovalRequest.id == approval.id).execute()
        waiting = [a.user_id for a in ApprovalAssignment.select(ApprovalAssignment.user).where(
            (ApprovalAssignment.request == approval.id) & ApprovalAssignment.is_open)]
        _record(approval.id, initiator, URGE, approval.current_step, now=now)
        ids = notify(waiting, KIND_APPROVAL_URGED, "approval", approval.id, initiator.id, _excerpt(approval))
    return Outcome(ApprovalRequest.get_by_id(approval_id), ids)


def comment(approval_id: int, user: User, text: str, now: dt.datetime | None = None) -> Outcome:
    """A comment on the record, by anyone who may see the request."""
    text = _comment(text)
    if not text:
        raise ApprovalError(_l("Write something first."))
    now = now or utcnow()
    with atomic_for_update():
        approval = _lock(approval_id)
        if not can_see(user, approval):
            raise ApprovalError(_l("It is not your turn to decide."), "status")
        _record(approval.id, user, COMMENT, approval.current_step, text, now=now)
        people = {approval.initiator_id} | {a.user_id for a in ApprovalAssignment.select(ApprovalAssignment.user)
                                            .where((ApprovalAssignment.request == approval.id)
                                                   & ApprovalAssignment.is_open)}
        ids = notify(people - {user.id}, KIND_APPROVAL_CC, "approval", approval.id, user.id, text)
    return Outcome(ApprovalRequest.get_by_id(approval_id), ids)


def add_cc(approval_id: int, user: User, people: list[User], now: dt.datetime | None = None) -> Outcome:
    """抄送: the initiator or an approver lets more people read the request."""
    now = now or utcnow()
    with atomic_for_update():
        approval = _lock(approval_id)
        involved = approval.initiator_id == user.id or ApprovalAssignment.select().where(
            (ApprovalAssignment.request == approval.id) & (ApprovalAssignment.user == user.id)).exists()
        if not involved:
            raise ApprovalError(_l("Only the initiator and the approvers can copy others in."), "people")
        # Re-read: callers may pass partly loaded users (the @mention directory).
        active = list(User.select().where(User.id.in_([p.id for p in people]) & User.is_active)) if people else []
        ids = _add_cc(approval, user, active, now)
    return Outcome(ApprovalRequest.get_by_id(approval_id), ids)


def can_see(user: User, approval: ApprovalRequest) -> bool:
    """The initiator, anyone who is or was an approver (or stood in for one), the people cc'd,
    and administrators; everyone else gets 404."""
    if user.role == ROLE_ADMIN or approval.initiator_id == user.id:
        return True
    involved = ApprovalAssignment.select().where(
        (ApprovalAssignment.request == approval.id)
        & ((ApprovalAssignment.user == user.id) | (ApprovalAssignment.on_behalf_of == user.id)))
    cc = ApprovalCc.select().where((ApprovalCc.request == approval.id) & (ApprovalCc.user == user.id))
    return involved.exists() or cc.exists()


# Public name for other approval rules (office/approvals/reminders.py) that write a history row:
# the same function, so every row also publishes the live event.
record = _record
