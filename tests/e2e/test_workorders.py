"""Work orders in real browsers on 375 px phones: 何静 opens a complaint for 客服部's queue from the
form, 许诺 claims it from the department queue with one tap (the head's open page shows the new
assignee live), delivers it, and 何静 accepts it; the timeline records each step."""
import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import login

pytestmark = pytest.mark.e2e
PHONE = {"width": 375, "height": 812}


def test_a_complaint_is_opened_claimed_delivered_and_accepted_on_phones(browser, live_server):
    contexts = [browser.new_context(base_url=live_server, viewport=PHONE, is_mobile=True, has_touch=True)
                for _ in range(3)]
    opener, agent, head = (c.new_page() for c in contexts)
    login(opener, "hejing")
    login(agent, "xunuo")
    login(head, "zhengli")

    opener.goto("/work-orders/new")
    opener.get_by_label("类型").select_option("complaint")
    opener.get_by_label("标题").fill("买家投诉：快递三天没更新")
    opener.get_by_label("内容和要求").fill("买家 **很着急**，请今天内回复。")
    opener.get_by_label("或交给部门（待领取）").select_option(label="客服部")
    opener.get_by_role("button", name="提交工单").click()
    expect(opener.locator(".wo-status")).to_have_text("待处理")
    expect(opener.locator(".wo-clock")).to_contain_text("首次响应")
    url = opener.url

    head.goto(url)
    expect(head.locator(".wo-facts")).to_contain_text("尚未领取")

    agent.goto("/work-orders/?tab=queue")
    agent.get_by_role("link", name="买家投诉：快递三天没更新").click()
    agent.get_by_role("button", name="领取").click()
    expect(agent.locator(".wo-status")).to_have_text("处理中")
    # The head's open page moves without a reload (the live stream).
    expect(head.locator(".wo-facts")).to_contain_text("许诺")

    agent.get_by_placeholder("备注（可选）").first.fill("已联系快递，明天送达")
    agent.get_by_role("button", name="提交验收").click()
    expect(agent.locator(".wo-status")).to_have_text("待验收")

    opener.goto(url)
    opener.get_by_role("button", name="验收通过").click()
    expect(opener.locator(".wo-status")).to_have_text("已完成")
    expect(opener.locator(".wo-events")).to_contain_text("领取了工单")
    expect(opener.locator(".wo-events")).to_contain_text("验收通过")
    for context in contexts:
        context.close()


def test_a_post_is_turned_into_a_task_order_on_a_phone(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    login(page, "hejing")
    page.get_by_label("有什么新动态？").fill("双12主图 5 张\n尺寸 800x800，周五前交")
    page.get_by_role("button", name="发布").click()
    card = page.locator("article.post", has_text="双12主图 5 张").first
    expect(card).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    card.get_by_role("link", name="转为任务单").click()
    expect(page.get_by_label("标题")).to_have_value("双12主图 5 张")
    page.get_by_label("或交给部门（待领取）").select_option(label="设计策划部")
    page.get_by_label("截止时间（任务单必填）").fill("2099-12-11T18:00")
    page.get_by_role("button", name="提交工单").click()
    expect(page.locator(".wo-facts")).to_contain_text("来自动态")
    number = page.locator("#wo-summary-title").inner_text().strip()
    page.locator("#wo-source").click()
    expect(page.locator("article.post").first).to_contain_text(f"已转任务单 {number}")
    context.close()
