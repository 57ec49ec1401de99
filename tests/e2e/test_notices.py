"""Notices and the inbox in real browsers: a head publishes to her department, a member's
badge ticks live, she opens it from the inbox and confirms; the head sees the count."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import login

pytestmark = pytest.mark.e2e


def test_notice_reaches_the_inbox_live_and_is_confirmed(browser, live_server):
    head_context = browser.new_context(base_url=live_server)
    member_context = browser.new_context(base_url=live_server)
    head, member = head_context.new_page(), member_context.new_page()
    login(head, "zhengli")  # 客服部 head
    login(member, "machao")  # 售前组, under 客服部
    before = int(member.locator("#inbox-badge").text_content().strip() or 0)

    head.goto("/notices/new")
    head.get_by_label("标题").fill("周末值班表已排好")
    head.get_by_label("正文").fill("请**售前组**周六 9:00 到岗。")
    head.get_by_label("指定部门").check()
    head.get_by_label("客服部", exact=True).check()
    head.get_by_label("要求接收人确认已阅读").check()
    head.get_by_role("button", name="发布").click()
    expect(head.get_by_role("heading", level=1)).to_contain_text("周末值班表已排好")

    expect(member.locator("#inbox-badge")).to_have_text(str(before + 1))
    member.get_by_role("link", name=re.compile("消息")).first.click()
    row = member.locator("li, tr, article", has_text="周末值班表已排好").first
    row.get_by_role("button", name=re.compile("查看")).click()
    expect(member.get_by_role("heading", level=1)).to_contain_text("周末值班表已排好")
    member.get_by_role("button", name="我已阅读").click()
    # The confirmation itself, not the button (whose text matched at once, racing the reload below).
    expect(member.locator(".notice-confirm .confirmed")).to_be_visible()

    head.reload()
    expect(head.get_by_text(re.compile("已有 1 位确认"))).to_be_visible()
    head_context.close()
    member_context.close()
