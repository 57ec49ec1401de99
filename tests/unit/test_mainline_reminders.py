"""Mainline reminders on a frozen clock: due soon to whoever answers for a node, overdue to the
mainline's owners, each once per due date (also under concurrency), the periodic task, and
delivery through the channels."""
from __future__ import annotations

import datetime as dt

import pytest
from flask_babel import force_locale, gettext

from office.db import db
from office.departments.tree import update_department
from office.inbox.links import target_url
from office.mainlines import nodes, plan_templates, plans
from office.mainlines.reminders import escalate_overdue, remind_due
from office.models.inbox import KIND_NODE_DUE, KIND_NODE_OVERDUE, ChannelSettings, Delivery, Notification
from office.models.mainlines import ROLE_OWNER, STATUS_CANCELLED, Activity, Mainline, Member, Node, Phase
from tasks.mainlines import remind_mainline_nodes
from tasks.queue import huey
from tests.factories import make_department, make_user
from tests.fakes import delivery_app, robot, smtp_server  # noqa: F401  (fixtures)
from tests.parallel import at_once

# 17:00 UTC on 31 October is 01:00 on 1 November in Shanghai: "today" is the office's date,
# so a node due 2 November is due tomorrow although the UTC date says the day after.
NOW = dt.datetime(2026, 10, 31, 17, 0)
TODAY = dt.date(2026, 11, 1)


def day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


@pytest.fixture
def people(app):
    director = make_user("chenjh", role="director", display_name="陈建华", email="chenjh@example.com")
    worker = make_user("hejing", display_name="何静", email="hejing@example.com")
    head = make_user("wangfang", display_name="王芳")
    design = update_department(make_department("设计策划部"), head=head)
    return director, worker, head, design


@pytest.fixture
def mainline(people):
    director = people[0]
    return plans.create_mainline(director, "新品上架", day(10))


def add(mainline, title, due, owner=None, department=None):
    phase = Phase.select().where(Phase.mainline == mainline.id).order_by(Phase.position).first()
    node, _ids = nodes.add_node(mainline, Mainline.get_by_id(mainline.id).owner, title, phase.id, owner=owner,
                                department=department, due_date=due)
    return node


def sent(kind):
    """(recipient id, excerpt) of each notification of ``kind``, in id order."""
    return [(n.recipient_id, n.excerpt) for n in Notification.select().where(Notification.kind == kind)
            .order_by(Notification.id)]


def test_due_today_or_tomorrow_is_reminded_once(app, people, mainline):
    director, worker, head, design = people
    today = add(mainline, "选品会", day(0), owner=worker)
    tomorrow = add(mainline, "素材制作", day(1), owner=worker)
    later = add(mainline, "平台审核", day(2), owner=worker)
    past = add(mainline, "拍摄样品", day(-1), owner=worker)
    undated = add(mainline, "准备物料", None, owner=worker)

    ids = remind_due(NOW)
    assert len(ids) == 2
    rows = list(Notification.select().where(Notification.id.in_(ids)).order_by(Notification.id))
    assert {(n.recipient_id, n.kind, n.actor_id, n.target_type, n.target_id) for n in rows} == {
        (worker.id, KIND_NODE_DUE, None, "mainline", mainline.id)}
    assert ["选品会" in rows[0].excerpt, "素材制作" in rows[1].excerpt] == [True, True]
    assert day(1).isoformat() in rows[1].excerpt and "新品上架" in rows[1].excerpt
    assert Node.get_by_id(tomorrow.id).reminded_at == NOW and Node.get_by_id(today.id).reminded_at == NOW
    for untouched in (later, past, undated):
        assert Node.get_by_id(untouched.id).reminded_at is None
    assert remind_due(NOW) == []
    assert remind_due(NOW + dt.timedelta(hours=6)) == []  # still once, later the same day

    app.config["NODE_REMIND_DAYS"] = 2
    assert len(remind_due(NOW)) == 1 and Node.get_by_id(later.id).reminded_at == NOW


def test_a_department_node_reminds_its_head_and_a_headless_one_the_owner(people, mainline):
    director, worker, head, design = people
    add(mainline, "主图设计", day(1), department=design)
    headless = make_department("天猫运营组")
    add(mainline, "平台审核", day(1), department=headless)
    ids = remind_due(NOW)
    assert [r for r, _excerpt in sent(KIND_NODE_DUE)] == [head.id, director.id]
    assert len(ids) == 2


def test_done_nodes_and_closed_mainlines_are_left_alone(people, mainline):
    director, worker, head, design = people
    finished = add(mainline, "选品会", day(1), owner=worker)
    nodes.finish_node(finished, worker)
    add(mainline, "拍摄样品", day(-2), owner=worker)
    nodes.finish_node(Node.get(Node.title == "拍摄样品"), worker)
    assert remind_due(NOW) == [] and escalate_overdue(NOW) == []

    other = plans.create_mainline(director, "双11大促", day(30))
    add(other, "预售上线", day(1), owner=worker)
    add(other, "活动报名", day(-3), owner=worker)
    Mainline.update(status=STATUS_CANCELLED).where(Mainline.id == other.id).execute()
    assert remind_due(NOW) == [] and escalate_overdue(NOW) == []
    assert Node.select().where(Node.reminded_at.is_null(False) | Node.escalated_at.is_null(False)).count() == 0


def test_moving_the_due_date_starts_the_reminders_over(people, mainline):
    director, worker, head, design = people
    node = add(mainline, "素材制作", day(1), owner=worker)
    assert len(remind_due(NOW)) == 1

    def edit(title, due):
        current = Node.get_by_id(node.id)
        nodes.edit_node(current, director, title, current.phase_id, owner=worker, due_date=due)
        return Node.get_by_id(node.id)

    assert edit("素材制作（含详情页）", day(1)).reminded_at == NOW  # same date: no second reminder
    assert remind_due(NOW) == []
    assert edit("素材制作（含详情页）", day(0)).reminded_at is None
    assert len(remind_due(NOW)) == 1

    assert len(escalate_overdue(NOW + dt.timedelta(days=1))) == 2  # director and worker
    assert edit("素材制作（含详情页）", day(3)).escalated_at is None
    assert escalate_overdue(NOW + dt.timedelta(days=1)) == []
    assert len(escalate_overdue(NOW + dt.timedelta(days=4))) == 2


def test_overdue_goes_to_the_owners_and_the_node_owner_once_with_a_timeline_line(people, mainline):
    director, worker, head, design = people
    co_owner = make_user("wanglei", display_name="王磊")
    Member.create(mainline=mainline, user=co_owner, role=ROLE_OWNER)
    late = add(mainline, "平台审核", day(-1), owner=worker)
    own = add(mainline, "定价", day(-3), owner=director)
    add(mainline, "上架", day(0), owner=worker)  # due today: not overdue yet

    ids = escalate_overdue(NOW)
    rows = list(Notification.select().where(Notification.id.in_(ids)))
    assert all((n.kind, n.actor_id, n.target_type, n.target_id) == (KIND_NODE_OVERDUE, None, "mainline", mainline.id)
               for n in rows)
    by_node = {}
    for n in rows:
        by_node.setdefault("平台审核" if "平台审核" in n.excerpt else "定价", []).append(n.recipient_id)
    assert sorted(by_node["平台审核"]) == sorted([director.id, co_owner.id, worker.id])
    assert sorted(by_node["定价"]) == sorted([director.id, co_owner.id])  # the owner hears once
    assert day(-1).isoformat() in next(n.excerpt for n in rows if "平台审核" in n.excerpt)

    lines = list(Activity.select().where(Activity.kind == "overdue").order_by(Activity.id))
    assert {(a.node_id, a.actor_id, a.mainline_id) for a in lines} == {(late.id, None, mainline.id),
                                                                        (own.id, None, mainline.id)}
    assert "平台审核" in next(a.text for a in lines if a.node_id == late.id)
    assert Mainline.get_by_id(mainline.id).last_activity == lines[-1].text

    assert escalate_overdue(NOW) == []
    assert len(escalate_overdue(NOW + dt.timedelta(days=1))) == 3  # only "上架", a day later
    assert remind_due(NOW) != []  # "上架" due today is reminded; overdue nodes are not "due soon"
    assert [excerpt for _r, excerpt in sent(KIND_NODE_DUE) if "平台审核" in excerpt] == []


def test_a_template_mainline_over_two_weeks(people):
    """新品上架 back-scheduled from its date: the right people hear as the days pass."""
    director, worker, head, design = people
    ops_head = make_user("wanglei", display_name="王磊")
    update_department(make_department("运营推广部"), head=ops_head)
    # 选品会 (T−10) is due on day 2, 素材制作 (T−7, 设计策划部's, no owner yet) on day 5.
    mainline = plan_templates.instantiate(plan_templates.BUILT_IN["launch"], director, "新品上架", day(12))
    assert remind_due(NOW) == [] and escalate_overdue(NOW) == []
    assert len(remind_due(NOW + dt.timedelta(days=1))) == 1
    assert [r for r, _e in sent(KIND_NODE_DUE)] == [ops_head.id]

    later = NOW + dt.timedelta(days=4)  # 素材制作 due tomorrow, 选品会 two days late
    remind_due(later)
    escalate_overdue(later)
    assert [r for r, _e in sent(KIND_NODE_DUE)] == [ops_head.id, head.id]
    assert sorted(r for r, _e in sent(KIND_NODE_OVERDUE)) == sorted([director.id, ops_head.id])
    assert Activity.select().where((Activity.mainline == mainline.id) & (Activity.kind == "overdue")).count() == 1


def test_parallel_sweeps_tell_everyone_once(app, people, mainline):
    director, worker, head, design = people
    for n in range(4):
        add(mainline, f"节点{n}", day(1), owner=worker)
        add(mainline, f"逾期{n}", day(-1), department=design)
    before = Notification.select().count()
    db.close()
    results = at_once(app, [lambda: remind_due(NOW) for _ in range(3)])
    assert sum(len(r) for r in results) == 4
    results = at_once(app, [lambda: escalate_overdue(NOW) for _ in range(3)])
    assert sum(len(r) for r in results) == 8  # four nodes: the director and the department's head
    assert Notification.select().count() == before + 12
    assert Activity.select().where(Activity.kind == "overdue").count() == 4
    assert Node.select().where(Node.reminded_at.is_null()).count() == 4  # the overdue ones


def test_the_periodic_task_runs_both_and_counts(people, mainline):
    director, worker, head, design = people
    add(mainline, "素材制作", day(1), owner=worker)
    add(mainline, "平台审核", day(-1), owner=worker)
    assert remind_mainline_nodes.call_local(now=NOW) == (1, 2)
    assert remind_mainline_nodes.call_local(now=NOW) == (0, 0)
    every_quarter = {task.name for task in huey.read_periodic(dt.datetime(2026, 11, 1, 9, 45))}
    off_quarter = {task.name for task in huey.read_periodic(dt.datetime(2026, 11, 1, 9, 46))}
    assert any(name.endswith("remind_mainline_nodes") for name in every_quarter)
    assert not any(name.endswith("remind_mainline_nodes") for name in off_quarter)


def test_overdue_escalation_is_e_mailed_to_an_owner_who_wants_e_mail(delivery_app, people, mainline, smtp_server):
    director, worker, head, design = people
    ChannelSettings.create(user=director.id, email_enabled=True)
    add(mainline, "平台审核", day(-1), owner=worker)  # the worker has no channel: in the app only
    assert remind_mainline_nodes.call_local(now=NOW) == (0, 2)
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["to"] == ["chenjh@example.com"]
    with force_locale("zh_CN"):
        label = gettext("node overdue")
    assert label in message["message"]["Subject"]
    body = message["message"].get_content()
    assert "平台审核" in body and "新品上架" in body and day(-1).isoformat() in body
    assert f"https://office.example.com/mainlines/{mainline.id}" in body
    assert [d.recipient_id for d in Delivery.select()] == [director.id]


def test_the_inbox_shows_a_reminder_without_an_actor(app, client, auth, people, mainline):
    director, worker, head, design = people
    add(mainline, "素材制作", day(1), owner=worker)
    remind_due(NOW)
    with app.test_request_context():
        assert target_url("mainline", mainline.id) == f"/mainlines/{mainline.id}"
    auth.login(worker)
    body = client.get("/inbox/").get_data(as_text=True)
    with app.test_request_context(), force_locale("zh_CN"):
        headline = f"<strong>{gettext('ShopOffice')}</strong> {gettext('node due soon')}"
    assert headline in body and "素材制作" in body
    notification = Notification.get(Notification.kind == KIND_NODE_DUE)
    response = client.post(f"/inbox/{notification.id}/read")
    assert response.status_code == 303 and response.headers["Location"] == f"/mainlines/{mainline.id}"
