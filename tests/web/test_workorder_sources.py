"""转为任务单 (issue 15 point 3): a task order turned from a feed post or a mainline node is
prefilled from it, remembers it, and each side links to the other only for those who may see it;
404 for a source the user may not see; the feed's mark costs one query per page."""
import datetime as dt
import re

import pytest
from playhouse.test_utils import assert_query_count, count_queries

from office.feed.posts import create_post
from office.mainlines import nodes
from office.mainlines.plans import create_mainline
from office.models.base import utcnow
from office.models.mainlines import Phase
from office.models.workorders import WorkOrder
from office.workorders import engine
from tests.factories import work_order_org


@pytest.fixture
def org(app):
    return work_order_org()


def _deadline():
    return (dt.datetime.now() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")


def _checked(html, value):
    return re.search(rf'<input[^>]*checked[^>]*value="{value}"|<input[^>]*value="{value}"[^>]*checked', html)


def _design_post(org):
    return create_post(org["operator"], "双12主图 5 张\n尺寸 800x800，周五前", scope="departments",
                       departments=[org["design"]]).post


def test_a_post_prefills_the_task_order_and_the_two_link_each_other(client, auth, org):
    post = _design_post(org)
    auth.login(org["designer"])
    feed = client.get("/").get_data(as_text=True)
    assert f'href="/work-orders/new?post={post.id}"' in feed and "转为任务单" in feed
    page = client.get(f"/work-orders/new?post={post.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'value="双12主图 5 张"' in html and "&gt; 尺寸 800x800，周五前" in html
    assert f"/feed/{post.id}" in html and '<option selected value="task">' in html
    assert _checked(html, org["design"].id) and '<option selected value="normal">' in html
    assert re.search(rf'name="source_post"[^>]*value="{post.id}"|value="{post.id}"[^>]*name="source_post"', html)
    response = client.post("/work-orders/new", data={
        "kind": "task", "title": "双12主图 5 张", "body": "见动态", "assignee": "0", "queue": str(org["design"].id),
        "departments": [str(org["design"].id)], "priority": "normal", "deadline": _deadline(),
        "source_post": str(post.id), "source_node": ""})
    assert response.status_code == 303
    order = WorkOrder.get()
    assert order.source_post_id == post.id and order.source_node_id is None
    shown = client.get(f"/work-orders/{order.id}").get_data(as_text=True)
    assert "来自动态" in shown and f'href="/feed/{post.id}"' in shown
    feed = client.get("/").get_data(as_text=True)
    assert f"已转任务单 {order.number}" in feed and f'href="/work-orders/{order.id}"' in feed
    assert f"已转任务单 {order.number}" in client.get(f"/feed/{post.id}").get_data(as_text=True)


def test_each_link_shows_only_to_those_who_may_see_the_other_side(client, auth, org):
    post = _design_post(org)
    # Named for 客服部 too: 客服 sees the order but not the post (scoped to 设计策划部).
    order = engine.open_order(org["designer"], "task", "双12主图", queue=org["design"], departments=[org["service"]],
                              deadline=utcnow() + dt.timedelta(days=3), source_post=post.id).order
    auth.login(org["agent"])
    shown = client.get(f"/work-orders/{order.id}")
    assert shown.status_code == 200
    assert "来自动态" not in shown.get_data(as_text=True) and f"/feed/{post.id}" not in shown.get_data(as_text=True)
    auth.logout()
    # The post's author sees the post but not the order (运营推广部 is not named): no mark.
    auth.login(org["operator"])
    feed = client.get("/").get_data(as_text=True)
    assert "双12主图 5 张" in feed and order.number not in feed


def test_a_post_or_node_the_user_cannot_see_is_404(client, auth, org):
    post = _design_post(org)
    mainline = create_mainline(org["boss"], "双12大促", dt.date(2026, 12, 12))
    phase = Phase.select().where(Phase.mainline == mainline.id).order_by(Phase.position).first()
    node, _ids = nodes.add_node(mainline, org["boss"], "主图设计", phase.id, department=org["design"])
    auth.login(org["agent"])
    assert client.get(f"/work-orders/new?post={post.id}").status_code == 404
    assert client.get(f"/work-orders/new?node={node.id}").status_code == 404
    assert client.get("/work-orders/new?post=999999").status_code == 404
    # Nor by posting the hidden field by hand.
    response = client.post("/work-orders/new", data={
        "kind": "task", "title": "偷看", "assignee": "0", "queue": str(org["service"].id), "priority": "normal",
        "deadline": _deadline(), "source_post": str(post.id)})
    assert response.status_code == 404 and WorkOrder.select().count() == 0


def test_a_node_prefills_the_task_order_and_the_two_link_each_other(client, auth, org):
    mainline = create_mainline(org["boss"], "双12大促", dt.date(2026, 12, 12))
    phase = Phase.select().where(Phase.mainline == mainline.id).order_by(Phase.position).first()
    node, _ids = nodes.add_node(mainline, org["boss"], "主图设计", phase.id, department=org["design"],
                                note="五张主图")
    auth.login(org["boss"])
    node_url = f"/mainlines/{mainline.id}/nodes/{node.id}"
    assert f'href="/work-orders/new?node={node.id}"' in client.get(node_url).get_data(as_text=True)
    html = client.get(f"/work-orders/new?node={node.id}").get_data(as_text=True)
    assert 'value="主图设计"' in html and "五张主图" in html and node_url in html
    assert _checked(html, org["design"].id)
    response = client.post("/work-orders/new", data={
        "kind": "task", "title": "主图设计", "body": "", "assignee": "0", "queue": str(org["design"].id),
        "departments": [str(org["design"].id)], "priority": "normal", "deadline": _deadline(),
        "source_post": "", "source_node": str(node.id)})
    assert response.status_code == 303
    order = WorkOrder.get()
    assert (order.source_node_id, order.mainline_id) == (node.id, mainline.id)
    shown = client.get(f"/work-orders/{order.id}").get_data(as_text=True)
    assert "来自主线节点" in shown and f'href="{node_url}"' in shown
    assert f"已转任务单 {order.number}" in client.get(node_url).get_data(as_text=True)
    auth.logout()
    # 设计小陈 sees the order (its queue) but is no member of the mainline: no link to the node.
    auth.login(org["designer"])
    shown = client.get(f"/work-orders/{order.id}").get_data(as_text=True)
    assert "来自主线节点" not in shown and node_url not in shown


def test_the_feed_marks_turned_posts_without_a_query_per_card(client, auth, org):
    def turn(n):
        post = create_post(org["designer"], f"第{n}条").post
        engine.open_order(org["designer"], "task", f"任务{n}", queue=org["design"],
                          deadline=utcnow() + dt.timedelta(days=3), source_post=post.id)

    turn(0)
    auth.login(org["designer"])
    client.get("/")
    with count_queries() as counter:
        client.get("/")
    for n in range(1, 8):
        turn(n)
    with assert_query_count(counter.count):
        page = client.get("/").get_data(as_text=True)
    assert page.count("已转任务单") == 8
