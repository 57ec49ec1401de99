"""Approval reminders on a frozen clock: a step waiting past its template's limit reminds its
approvers once, twice the limit escalates once to the right head (copied in so they can open
it), decided / withdrawn / returned requests stay quiet, parallel sweeps tell everyone once,
and the periodic task runs both and counts."""
from __future__ import annotations

import datetime as dt

import pytest

from office.approvals import engine
from office.approvals.reminders import escalate_waiting, head_of, remind_waiting
from office.db import db
from office.models.approvals import ApprovalAction, ApprovalCc, ApprovalStep, ApprovalTemplate
from office.models.inbox import KIND_APPROVAL_URGED, Notification
from tasks.approvals import remind_pending_approvals
from tasks.queue import huey
from tests.factories import approval_org, make_user
from tests.parallel import at_once

NOW = dt.datetime(2026, 11, 20, 2, 0)  # naive UTC, like every stored time
AD_LIMIT = dt.timedelta(hours=8)  # 直通车/钻展推广费用's time limit (builtin.py)


def hours(n: float) -> dt.datetime:
    return NOW + dt.timedelta(hours=n)


@pytest.fixture
def org(app):
    org = approval_org()
    return {
        **org,
        "colleague": make_user("sunyue", department=org["tmall"], display_name="孙悦"),
    }


def _template(key):
    return ApprovalTemplate.get(ApprovalTemplate.key == key)


def _ad(amount="100.00"):
    return {"channel": "直通车", "shop": "知行旗舰店", "amount": amount, "period_start": "2026-11-25",
            "period_end": "2026-12-05"}


def _file(org, amount="100.00", now=NOW):
    return engine.submit(_template("ad_spend"), org["staff"], _ad(amount), now=now).request


def urged(ids=None):
    """(recipient, target type, target id, actor) of urged notifications, in id order."""
    query = Notification.select().where(Notification.kind == KIND_APPROVAL_URGED)
    if ids is not None:
        query = query.where(Notification.id.in_(ids))
    return [(n.recipient_id, n.target_type, n.target_id, n.actor_id) for n in query.order_by(Notification.id)]


def history(request, action):
    return [(a.actor_id, a.step_position, a.target_id) for a in ApprovalAction.select()
            .where((ApprovalAction.request == request.id) & (ApprovalAction.action == action))
            .order_by(ApprovalAction.id)]


def test_reminded_once_after_the_time_limit(org):
    request = _file(org)
    assert remind_waiting(NOW + AD_LIMIT - dt.timedelta(minutes=1)) == []
    ids = remind_waiting(NOW + AD_LIMIT)
    assert urged(ids) == [(org["head_tmall"].id, "approval", request.id, None)]
    assert request.title in Notification.get_by_id(ids[0]).excerpt
    step = ApprovalStep.get((ApprovalStep.request == request.id) & (ApprovalStep.position == 0))
    assert step.reminded_at == NOW + AD_LIMIT and step.escalated_at is None
    assert history(request, "remind") == [(None, 0, None)]
    assert remind_waiting(NOW + AD_LIMIT) == [] and remind_waiting(hours(12)) == []
    assert escalate_waiting(hours(12)) == []  # not twice the limit yet
    assert len(urged()) == 1


def test_escalated_once_after_twice_the_limit_to_the_head_above_a_head(org):
    request = _file(org)  # waits for 李娜, head of 天猫运营组: her head is 王磊 (运营推广部)
    assert head_of(org["head_tmall"]) == org["head_ops"].id
    # A sweep that was down: both happen in the same run.
    reminded, escalated = remind_waiting(hours(16)), escalate_waiting(hours(16))
    assert urged(reminded) == [(org["head_tmall"].id, "approval", request.id, None)]
    assert urged(escalated) == [(org["head_ops"].id, "approval", request.id, None)]
    assert "李娜" in Notification.get_by_id(escalated[0]).excerpt
    assert history(request, "escalate") == [(None, 0, org["head_ops"].id)]
    # Copied in, so the notification's link opens for them.
    assert ApprovalCc.select().where(ApprovalCc.request == request.id).count() == 1
    assert engine.can_see(org["head_ops"], request)
    assert escalate_waiting(hours(16)) == [] and escalate_waiting(hours(40)) == []
    step = ApprovalStep.get((ApprovalStep.request == request.id) & (ApprovalStep.position == 0))
    assert step.escalated_at == hours(16)


def test_a_staff_approver_escalates_to_their_own_head_and_nobody_headless(org):
    chosen = engine.submit(_template("general"), org["staff"], {"subject": "样品", "detail": "借用样品"},
                           chosen=org["colleague"], now=NOW).request  # 孙悦 in 天猫运营组
    limit = _template("general").time_limit_hours
    ids = escalate_waiting(hours(2 * limit))
    assert urged(ids) == [(org["head_tmall"].id, "approval", chosen.id, None)]
    assert head_of(org["director"]) is None  # no department
    assert head_of(org["head_ops"]) is None  # heads the top department
    # 8000 needs the director after the head: the director's step escalates to nobody.
    big = _file(org, "8000.00", now=hours(100))
    engine.approve(big.id, org["head_tmall"], now=hours(100))
    assert escalate_waiting(hours(200)) == []
    director_step = ApprovalStep.get((ApprovalStep.request == big.id) & (ApprovalStep.position == 1))
    assert director_step.escalated_at == hours(200)  # claimed all the same: not retried every sweep
    assert history(big, "escalate") == []


def test_each_step_has_its_own_clock(org):
    request = _file(org, "8000.00")
    assert len(remind_waiting(hours(8))) == 1
    engine.approve(request.id, org["head_tmall"], now=hours(9))  # the director's step opens at +9 h
    assert remind_waiting(hours(16)) == []
    assert urged(remind_waiting(hours(17))) == [(org["director"].id, "approval", request.id, None)]
    assert history(request, "remind") == [(None, 0, None), (None, 1, None)]


def test_decided_withdrawn_and_returned_requests_are_left_alone(org):
    approved = _file(org)
    engine.approve(approved.id, org["head_tmall"], now=hours(1))
    rejected = _file(org)
    engine.reject(rejected.id, org["head_tmall"], "不批", now=hours(1))
    withdrawn = _file(org)
    engine.withdraw(withdrawn.id, org["staff"], now=hours(1))
    returned = _file(org)
    engine.return_to_initiator(returned.id, org["head_tmall"], "请补充", now=hours(1))
    assert remind_waiting(hours(100)) == [] and escalate_waiting(hours(100)) == []
    assert ApprovalStep.select().where(ApprovalStep.reminded_at.is_null(False)
                                       | ApprovalStep.escalated_at.is_null(False)).count() == 0
    assert ApprovalAction.select().where(ApprovalAction.action.in_(["remind", "escalate"])).count() == 0


def test_a_template_without_a_limit_never_reminds(org):
    ApprovalTemplate.update(time_limit_hours=0).where(ApprovalTemplate.key == "ad_spend").execute()
    _file(org)
    assert remind_waiting(hours(1000)) == [] and escalate_waiting(hours(1000)) == []


def test_parallel_sweeps_tell_everyone_once(app, org):
    requests = [_file(org) for _ in range(4)]
    before = Notification.select().count()
    db.close()
    results = at_once(app, [lambda: remind_waiting(hours(8)) for _ in range(3)])
    assert sum(len(r) for r in results) == 4
    results = at_once(app, [lambda: escalate_waiting(hours(16)) for _ in range(3)])
    assert sum(len(r) for r in results) == 4
    assert Notification.select().count() == before + 8
    assert sorted(r for r, *_ in urged()) == sorted([org["head_tmall"].id] * 4 + [org["head_ops"].id] * 4)
    for request in requests:
        assert len(history(request, "remind")) == 1 and len(history(request, "escalate")) == 1
    assert ApprovalCc.select().count() == 4


def test_the_periodic_task_runs_both_and_counts(org):
    _file(org)
    _file(org, now=hours(10))
    assert remind_pending_approvals.call_local(now=hours(16)) == (1, 1)
    assert remind_pending_approvals.call_local(now=hours(16)) == (0, 0)
    assert remind_pending_approvals.call_local(now=hours(18)) == (1, 0)
    every_quarter = {task.name for task in huey.read_periodic(dt.datetime(2026, 11, 1, 9, 45))}
    off_quarter = {task.name for task in huey.read_periodic(dt.datetime(2026, 11, 1, 9, 46))}
    assert any(name.endswith("remind_pending_approvals") for name in every_quarter)
    assert not any(name.endswith("remind_pending_approvals") for name in off_quarter)
