"""Phone navigation and the installable app (issue 14, point 3): four tabs with icons and labels,
every module within two taps, sign-out under 我的; the service worker's offline page."""
import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import login

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def phone(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def test_four_tabs_each_with_an_icon_and_a_visible_label(phone):
    login(phone, "hejing")
    tabs = phone.locator(".tabbar a")
    expect(tabs).to_have_count(4)
    for tab, label in zip(tabs.all(), ("首页", "消息", "工作台", "我的")):
        expect(tab.locator("svg.icon")).to_be_visible()
        expect(tab.locator(".nav-label")).to_have_text(label)
        expect(tab.locator(".nav-label")).to_be_visible()
        box = tab.bounding_box()
        assert box["width"] >= 40 and box["height"] >= 40, (label, box)
    # The top bar holds no sign-out and no stray words: the brand and a search icon.
    expect(phone.locator(".topbar").get_by_role("link", name="退出")).to_have_count(0)
    expect(phone.locator(".topnav")).to_be_hidden()


def test_memos_are_two_taps_from_the_tabs(phone):
    # issue 14: 备忘 was not reachable on a phone at all.
    login(phone, "hejing")
    phone.locator(".tabbar").get_by_role("link", name="工作台").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("工作台")
    expect(phone.locator(".tabbar a[aria-current=page]")).to_have_text("工作台")
    phone.locator("main").get_by_role("link", name="备忘").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("备忘")
    # And under 我的 too; 退出 there asks first.
    phone.locator(".tabbar").get_by_role("link", name="我的").tap()
    expect(phone.locator("main").get_by_role("link", name="备忘")).to_be_visible()
    phone.locator("main").get_by_role("link", name="退出").tap()
    expect(phone.get_by_role("button", name="退出", exact=True)).to_be_visible()
    phone.get_by_role("link", name="取消").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("何静")


def test_offline_a_page_shows_the_offline_page_and_nothing_private_is_cached(phone):
    login(phone, "hejing")
    phone.goto("/inbox/")  # a private page, opened while the worker runs
    assert phone.evaluate("navigator.serviceWorker.ready.then((r) => r.active.state)") in ("activating", "activated")
    phone.reload()  # now controlled: the worker sees this navigation too
    assert phone.evaluate("navigator.serviceWorker.controller !== null")
    phone.context.set_offline(True)
    try:
        phone.goto("/people/")
        expect(phone.get_by_role("heading", level=1)).to_have_text("无法连接店务协同")
        # Drawn with its stylesheet, from the cache: the brand's top bar.
        expect(phone.locator(".topbar")).to_have_css("background-color", "rgb(194, 65, 12)")
        expect(phone.get_by_role("link", name="重试")).to_be_visible()
    finally:
        phone.context.set_offline(False)
    stored = phone.evaluate("""async () => {
        const urls = [];
        for (const name of await caches.keys()) {
          for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
        }
        return urls;
    }""")
    assert "/offline" in stored
    private = [url for url in stored if url != "/offline" and not url.startswith("/static/")]
    assert private == [], private
    # Back online, the page that failed opens again.
    phone.get_by_role("link", name="重试").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("同事")
