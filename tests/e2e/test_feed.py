"""The feed in real browsers: two people in two contexts see posts, comments, likes
and the inbox badge arrive without reloading; @mention suggestions; posting without JS."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import login

pytestmark = pytest.mark.e2e


def unread(page) -> int:
    return int(page.locator("#inbox-badge").text_content().strip() or 0)


def test_post_comment_like_and_badge_arrive_live(browser, live_server):
    author_context = browser.new_context(base_url=live_server)
    reader_context = browser.new_context(base_url=live_server)
    author, reader = author_context.new_page(), reader_context.new_page()
    login(author, "chenjh")
    login(reader, "hejing")
    reader_unread = unread(reader)
    author_unread = unread(author)

    # The author picks 何静 from the @ suggestions by her pinyin initials.
    box = author.get_by_label("有什么新动态？")
    box.fill("今晚8点直播彩排，请 @hj")
    option = author.get_by_role("option", name=re.compile("何静"))
    expect(option).to_be_visible()
    box.press("Enter")
    expect(box).to_have_value("今晚8点直播彩排，请 @何静 ")
    box.press_sequentially("准时到")
    author.get_by_role("button", name="发布").click()

    # The reader's open page shows the post, and her badge counts the mention.
    card = reader.locator("article.post", has_text="今晚8点直播彩排")
    expect(card).to_be_visible()
    expect(card.get_by_role("link", name="@何静")).to_be_visible()
    expect(reader.locator("#inbox-badge")).to_have_text(str(reader_unread + 1))
    # The author's own page shows it once, brought by the live stream.
    expect(author.locator("article.post", has_text="今晚8点直播彩排")).to_have_count(1)

    # Her comment and like reach the author's page.
    card.get_by_label("发表评论").fill("收到，准时到")
    card.get_by_role("button", name="发送").click()
    expect(card.locator(".comment-list")).to_contain_text("收到，准时到")
    card.get_by_role("button", name=re.compile("赞")).click()
    author_card = author.locator("article.post", has_text="今晚8点直播彩排")
    expect(author_card.locator(".comment-list")).to_contain_text("收到，准时到")
    expect(author_card.get_by_role("button", name=re.compile("赞"))).to_contain_text("1")
    expect(author.locator("#inbox-badge")).to_have_text(str(author_unread + 1))

    author_context.close()
    reader_context.close()


def test_department_post_does_not_reach_other_departments(browser, live_server):
    author_context = browser.new_context(base_url=live_server)
    outsider_context = browser.new_context(base_url=live_server)
    author, outsider = author_context.new_page(), outsider_context.new_page()
    login(author, "zhengli")  # 客服部
    login(outsider, "wanglei")  # 运营推广部
    author.get_by_label("有什么新动态？").fill("客服部内部：明早例会改到9点半")
    author.get_by_text("可见范围、提醒").click()
    author.get_by_label("谁能看到").select_option("departments")
    dept = author.locator("#composer").get_by_label("部门", exact=True)
    value = dept.locator("option", has_text="客服部").first.get_attribute("value")
    dept.select_option(value=value)
    author.get_by_role("button", name="发布").click()
    expect(author.locator("article.post", has_text="明早例会")).to_be_visible()
    # Give the outsider's stream time to (not) deliver, then check the page and the search.
    outsider.wait_for_timeout(2500)
    expect(outsider.locator("article.post", has_text="明早例会")).to_have_count(0)
    outsider.goto("/feed/search?q=例会改到")
    expect(outsider.get_by_text("没有包含“例会改到”的动态")).to_be_visible()
    author_context.close()
    outsider_context.close()


def test_posting_and_commenting_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    login(page, "wanglei")
    page.get_by_label("有什么新动态？").fill("无脚本也能发：**主图**已更新")
    page.get_by_role("button", name="发布").click()
    card = page.locator("article.post", has_text="无脚本也能发")
    expect(card.locator("strong")).to_have_text("主图")
    card.get_by_label("发表评论").fill("辛苦了")
    card.get_by_role("button", name="发送").click()
    expect(page.locator(".comment-list")).to_contain_text("辛苦了")
    context.close()
