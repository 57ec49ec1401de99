"""Signing in and out, throttling, own password, sessions, language."""
from office.models.audit import LOGIN, LOGIN_FAILED, AuditEvent
from office.people.accounts import set_active
from tests.conftest import hx


def test_login_page_is_chinese_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
    assert "登录店务协同" in page
    assert 'name="username"' in page and 'name="password"' in page


def test_login_then_home(client, auth, staff):
    response = auth.login(staff)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "你好，李小丽" in client.get("/").get_data(as_text=True)
    assert AuditEvent.select().where(AuditEvent.action == LOGIN, AuditEvent.actor == staff).count() == 1


def test_username_is_case_insensitive(auth, staff):
    assert auth.login("XiaoLi").status_code == 303


def test_wrong_password_is_refused_and_audited(client, auth, staff):
    response = auth.login(staff, password="nope-nope")
    assert response.status_code == 422
    assert "用户名或密码错误" in response.get_data(as_text=True)
    event = AuditEvent.get(AuditEvent.action == LOGIN_FAILED)
    assert event.subject == "xiaoli" and event.actor is None
    assert client.get("/").status_code == 302


def test_unknown_user_gets_the_same_answer(auth):
    response = auth.login("ghost", password="whatever1")
    assert response.status_code == 422
    assert "用户名或密码错误" in response.get_data(as_text=True)


def test_deactivated_user_cannot_sign_in(auth, staff, admin):
    set_active(staff, False, by=admin)
    assert auth.login(staff).status_code == 422
    assert AuditEvent.get(AuditEvent.action == LOGIN_FAILED).details["reason"] == "inactive"


def test_throttling_after_repeated_failures(app, auth, staff):
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        assert auth.login(staff, password="wrong-wrong").status_code == 422
    # Even the right password is refused while locked.
    response = auth.login(staff)
    assert response.status_code == 429
    assert "失败次数过多" in response.get_data(as_text=True)


def test_other_usernames_are_not_locked_by_one_users_failures(app, auth, staff, admin):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        auth.login(staff, password="wrong-wrong")
    assert auth.login(admin).status_code == 303


def test_success_resets_the_failure_count(app, auth, staff):
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit - 1):
        auth.login(staff, password="wrong-wrong")
    assert auth.login(staff).status_code == 303
    auth.logout()
    for _ in range(limit - 1):
        assert auth.login(staff, password="wrong-wrong").status_code == 422
    assert auth.login(staff).status_code == 303


def test_next_is_followed_only_within_the_site(client, staff):
    ok = client.post("/login", data={"username": "xiaoli", "password": "password123", "next": "/people/"})
    assert ok.headers["Location"] == "/people/"
    client.post("/logout")
    evil = client.post("/login", data={"username": "xiaoli", "password": "password123",
                                       "next": "//evil.example/x"})
    assert evil.headers["Location"] == "/"


def test_anonymous_page_redirects_to_login_with_next(client):
    response = client.get("/people/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_logout_is_post_only_and_ends_the_session(client, auth, staff):
    auth.login(staff)
    assert client.get("/logout").status_code == 405
    response = auth.logout()
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_logout_with_htmx_uses_hx_redirect(client, auth, staff):
    auth.login(staff)
    response = hx(client, "post", "/logout")
    assert response.headers["HX-Redirect"] == "/login"


def test_change_password_signs_out_other_sessions(app, client, auth, staff):
    other = app.test_client()
    other.post("/login", data={"username": "xiaoli", "password": "password123"})
    assert other.get("/").status_code == 200
    auth.login(staff)
    wrong = client.post("/account/password", data={"current": "bad-bad-bad", "new": "newpass456", "confirm": "newpass456"})
    assert wrong.status_code == 422 and "当前密码不正确" in wrong.get_data(as_text=True)
    short = client.post("/account/password", data={"current": "password123", "new": "abc", "confirm": "abc"})
    assert short.status_code == 422 and "至少需要 8 个字符" in short.get_data(as_text=True)
    ok = client.post("/account/password", data={"current": "password123", "new": "newpass456", "confirm": "newpass456"})
    assert ok.status_code == 303
    assert client.get("/").status_code == 200  # this session continues
    assert other.get("/").status_code == 302  # the other one ended
    auth.logout()
    assert auth.login(staff, password="newpass456").status_code == 303


def test_deactivation_ends_existing_sessions(client, auth, staff, admin):
    auth.login(staff)
    assert client.get("/").status_code == 200
    set_active(staff, False, by=admin)
    assert client.get("/").status_code == 302


def test_language_choice_is_remembered_per_user(app, client, auth, staff):
    auth.login(staff)
    response = client.post("/account/language", data={"language": "en", "next": "/people/"})
    assert response.status_code == 303 and response.headers["Location"] == "/people/"
    assert "Colleagues" in client.get("/people/").get_data(as_text=True)
    # A new device: the account remembers.
    fresh = app.test_client()
    fresh.post("/login", data={"username": "xiaoli", "password": "password123"})
    assert '<html lang="en">' in fresh.get("/").get_data(as_text=True)


def test_anonymous_language_choice_uses_a_cookie(client):
    client.post("/account/language", data={"language": "en"})
    assert "Sign in to ShopOffice" in client.get("/login").get_data(as_text=True)


def test_unknown_language_is_refused(client):
    client.post("/account/language", data={"language": "xx"})
    assert '<html lang="zh-CN">' in client.get("/login").get_data(as_text=True)
