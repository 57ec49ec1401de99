"""The node board of a mainline and every node action: adding, editing, deleting, dependencies and
circles, start/finish/reopen with plan vs actual (frozen clock), department nodes given away by
their head, who may do what (403) and who may not even know (404), and the board's query count.
Assertions read ids, data attributes and stored rows rather than translated words, except where
the Chinese text itself is the point."""
import datetime as dt
import re

import pytest
from playhouse.test_utils import assert_query_count

from office.db import db
from office.departments.tree import update_department
from office.mainlines import nodes, plan_templates
from office.mainlines.membership import invite
from office.mainlines.plans import create_mainline
from office.models.mainlines import (
    NODE_DOING,
    NODE_DONE,
    NODE_TODO,
    ROLE_VIEWER,
    Activity,
    Member,
    Node,
    NodeDependency,
    Phase,
)
from tests.conftest import hx
from tests.factories import make_department, make_user
from tests.parallel import at_once

EVENT = dt.date(2026, 11, 11)


@pytest.fixture
def org(app):
    design = make_department("设计策划部")
    head = make_user("zhaoshe", role="head", department=design, display_name="赵设计")
    update_department(design, head=head)
    people = {
        "design": design,
        "head": head,
        "designer": make_user("sunmei", department=design, display_name="孙梅"),
        "owner": make_user("chenyun", role="head", display_name="陈运"),
        "member": make_user("wangfang", display_name="王芳"),
        "viewer": make_user("liuguan", display_name="刘观"),
        "outsider": make_user("zhouwai", display_name="周外"),
    }
    mainline = create_mainline(people["owner"], "双11大促", EVENT)
    invite(mainline, people["owner"], [people["member"]])
    invite(mainline, people["owner"], [people["viewer"]], role=ROLE_VIEWER)
    people["mainline"] = mainline
    people["phases"] = list(Phase.select().where(Phase.mainline == mainline.id).order_by(Phase.position))
    return people


def _switch(auth, user):
    auth.logout()
    auth.login(user)


def _add(org, title, phase=0, by=None, **fields):
    node, _ids = nodes.add_node(org["mainline"], by or org["owner"], title, org["phases"][phase].id, **fields)
    return node


def _url(org, suffix=""):
    return f"/mainlines/{org['mainline'].id}{suffix}"


def _card(html: str, node_id: int) -> str:
    """The HTML of one node card."""
    match = re.search(rf'<article id="node-{node_id}".*?</article>', html, re.S)
    assert match, f"no card for node {node_id}"
    return match.group(0)


def _column(html: str, phase_id: int) -> str:
    match = re.search(rf'<section class="board-column" aria-labelledby="phase-{phase_id}-title">.*?</section>',
                      html, re.S)
    assert match
    return match.group(0)


def _attrs(html: str, css_class: str) -> dict:
    tag = re.search(rf'<[a-z]+ class="{css_class}"([^>]*)>', html).group(1)
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', tag))


# --- the board ------------------------------------------------------------------------------

def test_board_shows_phases_cards_owner_and_waits(client, auth, org):
    first = _add(org, "选品会", owner=org["member"], planned_hours=4, due_date=dt.date(2026, 10, 1))
    second = _add(org, "素材制作", department=org["design"], planned_hours=48, depends_on=[first.id])
    _add(org, "上架", phase=1)
    auth.login(org["member"])
    response = client.get(_url(org, "/board"))
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    body = response.get_data(as_text=True)
    assert '<section id="mainline-board"' in body and "<html" in body
    for phase in org["phases"]:
        assert f'id="phase-{phase.id}-title">{phase.name}</h3>' in body
    assert "王芳" in _card(body, first.id) and "2026-10-01" in _card(body, first.id)
    design_card = _card(body, second.id)
    assert "设计策划部" in design_card and "node-waiting" in design_card and "选品会" in design_card
    assert "node-waiting" not in _card(body, first.id)
    # htmx asks for the board alone.
    partial = hx(client, "get", _url(org, "/board"), target="mainline-board").get_data(as_text=True)
    assert "<html" not in partial and partial.lstrip().startswith('<section id="mainline-board"')


def test_board_buttons_follow_permissions(client, auth, org):
    mine = _add(org, "我的节点", owner=org["member"])
    other = _add(org, "别人的节点", owner=org["owner"])
    team = _add(org, "部门节点", department=org["design"])
    auth.login(org["member"])
    body = client.get(_url(org, "/board")).get_data(as_text=True)
    assert 'value="start"' in _card(body, mine.id)
    assert 'value="start"' not in _card(body, other.id) and "/move" not in _card(body, other.id)
    assert "/edit" not in body and "/nodes/new" not in body and f"/nodes/{team.id}#assign" not in body
    _switch(auth, org["head"])
    body = client.get(_url(org, "/board")).get_data(as_text=True)
    assert 'value="start"' in _card(body, team.id) and f"/nodes/{team.id}#assign-{team.id}" in _card(body, team.id)
    assert "/move" not in _card(body, mine.id)
    _switch(auth, org["viewer"])
    body = client.get(_url(org, "/board")).get_data(as_text=True)
    assert "/move" not in body and "/delete" not in body and "#assign" not in body
    _switch(auth, org["owner"])
    body = client.get(_url(org, "/board")).get_data(as_text=True)
    for node in (mine, other, team):
        card = _card(body, node.id)
        assert "/move" in card and f"/nodes/{node.id}/edit" in card and f"/nodes/{node.id}/delete" in card
    assert _url(org, "/nodes/new") in body


def test_board_shows_an_overdue_node_as_overdue(client, auth, org):
    late = _add(org, "逾期节点", owner=org["member"], due_date=dt.date(2020, 1, 1))
    future = _add(org, "未来节点", owner=org["member"], due_date=dt.date(2099, 1, 1))
    finished = _add(org, "已完成的旧节点", owner=org["member"], due_date=dt.date(2020, 1, 1))
    nodes.finish_node(finished, org["owner"])
    auth.login(org["member"])
    body = client.get(_url(org, "/board")).get_data(as_text=True)
    card = _card(body, late.id)
    # Said in words (a tag), not only by colour.
    assert "is-overdue" in card and 'class="tag tag-overdue ' in card
    assert "tag-overdue" not in _card(body, future.id) and "tag-overdue" not in _card(body, finished.id)


def test_plan_vs_actual_per_node_and_phase_with_a_frozen_clock(client, auth, org, monkeypatch):
    big = _add(org, "主图与详情页素材制作", owner=org["member"], planned_hours=48)
    small = _add(org, "客服话术", owner=org["member"], planned_hours=10)
    _add(org, "预售上线", phase=1, owner=org["member"], planned_hours=4)
    # The small node by the rules with fixed times: 8 h for 10 planned.
    nodes.start_node(small, org["member"], now=dt.datetime(2026, 10, 30, 9))
    nodes.finish_node(small, org["member"], now=dt.datetime(2026, 10, 30, 17))
    # The big one through the views, the rules' clock frozen: 60 h for 48 planned.
    auth.login(org["member"])
    monkeypatch.setattr(nodes, "utcnow", lambda: dt.datetime(2026, 11, 1, 8, 0))
    assert client.post(_url(org, f"/nodes/{big.id}/move"), data={"action": "start"}).status_code == 303
    monkeypatch.setattr(nodes, "utcnow", lambda: dt.datetime(2026, 11, 3, 20, 0))
    response = hx(client, "post", _url(org, f"/nodes/{big.id}/move"), target="mainline-board",
                  data={"action": "finish"})
    assert response.status_code == 200
    stored = Node.get_by_id(big.id)
    assert stored.status == NODE_DONE and stored.actual_hours == 60
    assert stored.started_at == dt.datetime(2026, 11, 1, 8) and stored.done_at == dt.datetime(2026, 11, 3, 20)
    body = response.get_data(as_text=True)
    assert "<html" not in body and body.lstrip().startswith('<section id="mainline-board"')
    card = _card(body, big.id)
    assert _attrs(card, "node-actual") == {"over": "12"}
    assert '<strong class="over">' in card and "12 h" in card and "60 h" in card and "48 h" in card
    small_card = _card(body, small.id)
    assert _attrs(small_card, "node-actual") == {"over": "-2"} and 'class="under"' in small_card
    phase = _attrs(_column(body, org["phases"][0].id), "phase-figures")
    assert phase == {"done": "2", "total": "2", "planned": "58", "actual": "68", "over": "10"}
    later = _attrs(_column(body, org["phases"][1].id), "phase-figures")
    assert later == {"done": "0", "total": "1", "planned": "4", "actual": "0", "over": "0"}
    total = _attrs(body, "board-summary")
    assert total == {"done": "2", "total": "3", "planned": "62", "actual": "68", "over": "10"}
    # Reopening clears the finish: the figures forget its actual hours.
    client.post(_url(org, f"/nodes/{big.id}/move"), data={"action": "reopen"})
    body = client.get(_url(org, "/board")).get_data(as_text=True)
    assert Node.get_by_id(big.id).status == NODE_DOING
    assert _attrs(body, "board-summary")["actual"] == "8"


def test_a_same_minute_finish_asks_for_the_real_hours_instead_of_recording_0(client, auth, org, monkeypatch):
    """Issue 14: finishing right after starting used to store 0 h and show the whole plan saved."""
    node = _add(org, "报名资料", owner=org["member"], planned_hours=8)
    auth.login(org["member"])
    monkeypatch.setattr(nodes, "utcnow", lambda: dt.datetime(2026, 11, 1, 9, 0, 5))
    assert client.post(_url(org, f"/nodes/{node.id}/move"), data={"action": "start"}).status_code == 303
    monkeypatch.setattr(nodes, "utcnow", lambda: dt.datetime(2026, 11, 1, 9, 0, 40))
    response = hx(client, "post", _url(org, f"/nodes/{node.id}/move"), target="mainline-board",
                  data={"action": "finish"})
    # Nothing recorded: the card asks, the board shows no saving.
    assert response.status_code == 200
    stored = Node.get_by_id(node.id)
    assert stored.status == NODE_DOING and stored.actual_hours is None and stored.done_at is None
    body = response.get_data(as_text=True)
    card = _card(body, node.id)
    assert 'class="node-ask-actual"' in card and 'name="actual_hours"' in card and 'name="answered" value="1"' in card
    assert "实际用了多少小时" in card
    assert "节省" not in body and 'class="under"' not in body
    # A bad answer: 422, asked again, still nothing recorded.
    response = hx(client, "post", _url(org, f"/nodes/{node.id}/move"), target=f"node-{node.id}",
                  data={"action": "finish", "answered": "1", "actual_hours": "半天"})
    assert response.status_code == 422 and 'aria-invalid="true"' in response.get_data(as_text=True)
    assert Node.get_by_id(node.id).status == NODE_DOING
    # The person's answer is the actual.
    response = hx(client, "post", _url(org, f"/nodes/{node.id}/move"), target="mainline-board",
                  data={"action": "finish", "answered": "1", "actual_hours": "6.5"})
    assert response.status_code == 200
    stored = Node.get_by_id(node.id)
    assert stored.status == NODE_DONE and stored.actual_hours == 6.5
    assert _attrs(response.get_data(as_text=True), "board-summary")["over"] == "-1.5"


def test_a_same_minute_finish_left_blank_is_unknown_and_not_a_saving(client, auth, org, monkeypatch):
    node = _add(org, "上架检查", owner=org["member"], planned_hours=8)
    measured = _add(org, "客服排班", owner=org["member"], planned_hours=4)
    nodes.start_node(measured, org["member"], now=dt.datetime(2026, 11, 1, 8))
    nodes.finish_node(measured, org["member"], now=dt.datetime(2026, 11, 1, 13))
    start = dt.datetime(2026, 11, 1, 9, 0)
    nodes.start_node(node, org["member"], now=start)
    # The rule refuses to guess; the clock wins over a typed answer once it has measured something.
    with pytest.raises(nodes.ActualNeeded):
        nodes.finish_node(node, org["member"], now=start + dt.timedelta(seconds=50))
    auth.login(org["member"])
    monkeypatch.setattr(nodes, "utcnow", lambda: start + dt.timedelta(minutes=1))
    # Without JS: the board page with the question, then the blank answer.
    response = client.post(_url(org, f"/nodes/{node.id}/move"), data={"action": "finish"})
    assert response.status_code == 200 and 'class="node-ask-actual"' in _card(response.get_data(as_text=True), node.id)
    response = client.post(_url(org, f"/nodes/{node.id}/move"),
                           data={"action": "finish", "answered": "1", "actual_hours": ""})
    assert response.status_code == 303
    stored = Node.get_by_id(node.id)
    assert stored.status == NODE_DONE and stored.actual_hours is None
    body = client.get(_url(org, "/board")).get_data(as_text=True)
    assert _attrs(_card(body, node.id), "node-actual") == {"unknown": "1"}
    # Only the measured node counts: 5 h of 4 planned, 1 h over, never "8 h saved".
    assert _attrs(body, "board-summary") == {"done": "2", "total": "2", "planned": "12", "actual": "5", "over": "1"}
    assert 'data-unknown="1"' in body and "未计入" in body and "节省" not in body
    figures = client.get(_url(org, "/figures")).get_data(as_text=True)
    assert "节省" not in figures and "未计入" in figures


def test_an_answer_does_not_replace_a_measured_actual(org):
    node = _add(org, "直播脚本", owner=org["member"], planned_hours=8)
    nodes.start_node(node, org["member"], now=dt.datetime(2026, 11, 1, 8))
    nodes.finish_node(node, org["member"], now=dt.datetime(2026, 11, 1, 11), actual_hours="1", answered=True)
    assert Node.get_by_id(node.id).actual_hours == 3


def test_migration_0008_forgets_actuals_of_0_hours(org):
    import importlib

    migration = importlib.import_module("office.migrations.0008_node_actual")
    zero = _add(org, "秒完成", owner=org["member"], planned_hours=8)
    real = _add(org, "真完成", owner=org["member"], planned_hours=8)
    Node.update(status=NODE_DONE, actual_hours=0).where(Node.id == zero.id).execute()
    Node.update(status=NODE_DONE, actual_hours=2.5).where(Node.id == real.id).execute()
    migration.up(None, db)
    assert Node.get_by_id(zero.id).actual_hours is None and Node.get_by_id(real.id).actual_hours == 2.5


def test_start_waiting_for_a_dependency_is_refused(client, auth, org):
    mainline = plan_templates.instantiate(plan_templates.BUILT_IN["launch"], org["owner"], "新品上架", EVENT)
    by_title = {n.title: n for n in Node.select().where(Node.mainline == mainline.id)}
    material = by_title["素材制作"]
    auth.login(org["owner"])
    url = f"/mainlines/{mainline.id}/nodes/{material.id}/move"
    response = client.post(url, data={"action": "start"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "等待" in body and "选品会" in body and '<section id="mainline-board"' in body
    response = hx(client, "post", url, target="mainline-board", data={"action": "start"})
    assert response.status_code == 422 and response.headers["HX-Retarget"] == "#toasts"
    assert "等待" in response.get_data(as_text=True) and "选品会" in response.get_data(as_text=True)
    assert Node.get_by_id(material.id).status == NODE_TODO
    # Once its dependency is done it starts, and the board no longer says it waits.
    nodes.finish_node(by_title["选品会"], org["owner"])
    assert client.post(url, data={"action": "start"}).status_code == 303
    assert Node.get_by_id(material.id).status == NODE_DOING
    body = client.get(f"/mainlines/{mainline.id}/board").get_data(as_text=True)
    assert "node-waiting" not in _card(body, material.id)


def test_pressing_start_twice_records_once(client, auth, org):
    node = _add(org, "值守", owner=org["member"])
    auth.login(org["member"])
    for _ in range(2):
        assert client.post(_url(org, f"/nodes/{node.id}/move"), data={"action": "start"}).status_code == 303
    assert Activity.select().where(Activity.kind == "node_started").count() == 1
    assert client.post(_url(org, f"/nodes/{node.id}/move"), data={"action": "jump"}).status_code == 400


def test_two_people_finishing_at_once_record_it_once(app, org):
    node = _add(org, "大促当天值守", owner=org["member"], planned_hours=24)
    nodes.start_node(node, org["member"], now=dt.datetime(2026, 11, 10, 20))
    db.close()
    finish = dt.datetime(2026, 11, 11, 20)
    results = at_once(app, [lambda: nodes.finish_node(node, org["member"], now=finish),
                            lambda: nodes.finish_node(node, org["owner"], now=finish)])
    assert sorted(changed for changed, _ids in results) == [False, True]
    assert Activity.select().where((Activity.kind == "node_done") & (Activity.node == node.id)).count() == 1
    stored = Node.get_by_id(node.id)
    assert stored.status == NODE_DONE and stored.actual_hours == 24


# --- adding, editing, deleting ------------------------------------------------------------

def _form(org, **over):
    data = {"title": "直通车投放计划", "phase": str(org["phases"][1].id), "owner": f"u{org['member'].id}",
            "planned_hours": "8", "due_date": "2026-10-28", "note": "预算 5 万"}
    data.update(over)
    return data


def test_owner_adds_a_node_with_dependencies(client, auth, org):
    first = _add(org, "目标与预算")
    auth.login(org["owner"])
    page = client.get(_url(org, f"/nodes/new?phase={org['phases'][1].id}"))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'<option selected value="{org["phases"][1].id}">' in html or \
        f'value="{org["phases"][1].id}" selected' in html
    # Owner choices: members, everyone else, departments (each "u…"/"d…"), grouped.
    assert f'value="u{org["member"].id}"' in html and f'value="u{org["outsider"].id}"' in html
    assert f'value="d{org["design"].id}"' in html and "<optgroup" in html
    assert f'value="{first.id}"' in html
    response = client.post(_url(org, "/nodes/new"), data={**_form(org), "depends_on": [str(first.id)]})
    assert response.status_code == 303
    node = Node.get(Node.title == "直通车投放计划")
    assert response.headers["Location"].endswith(f"/mainlines/{org['mainline'].id}/board#node-{node.id}")
    assert node.phase_id == org["phases"][1].id and node.owner_id == org["member"].id
    assert node.planned_hours == 8 and node.due_date == dt.date(2026, 10, 28) and node.note == "预算 5 万"
    assert [d.depends_on_id for d in NodeDependency.select().where(NodeDependency.node == node.id)] == [first.id]
    # An outsider made owner becomes a member, so they can see what they own.
    client.post(_url(org, "/nodes/new"), data=_form(org, title="外援", owner=f"u{org['outsider'].id}"))
    assert Member.get_or_none(mainline=org["mainline"].id, user=org["outsider"].id) is not None


def test_adding_a_node_with_errors_answers_422(client, auth, org):
    auth.login(org["owner"])
    response = client.post(_url(org, "/nodes/new"), data=_form(org, title="", planned_hours="-3"))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="title-error"' in body and 'id="planned_hours-error"' in body
    partial = hx(client, "post", _url(org, "/nodes/new"), target="node-form", data=_form(org, title=""))
    assert partial.status_code == 422
    assert partial.get_data(as_text=True).lstrip().startswith('<form id="node-form"')
    assert Node.select().count() == 0


def test_a_department_node_is_given_away_by_its_head(client, auth, org):
    auth.login(org["owner"])
    client.post(_url(org, "/nodes/new"), data=_form(org, title="主图设计", owner=f"d{org['design'].id}"))
    node = Node.get(Node.title == "主图设计")
    assert node.department_id == org["design"].id and node.owner_id is None
    # Its head joins the mainline; the board says who must assign it.
    assert Member.get_or_none(mainline=org["mainline"].id, user=org["head"].id) is not None
    body = client.get(_url(org, "/board")).get_data(as_text=True)
    assert "设计策划部" in _card(body, node.id) and "王芳" not in _card(body, node.id)
    # A member who does not head the department may not give it away.
    _switch(auth, org["member"])
    assert client.post(_url(org, f"/nodes/{node.id}/assign"), data={"owner": org["designer"].id}).status_code == 403
    _switch(auth, org["head"])
    page = client.get(_url(org, f"/nodes/{node.id}")).get_data(as_text=True)
    assert f'id="assign-{node.id}"' in page and f'value="{org["designer"].id}"' in page
    assert f'value="{org["outsider"].id}"' not in page  # a head chooses among their own people
    bad = client.post(_url(org, f"/nodes/{node.id}/assign"), data={"owner": org["outsider"].id})
    assert bad.status_code == 422 and f'id="assign-{node.id}-owner-error"' in bad.get_data(as_text=True)
    response = client.post(_url(org, f"/nodes/{node.id}/assign"), data={"owner": org["designer"].id})
    assert response.status_code == 303
    assert Node.get_by_id(node.id).owner_id == org["designer"].id
    assert Member.get_or_none(mainline=org["mainline"].id, user=org["designer"].id) is not None
    # The designer, now a member, starts it; htmx on the node page gets the card back.
    _switch(auth, org["designer"])
    response = hx(client, "post", _url(org, f"/nodes/{node.id}/move"), target=f"node-{node.id}",
                  data={"action": "start"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(f'<article id="node-{node.id}"') and 'value="finish"' in body
    assert Node.get_by_id(node.id).status == NODE_DOING


def test_assign_with_htmx_from_the_node_page_returns_the_card(client, auth, org):
    node = _add(org, "详情页", department=org["design"])
    auth.login(org["head"])
    response = hx(client, "post", _url(org, f"/nodes/{node.id}/assign"), target=f"node-{node.id}",
                  data={"owner": org["designer"].id})
    assert response.status_code == 200
    card = response.get_data(as_text=True)
    assert f'<article id="node-{node.id}"' in card and "孙梅" in card


def test_owner_edits_a_node_and_a_circle_is_refused(client, auth, org):
    first = _add(org, "选品会")
    second = _add(org, "素材制作", depends_on=[first.id])
    auth.login(org["owner"])
    page = client.get(_url(org, f"/nodes/{second.id}/edit")).get_data(as_text=True)
    assert 'value="素材制作"' in page and re.search(rf'<option selected value="{first.id}">|'
                                                   rf'value="{first.id}" selected', page)
    assert f'value="{second.id}"' not in page.split('name="depends_on"', 1)[1].split("</select>", 1)[0]
    response = client.post(_url(org, f"/nodes/{first.id}/edit"),
                           data=_form(org, title="选品会", depends_on=[str(second.id)]))
    assert response.status_code == 422 and 'id="depends_on-error"' in response.get_data(as_text=True)
    assert NodeDependency.select().where(NodeDependency.node == first.id).count() == 0
    response = client.post(_url(org, f"/nodes/{second.id}/edit"),
                           data=_form(org, title="主图素材制作", planned_hours="40", depends_on=[str(first.id)]))
    assert response.status_code == 303
    stored = Node.get_by_id(second.id)
    assert stored.title == "主图素材制作" and stored.planned_hours == 40 and stored.phase_id == org["phases"][1].id
    assert stored.owner_id == org["member"].id


def test_owner_deletes_a_node(client, auth, org):
    keep = _add(org, "留下")
    gone = _add(org, "删掉", depends_on=[keep.id])
    auth.login(org["owner"])
    response = hx(client, "post", _url(org, f"/nodes/{gone.id}/delete"), target="mainline-board")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="mainline-board"') and f'id="node-{gone.id}"' not in body
    assert Node.get_or_none(Node.id == gone.id) is None and NodeDependency.select().count() == 0
    response = client.post(_url(org, f"/nodes/{keep.id}/delete"))
    assert response.status_code == 303 and response.headers["Location"].endswith("/board")
    assert Node.select().count() == 0


# --- who may ------------------------------------------------------------------------------

def test_members_who_may_not_change_get_403(client, auth, org):
    node = _add(org, "别人的节点", owner=org["owner"])
    for user in (org["member"], org["viewer"]):
        _switch(auth, user)
        assert client.post(_url(org, f"/nodes/{node.id}/move"), data={"action": "start"}).status_code == 403
        assert hx(client, "post", _url(org, f"/nodes/{node.id}/move"), data={"action": "start"}).status_code == 403
        assert client.get(_url(org, "/nodes/new")).status_code == 403
        assert client.post(_url(org, "/nodes/new"), data=_form(org)).status_code == 403
        assert client.get(_url(org, f"/nodes/{node.id}/edit")).status_code == 403
        assert client.post(_url(org, f"/nodes/{node.id}/edit"), data=_form(org)).status_code == 403
        assert client.post(_url(org, f"/nodes/{node.id}/delete")).status_code == 403
        assert client.post(_url(org, f"/nodes/{node.id}/assign"), data={"owner": user.id}).status_code == 403
        # Reading is fine.
        assert client.get(_url(org, "/board")).status_code == 200
        assert client.get(_url(org, f"/nodes/{node.id}")).status_code == 200
    assert Node.get_by_id(node.id).status == NODE_TODO and Node.select().count() == 1


def _endpoints(org, node_id):
    return [
        ("get", "/board", None), ("get", "/nodes/new", None), ("post", "/nodes/new", _form(org)),
        ("get", f"/nodes/{node_id}", None), ("get", f"/nodes/{node_id}/edit", None),
        ("post", f"/nodes/{node_id}/edit", _form(org)), ("post", f"/nodes/{node_id}/move", {"action": "start"}),
        ("post", f"/nodes/{node_id}/assign", {"owner": "1"}), ("post", f"/nodes/{node_id}/delete", None),
    ]


def test_a_non_member_gets_404_everywhere(client, auth, org):
    node = _add(org, "保密节点", owner=org["member"])
    auth.login(org["outsider"])
    for method, suffix, data in _endpoints(org, node.id):
        url = _url(org, suffix)
        assert client.open(url, method=method.upper(), data=data).status_code == 404, (method, url)
        response = hx(client, method, url, target="mainline-board", data=data)
        assert response.status_code == 404, ("htmx", method, url)
        assert "保密节点" not in response.get_data(as_text=True)
    assert Node.get_by_id(node.id).status == NODE_TODO and Node.select().count() == 1


def test_a_member_gets_200_and_a_node_of_another_mainline_is_404(client, auth, org):
    node = _add(org, "本线节点", owner=org["member"])
    elsewhere = create_mainline(org["owner"], "年货节", dt.date(2027, 1, 20))
    stranger = nodes.add_node(elsewhere, org["owner"], "别线节点",
                              Phase.select().where(Phase.mainline == elsewhere.id).first().id)[0]
    auth.login(org["member"])
    for suffix in ("/board", f"/nodes/{node.id}"):
        assert client.get(_url(org, suffix)).status_code == 200
        partial = hx(client, "get", _url(org, suffix), target=f"node-{node.id}")
        assert partial.status_code == 200 and "<html" not in partial.get_data(as_text=True)
    _switch(auth, org["owner"])
    assert client.get(_url(org, f"/nodes/{node.id}/edit")).status_code == 200
    assert client.get(_url(org, "/nodes/new")).status_code == 200
    for method, suffix, data in _endpoints(org, stranger.id):
        if str(stranger.id) in suffix:
            assert client.open(_url(org, suffix), method=method.upper(), data=data).status_code == 404, suffix
    assert Node.get_by_id(stranger.id).status == NODE_TODO


def test_a_director_outside_the_mainline_manages_its_nodes(client, auth, org):
    director = make_user("laowang", role="director", display_name="王总")
    node = _add(org, "总监看板", owner=org["member"])
    auth.login(director)
    assert client.get(_url(org, "/board")).status_code == 200
    assert client.post(_url(org, f"/nodes/{node.id}/move"), data={"action": "finish"}).status_code == 303
    assert Node.get_by_id(node.id).status == NODE_DONE


# --- cost ---------------------------------------------------------------------------------

def _fill(org, count):
    made = []
    for n in range(count):
        kind = n % 3
        fields = {"owner": org["member"]} if kind == 0 else (
            {"department": org["design"]} if kind == 1 else {"owner": org["designer"]})
        depends = [made[-1].id] if made and n % 2 else []
        made.append(_add(org, f"节点{n}", phase=n % 3, planned_hours=n, depends_on=depends,
                         due_date=dt.date(2020 + n % 10, 1, 1), **fields))
        if n % 4 == 0:
            nodes.start_node(made[-1], org["owner"], now=dt.datetime(2026, 10, 1, 8))
            if n % 8 == 0:
                nodes.finish_node(made[-1], org["owner"], now=dt.datetime(2026, 10, 2, 8))
    return made


@pytest.mark.parametrize("who", ["owner", "member", "head"])
def test_board_query_count_does_not_grow(client, auth, org, who):
    _fill(org, 5)
    auth.login(org[who])
    client.get(_url(org, "/board"))  # warm up
    # Session user, the mainline, the live cursor, my membership, the header's owner, the board's
    # phases / nodes with owners, departments and heads / dependencies, and the unread badge.
    # + the navigation's check of who works orders (office/orders/access.py).
    with assert_query_count(10):
        body = client.get(_url(org, "/board")).get_data(as_text=True)
    assert body.count('<article id="node-') == 5
    _fill(org, 35)
    with assert_query_count(10):
        body = client.get(_url(org, "/board")).get_data(as_text=True)
    assert body.count('<article id="node-') == 40


def test_node_text_is_escaped(client, auth, org):
    node = _add(org, '<script>alert("x")</script>节点', owner=org["member"], note="<b>备注</b>")
    auth.login(org["member"])
    for suffix in ("/board", f"/nodes/{node.id}"):
        body = client.get(_url(org, suffix)).get_data(as_text=True)
        assert '<script>alert("x")' not in body and "&lt;script&gt;" in body
    assert "&lt;b&gt;备注" in client.get(_url(org, f"/nodes/{node.id}")).get_data(as_text=True)


def test_the_live_stream_redraws_an_open_board(client, auth, org):
    from office.live.events import latest_id

    node = _add(org, "直播彩排", owner=org["member"])
    auth.login(org["member"])
    page = client.get(_url(org, "/board")).get_data(as_text=True)
    cursor = latest_id()
    assert re.search(rf'sse-connect="/live/\?[^"]*mainline={org["mainline"].id}', page)
    nodes.start_node(node, org["owner"])
    stream = f"/live/?after={cursor}&view=board&mainline={org['mainline'].id}"
    body = client.get(stream, buffered=True).get_data(as_text=True)
    assert 'id="mainline-board" class="board" hx-swap-oob="true"' in body
    assert 'value="finish"' in body  # the card as this member may use it: started, so "finish"
    _switch(auth, org["outsider"])
    assert "mainline-board" not in client.get(stream, buffered=True).get_data(as_text=True)
