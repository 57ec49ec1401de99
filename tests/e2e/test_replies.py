"""Canned replies on a 375 px phone: an agent opens 话术 from 工作台, searches, taps 复制 and has the
wording on the clipboard, with a toast and the copy counted; without JavaScript the wording is a
read-only box to select by hand."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import login

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def phone(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport=PHONE, is_mobile=True, has_touch=True,
                                  permissions=["clipboard-read", "clipboard-write"])
    yield context.new_page()
    context.close()


def test_search_and_copy_a_reply_on_a_phone(phone):
    login(phone, "hejing")  # 售前组, under 客服部: reads 客服部's replies
    phone.goto("/workbench")
    phone.get_by_role("link", name="话术").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("话术")

    phone.get_by_label("搜索话术").fill("退款进度")
    card = phone.locator("article.reply-card", has_text="退款进度查询")
    expect(card).to_be_visible()
    expect(phone.locator("article.reply-card")).to_have_count(1)  # the active search narrowed the list
    expect(phone).to_have_url(re.compile(r"q=%E9%80%80"))
    # The placeholders are highlighted; the text box is for the no-JavaScript path only.
    expect(card.locator("mark.reply-placeholder").first).to_have_text("{买家}")
    uses = card.locator(".reply-uses")
    before = int(re.search(r"\d+", uses.text_content()).group())

    card.get_by_role("button", name="复制“退款进度查询”").tap()
    expect(phone.locator("#toasts .toast")).to_have_text("已复制“退款进度查询”")
    copied = phone.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("{买家}您好，帮您查到了：订单 {订单号} 的退款已于 {日期} 操作完成")
    assert copied == card.locator("textarea").input_value()  # the wording exactly, line breaks and all
    expect(uses).to_have_text(f"已复制 {before + 1} 次")


def test_without_javascript_the_wording_is_a_box_to_select(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("用户名", exact=True).fill("hejing")
    page.get_by_label("密码", exact=True).fill("demo1234")
    page.get_by_role("button", name="登录", exact=True).click()
    page.goto("/replies/?q=退货地址")
    card = page.locator("article.reply-card", has_text="退货地址与规则")
    box = card.get_by_label("“退货地址与规则”的内容")
    expect(box).to_be_visible()
    expect(box).to_have_attribute("readonly", "")
    assert "良睦路 1399 号" in box.input_value()
    expect(card.get_by_role("button", name=re.compile("复制"))).to_be_hidden()
    context.close()


def test_the_pick_partial_copies_inside_another_page(phone):
    # No page embeds the picker yet (the work-order page will): put it into a page the way one would,
    # an element with hx-get to /replies/pick, and use it as an agent would.
    login(phone, "xunuo")  # 售后组
    phone.goto("/me")
    phone.evaluate("""() => {
      const host = document.createElement("section");
      host.id = "reply-pick";
      host.setAttribute("hx-get", "/replies/pick?kind=return&q=签收");
      host.setAttribute("hx-trigger", "load");
      host.setAttribute("hx-swap", "outerHTML");
      document.querySelector("main").appendChild(host);
      htmx.process(host);
    }""")
    item = phone.locator(".reply-pick-item", has_text="退货已签收，等待退款")
    expect(item).to_be_visible()
    expect(item.locator("mark.reply-placeholder").first).to_have_text("{买家}")
    uses = item.locator(".reply-uses")
    before = int(re.search(r"\d+", uses.text_content()).group())
    item.get_by_role("button", name=re.compile("复制")).tap()
    expect(phone.locator("#toasts .toast")).to_have_text("已复制“退货已签收，等待退款”")
    assert phone.evaluate("navigator.clipboard.readText()").startswith("{买家}您好，您寄回的包裹（快递单号 {快递单号}）")
    expect(uses).to_have_text(f"已复制 {before + 1} 次")
