"""Time-based approval rules: a step waiting past its template's time limit reminds its
approvers; waiting twice as long, it escalates to each approver's department head.

Each step is claimed with a conditional UPDATE (``reminded_at`` / ``escalated_at`` IS NULL,
still active, same ``started_at``) in the transaction that writes its notifications and
history row, so overlapping sweeps tell people once. A step opened again (after 加签 before
it) starts over: engine._activate clears both marks. Called by tasks/approvals.py, which
delivers the returned notification ids beyond the app.
Imports models, office.inbox.notify and the engine's ``record``; never views or tasks.
"""
from __future__ import annotations

import datetime as dt
import operator
from functools import reduce

from flask_babel import lazy_gettext as _l

from office.approvals.engine import record
from office.db import atomic_for_update, locked
from office.inbox.notify import notify
from office.models.approvals import (
    ESCALATE,
    PENDING,
    REMIND,
    STEP_ACTIVE,
    ApprovalAssignment,
    ApprovalCc,
    ApprovalRequest,
    ApprovalStep,
    ApprovalTemplate,
)
from office.models.base import utcnow
from office.models.inbox import KIND_APPROVAL_URGED
from office.models.people import Department, User

# Steps claimed per sweep; the rest wait for the next run (claimed ones drop out of the query).
BATCH = 500


def _candidates(mark, factor: int, now: dt.datetime) -> list[tuple[int, int, dt.datetime, int]]:
    """(step id, request id, started_at, limit hours) of active steps of pending requests that
    have waited ``factor`` × their template's limit and whose ``mark`` is still empty.

    One condition per distinct limit (there are a handful), so the comparison stays a plain
    ``started_at <= <time>`` on both databases instead of date arithmetic in SQL. A template
    with a limit of 0 hours never reminds.
    """
    hours = [h for (h,) in ApprovalTemplate.select(ApprovalTemplate.time_limit_hours).distinct()
             .where(ApprovalTemplate.time_limit_hours > 0).tuples()]
    if not hours:
        return []
    waited = reduce(operator.or_, [
        (ApprovalTemplate.time_limit_hours == h) & (ApprovalStep.started_at <= now - dt.timedelta(hours=h * factor))
        for h in hours])
    query = (ApprovalStep.select(ApprovalStep.id, ApprovalStep.request, ApprovalStep.started_at,
                                 ApprovalTemplate.time_limit_hours)
             .join(ApprovalRequest, on=(ApprovalStep.request == ApprovalRequest.id))
             .join(ApprovalTemplate, on=(ApprovalRequest.template == ApprovalTemplate.id))
             .where((ApprovalStep.status == STEP_ACTIVE) & (ApprovalRequest.status == PENDING)
                    & mark.is_null() & waited)
             .order_by(ApprovalStep.started_at, ApprovalStep.id)
             .limit(BATCH))
    return list(query.tuples())


def _claim(step_id: int, request_id: int, started_at: dt.datetime, mark: str, now: dt.datetime):
    """Inside the caller's transaction: lock the request (as every engine action does), then
    mark the step if it is still waiting as listed. Returns (request, step) or None."""
    request = locked(ApprovalRequest.select().where(ApprovalRequest.id == request_id)).get()
    if request.status != PENDING:
        return None
    field = getattr(ApprovalStep, mark)
    claimed = ApprovalStep.update({field: now}).where(
        (ApprovalStep.id == step_id) & field.is_null() & (ApprovalStep.status == STEP_ACTIVE)
        & (ApprovalStep.started_at == started_at)).execute()
    if claimed != 1:
        return None
    return request, ApprovalStep.get_by_id(step_id)


def _open_approvers(step_id: int) -> list[User]:
    return list(User.select(User.id, User.display_name, User.department)
                .join(ApprovalAssignment, on=(ApprovalAssignment.user == User.id))
                .where((ApprovalAssignment.step == step_id) & ApprovalAssignment.is_open)
                .order_by(ApprovalAssignment.id))


def head_of(user: User) -> int | None:
    """Whom to escalate ``user``'s waiting approvals to: their department's head, or the head
    of the department above when ``user`` is that head; None when there is no (active) one."""
    if not user.department_id:
        return None
    department = Department.get_or_none(Department.id == user.department_id)
    if department is None:
        return None
    head_id = department.head_id
    if head_id == user.id:
        parent = Department.get_or_none(Department.id == department.parent_id) if department.parent_id else None
        head_id = parent.head_id if parent else None
    if not head_id or head_id == user.id:
        return None
    return head_id if User.select().where((User.id == head_id) & User.is_active).exists() else None


def remind_waiting(now: dt.datetime | None = None) -> list[int]:
    """Remind the open approvers of every step that has waited its template's time limit,
    once per time the step is opened, with a "remind" row in the request's history.

    Args:
        now: naive UTC (default: now).
    Returns the ids of the KIND_APPROVAL_URGED notifications written.
    """
    now = now or utcnow()
    ids: list[int] = []
    for step_id, request_id, started_at, hours in _candidates(ApprovalStep.reminded_at, 1, now):
        with atomic_for_update():
            claimed = _claim(step_id, request_id, started_at, "reminded_at", now)
            if claimed is None:
                continue
            request, step = claimed
            approvers = [u.id for u in _open_approvers(step_id)]
            if not approvers:
                continue
            excerpt = str(_l("%(title)s has waited more than %(n)d hours for your approval",
                             title=request.title, n=hours))
            ids += notify(approvers, KIND_APPROVAL_URGED, "approval", request.id, None, excerpt)
            record(request.id, None, REMIND, step.position, now=now)
    return ids


def escalate_waiting(now: dt.datetime | None = None) -> list[int]:
    """Tell the department head of each open approver (see ``head_of``) about a step that has
    waited twice its template's time limit, once per time the step is opened. Each head is
    copied in (so they may open it) and gets one "escalate" row in the history naming them as
    its target; approvers without a head are skipped.

    Args:
        now: naive UTC (default: now).
    Returns the ids of the KIND_APPROVAL_URGED notifications written.
    """
    now = now or utcnow()
    ids: list[int] = []
    for step_id, request_id, started_at, hours in _candidates(ApprovalStep.escalated_at, 2, now):
        with atomic_for_update():
            claimed = _claim(step_id, request_id, started_at, "escalated_at", now)
            if claimed is None:
                continue
            request, step = claimed
            waiting_for: dict[int, list[str]] = {}
            for approver in _open_approvers(step_id):
                head_id = head_of(approver)
                if head_id:
                    waiting_for.setdefault(head_id, []).append(approver.display_name)
            for head_id, names in waiting_for.items():
                excerpt = str(_l("%(title)s has waited more than %(n)d hours for %(names)s",
                                 title=request.title, n=hours * 2, names="、".join(names)))
                ids += notify([head_id], KIND_APPROVAL_URGED, "approval", request.id, None, excerpt)
                if head_id != request.initiator_id:
                    # Copied in, so the head may open the request the notification links to
                    # (engine.can_see); a head already copied in keeps the one row.
                    ApprovalCc.insert(request=request.id, user=head_id, created_at=now).on_conflict_ignore().execute()
                record(request.id, None, ESCALATE, step.position, target=User(id=head_id), now=now)
    return ids
