"""Small steps the e2e tests share."""
import re

from playwright.sync_api import Page, expect

DEMO_PASSWORD = "demo1234"


def login(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("你好")


def logout(page: Page) -> None:
    # 退出 is under 我的 (on a phone its tab, on a desktop the name in the top bar), and asks first.
    page.goto("/me")
    page.locator("main").get_by_role("link", name="退出", exact=True).click()
    page.get_by_role("button", name="退出", exact=True).click()
    expect(page).to_have_url(re.compile(r"/login$"))


def choose(select, text: str) -> None:
    """Pick the option containing ``text`` (tree options are indented, so labels aren't exact)."""
    value = select.locator("option", has_text=text).first.get_attribute("value")
    select.select_option(value=value)
