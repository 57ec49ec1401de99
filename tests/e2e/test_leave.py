"""Leave and the composer on a phone (issue 14, points 4 and 9): the 请假 form counts the days and
shows the balance while it is filled; the approver's 同意 is on the first screen at 375×812, with
distinct labels for the approval opinion and a comment; the feed composer leaves most of the first
screen to the feed, previews the files chosen and posts them."""
import base64
import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.helpers import login

pytestmark = pytest.mark.e2e
PHONE = {"width": 375, "height": 812}
# A real 1×1 PNG: the server checks an image's bytes, and the browser draws the thumbnail.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
LABEL_RULES = {"label", "form-field-multiple-labels", "label-title-only", "duplicate-id", "duplicate-id-aria",
               "label-content-name-mismatch"}


def _phone(browser, live_server):
    return browser.new_context(base_url=live_server, viewport=PHONE, is_mobile=True, has_touch=True)


def _first_screen_bottom(page) -> float:
    """Where the first screen ends: the fixed bottom tab bar's top, or the viewport's bottom."""
    return page.evaluate("""() => { const bar = document.querySelector(".tabbar");
        return bar && getComputedStyle(bar).position === "fixed" ? bar.getBoundingClientRect().top : innerHeight; }""")


def test_leave_days_and_balance_while_filing_and_the_decision_on_the_first_screen(browser, live_server):
    staff_context, head_context = _phone(browser, live_server), _phone(browser, live_server)
    staff, head = staff_context.new_page(), head_context.new_page()
    login(staff, "wuhao")  # 设计策划部, whose head is 刘洋
    login(head, "liuyang")

    # A Monday three weeks ahead to the Wednesday: three working days, counted as the dates are chosen.
    today = dt.date.today()
    monday = today + dt.timedelta(days=7 - today.weekday() + 14)
    staff.goto("/approvals/new/leave")
    expect(staff.locator("#leave-days")).to_have_text("请选择日期")
    staff.get_by_label("请假类型").select_option("年假")
    staff.get_by_label("开始日期").fill(monday.isoformat())
    staff.get_by_label("结束日期").fill((monday + dt.timedelta(days=2)).isoformat())
    staff.get_by_label("事由").fill("家里装修")
    expect(staff.locator("#leave-days")).to_have_text("3 天")
    expect(staff.locator("#leave-balance")).to_contain_text("剩余 5 天")
    expect(staff.locator("#leave-summary")).to_contain_text("周末和节假日不计")
    staff.get_by_role("button", name="提交").click()
    expect(staff.locator("section.approval")).to_contain_text("待审批")
    url = staff.url

    head.goto(url)
    approve = head.get_by_role("button", name="同意", exact=True)
    reject = head.get_by_role("button", name="驳回", exact=True)
    expect(approve).to_be_visible()
    bottom = _first_screen_bottom(head)
    for button in (approve, reject):
        box = button.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= bottom, (box, bottom)
    summary = head.locator(".approval-summary")
    expect(summary).to_contain_text("3 天")
    expect(summary).to_contain_text("剩余 5 天")
    # Two boxes, two purposes: the decision's opinion and a comment to everyone.
    expect(head.get_by_label("审批意见", exact=True)).to_have_count(1)
    expect(head.get_by_label("评论", exact=True)).to_have_count(1)
    results = Axe().run(head)
    assert [v["id"] for v in results.response["violations"] if v["id"] in LABEL_RULES] == []
    assert [v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")] == []

    head.get_by_label("审批意见", exact=True).fill("注意交接")
    approve.click()
    expect(head.locator("section.approval")).to_contain_text("已通过")
    expect(staff.locator("section.approval")).to_contain_text("已通过")
    staff_context.close()
    head_context.close()


def test_the_composer_is_compact_previews_files_and_posts_them(browser, live_server):
    context = _phone(browser, live_server)
    page = context.new_page()
    login(page, "huangting")
    composer = page.locator("#composer")
    expect(composer).to_be_visible()
    assert composer.bounding_box()["height"] < 0.4 * PHONE["height"]
    attach = composer.locator("label.composer-attach")
    expect(attach).to_be_visible()
    expect(attach).to_have_text("附件")
    # The tools fit one row: 附件, the folded audience and reminders, 发布.
    tops = {round(el.bounding_box()["y"]) for el in (
        attach, composer.locator(".composer-more summary"), composer.get_by_role("button", name="发布"))}
    assert len(tops) == 1, tops
    # The feed starts on the first screen, below the composer.
    assert page.locator("article.post").first.bounding_box()["y"] < _first_screen_bottom(page)

    page.locator("#files").set_input_files([
        {"name": "新主图.png", "mimeType": "image/png", "buffer": PNG},
        {"name": "报价单.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"},
    ])
    items = composer.locator(".composer-files li")
    expect(items).to_have_count(2)
    thumbnail = items.nth(0).locator("img")
    expect(thumbnail).to_be_visible()
    assert thumbnail.get_attribute("src").startswith("blob:")
    expect(items.nth(1)).to_contain_text("报价单.pdf")
    composer.get_by_role("button", name="移除 报价单.pdf").click()
    expect(items).to_have_count(1)
    expect(items.nth(0)).to_contain_text("新主图.png")

    box = page.get_by_label("有什么新动态？")
    before = box.bounding_box()["height"]
    box.fill("新主图定稿，请看附件")
    # The box grows once it is used, through a 0.15 s CSS transition: wait for it rather than read
    # the height at the transition's first frame (that read made this test flaky).
    box.evaluate("(el, before) => new Promise((done, fail) => { const t0 = performance.now();"
                 " (function check() { if (el.getBoundingClientRect().height > before) done();"
                 " else if (performance.now() - t0 > 3000) fail(new Error('the box did not grow'));"
                 " else requestAnimationFrame(check); })(); })", before)
    composer.get_by_role("button", name="发布").click()
    card = page.locator("article.post", has_text="新主图定稿")
    expect(card).to_be_visible()
    expect(card.get_by_role("link", name="新主图.png")).to_be_visible()
    expect(card.get_by_role("link", name="报价单.pdf")).to_have_count(0)
    expect(page.locator("#composer .composer-files li")).to_have_count(0)
    context.close()
