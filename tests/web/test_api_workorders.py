"""/api/work-orders: token required, the visibility rule on the list and on one order (404),
filters and paging, opening a case with the form's refusals, pinned query counts."""
import datetime as dt

import pytest
from playhouse.test_utils import assert_query_count

from office.api.credentials import create_token
from office.models.base import utcnow
from office.models.people import Department, User
from office.models.workorders import EV_OPEN, WorkOrder, WorkOrderEvent
from office.workorders import engine, queries
from tests.factories import work_order_org
from tests.order_factories import make_order, make_shop

# Authenticated by the Bearer token, never by the session; who sees what is the work-order
# visibility rule (404), tested below. Classified in test_access and test_order_privacy.
WORK_ORDER_TOKEN_ENDPOINTS = {"api.work_orders", "api.work_order", "api.work_order_create"}


@pytest.fixture
def org(app):
    return work_order_org()


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {create_token(user, 'ERP')[1]}"}


def numbers_of(body):
    return [o["number"] for o in body["work_orders"]]


def listing(client, url, headers) -> list[str]:
    return numbers_of(client.get(url, headers=headers).get_json())


def _complaint(org, title="买家投诉发错颜色", **kw):
    kw.setdefault("queue", org["service"])
    return engine.open_order(org["operator"], "complaint", title, **kw).order


def test_the_list_covers_every_work_order_api_endpoint(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.work_order")}
    assert endpoints == WORK_ORDER_TOKEN_ENDPOINTS


def test_a_token_is_required(client, auth, org):
    order = _complaint(org)
    for method, url in (("get", "/api/work-orders"), ("get", f"/api/work-orders/{order.number}"),
                        ("post", "/api/work-orders")):
        response = client.open(url, method=method.upper(), json={})
        assert response.status_code == 401, url
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        response = client.open(url, method=method.upper(), json={}, headers={"Authorization": "Bearer so_nope"})
        assert response.status_code == 401 and "invalid_token" in response.headers["WWW-Authenticate"]
    # A deactivated person's tokens stop working.
    headers = bearer(org["agent"])
    assert client.get("/api/work-orders", headers=headers).status_code == 200
    User.update(is_active=False).where(User.id == org["agent"].id).execute()
    assert client.get("/api/work-orders", headers=headers).status_code == 401
    # A session is no credential here.
    auth.login(org["operator"])
    assert client.get("/work-orders/").status_code == 200
    assert client.get("/api/work-orders").status_code == 401


def test_an_outsider_gets_404_and_an_empty_list(client, org):
    order = _complaint(org)
    outsider = bearer(org["outsider"])
    response = client.get(f"/api/work-orders/{order.number}", headers=outsider)
    assert response.status_code == 404 and order.title not in response.get_data(as_text=True)
    assert client.get("/api/work-orders/WO-1999-000001", headers=outsider).status_code == 404
    for scope in ("mine", "queue", "watched", "created"):
        response = client.get(f"/api/work-orders?scope={scope}", headers=outsider)
        assert response.status_code == 200 and response.get_json()["work_orders"] == [], scope
    # 全部 is for heads and directors only.
    assert client.get("/api/work-orders?scope=all", headers=outsider).status_code == 400
    # The queue's member sees it, in the list and alone.
    agent = bearer(org["agent"])
    listed = client.get("/api/work-orders?scope=queue", headers=agent).get_json()["work_orders"]
    assert [o["number"] for o in listed] == [order.number]
    assert client.get(f"/api/work-orders/{order.number}", headers=agent).status_code == 200


def test_filters_scopes_and_paging(client, org, monkeypatch):
    complaint = _complaint(org)
    refund = engine.open_order(org["operator"], "refund", "退款申请", queue=org["service"]).order
    head = bearer(org["head_service"])
    assert listing(client, "/api/work-orders?kind=refund", head) == [refund.number]
    engine.claim(complaint.id, org["agent"])
    assert listing(client, "/api/work-orders?scope=all&status=in_progress", head) == [complaint.number]
    agent = bearer(org["agent"])
    assert listing(client, "/api/work-orders", agent) == [complaint.number]  # default: mine
    assert listing(client, "/api/work-orders?scope=queue", agent) == [refund.number]
    assert listing(client, "/api/work-orders?scope=created", bearer(org["operator"])) == [
        refund.number, complaint.number]
    # Breached: past its first-response clock and nobody answered.
    WorkOrder.update(response_due_at=utcnow() - dt.timedelta(hours=1)).where(WorkOrder.id == refund.id).execute()
    breached = client.get("/api/work-orders?breached=1", headers=head).get_json()["work_orders"]
    assert [o["number"] for o in breached] == [refund.number]
    assert breached[0]["clock"]["first_response_breached"] is True
    # Paging: newest first, a link to the next page.
    monkeypatch.setattr(queries, "PAGE_SIZE", 1)
    first = client.get("/api/work-orders?scope=all", headers=head).get_json()
    assert first["has_next"] and numbers_of(first) == [refund.number] and "page=2" in first["next"]
    second = client.get(first["next"], headers=head).get_json()
    assert numbers_of(second) == [complaint.number] and not second["has_next"] and second["next"] is None


def test_detail_has_the_clock_and_the_timeline(client, org):
    order = _complaint(org)
    engine.claim(order.id, org["agent"])
    engine.pause(order.id, org["agent"], "等待买家")
    body = client.get(f"/api/work-orders/{order.number}", headers=bearer(org["agent"])).get_json()
    assert body["status"] == "paused" and body["pause_reason"] == "等待买家"
    assert body["assignee"] == {"username": "agent", "name": "小李"} and body["queue"] == "客服部"
    clock = body["clock"]
    assert clock["first_response_at"] and clock["first_response_due_at"] and clock["paused_since"]
    assert clock["paused_seconds"] == 0 and clock["first_response_breached"] is False
    assert [e["action"] for e in body["timeline"]] == ["open", "claim", "pause"]
    assert body["timeline"][0]["actor"]["username"] == "operator"


def test_post_opens_a_case_with_its_timeline(client, org):
    shop = make_shop("天猫旗舰店")
    make_order(shop, order_no="3521004455667788")
    Department.update(handles_orders=True).where(Department.id == org["service"].id).execute()
    response = client.post("/api/work-orders", headers=bearer(org["agent"]), json={
        "kind": "complaint", "title": "买家投诉：发错颜色", "body": "ERP 推送", "queue": "客服部",
        "priority": "high", "order_no": "3521004455667788"})
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    order = WorkOrder.get(WorkOrder.number == body["number"])
    assert response.headers["Location"].endswith(f"/api/work-orders/{order.number}")
    assert (order.kind, order.queue_id, order.priority, order.requester_id) == (
        "complaint", org["service"].id, "high", org["agent"].id)
    assert order.order.order_no == "3521004455667788"
    assert [e.action for e in WorkOrderEvent.select().where(WorkOrderEvent.work_order == order.id)] == [EV_OPEN]
    # A task order to a person, its deadline in the office's time.
    deadline = (dt.datetime.now() + dt.timedelta(days=3)).replace(microsecond=0).isoformat()
    response = client.post("/api/work-orders", headers=bearer(org["operator"]), json={
        "kind": "task", "title": "双12主图 5 张", "assignee": "designer", "deadline": deadline,
        "departments": ["运营推广部", "客服部"]})
    assert response.status_code == 201 and response.get_json()["assignee"]["username"] == "designer"
    task = WorkOrder.get(WorkOrder.number == response.get_json()["number"])
    assert {d.department_id for d in task.departments} == {org["ops"].id, org["service"].id}
    # Given in office time (Asia/Shanghai): stored 8 hours earlier, in UTC.
    assert task.deadline == dt.datetime.fromisoformat(deadline) - dt.timedelta(hours=8)


@pytest.mark.parametrize("data,field,message", [
    ({"kind": "task", "title": "主图", "queue": "设计策划部"}, "deadline", "任务单需要截止时间"),
    ({"kind": "complaint", "title": "", "queue": "客服部"}, "title", None),
    ({"kind": "complaint", "title": "投诉"}, "assignee", None),
    ({"kind": "nope", "title": "投诉", "queue": "客服部"}, "kind", None),
    ({"kind": "complaint", "title": "投诉", "assignee": "nobody"}, "assignee", None),
    ({"kind": "complaint", "title": "投诉", "queue": "没有这个部门"}, "queue", None),
    ({"kind": "task", "title": "主图", "queue": "设计策划部", "deadline": "明天"}, "deadline", None),
    ({"kind": "complaint", "title": "投诉", "queue": "客服部", "departments": ["客服部", "无"]}, "departments", None),
    ({"kind": "other", "title": "问一下", "queue": "设计策划部", "order_no": "123"}, "order_no",
     "只有处理订单的同事可以关联订单"),
])
def test_post_refuses_with_the_forms_messages(client, org, data, field, message):
    response = client.post("/api/work-orders", headers=bearer(org["operator"]), json=data)
    assert response.status_code == 422
    [error] = response.get_json()["errors"]
    assert error["field"] == field and error["reason"]
    if message:
        assert message in error["reason"]
    assert WorkOrder.select().count() == 0


def test_post_needs_a_json_object(client, org):
    response = client.post("/api/work-orders", headers=bearer(org["operator"]), data="[1]",
                           content_type="application/json")
    assert response.status_code == 400


def test_list_and_detail_have_a_fixed_number_of_queries(client, org):
    few = _complaint(org)
    many = _complaint(org, title="另一单")
    for n in range(8):
        engine.comment(many.id, org["operator"], f"补充 {n}")
    for _ in range(5):
        _complaint(org, title="更多")
    agent = bearer(org["agent"])
    client.get(f"/api/work-orders/{few.number}", headers=agent)
    # token, the order with names, visibility (watcher, department tree; the queue is the agent's),
    # the timeline with its actors: the same for 1 timeline row or 9.
    with assert_query_count(5):
        assert client.get(f"/api/work-orders/{few.number}", headers=agent).status_code == 200
    with assert_query_count(5):
        body = client.get(f"/api/work-orders/{many.number}", headers=agent).get_json()
    assert len(body["timeline"]) == 9
    # token, the department tree, the page of orders with names: the same for 7 orders.
    with assert_query_count(3):
        body = client.get("/api/work-orders?scope=queue", headers=agent).get_json()
    assert len(body["work_orders"]) == 7
