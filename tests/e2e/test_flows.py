"""Real-browser flows against the served app."""
import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import choose, login, logout

pytestmark = pytest.mark.e2e


def test_login_and_switch_language(page: Page):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("登录店务协同")
    login(page, "chenjh")
    expect(page.get_by_role("heading", level=1)).to_have_text("你好，陈建华")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, 陈建华")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/people/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Colleagues")
    page.get_by_role("button", name="简体中文").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("同事")


def test_admin_creates_a_department_and_a_user_who_then_signs_in(page: Page):
    login(page, "admin")
    page.goto("/departments/")
    form = page.locator("#department-tree form").first
    form.get_by_label("姓名").fill("跨境电商部")
    choose(form.get_by_label("上级部门"), "运营推广部")
    form.get_by_role("button", name="添加").click()
    row = page.locator("tr", has_text="跨境电商部")
    expect(row).to_be_visible()

    page.goto("/people/new")
    page.get_by_label("用户名").fill("liwen")
    page.get_by_label("初始密码").fill("start-2026")
    page.get_by_label("姓名").fill("李文")
    page.get_by_label("职位").fill("亚马逊运营")
    choose(page.get_by_label("部门"), "跨境电商部")
    page.get_by_label("手机").fill("13912345678")
    page.get_by_role("button", name="创建账号").click()
    expect(page).to_have_url(re.compile(r"/people/manage$"))
    expect(page.get_by_text("已创建账号 liwen")).to_be_visible()
    expect(page.locator("#user-table tr", has_text="李文")).to_contain_text("员工")  # staff unless chosen

    # Inline edit: the row turns into a form and back, without leaving the page.
    page.get_by_label("搜索").fill("李文")
    expect(page).to_have_url(re.compile(r"q=%E6%9D%8E%E6%96%87"))  # the active search has swapped the table
    user_row = page.locator("#user-table tr", has_text="李文")
    expect(user_row).to_have_count(1)
    user_row.get_by_role("link", name=re.compile("编辑")).click()
    editing = page.locator("tr.editing")
    editing.get_by_label("职位").fill("亚马逊运营主管")
    editing.get_by_role("button", name="保存").click()
    expect(page.locator("#user-table tr", has_text="李文")).to_contain_text("亚马逊运营主管")
    expect(page.locator("tr.editing")).to_have_count(0)

    logout(page)
    login(page, "liwen", "start-2026")
    expect(page.get_by_role("complementary").get_by_role("link", name="跨境电商部")).to_be_visible()


def test_refused_action_shows_a_toast(page: Page):
    login(page, "admin")
    page.goto("/people/manage?q=admin")
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("#user-table tr", has_text="周敏").get_by_role("button", name=re.compile("停用")).click()
    expect(page.locator("#toasts .toast")).to_contain_text("不能停用自己的账号")
    expect(page.locator("#user-table")).to_be_visible()  # the table was not replaced


def test_core_flow_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    login(page, "admin")
    page.goto("/departments/")
    form = page.locator("#department-tree form").first
    form.get_by_label("姓名").fill("质检组")
    form.get_by_role("button", name="添加").click()
    expect(page.get_by_text("已创建部门“质检组”")).to_be_visible()
    row = page.locator("tr", has_text="质检组")
    row.get_by_role("link", name=re.compile("编辑")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("编辑 质检组")
    choose(page.get_by_label("上级部门"), "物流仓储部")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存")).to_be_visible()
    context.close()
