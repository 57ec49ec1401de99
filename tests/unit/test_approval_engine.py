"""The approvals engine: routing (conditions, department heads, directors, free steps,
delegation), every action with its history row, the never-reach-nobody check, outcomes, who
may see a request, and concurrent decisions (20 threads at one step) on both databases."""
import datetime as dt

import pytest

from office.approvals import engine
from office.approvals.engine import ApprovalError
from office.models.approvals import (
    ApprovalAction,
    ApprovalAssignment,
    ApprovalRequest,
    ApprovalStep,
    ApprovalTemplate,
    Delegation,
)
from office.models.inbox import Notification
from tests.factories import approval_org, make_department, make_user
from tests.parallel import at_once

NOW = dt.datetime(2026, 11, 20, 2, 0)  # naive UTC, like every stored time


@pytest.fixture
def org(app):
    org = approval_org()
    return {
        **org,
        "deputy": make_user("deputy", role="head", display_name="副总"),
    }


def _template(key):
    return ApprovalTemplate.get(ApprovalTemplate.key == key)


def _ad(amount="8000.00"):
    return {"channel": "直通车", "shop": "知行旗舰店", "amount": amount, "period_start": "2026-11-25",
            "period_end": "2026-12-05", "roi": "3.5"}


def _actions(request):
    return [(a.action, a.actor_id) for a in ApprovalAction.select().where(ApprovalAction.request == request.id)
            .order_by(ApprovalAction.id)]


def test_ad_spend_over_5000_goes_to_the_head_then_a_director(org):
    request = engine.submit(_template("ad_spend"), org["staff"], _ad("8000"), now=NOW).request
    steps = list(ApprovalStep.select().where(ApprovalStep.request == request.id).order_by(ApprovalStep.position))
    assert [s.name for s in steps] == ["部门负责人审批", "总经理审批"]
    assert request.status == "pending" and request.current_step == 0
    # The head of the initiator's own department (天猫运营组), not the one above.
    assert Notification.get(Notification.recipient == org["head_tmall"].id).kind == "approval_pending"
    with pytest.raises(ApprovalError):
        engine.approve(request.id, org["director"], now=NOW)  # not yet their turn
    engine.approve(request.id, org["head_tmall"], "预算合理", now=NOW)
    assert ApprovalRequest.get_by_id(request.id).current_step == 1
    done = engine.approve(request.id, org["director"], now=NOW + dt.timedelta(hours=1)).request
    assert done.status == "approved" and done.decided_at == NOW + dt.timedelta(hours=1)
    assert _actions(request) == [("submit", org["staff"].id), ("approve", org["head_tmall"].id),
                                 ("approve", org["director"].id)]
    assert Notification.select().where((Notification.recipient == org["staff"].id)
                                       & (Notification.kind == "approval_decided")).count() == 1


def test_small_amounts_skip_the_director(org):
    request = engine.submit(_template("ad_spend"), org["staff"], _ad("5000"), now=NOW).request
    assert ApprovalStep.select().where(ApprovalStep.request == request.id).count() == 1
    assert engine.approve(request.id, org["head_tmall"], now=NOW).request.status == "approved"


def test_a_head_s_request_goes_to_the_head_above(org):
    request = engine.submit(_template("ad_spend"), org["head_tmall"], _ad("100"), now=NOW).request
    assert ApprovalAssignment.get(ApprovalAssignment.request == request.id).user_id == org["head_ops"].id


def test_a_step_that_would_reach_nobody_is_refused_before_filing(org):
    lonely = make_user(department=make_department("客服部"))
    route = engine.preview(_template("ad_spend"), lonely, {"amount": "100.00"}, now=NOW)
    assert route[0].approvers == [] and "没有负责人" in route[0].problem
    with pytest.raises(ApprovalError) as refused:
        engine.submit(_template("ad_spend"), lonely, _ad("100"), now=NOW)
    assert "部门负责人审批" in str(refused.value)
    assert ApprovalRequest.select().count() == 0


def test_bad_fields_are_refused_and_nothing_is_filed(org):
    from office.approvals.fields import FieldErrors

    with pytest.raises(FieldErrors) as refused:
        engine.submit(_template("ad_spend"), org["staff"], {**_ad(), "amount": "-5"}, now=NOW)
    assert "amount" in refused.value.errors
    assert ApprovalRequest.select().count() == 0


def test_delegation_sends_it_to_the_deputy_and_the_record_says_so(org):
    Delegation.create(user=org["director"], deputy=org["deputy"], starts_at=NOW - dt.timedelta(days=1),
                      ends_at=NOW + dt.timedelta(days=1))
    request = engine.submit(_template("ad_spend"), org["staff"], _ad("9000"), now=NOW).request
    engine.approve(request.id, org["head_tmall"], now=NOW)
    step = ApprovalAssignment.select().where((ApprovalAssignment.request == request.id)
                                             & ApprovalAssignment.is_open).get()
    assert (step.user_id, step.on_behalf_of_id) == (org["deputy"].id, org["director"].id)
    with pytest.raises(ApprovalError):
        engine.approve(request.id, org["director"], now=NOW)
    engine.approve(request.id, org["deputy"], "代批", now=NOW)
    last = ApprovalAction.select().order_by(ApprovalAction.id.desc()).first()
    assert (last.actor_id, last.on_behalf_of_id) == (org["deputy"].id, org["director"].id)
    # Outside the window the director decides again.
    later = engine.submit(_template("ad_spend"), org["staff"], _ad("9000"), now=NOW + dt.timedelta(days=3)).request
    engine.approve(later.id, org["head_tmall"], now=NOW + dt.timedelta(days=3))
    assert engine.approve(later.id, org["director"], now=NOW + dt.timedelta(days=3)).request.status == "approved"


def test_reject_return_resubmit_and_withdraw(org):
    request = engine.submit(_template("ad_spend"), org["staff"], _ad("8000"), now=NOW).request
    with pytest.raises(ApprovalError):
        engine.return_to_initiator(request.id, org["head_tmall"], "", now=NOW)  # say what should change
    engine.return_to_initiator(request.id, org["head_tmall"], "ROI 太乐观，请补充测算", now=NOW)
    returned = ApprovalRequest.get_by_id(request.id)
    assert returned.status == "returned" and returned.current_step is None
    assert not ApprovalAssignment.select().where(ApprovalAssignment.is_open).exists()
    with pytest.raises(ApprovalError):
        engine.resubmit(request.id, org["head_tmall"], _ad("3000"), now=NOW)  # only the initiator
    again = engine.resubmit(request.id, org["staff"], _ad("3000"), now=NOW).request
    assert again.status == "pending" and again.current_step == 2  # after the cancelled steps
    assert ApprovalStep.select().where(ApprovalStep.request == request.id).count() == 3
    engine.reject(request.id, org["head_tmall"], "本月预算已用完", now=NOW)
    assert ApprovalRequest.get_by_id(request.id).status == "rejected"
    with pytest.raises(ApprovalError):
        engine.withdraw(request.id, org["staff"], now=NOW)  # decided
    other = engine.submit(_template("ad_spend"), org["staff"], _ad("100"), now=NOW).request
    assert engine.withdraw(other.id, org["staff"], now=NOW).request.status == "withdrawn"
    assert [a for a, _ in _actions(request)] == ["submit", "return", "resubmit", "reject"]


def test_transfer_and_adding_approvers_before_and_after(org):
    helper = make_user("helper", display_name="孙悦")
    request = engine.submit(_template("ad_spend"), org["staff"], _ad("100"), now=NOW).request
    engine.transfer(request.id, org["head_tmall"], org["head_ops"], "我出差，请王总看", now=NOW)
    with pytest.raises(ApprovalError):
        engine.approve(request.id, org["head_tmall"], now=NOW)
    # 王磊 asks 孙悦 to check first, then 陈建华 after himself.
    engine.add_approver(request.id, org["head_ops"], helper, before=True, now=NOW)
    with pytest.raises(ApprovalError):
        engine.approve(request.id, org["head_ops"], now=NOW)  # waits for 孙悦
    engine.approve(request.id, helper, now=NOW)
    engine.add_approver(request.id, org["head_ops"], org["director"], before=False, now=NOW)
    engine.approve(request.id, org["head_ops"], now=NOW)
    assert ApprovalRequest.get_by_id(request.id).status == "pending"
    assert engine.approve(request.id, org["director"], now=NOW).request.status == "approved"
    assert [a for a, _ in _actions(request)] == ["submit", "transfer", "add_before", "approve", "add_after",
                                                 "approve", "approve"]


def test_free_routing_initiator_picks_then_approver_passes_on(org):
    general = _template("general")
    raw = {"subject": "借用直播间", "detail": "周六下午拍新品"}
    with pytest.raises(ApprovalError):
        engine.submit(general, org["staff"], raw, now=NOW)  # nobody chosen
    request = engine.submit(general, org["staff"], raw, chosen=org["head_ops"], now=NOW).request
    engine.approve(request.id, org["head_ops"], next_approver=org["director"], now=NOW)
    assert ApprovalRequest.get_by_id(request.id).status == "pending"
    assert engine.approve(request.id, org["director"], now=NOW).request.status == "approved"
    with pytest.raises(ApprovalError):  # ad spend does not let approvers pick
        other = engine.submit(_template("ad_spend"), org["staff"], _ad("100"), now=NOW).request
        engine.approve(other.id, org["head_tmall"], next_approver=org["director"], now=NOW)


def test_urge_is_rate_limited(app, org):
    request = engine.submit(_template("ad_spend"), org["staff"], _ad("100"), now=NOW).request
    engine.urge(request.id, org["staff"], now=NOW)
    with pytest.raises(ApprovalError) as refused:
        engine.urge(request.id, org["staff"], now=NOW + dt.timedelta(minutes=10))
    assert "51" in str(refused.value)
    engine.urge(request.id, org["staff"], now=NOW + dt.timedelta(minutes=61))
    urged = Notification.select().where((Notification.recipient == org["head_tmall"].id)
                                        & (Notification.kind == "approval_urged"))
    assert urged.count() == 2


def test_who_may_see_a_request(org):
    reader = make_user("reader")
    request = engine.submit(_template("ad_spend"), org["staff"], _ad("8000"), cc=[reader], now=NOW).request
    outsider = make_user("outsider")
    assert engine.can_see(org["staff"], request) and engine.can_see(org["head_tmall"], request)
    assert engine.can_see(reader, request) and engine.can_see(make_user(role="admin"), request)
    assert not engine.can_see(outsider, request)
    assert engine.can_see(org["director"], request)  # on the route, so they see it coming
    assert not engine.can_see(org["head_ops"], request)  # the head above is not on it
    with pytest.raises(ApprovalError):
        engine.comment(request.id, outsider, "我也看看", now=NOW)


def test_a_decision_on_a_linked_mainline_posts_to_its_feed(org):
    from office.mainlines import plans
    from office.models.feed import Post

    mainline = plans.create_mainline(org["head_ops"], "双12年终大促", dt.date(2026, 12, 12))
    request = engine.submit(_template("ad_spend"), org["staff"], _ad("100"), mainline_id=mainline.id,
                            now=NOW).request
    engine.approve(request.id, org["head_tmall"], now=NOW)
    post = Post.get(Post.mainline_id == mainline.id)
    assert post.scope == "mainline" and request.title in post.body


def _race(app, actions):
    from office.db import db

    db.close()
    results = at_once(app, actions, expected=(ApprovalError,))
    return ["refused" if isinstance(r, ApprovalError) else "done" for r in results]


def test_twenty_clicks_of_one_approver_count_once(app, org):
    request = engine.submit(_template("ad_spend"), org["staff"], _ad("8000"), now=NOW).request
    head = org["head_tmall"]
    results = _race(app, [lambda: engine.approve(request.id, head, now=NOW) for _ in range(20)])
    assert results.count("done") == 1
    assert ApprovalAction.select().where(ApprovalAction.action == "approve").count() == 1
    assert ApprovalRequest.get_by_id(request.id).current_step == 1
    assert ApprovalStep.select().where((ApprovalStep.request == request.id)
                                       & (ApprovalStep.status == "active")).count() == 1


def _twenty_approvers(mode):
    import json

    people = [make_user(f"approver{n}") for n in range(20)]
    template = ApprovalTemplate.create(
        key=f"race_{mode}", name="并发", fields=json.dumps([{"name": "subject", "label": "事项", "type": "text"}]),
        route=json.dumps([{"name": "二十人", "kind": "users", "mode": mode, "users": [p.id for p in people]},
                          {"name": "总经理", "kind": "directors", "mode": "any"}]))
    return template, people


@pytest.mark.parametrize("mode", ["any", "all"])
def test_twenty_approvers_at_one_step_advance_it_once(app, org, mode):
    template, people = _twenty_approvers(mode)
    request = engine.submit(template, org["staff"], {"subject": "并发测试"}, now=NOW).request
    results = _race(app, [lambda p=p: engine.approve(request.id, p, now=NOW) for p in people])
    approvals = ApprovalAction.select().where((ApprovalAction.request == request.id)
                                              & (ApprovalAction.action == "approve")).count()
    if mode == "any":
        assert results.count("done") == 1 and approvals == 1  # the first decides, the rest are too late
    else:
        assert results.count("done") == 20 and approvals == 20  # every decision kept, none lost
    step = ApprovalStep.get((ApprovalStep.request == request.id) & (ApprovalStep.position == 0))
    assert step.status == "done"
    # The director's step opened exactly once, and they were asked exactly once.
    assert ApprovalRequest.get_by_id(request.id).current_step == 1
    asked = Notification.select().where((Notification.recipient == org["director"].id)
                                        & (Notification.kind == "approval_pending"))
    assert asked.count() == 1


def test_approve_and_reject_racing_end_one_way(app, org):
    template, people = _twenty_approvers("any")
    for _ in range(3):
        request = engine.submit(template, org["staff"], {"subject": "抢答"}, now=NOW).request
        actions = [lambda p=p: engine.approve(request.id, p, now=NOW) for p in people[:10]]
        actions += [lambda p=p: engine.reject(request.id, p, "不同意", now=NOW) for p in people[10:]]
        results = _race(app, actions)
        assert results.count("done") == 1
        final = ApprovalRequest.get_by_id(request.id)
        decided = ApprovalAction.select().where((ApprovalAction.request == request.id)
                                                & ApprovalAction.action.in_(["approve", "reject"])).count()
        assert decided == 1
        assert final.status == ("rejected" if final.current_step is None else "pending")


def _asks_unread(user, request_id):
    return Notification.select().where((Notification.recipient == user.id) & Notification.read_at.is_null()
                                       & (Notification.target_id == request_id)
                                       & Notification.kind.in_(["approval_pending", "approval_urged"])).count()


@pytest.mark.parametrize("how", ["approve", "reject"])
def test_when_one_of_several_decides_the_others_asks_leave_their_inbox(app, org, how):
    # issue 14 follow-up: on a step one approver is enough for, the colleagues' "please approve"
    # (and the initiator's 催办) stayed unread after someone decided.
    template, people = _twenty_approvers("any")
    request = engine.submit(template, org["staff"], {"subject": "一人即可"}, now=NOW).request
    engine.urge(request.id, org["staff"], now=NOW)
    assert all(_asks_unread(p, request.id) == 2 for p in people[:3])
    if how == "approve":
        engine.approve(request.id, people[0], now=NOW)
    else:
        engine.reject(request.id, people[0], "不同意", now=NOW)
    assert [_asks_unread(p, request.id) for p in people] == [0] * 20
    # The next step's approver is asked, and that ask stays until they act.
    assert _asks_unread(org["director"], request.id) == (1 if how == "approve" else 0)


def test_all_of_steps_keep_the_others_asks_until_they_decide(app, org):
    template, people = _twenty_approvers("all")
    request = engine.submit(template, org["staff"], {"subject": "每人都要"}, now=NOW).request
    engine.approve(request.id, people[0], now=NOW)
    assert _asks_unread(people[0], request.id) == 0
    assert _asks_unread(people[1], request.id) == 1  # still theirs to decide


def test_withdrawing_clears_the_asks_and_says_so(app, org):
    template, people = _twenty_approvers("any")
    request = engine.submit(template, org["staff"], {"subject": "撤回"}, now=NOW).request
    engine.withdraw(request.id, org["staff"], now=NOW)
    assert _asks_unread(people[5], request.id) == 0
    said = Notification.select().where((Notification.recipient == people[5].id) & Notification.read_at.is_null()
                                       & (Notification.target_id == request.id)).count()
    assert said == 1  # the "withdrawn" notice itself is new and unread
