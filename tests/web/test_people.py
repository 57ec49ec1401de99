"""The directory, profiles, and user administration with inline editing."""
import pytest
from playhouse.test_utils import assert_query_count

from office.models.audit import ROLE_CHANGED, USER_CREATED, USER_DEACTIVATED, USER_UPDATED, AuditEvent
from office.models.people import User
from tests.conftest import hx
from tests.factories import make_department, make_user


@pytest.fixture
def company(admin):
    service = make_department("客服部")
    presale = make_department("售前组", parent=service)
    warehouse = make_department("物流仓储部")
    people = {
        "head": make_user("zhengli", role="head", department=service, display_name="郑丽", title="客服主管"),
        "agent": make_user("hejing", department=presale, display_name="何静", title="售前客服", phone="15857120012"),
        "picker": make_user("hanxue", department=warehouse, display_name="韩雪", title="打单发货员"),
    }
    return {"service": service, "presale": presale, "warehouse": warehouse, **people}


def test_directory_search_by_name_title_and_phone(client, auth, staff, company):
    auth.login(staff)
    assert "何静" in client.get("/people/?q=售前").get_data(as_text=True)
    page = client.get("/people/?q=158571").get_data(as_text=True)
    assert "何静" in page and "韩雪" not in page


def test_directory_department_filter_includes_sub_departments(client, auth, staff, company):
    auth.login(staff)
    page = client.get(f"/people/?department={company['service'].id}").get_data(as_text=True)
    assert "郑丽" in page and "何静" in page and "韩雪" not in page


def test_directory_htmx_returns_only_results(client, auth, staff, company):
    auth.login(staff)
    response = hx(client, "get", "/people/?q=韩", target="people-results")
    body = response.get_data(as_text=True)
    assert "<html" not in body and 'id="people-results"' in body and "韩雪" in body
    assert "HX-Request" in response.headers["Vary"]


def test_directory_hides_deactivated_people(client, auth, staff, company, admin):
    from office.people.accounts import set_active

    set_active(company["picker"], False, by=admin)
    auth.login(staff)
    assert "韩雪" not in client.get("/people/").get_data(as_text=True)


def test_directory_query_count_does_not_grow_with_people(client, auth, staff, company):
    auth.login(staff)
    client.get("/people/")  # warm up: the session user is loaded per request
    url = f"/people/?department={company['service'].id}"
    # + the navigation's check of who works orders (office/orders/access.py).
    with assert_query_count(6):  # session user, departments (filter and subtree), one page of users, badge, live cursor
        client.get(url)
    for n in range(20):
        make_user(department=company["presale"])
    with assert_query_count(6):
        client.get(url)


def test_manage_query_count_does_not_grow(client, auth, admin, company):
    auth.login(admin)
    with assert_query_count(5):
        client.get("/people/manage")
    for n in range(20):
        make_user(department=company["service"])
    with assert_query_count(5):
        client.get("/people/manage")


def test_profile_shows_department_and_contact(client, auth, staff, company):
    auth.login(staff)
    page = client.get("/people/hejing").get_data(as_text=True)
    assert "售前组" in page and "15857120012" in page
    assert "最近的账号动态" not in page  # other people's account activity is not shown


def test_own_profile_shows_account_activity(client, auth, staff):
    auth.login(staff)
    assert "最近的账号动态" in client.get("/people/xiaoli").get_data(as_text=True)


def test_create_user_without_javascript(client, auth, admin, company):
    auth.login(admin)
    response = client.post("/people/new", data={
        "username": "Xunuo", "password": "welcome-2026", "display_name": "许诺", "title": "售后专员",
        "department": company["service"].id, "role": "staff", "phone": "17757120014", "email": "xunuo@example.cn"})
    assert response.status_code == 303 and response.headers["Location"] == "/people/manage"
    user = User.get(User.username == "xunuo")
    assert user.department_id == company["service"].id and user.is_active
    assert AuditEvent.get(AuditEvent.action == USER_CREATED, AuditEvent.target_id == user.id).actor_id == admin.id
    assert "已创建账号 xunuo" in client.get("/people/manage").get_data(as_text=True)


def test_create_user_with_htmx_redirects(client, auth, admin):
    auth.login(admin)
    response = hx(client, "post", "/people/new", data={
        "username": "new1", "password": "welcome-2026", "display_name": "新人", "department": 0, "role": "staff"})
    assert response.headers["HX-Redirect"] == "/people/manage"


@pytest.mark.parametrize("change,message", [
    ({"username": "boss"}, "已被占用"),
    ({"username": "bad name!"}, "只能使用字母"),
    ({"password": "short"}, "至少需要 8 个字符"),
    ({"password": "12345678"}, "这个密码太常见"),
    ({"password": "aaaaaaaa"}, "这个密码太常见"),
    ({"password": "Password1"}, "这个密码太常见"),
    ({"password": "OK_Name1"}, "密码不能包含用户名"),
    ({"phone": "12345"}, "请输入 11 位手机号"),
    ({"email": "not-an-email"}, "有效的邮箱"),
    ({"display_name": ""}, "该字段是必填字段"),
])
def test_create_user_rejects_bad_input_and_keeps_the_rest(client, auth, admin, change, message):
    auth.login(admin)
    data = {"username": "ok_name", "password": "welcome-2026", "display_name": "王小二", "department": 0,
            "role": "staff", "title": "美工", **change}
    response = hx(client, "post", "/people/new", data=data, target="user-create-form")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in body and "<html" not in body
    assert 'value="美工"' in body  # what was typed is kept
    assert User.select().where(User.username == "ok_name").count() == 0


def test_inline_edit_round_trip(client, auth, admin, company):
    auth.login(admin)
    agent = company["agent"]
    form = hx(client, "get", f"/people/{agent.id}/edit", target=f"user-{agent.id}")
    body = form.get_data(as_text=True)
    assert form.status_code == 200 and "<html" not in body and f'id="user-{agent.id}"' in body and "<form" in body
    saved = hx(client, "post", f"/people/{agent.id}/edit", target=f"user-{agent.id}", data={
        "display_name": "何静", "title": "客服组长", "department": company["service"].id, "role": "head",
        "phone": "15857120012", "email": ""})
    body = saved.get_data(as_text=True)
    assert saved.status_code == 200 and "客服组长" in body and "<form" not in body.split("</td>")[0]
    assert '"user-updated"' in saved.headers["HX-Trigger"]
    agent = User.get_by_id(agent.id)
    assert agent.role == "head" and agent.department_id == company["service"].id
    role_event = AuditEvent.get(AuditEvent.action == ROLE_CHANGED)
    assert role_event.details == {"old": "staff", "new": "head"} and role_event.actor_id == admin.id
    assert AuditEvent.get(AuditEvent.action == USER_UPDATED).details["changed"]["title"] == ["售前客服", "客服组长"]


def test_inline_edit_invalid_returns_form_with_422(client, auth, admin, company):
    auth.login(admin)
    agent = company["agent"]
    response = hx(client, "post", f"/people/{agent.id}/edit", target=f"user-{agent.id}", data={
        "display_name": "何静", "department": 0, "role": "staff", "phone": "abc"})
    assert response.status_code == 422 and "请输入 11 位手机号" in response.get_data(as_text=True)
    assert User.get_by_id(agent.id).phone == "15857120012"


def test_cancel_returns_the_plain_row(client, auth, admin, company):
    auth.login(admin)
    body = hx(client, "get", f"/people/{company['agent'].id}/row").get_data(as_text=True)
    assert body.strip().startswith("{#") is False and f'id="user-{company["agent"].id}"' in body and "何静" in body


def test_edit_page_without_javascript(client, auth, admin, company):
    auth.login(admin)
    agent = company["agent"]
    assert "<html" in client.get(f"/people/{agent.id}/edit").get_data(as_text=True)
    response = client.post(f"/people/{agent.id}/edit", data={
        "display_name": "何静静", "department": company["presale"].id, "role": "staff"})
    assert response.status_code == 303
    assert User.get_by_id(agent.id).display_name == "何静静"


def test_last_admin_cannot_be_demoted(client, auth, admin):
    auth.login(admin)
    response = client.post(f"/people/{admin.id}/edit", data={"display_name": "周敏", "department": 0, "role": "staff"})
    assert response.status_code == 422 and "最后一位在用的管理员" in response.get_data(as_text=True)
    assert User.get_by_id(admin.id).role == "admin"


def test_deactivate_and_reactivate_with_htmx(client, auth, admin, company):
    auth.login(admin)
    picker = company["picker"]
    response = hx(client, "post", f"/people/{picker.id}/deactivate", target=f"user-{picker.id}")
    assert response.status_code == 200 and "已停用" in response.get_data(as_text=True)
    assert not User.get_by_id(picker.id).is_active
    assert AuditEvent.select().where(AuditEvent.action == USER_DEACTIVATED).count() == 1
    hx(client, "post", f"/people/{picker.id}/activate", target=f"user-{picker.id}")
    assert User.get_by_id(picker.id).is_active


def test_admin_cannot_deactivate_themselves(client, auth, admin):
    make_user("admin2", role="admin")
    auth.login(admin)
    response = hx(client, "post", f"/people/{admin.id}/deactivate", target=f"user-{admin.id}")
    assert response.status_code == 409 and response.headers["HX-Retarget"] == "#toasts"
    assert "不能停用自己的账号" in response.get_data(as_text=True)
    assert User.get_by_id(admin.id).is_active


def test_admin_resets_a_password(app, client, auth, admin, staff):
    auth.login(admin)
    response = client.post(f"/people/{staff.id}/password", data={"password": "fresh-start-1"})
    assert response.status_code == 303
    other = app.test_client()
    assert other.post("/login", data={"username": "xiaoli", "password": "fresh-start-1"}).status_code == 303


@pytest.mark.parametrize("password,message", [
    ("12345678", "这个密码太常见"),
    ("xiaoli2026", "密码不能包含用户名"),
    ("password123", "这个密码太常见"),
])
def test_admin_reset_refuses_weak_passwords(client, auth, admin, staff, password, message):
    auth.login(admin)
    response = client.post(f"/people/{staff.id}/password", data={"password": password}, follow_redirects=True)
    assert message in response.get_data(as_text=True)
    assert User.get_by_id(staff.id).password_hash == staff.password_hash  # nothing changed


def test_admin_reset_to_the_current_password_is_refused(client, auth, admin):
    user = make_user("xunuo", password="quiet-river-42")
    auth.login(admin)
    response = client.post(f"/people/{user.id}/password", data={"password": "quiet-river-42"}, follow_redirects=True)
    assert "新密码不能与当前密码相同" in response.get_data(as_text=True)
