"""The department tree: create, rename, move, set head, delete; inline editing."""
from playhouse.test_utils import assert_query_count

from office.models.audit import DEPARTMENT_UPDATED, ROLE_CHANGED, AuditEvent
from office.models.people import Department, User
from tests.conftest import hx
from tests.factories import make_department, make_user


def test_create_without_javascript(client, auth, admin):
    auth.login(admin)
    parent = make_department("客服部")
    response = client.post("/departments/new", data={"name": "售后组", "parent": parent.id})
    assert response.status_code == 303
    assert Department.get(Department.name == "售后组").parent_id == parent.id
    assert "已创建部门“售后组”" in client.get("/departments/").get_data(as_text=True)


def test_create_with_htmx_returns_the_tree(client, auth, admin):
    auth.login(admin)
    response = hx(client, "post", "/departments/new", target="department-tree", data={"name": "采购部", "parent": 0})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and 'id="department-tree"' in body and "采购部" in body


def test_sibling_names_are_unique_but_cousins_may_repeat(client, auth, admin):
    auth.login(admin)
    a, b = make_department("客服一部"), make_department("客服二部")
    make_department("售后组", parent=a)
    assert client.post("/departments/new", data={"name": "售后组", "parent": b.id}).status_code == 303
    response = client.post("/departments/new", data={"name": "售后组", "parent": a.id})
    assert response.status_code == 422 and "已有名为“售后组”的部门" in response.get_data(as_text=True)
    assert Department.select().where(Department.name == "售后组").count() == 2


def test_empty_name_is_refused(client, auth, admin):
    auth.login(admin)
    response = client.post("/departments/new", data={"name": "  ", "parent": 0})
    assert response.status_code == 422


def test_rename_move_and_set_head_inline(client, auth, admin):
    auth.login(admin)
    ops, design = make_department("运营推广部"), make_department("设计部")
    liu = make_user("liuyang", department=design, display_name="刘洋")
    form = hx(client, "get", f"/departments/{design.id}/edit", target=f"department-{design.id}")
    assert "<form" in form.get_data(as_text=True) and "<html" not in form.get_data(as_text=True)
    response = hx(client, "post", f"/departments/{design.id}/edit", target=f"department-{design.id}",
                  data={"name": "设计策划部", "parent": ops.id, "head": liu.id})
    assert response.status_code == 200
    # A move reorders the tree, so the response replaces the whole tree.
    assert response.headers["HX-Retarget"] == "#department-tree"
    design = Department.get_by_id(design.id)
    assert (design.name, design.parent_id, design.head_id) == ("设计策划部", ops.id, liu.id)
    # Heading a department makes a staff member a department head, on the record.
    assert User.get_by_id(liu.id).role == "head"
    assert AuditEvent.get(AuditEvent.action == ROLE_CHANGED).details["new"] == "head"
    changed = AuditEvent.get(AuditEvent.action == DEPARTMENT_UPDATED).details["changed"]
    assert changed["name"] == ["设计部", "设计策划部"] and changed["head"] == [None, "刘洋"]


def test_cannot_move_under_own_descendant(client, auth, admin):
    auth.login(admin)
    top = make_department("客服部")
    child = make_department("售前组", parent=top)
    grandchild = make_department("夜班", parent=child)
    response = hx(client, "post", f"/departments/{top.id}/edit", target=f"department-{top.id}",
                  data={"name": "客服部", "parent": grandchild.id, "head": 0})
    assert response.status_code == 422 and "不能移动到自身或其下级部门之下" in response.get_data(as_text=True)
    assert Department.get_by_id(top.id).parent_id is None


def test_delete_refuses_non_empty_departments(client, auth, admin):
    auth.login(admin)
    top = make_department("仓储部")
    child = make_department("打包组", parent=top)
    response = hx(client, "post", f"/departments/{top.id}/delete", target="department-tree")
    assert response.status_code == 409 and "请先移走或删除其下级部门" in response.get_data(as_text=True)
    make_user(department=child)
    response = hx(client, "post", f"/departments/{child.id}/delete", target="department-tree")
    assert response.status_code == 409 and "请先把成员调到其他部门" in response.get_data(as_text=True)
    assert Department.select().count() == 2


def test_delete_empty_department(client, auth, admin):
    auth.login(admin)
    empty = make_department("临时组")
    assert client.post(f"/departments/{empty.id}/delete").status_code == 303
    assert not Department.select().where(Department.id == empty.id).exists()


def test_tree_query_count_does_not_grow(client, auth, admin):
    auth.login(admin)
    top = make_department("运营推广部")
    with assert_query_count(5):  # session user, departments with heads, member counts, unread badge, live cursor
        client.get("/departments/")
    for n in range(10):
        d = make_department(parent=top)
        make_user(department=d)
    with assert_query_count(5):
        client.get("/departments/")


def test_order_flags_are_set_and_audited(client, auth, admin):
    auth.login(admin)
    service = make_department("客服部")
    response = client.post(f"/departments/{service.id}/edit",
                           data={"name": "客服部", "parent": 0, "head": 0, "handles_orders": "y",
                                 "sees_customer_data": "y"})
    assert response.status_code == 303
    service = Department.get_by_id(service.id)
    assert service.handles_orders and service.sees_customer_data
    event = AuditEvent.select().where(AuditEvent.action == DEPARTMENT_UPDATED).order_by(AuditEvent.id.desc()).get()
    assert "handles_orders" in event.detail and "sees_customer_data" in event.detail
    # Unticked boxes switch the flags off again.
    client.post(f"/departments/{service.id}/edit", data={"name": "客服部", "parent": 0, "head": 0})
    assert not Department.get_by_id(service.id).handles_orders
