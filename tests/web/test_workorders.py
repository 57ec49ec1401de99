"""Work-order pages: opening one from the form, the lists' tabs and filters, the detail page and
its actions without JavaScript and with htmx, files, 404 for outsiders on every URL, the clock
shown red when breached, and pinned query counts."""
import datetime as dt
import io

import pytest
from playhouse.test_utils import assert_query_count

from office.models.base import utcnow
from office.models.workorders import WorkOrder, WorkOrderEvent, WorkOrderFile
from office.workorders import engine
from tests.conftest import hx
from tests.factories import work_order_org
from tests.inert import page_problems


@pytest.fixture
def org(app):
    return work_order_org()


def _complaint(org, now=None, **kw):
    kw.setdefault("queue", org["service"])
    return engine.open_order(org["operator"], "complaint", "买家投诉发错颜色", "**订单 123** 发错了颜色",
                             now=now, **kw).order


def test_opening_a_task_order_from_the_form(client, auth, org):
    auth.login(org["operator"])
    assert client.get("/work-orders/new").status_code == 200
    deadline = (dt.datetime.now() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post("/work-orders/new", data={
        "kind": "task", "title": "双12主图 5 张", "body": "尺寸 800x800", "assignee": "0",
        "queue": str(org["design"].id), "departments": [str(org["service"].id)], "priority": "high",
        "deadline": deadline, "order_no": "", "files": (io.BytesIO(b"hello"), "brief.txt")},
        content_type="multipart/form-data")
    assert response.status_code == 303
    order = WorkOrder.get()
    assert response.headers["Location"].endswith(f"/work-orders/{order.id}")
    assert (order.kind, order.queue_id, order.priority) == ("task", org["design"].id, "high")
    assert order.resolve_due_at is not None
    item = WorkOrderFile.get()
    html = client.get(f"/work-orders/{order.id}").get_data(as_text=True)
    assert "brief.txt" in html and order.number in html
    served = client.get(f"/work-orders/{order.id}/files/{item.id}/brief.txt")
    assert served.status_code == 200 and served.get_data() == b"hello"
    served.close()


def test_a_task_without_a_deadline_is_refused_beside_the_form(client, auth, org):
    auth.login(org["operator"])
    response = client.post("/work-orders/new", data={
        "kind": "task", "title": "主图", "assignee": "0", "queue": str(org["design"].id), "priority": "normal"})
    assert response.status_code == 422
    assert "任务单需要截止时间" in response.get_data(as_text=True)
    # Someone who does not work orders may not probe order numbers through the link field.
    response = client.post("/work-orders/new", data={
        "kind": "other", "title": "问一下", "assignee": "0", "queue": str(org["design"].id), "priority": "normal",
        "order_no": "123"})
    assert response.status_code == 422 and "只有处理订单的同事可以关联订单" in response.get_data(as_text=True)
    assert WorkOrder.select().count() == 0


def test_outsiders_get_404_on_every_url(client, auth, org):
    order = _complaint(org)
    auth.login(org["operator"])
    client.post(f"/work-orders/{order.id}/act", data={"action": "comment", "comment": "照片",
                                                      "files": (io.BytesIO(b"note"), "photo.txt")},
                content_type="multipart/form-data")
    item = WorkOrderFile.get()
    served = client.get(f"/work-orders/{order.id}/files/{item.id}/photo.txt")
    assert served.status_code == 200
    served.close()
    auth.logout()
    auth.login(org["outsider"])
    assert client.get(f"/work-orders/{order.id}").status_code == 404
    assert hx(client, "get", f"/work-orders/{order.id}", target="work-order").status_code == 404
    assert client.post(f"/work-orders/{order.id}/act", data={"action": "claim"}).status_code == 404
    assert client.get(f"/work-orders/{order.id}/files/{item.id}/photo.txt").status_code == 404
    assert client.get("/work-orders/?tab=all").status_code == 404  # staff have no 全部 tab
    html = client.get("/work-orders/?tab=created").get_data(as_text=True)
    assert order.title not in html


def test_claim_from_the_queue_and_close_without_javascript(client, auth, org):
    order = _complaint(org)
    auth.login(org["agent"])
    html = client.get("/work-orders/?tab=queue").get_data(as_text=True)
    assert order.title in html and 'value="claim"' in html  # one tap from the queue
    assert 'value="claim"' not in client.get("/work-orders/?tab=created").get_data(as_text=True)
    page = client.get(f"/work-orders/{order.id}").get_data(as_text=True)
    assert 'value="claim"' in page
    response = client.post(f"/work-orders/{order.id}/act", data={"action": "claim"})
    assert response.status_code == 303
    assert WorkOrder.get_by_id(order.id).assignee_id == org["agent"].id
    assert order.title in client.get("/work-orders/").get_data(as_text=True)  # my work
    refused = client.post(f"/work-orders/{order.id}/act", data={"action": "close", "comment": ""})
    assert refused.status_code == 422 and "请填写关闭原因" in refused.get_data(as_text=True)
    client.post(f"/work-orders/{order.id}/act", data={"action": "close", "comment": "买家撤诉"})
    assert WorkOrder.get_by_id(order.id).status == "closed"


def test_htmx_actions_redraw_the_order_and_refusals_are_toasts(client, auth, org):
    order = _complaint(org)
    auth.login(org["agent"])
    section = hx(client, "post", f"/work-orders/{order.id}/act", target="work-order", data={"action": "claim"})
    assert section.status_code == 200
    html = section.get_data(as_text=True)
    assert html.lstrip().startswith("<section id=\"work-order\"") and 'value="submit"' in html
    auth.logout()
    auth.login(org["agent2"])
    refused = hx(client, "post", f"/work-orders/{order.id}/act", target="work-order", data={"action": "claim"})
    assert refused.status_code == 422 and "小李" in refused.get_data(as_text=True)


def test_comments_render_markdown_lite_and_escape_html(client, auth, org):
    order = _complaint(org)
    auth.login(org["agent"])
    client.post(f"/work-orders/{order.id}/act", data={"action": "comment", "comment": "<script>x</script> **好的** @运营小张"})
    html = client.get(f"/work-orders/{order.id}").get_data(as_text=True)
    assert "<strong>订单 123</strong>" in html and "<strong>好的</strong>" in html
    assert "<script>x" not in html and page_problems(html) == []


def test_a_breached_clock_is_red_on_the_row_and_the_card(client, auth, org):
    order = _complaint(org, now=utcnow() - dt.timedelta(minutes=30))
    auth.login(org["head_service"])
    html = client.get("/work-orders/?tab=queue").get_data(as_text=True)
    assert f'id="wo-row-{order.id}" class="wo-breached"' in html and "wo-clock-breached" in html
    assert "wo-clock-breached" in client.get(f"/work-orders/{order.id}").get_data(as_text=True)
    breached = client.get("/work-orders/?tab=all&breached=1").get_data(as_text=True)
    assert order.title in breached
    fresh = _complaint(org)
    assert fresh.title in client.get("/work-orders/?tab=all").get_data(as_text=True)
    assert f"wo-row-{fresh.id}" not in client.get("/work-orders/?tab=all&breached=1").get_data(as_text=True)


def test_filters_by_kind_and_status(client, auth, org):
    complaint = _complaint(org)
    refund = engine.open_order(org["operator"], "refund", "退款申请", queue=org["service"]).order
    auth.login(org["head_service"])
    html = client.get("/work-orders/?tab=all&kind=refund").get_data(as_text=True)
    assert f"wo-row-{refund.id}" in html and f"wo-row-{complaint.id}" not in html
    engine.claim(complaint.id, org["agent"])
    html = client.get("/work-orders/?tab=all&status=in_progress").get_data(as_text=True)
    assert f"wo-row-{complaint.id}" in html and f"wo-row-{refund.id}" not in html


def test_the_detail_page_and_my_work_have_a_fixed_number_of_queries(client, auth, org):
    few = _complaint(org)
    many = _complaint(org)
    for n in range(8):
        engine.comment(many.id, org["operator"], f"补充 {n}")
    engine.claim(few.id, org["agent"])
    engine.claim(many.id, org["agent"])
    auth.login(org["agent"])
    client.get(f"/work-orders/{few.id}")
    # session user, live cursor, the order (visibility) and with its names, timeline, files, watchers,
    # related departments, the department tree, colleagues and departments for 改派/转交, the inbox
    # badge, the navigation's order check: the same for 2 timeline rows or 10.
    with assert_query_count(13):
        assert client.get(f"/work-orders/{few.id}").status_code == 200
    with assert_query_count(13):
        html = client.get(f"/work-orders/{many.id}").get_data(as_text=True)
    assert html.count('class="wo-event ') == WorkOrderEvent.select().where(
        WorkOrderEvent.work_order == many.id).count()
    # session user, the department tree (request cache), the page of orders with names, the inbox
    # badge, the navigation's order check, the live cursor.
    client.get("/work-orders/")
    with assert_query_count(6):
        assert client.get("/work-orders/").status_code == 200
    for _ in range(5):
        _complaint(org)
    auth.logout()
    auth.login(org["head_service"])
    client.get("/work-orders/?tab=queue")
    with assert_query_count(6):
        html = client.get("/work-orders/?tab=queue").get_data(as_text=True)
    assert html.count('id="wo-row-') == 5


def _poll(client, after, **args):
    from tests.web.test_live import Events

    query = "&".join(f"{k}={v}" for k, v in {"after": after, **args}.items())
    return Events(client.get(f"/live/?{query}", buffered=True)).get_data()


def test_the_open_order_and_lists_redraw_live_only_for_those_who_may_see(client, auth, org):
    from office.live.events import latest_id

    order = _complaint(org)
    auth.login(org["head_service"])
    assert "wo-row-" in client.get("/work-orders/?tab=queue").get_data(as_text=True)
    after = latest_id()
    engine.claim(order.id, org["agent"])
    section = _poll(client, after, view="work_order", work_order=order.id)
    assert 'id="work-order"' in section and 'hx-swap-oob="true"' in section and "小李" in section
    listing = _poll(client, after, view="work_orders", tab="queue")
    assert 'id="wo-list"' in listing and f"wo-row-{order.id}" not in listing  # claimed: out of the queue
    auth.logout()
    auth.login(org["outsider"])
    assert _poll(client, after, view="work_order", work_order=order.id) == ""
    assert _poll(client, after, view="work_orders", tab="mine") == ""


def test_inbox_items_link_to_the_order_and_the_order_link_shows_only_to_who_works_orders(client, auth, org):
    from office.inbox.links import target_url
    from office.models.inbox import Notification
    from tests.order_factories import make_order

    linked = make_order()
    order = _complaint(org, order=linked)
    item = Notification.select().where(Notification.recipient == org["agent"].id).get()
    with client.application.test_request_context():
        assert target_url(item.target_type, item.target_id) == f"/work-orders/{order.id}"
    auth.login(org["operator"])  # the requester, in 运营推广部, which does not work orders
    html = client.get(f"/work-orders/{order.id}").get_data(as_text=True)
    assert f"/orders/{linked.id}" not in html
    auth.logout()
    auth.login(org["director"])
    assert f"/orders/{linked.id}" in client.get(f"/work-orders/{order.id}").get_data(as_text=True)


def test_whoever_answers_a_buyer_has_the_canned_replies_at_hand(client, auth, org):
    complaint = _complaint(org)
    auth.login(org["agent"])
    page = client.get(f"/work-orders/{complaint.id}").get_data(as_text=True)
    # The pick partial for this kind, loaded when the card scrolls into view (office/replies).
    assert 'id="reply-pick"' in page and 'hx-get="/replies/pick?kind=complaint"' in page
    client.post(f"/work-orders/{complaint.id}/act", data={"action": "claim"})
    assert 'id="reply-pick"' in client.get(f"/work-orders/{complaint.id}").get_data(as_text=True)
    client.post(f"/work-orders/{complaint.id}/act", data={"action": "close", "comment": "买家撤诉"})
    assert WorkOrder.get_by_id(complaint.id).status == "closed"
    assert 'id="reply-pick"' not in client.get(f"/work-orders/{complaint.id}").get_data(as_text=True)
    # The requester reading their own case gets no reply picker.
    other = _complaint(org)
    auth.logout()
    auth.login(org["operator"])
    assert 'id="reply-pick"' not in client.get(f"/work-orders/{other.id}").get_data(as_text=True)
