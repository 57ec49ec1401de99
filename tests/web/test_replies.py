"""Canned replies (话术): who reads and who edits, Chinese substring search, filters, the form's
errors, the copy counter (also under concurrent clicks), the pick partial and pinned query counts."""
import pytest
from flask import render_template_string
from playhouse.test_utils import assert_query_count

from office.db import db
from office.departments.tree import update_department
from office.models.replies import CannedReply
from office.models.workorders import KINDS
from office.replies.library import KIND_LABELS, create_reply, record_use, split_placeholders
from tests.conftest import hx
from tests.factories import make_department, make_user
from tests.parallel import at_once


@pytest.fixture
def org(app):
    service = make_department("客服部")
    after_sale = make_department("售后组", parent=service)
    warehouse = make_department("物流仓储部")
    head = make_user("zhengli", role="head", department=service, display_name="郑丽")
    update_department(service, head=head)
    wh_head = make_user("fenggang", role="head", department=warehouse, display_name="冯刚")
    update_department(warehouse, head=wh_head)
    admin = make_user("boss", role="admin", display_name="周敏")
    return {
        "service": service, "after_sale": after_sale, "warehouse": warehouse, "head": head, "wh_head": wh_head,
        "admin": admin,
        "agent": make_user("xunuo", department=after_sale, display_name="许诺"),
        "packer": make_user("hanxue", department=warehouse, display_name="韩雪"),
        "company": create_reply(admin, "欢迎语", "您好，欢迎光临，我是客服{客服}。"),
        "refund": create_reply(head, "退款进度查询", "{买家}您好，订单 {订单号} 的退款已原路退回。", "refund",
                               service.id, "到账 原路退回"),
        "return": create_reply(head, "退货地址与规则", "{买家}您好，请寄回：杭州市余杭区良睦路 1399 号。", "return",
                               service.id, "寄回"),
        "intercept": create_reply(wh_head, "联系快递网点拦截", "麻烦拦截快递单号 {快递单号} 的包裹。", "refund",
                                  warehouse.id, "拦截"),
    }


def _titles(body: str, org) -> set[str]:
    names = ("company", "refund", "return", "intercept")
    return {org[n].title for n in names if f'id="reply-{org[n].id}"' in body}


def test_kinds_all_have_labels():
    assert set(KIND_LABELS) == set(KINDS) | {""}


def test_placeholders_are_cut_out_for_highlighting():
    assert split_placeholders("{买家}您好，单号 {快递单号}。{不完整") == [
        ("{买家}", True), ("您好，单号 ", False), ("{快递单号}", True), ("。{不完整", False)]


def test_each_person_sees_the_company_and_their_own_departments(client, auth, org):
    auth.login(org["agent"])  # 售后组, under 客服部
    body = client.get("/replies/").get_data(as_text=True)
    assert _titles(body, org) == {"欢迎语", "退款进度查询", "退货地址与规则"}
    assert '<mark class="reply-placeholder">{买家}</mark>' in body
    auth.logout()
    auth.login(org["packer"])
    assert _titles(client.get("/replies/").get_data(as_text=True), org) == {"欢迎语", "联系快递网点拦截"}
    auth.logout()
    auth.login(org["admin"])
    assert _titles(client.get("/replies/").get_data(as_text=True), org) == {
        "欢迎语", "退款进度查询", "退货地址与规则", "联系快递网点拦截"}


def test_another_departments_reply_is_404_everywhere(client, auth, org):
    auth.login(org["packer"])
    reply = org["refund"].id
    assert client.get(f"/replies/{reply}/edit").status_code == 404
    assert client.post(f"/replies/{reply}/edit", data={"title": "x", "body": "y", "kind": "", "department": 0}) \
        .status_code == 404
    assert client.post(f"/replies/{reply}/use").status_code == 404
    assert client.post(f"/replies/{reply}/deactivate").status_code == 404
    assert client.get("/replies/9999/edit").status_code == 404
    assert f"reply-pick-{reply}" not in client.get("/replies/pick?kind=refund").get_data(as_text=True)
    # Filtering by a department out of reach finds nothing, not that department's replies.
    body = client.get(f"/replies/?department={org['service'].id}").get_data(as_text=True)
    assert _titles(body, org) == set()
    assert CannedReply.get_by_id(reply).use_count == 0


def test_staff_may_read_but_not_write(client, auth, org):
    auth.login(org["agent"])
    reply = org["refund"]
    assert client.get("/replies/new").status_code == 403
    assert client.post("/replies/new", data={"title": "新", "body": "内容", "kind": "", "department": 0}) \
        .status_code == 403
    assert client.get(f"/replies/{reply.id}/edit").status_code == 403
    assert client.post(f"/replies/{reply.id}/edit", data={"title": "改", "body": "改", "kind": "",
                                                         "department": org["service"].id}).status_code == 403
    assert client.post(f"/replies/{reply.id}/deactivate").status_code == 403
    assert CannedReply.get_by_id(reply.id).title == "退款进度查询" and CannedReply.get_by_id(reply.id).is_active
    body = client.get("/replies/").get_data(as_text=True)
    assert "/replies/new" not in body and f"/replies/{reply.id}/edit" not in body
    assert CannedReply.select().count() == 4


def test_a_head_edits_their_own_departments_replies_only(client, auth, org):
    auth.login(org["head"])
    data = {"title": "退款进度（新版）", "body": "{买家}您好，退款已完成。", "kind": "refund",
            "department": org["after_sale"].id, "tags": "到账，退款  进度"}
    response = client.post(f"/replies/{org['refund'].id}/edit", data=data)
    assert response.status_code == 303
    saved = CannedReply.get_by_id(org["refund"].id)
    assert (saved.title, saved.department_id, saved.tags, saved.updated_by_id) == (
        "退款进度（新版）", org["after_sale"].id, "到账 退款 进度", org["head"].id)
    # The company's reply and the warehouse's: read-only / invisible for 客服部's head.
    assert client.get(f"/replies/{org['company'].id}/edit").status_code == 403
    assert client.get(f"/replies/{org['intercept'].id}/edit").status_code == 404
    # Nor may a head move a reply to the whole company or to another department.
    for department in (0, org["warehouse"].id):
        response = client.post(f"/replies/{org['return'].id}/edit", data=dict(data, title="退货", department=department))
        assert response.status_code == 422
        assert "请从列出的部门中选择" in response.get_data(as_text=True)
    assert CannedReply.get_by_id(org["return"].id).department_id == org["service"].id
    page = client.get("/replies/new").get_data(as_text=True)
    assert "全公司" not in page.split('id="department"')[1].split("</select>")[0]


def test_a_head_creates_and_switches_off_a_reply(client, auth, org):
    auth.login(org["head"])
    response = client.post("/replies/new", data={"title": "补发说明", "body": "{买家}您好，已为您补发，单号 {快递单号}。",
                                                 "kind": "resend", "department": org["service"].id, "tags": ""})
    assert response.status_code == 303
    reply = CannedReply.get(CannedReply.title == "补发说明")
    assert reply.created_by_id == org["head"].id and reply.kind == "resend"
    response = hx(client, "post", f"/replies/{reply.id}/deactivate", target=f"reply-{reply.id}")
    assert response.status_code == 200 and "已停用" in response.get_data(as_text=True)
    assert "<html" not in response.get_data(as_text=True)
    auth.logout()
    # Switched off: gone for readers (list, pick, copy), still listed for its editor.
    auth.login(org["agent"])
    assert f'id="reply-{reply.id}"' not in client.get("/replies/").get_data(as_text=True)
    assert client.post(f"/replies/{reply.id}/use").status_code == 404
    auth.logout()
    auth.login(org["head"])
    assert f'id="reply-{reply.id}"' in client.get("/replies/").get_data(as_text=True)
    assert client.post(f"/replies/{reply.id}/activate").status_code == 303
    assert CannedReply.get_by_id(reply.id).is_active


def test_admin_files_company_wide_replies(client, auth, org):
    auth.login(org["admin"])
    response = client.post("/replies/new", data={"title": "结束语", "body": "感谢您的耐心，祝您生活愉快！", "kind": "",
                                                 "department": 0, "tags": ""})
    assert response.status_code == 303
    assert CannedReply.get(CannedReply.title == "结束语").department_id is None
    assert client.get(f"/replies/{org['intercept'].id}/edit").status_code == 200


@pytest.mark.parametrize("data,field,message", [
    ({"title": ""}, "title", "必填"),
    ({"body": "  "}, "body", "必填"),
    ({"body": "{买家您好"}, "body", "大括号"),
    ({"body": "x" * 2001}, "body", "2000"),
    ({"kind": "nonsense"}, "kind", "请从列出的类型中选择"),
    ({"department": "abc"}, "department", ""),
    ({"title": "退货地址与规则"}, "title", "同名"),
])
def test_the_form_says_what_is_wrong(client, auth, org, data, field, message):
    auth.login(org["head"])
    form = {"title": "新话术", "body": "{买家}您好", "kind": "", "department": org["service"].id, "tags": "", **data}
    response = hx(client, "post", "/replies/new", target="reply-form", data=form)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in body and 'id="reply-form"' in body
    assert f'id="{field}-error"' in body and message in body
    assert CannedReply.select().count() == 4


def test_search_finds_chinese_substrings_in_title_body_and_keywords(client, auth, org):
    auth.login(org["admin"])
    search = lambda q, **more: _titles(client.get("/replies/", query_string={"q": q, **more}).get_data(as_text=True), org)
    assert search("退款") == {"退款进度查询"}               # two characters, inside the title
    assert search("良睦路") == {"退货地址与规则"}           # inside the body
    assert search("原路") == {"退款进度查询"}               # inside a keyword
    assert search("快递单号") == {"联系快递网点拦截"}      # a placeholder's word
    assert search("您好 订单") == {"退款进度查询"}          # every word required
    assert search("100%") == set() and search("_") == set()  # wildcards are plain characters
    assert search("", kind="refund") == {"退款进度查询", "联系快递网点拦截"}
    assert search("", kind="") == {"欢迎语"}                # the replies for any kind
    assert search("", department="company") == {"欢迎语"}
    assert search("", department=str(org["warehouse"].id)) == {"联系快递网点拦截"}
    response = hx(client, "get", "/replies/?q=退货", target="reply-results")
    assert "<html" not in response.get_data(as_text=True) and "HX-Request" in response.headers["Vary"]
    assert _titles(response.get_data(as_text=True), org) == {"退货地址与规则"}


def test_copying_counts_once_per_click(client, auth, org):
    auth.login(org["agent"])
    reply = org["refund"].id
    response = hx(client, "post", f"/replies/{reply}/use", target=f"reply-pick-{reply}-uses")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and f'id="reply-pick-{reply}-uses"' in body and "已复制 1 次" in body
    # A target that is not a counter is not echoed back.
    body = hx(client, "post", f"/replies/{reply}/use", target='x"><script>').get_data(as_text=True)
    assert f'id="reply-{reply}-uses"' in body and "<script>" not in body
    assert client.post(f"/replies/{reply}/use").status_code == 303  # without JavaScript
    assert CannedReply.get_by_id(reply).use_count == 3


def test_concurrent_copies_are_all_counted(app, org):
    reply = org["refund"].id
    db.close()
    at_once(app, [lambda: record_use(reply) for _ in range(12)])
    at_once(app, [lambda: record_use(reply) for _ in range(12)])
    assert CannedReply.get_by_id(reply).use_count == 24


def test_concurrent_copies_through_the_web_are_all_counted(app, org):
    import threading

    from tests.conftest import AuthActions

    clients = []
    for _ in range(8):
        client = app.test_client()
        AuthActions(client).login(org["agent"])
        clients.append(client)
    reply = org["return"].id
    db.close()
    # Each request opens and closes its own connection, as in a threaded server.
    barrier, statuses = threading.Barrier(len(clients)), []

    def click(c):
        barrier.wait()
        statuses.append(hx(c, "post", f"/replies/{reply}/use").status_code)

    threads = [threading.Thread(target=click, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert statuses == [200] * 8
    assert CannedReply.get_by_id(reply).use_count == 8


def test_the_pick_partial(client, auth, org):
    auth.login(org["agent"])
    generic = create_reply(org["head"], "双11快递延误安抚", "{买家}您好，双11期间快递较慢。", "", org["service"].id)
    CannedReply.update(use_count=50).where(CannedReply.id == generic.id).execute()
    response = client.get("/replies/pick?kind=refund")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and 'id="reply-pick"' in body
    # The kind's own replies first (even when a generic one is used more), then those for any kind.
    order = [r for r in ("退款进度查询", "双11快递延误安抚", "欢迎语") if r in body]
    assert order == ["退款进度查询", "双11快递延误安抚", "欢迎语"]
    assert body.index("退款进度查询") < body.index("双11快递延误安抚") < body.index("欢迎语")
    assert "退货地址与规则" not in body
    assert "/replies/?kind=refund" in body
    body = client.get("/replies/pick?kind=refund&q=双11").get_data(as_text=True)
    assert "双11快递延误安抚" in body and "退款进度查询" not in body
    body = client.get("/replies/pick?kind=nonsense&limit=2").get_data(as_text=True)
    assert body.count('class="reply-pick-item"') == 2
    assert 'class="empty"' in client.get("/replies/pick?q=没有这个词").get_data(as_text=True)
    assert "HX-Request" in hx(client, "get", "/replies/pick").headers["Vary"]


def test_the_embeddable_picker_renders(app, org):
    with app.test_request_context("/"):
        html = render_template_string('{% include "replies/_picker.html" %}', pick_kind="complaint")
    assert 'hx-get="/replies/pick?kind=complaint"' in html and 'id="reply-pick"' in html
    assert 'href="/replies/?kind=complaint"' in html


def test_query_counts_do_not_grow_with_the_replies(client, auth, org):
    auth.login(org["agent"])
    client.get("/replies/")
    # Session user, the department tree (reach), the tree again for the filter's choices, one page of
    # replies; and the page shell's unread badge, live cursor and the check of who works orders.
    with assert_query_count(7):
        client.get("/replies/")
    with assert_query_count(4):  # htmx: session user, reach, the filter's departments, the replies
        hx(client, "get", "/replies/?q=您好", target="reply-results")
    with assert_query_count(3):  # session user, reach, the replies
        client.get("/replies/pick?kind=refund")
    for n in range(15):
        create_reply(org["head"], f"话术{n}", f"{{买家}}您好 {n}", "refund", org["service"].id)
    with assert_query_count(7):
        body = client.get("/replies/").get_data(as_text=True)
    assert body.count('class="card reply-card') == 18
    with assert_query_count(4):
        hx(client, "get", "/replies/?q=您好", target="reply-results")
    with assert_query_count(3):
        body = client.get("/replies/pick?kind=refund&limit=20").get_data(as_text=True)
    assert body.count('class="reply-pick-item"') == 17  # 16 for refunds, 1 for any kind
    auth.logout()
    auth.login(org["admin"])  # an admin's reach costs no query
    client.get("/replies/pick")
    with assert_query_count(2):
        client.get("/replies/pick")


def test_the_workbench_lists_replies_for_everyone(client, auth, org):
    auth.login(org["packer"])
    assert 'href="/replies/"' in client.get("/workbench").get_data(as_text=True)


def test_a_sub_departments_replies_are_its_own_and_its_heads(client, auth, org):
    pre_sale = make_department("售前组", parent=org["service"])
    seller = make_user("hejing", department=pre_sale, display_name="何静")
    auth.login(org["head"])
    response = hx(client, "post", "/replies/new", target="reply-form", data={
        "title": "退货包裹核对", "body": "请提供退货快递单号 {快递单号}。", "kind": "return",
        "department": org["after_sale"].id, "tags": ""})
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/replies/"
    reply = CannedReply.get(CannedReply.title == "退货包裹核对")
    auth.logout()
    auth.login(org["agent"])  # 售后组 reads it
    assert f'id="reply-{reply.id}"' in client.get("/replies/").get_data(as_text=True)
    auth.logout()
    auth.login(seller)  # 售前组, a sibling: neither sees nor copies it, but reads 客服部's own
    body = client.get("/replies/").get_data(as_text=True)
    assert f'id="reply-{reply.id}"' not in body and f'id="reply-{org["refund"].id}"' in body
    assert client.post(f"/replies/{reply.id}/use").status_code == 404
