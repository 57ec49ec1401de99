"""Signing in and out, throttling, own password, sessions, language."""
import pytest

from office.models.audit import LOGIN, LOGIN_FAILED, LOGOUT, SIGNED_OUT_ELSEWHERE, AuditEvent
from office.models.people import User
from office.people.accounts import set_active
from tests.conftest import hx
from tests.factories import make_user


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


def _login_from(client, address, password="password123", username="xiaoli"):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_a_colleague_cannot_lock_someone_out(app, client, staff):
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        assert _login_from(client, "10.9.9.9", "wrong-wrong").status_code == 422
    # The guesser's machine is locked out, even with the right password...
    assert _login_from(client, "10.9.9.9").status_code == 429
    # ...but not the owner on their own machine, which has not failed.
    own = app.test_client()
    assert _login_from(own, "10.0.0.5").status_code == 303
    # Their sign-in does not give the guesser fresh tries.
    assert _login_from(app.test_client(), "10.9.9.9").status_code == 429


def test_a_wrong_guess_from_a_fresh_address_is_held_by_the_username_lock(app, client, staff):
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        _login_from(client, "10.9.9.9", "wrong-wrong")
    # While the username is locked, each new address gets its password checked once, no more.
    assert _login_from(client, "10.1.1.1", "wrong-again").status_code == 422
    response = _login_from(client, "10.1.1.1")
    assert response.status_code == 429 and "失败次数过多" in response.get_data(as_text=True)
    assert _login_from(app.test_client(), "10.2.2.2").status_code == 303


def test_one_address_is_locked_per_username_before_the_username_limit(app, client, staff, admin):
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        _login_from(client, "10.9.9.9", "wrong-wrong")
    # The same address may still sign in as someone else.
    assert _login_from(client, "10.9.9.9", username="boss").status_code == 303


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


def test_sign_out_asks_first(client, auth, staff):
    # issue 14: 退出 in the top bar signed out at once, easy to hit by mistake. It is under 我的 now
    # (tests/web/test_navigation.py), and its link leads to this question.
    auth.login(staff)
    page = client.get("/people/?q=x").get_data(as_text=True)
    topbar = page.split('class="topbar"', 1)[1].split("</header>", 1)[0]
    assert 'action="/logout"' not in topbar and "/logout" not in topbar
    assert 'href="/logout/confirm?next=/me"' in client.get("/me").get_data(as_text=True)
    confirm = client.get("/logout/confirm?next=/people/?q=x")
    body = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "确定退出" in body
    assert 'action="/logout"' in body and 'name="csrf_token"' in body and 'href="/people/?q=x"' in body
    assert client.get("/").status_code == 200  # looking at the question signs no one out
    # Another site is never the way back.
    assert 'href="/"' in client.get("/logout/confirm?next=https://evil.example/").get_data(as_text=True)
    assert auth.logout().status_code == 303 and client.get("/").status_code == 302


def _copy_cookie(source, target, name):
    cookie = source.get_cookie(name)
    assert cookie is not None, name
    target.set_cookie(name, cookie.value)


def test_a_copied_session_cookie_stops_working_after_logout(app, client, auth, staff):
    auth.login(staff)
    copy = app.test_client()
    _copy_cookie(client, copy, "session")
    assert copy.get("/").status_code == 200
    token = User.get_by_id(staff.id).session_token
    auth.logout()
    assert User.get_by_id(staff.id).session_token != token
    assert copy.get("/").status_code == 302
    assert AuditEvent.select().where(AuditEvent.action == LOGOUT).count() == 1


def test_a_copied_remember_me_cookie_stops_working_after_logout(app, client, staff):
    client.post("/login", data={"username": "xiaoli", "password": "password123", "remember": "y"})
    copy = app.test_client()
    _copy_cookie(client, copy, "remember_token")
    assert copy.get("/").status_code == 200  # the remember-me cookie alone signs in
    client.post("/logout")
    later = app.test_client()
    _copy_cookie(copy, later, "remember_token")
    assert later.get("/").status_code == 302


def test_logout_ends_the_accounts_other_sessions_too(app, client, auth, staff):
    # One session token per account: signing out anywhere signs out everywhere.
    other = app.test_client()
    other.post("/login", data={"username": "xiaoli", "password": "password123"})
    auth.login(staff)
    auth.logout()
    assert other.get("/").status_code == 302


def test_sign_out_all_other_devices_keeps_this_browser(app, client, auth, staff):
    other = app.test_client()
    other.post("/login", data={"username": "xiaoli", "password": "password123"})
    auth.login(staff)
    copy = app.test_client()
    _copy_cookie(client, copy, "session")
    page = client.get("/people/xiaoli").get_data(as_text=True)
    assert "退出其他所有设备" in page and 'action="/account/sign-out-others"' in page
    response = client.post("/account/sign-out-others")
    assert response.status_code == 303 and response.headers["Location"] == "/people/xiaoli"
    assert "已退出其他所有设备上的登录" in client.get("/people/xiaoli").get_data(as_text=True)
    assert client.get("/").status_code == 200  # this browser stays signed in
    assert other.get("/").status_code == 302
    assert copy.get("/").status_code == 302  # a cookie copied before is one of the others
    event = AuditEvent.get(AuditEvent.action == SIGNED_OUT_ELSEWHERE)
    assert event.actor_id == staff.id and event.subject == "xiaoli"


def test_sign_out_all_other_devices_renews_this_browsers_remember_me_cookie(app, client, staff):
    client.post("/login", data={"username": "xiaoli", "password": "password123", "remember": "y"})
    old = client.get_cookie("remember_token").value
    client.post("/account/sign-out-others")
    new = client.get_cookie("remember_token").value
    assert new != old
    fresh, stale = app.test_client(), app.test_client()
    fresh.set_cookie("remember_token", new)
    stale.set_cookie("remember_token", old)
    assert fresh.get("/").status_code == 200 and stale.get("/").status_code == 302


def test_sign_out_all_other_devices_is_post_only_for_the_signed_in(app, client, auth, staff, admin):
    assert client.post("/account/sign-out-others").status_code == 302  # to the login page
    auth.login(staff)
    assert client.get("/account/sign-out-others").status_code == 405
    assert hx(client, "post", "/account/sign-out-others").headers["HX-Redirect"] == "/people/xiaoli"
    # The button is on one's own profile only.
    assert "/account/sign-out-others" not in client.get("/people/boss").get_data(as_text=True)


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


@pytest.mark.parametrize("new,message", [
    ("12345678", "这个密码太常见"),
    ("aaaaaaaa", "这个密码太常见"),
    ("Qwerty123", "这个密码太常见"),
    ("xiaoli1!", "密码不能包含用户名"),
    ("My-XiaoLi-2026", "密码不能包含用户名"),
    ("quiet-river-42", "新密码不能与当前密码相同"),
])
def test_change_password_refuses_weak_or_unchanged_passwords(client, auth, new, message):
    user = make_user("xiaoli", password="quiet-river-42")
    auth.login(user, password="quiet-river-42")
    response = client.post("/account/password", data={"current": "quiet-river-42", "new": new, "confirm": new})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert User.get_by_id(user.id).password_hash == user.password_hash


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
