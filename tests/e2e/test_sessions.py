"""Sessions and headers in a real browser: signing out ends a copied session or remember-me
cookie, "sign out all other devices" ends the others and keeps this one, frames are refused,
and the page guard (conftest.py) really sees a CSP violation."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import DEMO_PASSWORD, login, logout

pytestmark = pytest.mark.e2e


@pytest.fixture
def two_browsers(browser, live_server):
    """Two separate browsers (cookie jars) on the app, each with one page: yours and another."""
    contexts = [browser.new_context(base_url=live_server) for _ in range(2)]
    yield [(context, context.new_page()) for context in contexts]
    for context in contexts:
        context.close()


def _signed_in(page) -> bool:
    page.goto("/")
    return not re.search(r"/login", page.url)


def test_a_copied_session_cookie_stops_working_after_logout(two_browsers):
    (mine, page), (thief, stolen) = two_browsers
    login(page, "hejing")
    thief.add_cookies(mine.cookies())
    assert _signed_in(stolen)
    logout(page)
    assert not _signed_in(stolen)


def test_a_copied_remember_me_cookie_stops_working_after_logout(two_browsers):
    (mine, page), (thief, stolen) = two_browsers
    page.goto("/login")
    page.get_by_label("用户名", exact=True).fill("hejing")
    page.get_by_label("密码", exact=True).fill(DEMO_PASSWORD)
    page.get_by_label("在此设备上保持登录").check()
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("你好")
    remember = [c for c in mine.cookies() if c["name"] == "remember_token"]
    assert remember
    thief.add_cookies(remember)  # the remember-me cookie alone signs a browser in
    assert _signed_in(stolen)
    thief.clear_cookies()
    logout(page)
    thief.add_cookies(remember)
    assert not _signed_in(stolen)


def test_sign_out_all_other_devices_keeps_this_browser(two_browsers):
    (_phone, here), (_laptop, there) = two_browsers
    login(here, "zhaopeng")
    login(there, "zhaopeng")
    here.goto("/people/zhaopeng")
    here.get_by_role("button", name="退出其他所有设备").click()
    expect(here.get_by_text("已退出其他所有设备上的登录")).to_be_visible()
    assert _signed_in(here)
    assert not _signed_in(there)


def test_pages_cannot_be_framed(page, live_server, page_guard):
    page.set_content(f'<iframe src="{live_server}/login" title="x"></iframe>')
    frame = page.frames[-1]
    page.wait_for_timeout(500)
    # Chromium shows its own error page in the frame instead of the sign-in form.
    assert frame.locator("input[name=username]").count() == 0
    assert any("frame-ancestors" in v for v in page_guard.violations)
    page_guard.violations.clear()  # expected here


def test_the_guard_sees_a_csp_violation(page, page_guard):
    page.goto("/login")
    assert page_guard.pages_checked == 1 and not page_guard.header_problems
    page.evaluate("""document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>')""")
    page_guard.flush()
    assert any("style-src" in v for v in page_guard.violations), page_guard.violations
    page_guard.violations.clear()  # caused on purpose
